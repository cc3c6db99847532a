import CEALShared
import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

/// A registered element must outlive the registry: never freed.
private func element(_ name: String) -> UnsafeMutablePointer<rte_tailq_elem> {
    let e = UnsafeMutablePointer<rte_tailq_elem>.allocate(capacity: 1)
    memset(e, 0, MemoryLayout<rte_tailq_elem>.size)
    _ = name.withCString { strncpy(UnsafeMutableRawPointer(mutating: eal_tailq_elem_name(e)!).assumingMemoryBound(to: CChar.self), $0, 31) }
    return e
}

/// Unregisters this suite's elements (test-only: the API has no unregister).
private func forgetTestElements() {
    var e = eal_tailq_first()
    while let el = e {
        e = eal_tailq_next(el)
        if String(cString: eal_tailq_elem_name(el)).hasPrefix("SWIFTTEST_") { eal_tailq_remove(el) }
    }
}

@Suite("tailqs", .serialized)
struct TailqTests {
    @Test("heads appear at init, by name; later registrations attach at once; full table refused")
    func lifecycle() {
        defer { forgetTestElements() }
        let a = element("SWIFTTEST_TQ_A")
        #expect(rte_eal_tailq_register(a) == 0)
        #expect(a.pointee.head == nil)
        #expect(rte_eal_tailq_lookup("SWIFTTEST_TQ_A") == nil)
        #expect(rte_eal_tailq_register(element("SWIFTTEST_TQ_A")) == -1)   // duplicate name
        #expect(rte_eal_tailq_register(element("")) == 0)                 // registered, never attached

        #expect(!tailqsInit())                          // the empty name cannot get a head
        tailqsCleanup()
        var e = eal_tailq_first()
        while let el = e {                              // drop the nameless one for the rest
            e = eal_tailq_next(el)
            if eal_tailq_elem_name(el).pointee == 0 { eal_tailq_remove(el) }
        }

        #expect(tailqsInit())
        defer { tailqsCleanup() }
        let head = rte_eal_tailq_lookup("SWIFTTEST_TQ_A")
        #expect(head != nil)
        #expect(a.pointee.head == head)
        #expect(String(cString: eal_tailq_head_name(head!)) == "SWIFTTEST_TQ_A")
        #expect(eal_tailq_head_first(head!) == nil)      // an empty, initialised list
        #expect(eal_tailq_head_last(head!) != nil)

        let b = element("SWIFTTEST_TQ_B")
        #expect(rte_eal_tailq_register(b) == 0)
        #expect(b.pointee.head != nil && b.pointee.head != head)
        #expect(rte_eal_tailq_lookup("SWIFTTEST_TQ_B") == b.pointee.head)
        #expect(rte_eal_tailq_lookup("") == nil)
        #expect(rte_eal_tailq_lookup(nil) == nil)

        var attached = 0
        for i in 0..<40 where rte_eal_tailq_register(element("SWIFTTEST_FILL_\(i)")) == 0 { attached += 1 }
        #expect(attached < 40)
        #expect(rte_eal_tailq_lookup("SWIFTTEST_FILL_39") == nil)

        var buf: UnsafeMutablePointer<CChar>? = nil
        var size = 0
        let f = open_memstream(&buf, &size)!
        rte_dump_tailq(f)
        fclose(f)
        let text = String(cString: buf!)
        free(buf)
        #expect(text.split(separator: "\n").count == 32)
        #expect(text.contains("qname:<SWIFTTEST_TQ_A>, tqh_first:(nil), tqh_last:0x"))
    }

    @Test("a secondary only finds heads the primary made")
    func secondary() {
        defer { forgetTestElements() }
        let heads = UnsafeMutablePointer<rte_tailq_head>.allocate(capacity: Int(RTE_MAX_TAILQ))
        defer { heads.deallocate() }
        memset(heads, 0, MemoryLayout<rte_tailq_head>.stride * Int(RTE_MAX_TAILQ))
        let c = element("SWIFTTEST_TQ_C")
        #expect(rte_eal_tailq_register(c) == 0)
        #expect(!tailqsInit(heads: heads, primary: false))
        tailqsCleanup()
        #expect(tailqsInit(heads: heads, primary: true))
        let made = c.pointee.head
        #expect(made != nil && made! >= heads && made! < heads + Int(RTE_MAX_TAILQ))
        tailqsCleanup()
        #expect(c.pointee.head == nil)
        #expect(tailqsInit(heads: heads, primary: false))
        #expect(c.pointee.head == made)
        tailqsCleanup()
    }
}
