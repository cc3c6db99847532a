import Glibc
import Testing
@testable import SwiftEAL

/// SWIFTEAL_FAULT's grammar (the injection itself is Tests/c/test_faults.c's: the plan is
/// read once per process).
@Suite("Fault plan")
struct FaultPlanTests {
    @Test("<kind>:<n> fails the n-th call with the kind's errno; <kind>:<n>:<errno> by name or number; trace")
    func parses() throws {
        let p = try #require(FaultPlan.parse("mmap:3"))
        #expect(p.kind == .mmap && p.nth == 3 && p.errno == ENOMEM && !p.trace)
        let defaults: [(String, Int32)] = [("ftruncate", ENOSPC), ("fallocate", ENOSPC), ("open", EMFILE),
                                          ("flock", ENOLCK), ("epoll", ENOMEM), ("memfd", EMFILE)]
        for (kind, e) in defaults {
            let q = try #require(FaultPlan.parse("\(kind):1"))
            #expect(q.kind?.name == kind && q.errno == e)
        }
        #expect(FaultPlan.parse("open:12:EACCES")?.errno == EACCES)
        #expect(FaultPlan.parse("flock:2:11")?.errno == 11)
        let t = try #require(FaultPlan.parse("trace"))
        #expect(t.trace && t.kind == nil)
    }

    @Test("what does not parse is no plan")
    func rejects() {
        for text in ["", "mmap", "mmap:", "mmap:0", "mmap:-1", "mmap:x", "mmap: 1", "nope:1", "MMAP:1",
                     "mmap:1:", "mmap:1:0", "mmap:1:-5", "mmap:1:ENOTANERRNO", "mmap:1:2:3", "trace:1", ":1"] {
            #expect(FaultPlan.parse(text) == nil, "\(text)")
        }
    }

    @Test("without a plan nothing is injected")
    func unset() {
        // swift test runs without SWIFTEAL_FAULT (a plan there would fail the other suites)
        #expect(faultPlan == nil)
        #expect(!faultInjected(.mmap, #fileID, #line))
    }
}
