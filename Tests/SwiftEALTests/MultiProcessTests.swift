import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Synchronization
import Testing
@testable import SwiftEAL

// rte_mp's Swift side: the message helpers, and the internal API (MultiProcess)
// driven through this process's own socket, a request addressed to itself being
// received, answered and matched by rte_mp_handle like any other. Between real
// processes: Tests/c/test_mp*.c and diff_mp.c.

private struct Ask: BitwiseCopyable, Equatable {
    var a: Int32
    var b: Int64
}

@Suite struct MPMessageHelpers {
    @Test func namesAndPayloads() throws {
        let m = try rte_mp_msg(name: "eal_test", payload: Ask(a: 7, b: -3), fds: [4, 5])
        #expect(m.nameString == "eal_test")
        #expect(m.len_param == Int32(MemoryLayout<Ask>.size))
        #expect(m.payload(as: Ask.self) == Ask(a: 7, b: -3))
        #expect(m.payload(as: Int32.self) == nil)   // not its size
        #expect(m.fileDescriptors == [4, 5])
        #expect(m.num_fds == 2)
        let p = try [UInt8](repeating: 9, count: 256).withUnsafeBytes { try rte_mp_msg(name: "x", param: $0) }
        #expect(p.paramBytes.count == 256)

        #expect(throws: Errno.EINVAL) { try rte_mp_msg(name: "") }
        #expect(throws: Errno.E2BIG) { try rte_mp_msg(name: String(repeating: "n", count: 64)) }
        #expect((try? rte_mp_msg(name: String(repeating: "n", count: 63))) != nil)
        #expect(throws: Errno.E2BIG) { try [UInt8](repeating: 0, count: 257).withUnsafeBytes { try rte_mp_msg(name: "x", param: $0) } }
        #expect(throws: Errno.E2BIG) { try rte_mp_msg(name: "x", fds: Array(repeating: 0, count: 9)) }
    }

    @Test func validationOrderIsDPDKs() {
        var m = rte_mp_msg()
        #expect(throws: Errno.EINVAL) { try mpValidateMessage(nil) }
        #expect(throws: Errno.EINVAL) { try mpValidateMessage(&m) }          // empty name
        _ = withUnsafeMutableBytes(of: &m.name) { $0.initializeMemory(as: UInt8.self, repeating: 0x61) }
        #expect(throws: Errno.E2BIG) { try mpValidateMessage(&m) }           // 64 bytes, no NUL
        m = try! rte_mp_msg(name: "x")
        m.len_param = -1
        m.num_fds = 9
        #expect(throws: Errno.EINVAL) { try mpValidateMessage(&m) }          // negatives first
        m.len_param = 300
        m.num_fds = -1
        #expect(throws: Errno.EINVAL) { try mpValidateMessage(&m) }
        m.num_fds = 9
        #expect(throws: Errno.E2BIG) { try mpValidateMessage(&m) }
    }

    @Test func addressesAndDeadlines() {
        #expect(throws: Errno.ENAMETOOLONG) { try MPAddress(path: "/" + String(repeating: "d", count: 120)) }
        let a = try! MPAddress(path: "/run/dpdk/x/mp_socket")
        #expect(a.path == "/run/dpdk/x/mp_socket")
        #expect(a.samePath(as: try! MPAddress(path: "/run/dpdk/x/mp_socket")))
        #expect(!a.samePath(as: try! MPAddress(path: "/run/dpdk/x/mp_socket_1")))
        let now = monotonicNanoseconds()
        let d = MultiProcess.deadline(after: timespec(tv_sec: 1, tv_nsec: 500_000_000))
        #expect(d >= now + 1_500_000_000 && d < now + 2_500_000_000)
        // a negative wait is no wait; an enormous one saturates
        #expect(MultiProcess.deadline(after: timespec(tv_sec: 0, tv_nsec: -5)) <= monotonicNanoseconds())
        #expect(MultiProcess.deadline(after: timespec(tv_sec: Int.max, tv_nsec: 999_999_999)) == UInt64.max)
    }
}

extension InterruptSubsystem {
@Suite(.serialized) struct MultiProcessSelf {
    init() throws {
        try interruptsInit()
        try alarmsInit()
    }

    /// A channel bound in a temporary runtime directory as a primary's, for `body`.
    private func withChannel(_ body: (_ me: MPPeer, _ dir: String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("swifteal-mp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let savedDir = Runtime.directory
        Runtime.directory = ByteString(dir)
        defer {
            Runtime.directory = savedDir
            try? FileManager.default.removeItem(atPath: dir)
        }
        let undo = try MPChannel.start()
        defer { undo?() }
        try body(try MPPeer(path: dir + "/mp_socket"), dir)
    }

    @Test func swiftActionsRequestsAndReplies() throws {
        try withChannel { me, dir in
            #expect(FileManager.default.fileExists(atPath: dir + "/mp_socket"))
            try MultiProcess.register(action: "swift_add") { msg, peer in
                guard let q = msg.pointee.payload(as: Ask.self),
                      let answer = try? rte_mp_msg(name: "swift_add", payload: q.b + Int64(q.a)) else { return -1 }
                return (try? MultiProcess.reply(answer, to: peer)) == nil ? -1 : 0
            }
            defer { MultiProcess.unregister(action: "swift_add") }
            #expect(throws: Errno.EEXIST) { try MultiProcess.register(action: "swift_add") { _, _ in 0 } }

            // sync, many times
            for i in 0..<200 {
                let r = try MultiProcess.request(rte_mp_msg(name: "swift_add", payload: Ask(a: 2, b: Int64(i))),
                                                 timeoutNs: 2_000_000_000, to: me)
                #expect(r.sent == 1)
                #expect(r.messages.count == 1)
                #expect(r.messages.first?.payload(as: Int64.self) == Int64(i) + 2)
            }

            // async, with a Swift completion
            let result = Mutex<(calls: Int, sent: Int, value: Int64?)>((0, 0, nil))
            try MultiProcess.requestAsync(rte_mp_msg(name: "swift_add", payload: Ask(a: 1, b: 99)),
                                          timeoutNs: 2_000_000_000, to: me) { req, replies in
                result.withLock { $0 = ($0.calls + 1, replies.sent, replies.messages.first?.payload(as: Int64.self)) }
                #expect(req.nameString == "swift_add")
            }
            let t0 = monotonicNanoseconds()
            while result.withLock({ $0.calls }) == 0 && monotonicNanoseconds() - t0 < 3_000_000_000 { usleep(1000) }
            usleep(20_000)
            let r = result.withLock { $0 }
            #expect(r.calls == 1)
            #expect(r.sent == 1)
            #expect(r.value == 100)

            // An action nobody registered. While init has not ended, the peer asks not to
            // be counted (DPDK's "ignore"): no timeout, nothing sent.
            let ignored = try MultiProcess.request(rte_mp_msg(name: "nobody_home"), timeoutNs: 2_000_000_000, to: me)
            #expect(ignored.sent == 0)
            #expect(ignored.messages.isEmpty)
            // Once init has ended it does not answer: a sync timeout; an async request
            // still calls back, empty.
            let wasInitialized = EALState.initialized.load(ordering: .acquiring)
            EALState.initialized.store(true, ordering: .releasing)
            defer { EALState.initialized.store(wasInitialized, ordering: .releasing) }
            #expect(throws: Errno.ETIMEDOUT) {
                _ = try MultiProcess.request(rte_mp_msg(name: "nobody_home"), timeoutNs: 50_000_000, to: me)
            }
            let empty = Mutex<(calls: Int, sent: Int, got: Int)>((0, -1, -1))
            try MultiProcess.requestAsync(rte_mp_msg(name: "nobody_home"), timeoutNs: 50_000_000, to: me) { _, replies in
                empty.withLock { $0 = ($0.calls + 1, replies.sent, replies.messages.count) }
            }
            let t1 = monotonicNanoseconds()
            while empty.withLock({ $0.calls }) == 0 && monotonicNanoseconds() - t1 < 3_000_000_000 { usleep(1000) }
            #expect(empty.withLock { $0 } == (1, 1, 0))
        }
        // the channel is gone with its socket
        #expect(mpState.pointee.fd == -1)
    }

    @Test func fdsTravelAndOneWayMessagesArrive() throws {
        try withChannel { me, _ in
            let seen = Mutex<[String]>([])
            try MultiProcess.register(action: "swift_write") { msg, _ in
                // noted first: the test goes on as soon as the pipe has its bytes
                seen.withLock { $0.append(String(decoding: msg.pointee.paramBytes, as: UTF8.self)) }
                // write into the pipe the sender passed, through our own copy of it
                for fd in msg.pointee.fileDescriptors {
                    _ = "hi".withCString { write(fd, $0, 2) }
                    close(fd)
                }
                return 0
            }
            defer { MultiProcess.unregister(action: "swift_write") }
            var p: [Int32] = [0, 0]
            #expect(pipe(&p) == 0)
            defer { close(p[0]); close(p[1]) }
            let text = Array("one way".utf8)
            try text.withUnsafeBytes { raw in
                try MultiProcess.send(rte_mp_msg(name: "swift_write", param: raw, fds: [p[1]]), to: me)
            }
            var buf = [UInt8](repeating: 0, count: 2)
            #expect(read(p[0], &buf, 2) == 2)   // blocks until the action wrote
            #expect(buf == Array("hi".utf8))
            #expect(seen.withLock { $0 } == ["one way"])
        }
    }
}
}
