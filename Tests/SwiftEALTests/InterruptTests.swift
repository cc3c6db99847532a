import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Synchronization
import Testing
@testable import SwiftEAL

/// Shared state a C callback reaches through its argument.
private final class Probe: @unchecked Sendable {
    let calls = Atomic<Int>(0)
    let gate = Atomic<Int>(0)      // callbacks that block wait for this to become 1
    let running = Atomic<Int>(0)
    let onIntrThread = Atomic<Int>(0)
    var efd: Int32 = -1
    var handle: OpaquePointer? = nil
    var order: [Int] = []
    let orderLock = NSLock()
    let ucbCalls = Atomic<Int>(0)
    var handleCallback: UnsafeRawPointer? = nil

    var arg: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
    static func from(_ p: UnsafeMutableRawPointer?) -> Probe { Unmanaged<Probe>.fromOpaque(p!).takeUnretainedValue() }

    func record(_ n: Int) { orderLock.lock(); order.append(n); orderLock.unlock() }
    func recorded() -> [Int] { orderLock.lock(); defer { orderLock.unlock() }; return order }
}

/// Helpers the interrupt and alarm suites share.
enum IntrTest {
/// Polls cond for up to `seconds`.
static func waitUntil(_ seconds: Double = 2, _ cond: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if cond() { return true }
        usleep(200)
    }
    return cond()
}

static func openFdCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// What an open fd is (device and inode), to tell later whether that same file is
/// still open there (pipes have inodes of their own; eventfds and timerfds share
/// one). Counting /proc/self/fd does not tell: suites running in parallel, and the
/// interrupt thread rebuilding its epoll set, change the count.
static func identity(_ fd: Int32) -> (UInt, UInt)? {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    return (UInt(st.st_dev), UInt(st.st_ino))
}

static func stillOpen(_ fd: Int32, _ id: (UInt, UInt)?) -> Bool {
    guard let id, let now = identity(fd) else { return false }
    return now == id
}
}

private func drain(_ fd: Int32) { var v: UInt64 = 0; _ = read(fd, &v, 8) }
private func kick(_ fd: Int32) { var v: UInt64 = 1; _ = write(fd, &v, 8) }

/// An EXT handle on a fresh non-blocking eventfd.
private func makeEventHandle() -> (OpaquePointer, Int32) {
    let h = rte_intr_instance_alloc(0)!
    let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
    #expect(rte_intr_fd_set(h, fd) == 0)
    #expect(rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) == 0)
    return (h, fd)
}

private let countingCallback: rte_intr_callback_fn = { arg in
    let p = Probe.from(arg)
    drain(p.efd)
    if rte_thread_is_intr() != 0 { p.onIntrThread.add(1, ordering: .relaxed) }
    p.calls.add(1, ordering: .relaxed)
}

/// Every interrupt and alarm suite runs one at a time: they share one thread.
@Suite(.serialized) struct InterruptSubsystem {}

extension InterruptSubsystem {
@Suite(.serialized) struct Interrupts {
    init() throws { try interruptsInit() }

    @Test func handleDefaultsMatchDPDK() {
        let h = rte_intr_instance_alloc(0)!
        defer { rte_intr_instance_free(h) }
        #expect(rte_intr_fd_get(h) == 0)
        #expect(rte_intr_dev_fd_get(h) == 0)
        #expect(rte_intr_type_get(h) == RTE_INTR_HANDLE_UNKNOWN)
        #expect(rte_intr_nb_intr_get(h) == 512)
        #expect(rte_intr_max_intr_get(h) == 0)
        #expect(rte_intr_nb_efd_get(h) == 0)
        #expect(rte_intr_efd_counter_size_get(h) == 0)
        #expect(rte_intr_instance_alloc(2) == nil)
        #expect(RteErrno.value == EINVAL)
        let shared = rte_intr_instance_alloc(1)
        #expect(shared != nil)
        rte_intr_instance_free(shared)
        rte_intr_instance_free(nil)
    }

    @Test func nullHandleGetsEINVAL() {
        func errnoAfter(_ body: () -> Int32) -> (Int32, Int32) {
            RteErrno.set(0); let r = body(); return (r, RteErrno.value)
        }
        #expect(errnoAfter { rte_intr_fd_get(nil) } == (-1, EINVAL))
        #expect(errnoAfter { rte_intr_fd_set(nil, 3) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_dev_fd_get(nil) } == (-1, EINVAL))
        #expect(errnoAfter { rte_intr_max_intr_get(nil) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_nb_intr_get(nil) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_efds_index_get(nil, 0) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_vec_list_alloc(nil, nil, 4) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_callback_register(nil, countingCallback, nil) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_callback_unregister(nil, countingCallback, nil) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_callback_unregister_pending(nil, countingCallback, nil, nil) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_callback_unregister_sync(nil, countingCallback, nil) } == (-EINVAL, EINVAL))
        #expect(errnoAfter { rte_intr_enable(nil) } == (-1, 0))
        #expect(errnoAfter { rte_intr_disable(nil) } == (-1, 0))
        #expect(errnoAfter { rte_intr_ack(nil) } == (-1, EINVAL))
        #expect(rte_intr_elist_index_get(nil, 0) == nil)
        #expect(rte_intr_instance_dup(nil) == nil)
        rte_intr_efd_disable(nil)
        rte_intr_free_epoll_fd(nil)
        rte_intr_vec_list_free(nil)
    }

    @Test func vectorsAndRanges() {
        let h = rte_intr_instance_alloc(0)!
        defer { rte_intr_instance_free(h) }
        #expect(rte_intr_max_intr_set(h, 600) == -ERANGE)
        #expect(rte_intr_efds_index_get(h, 512) == -EINVAL)
        #expect(rte_intr_efds_index_get(h, -1) == -EINVAL)
        #expect(rte_intr_efds_index_set(h, 512, 3) == -ERANGE)
        #expect(rte_intr_efds_index_set(h, -1, 3) == -ERANGE)
        #expect(rte_intr_efds_index_set(h, 5, 77) == 0)
        #expect(rte_intr_elist_index_get(h, -1) == nil)
        #expect(rte_intr_vec_list_index_get(h, 0) == -ERANGE)
        #expect(rte_intr_vec_list_alloc(h, "x", 600) == -ERANGE)
        #expect(rte_intr_vec_list_alloc(h, "x", 4) == 0)
        #expect(rte_intr_vec_list_index_set(h, 3, 42) == 0)
        #expect(rte_intr_vec_list_index_get(h, 3) == 42)
        #expect(rte_intr_vec_list_index_get(h, 4) == -ERANGE)
        #expect(rte_intr_vec_list_index_get(h, -1) == -ERANGE)
        #expect(rte_intr_event_list_update(h, 0) == -EINVAL)
        #expect(rte_intr_event_list_update(h, -3) == -EINVAL)
        #expect(rte_intr_event_list_update(h, 1000) == 0)
        #expect(rte_intr_nb_intr_get(h) == 1000)
        #expect(rte_intr_efds_index_get(h, 5) == 77)
        #expect(rte_intr_efds_index_get(h, 999) == 0)
        let d = rte_intr_instance_dup(h)!
        #expect(rte_intr_nb_intr_get(d) == 1000)
        #expect(rte_intr_efds_index_get(d, 5) == 77)
        #expect(rte_intr_vec_list_index_get(d, 3) == -ERANGE)
        rte_intr_instance_free(d)
        #expect(rte_intr_efd_enable(h, 0) == -EINVAL)
    }

    @Test func callbackRunsOncePerWriteWithItsArgument() {
        let (h, fd) = makeEventHandle()
        defer { close(fd); rte_intr_instance_free(h) }
        let p = Probe(); p.efd = fd
        #expect(rte_intr_callback_register(h, countingCallback, p.arg) == 0)
        for i in 1...5 {
            kick(fd)
            #expect(IntrTest.waitUntil { p.calls.load(ordering: .relaxed) == i })
        }
        usleep(20_000)
        #expect(p.calls.load(ordering: .relaxed) == 5)
        #expect(p.onIntrThread.load(ordering: .relaxed) == 5)
        #expect(rte_thread_is_intr() == 0)
        #expect(rte_intr_callback_unregister(h, countingCallback, p.arg) == 1)
        kick(fd)
        usleep(20_000)
        #expect(p.calls.load(ordering: .relaxed) == 5)
    }

    @Test func callbacksOnOneFdRunInRegistrationOrder() {
        let (h, fd) = makeEventHandle()
        defer { close(fd); rte_intr_instance_free(h) }
        let p = Probe(); p.efd = fd
        let first: rte_intr_callback_fn = { a in Probe.from(a).record(1) }
        let second: rte_intr_callback_fn = { a in Probe.from(a).record(2) }
        let third: rte_intr_callback_fn = { a in let p = Probe.from(a); drain(p.efd); p.record(3); p.calls.add(1, ordering: .relaxed) }
        #expect(rte_intr_callback_register(h, first, p.arg) == 0)
        #expect(rte_intr_callback_register(h, second, p.arg) == 0)
        #expect(rte_intr_callback_register(h, third, p.arg) == 0)
        kick(fd)
        #expect(IntrTest.waitUntil { p.calls.load(ordering: .relaxed) == 1 })
        #expect(p.recorded() == [1, 2, 3])
        #expect(rte_intr_callback_unregister(h, first, anyCallbackArg) == 1)
        #expect(rte_intr_callback_unregister(h, second, p.arg) == 1)
        #expect(rte_intr_callback_unregister(h, third, nil) == 0)
        #expect(rte_intr_callback_unregister(h, third, p.arg) == 1)
        #expect(rte_intr_callback_unregister(h, third, p.arg) == -ENOENT)
    }

    @Test func unregisterIsEAGAINWhileRunningAndSyncWaits() {
        let (h, fd) = makeEventHandle()
        defer { close(fd); rte_intr_instance_free(h) }
        let p = Probe(); p.efd = fd
        let blocking: rte_intr_callback_fn = { a in
            let p = Probe.from(a)
            drain(p.efd)
            p.running.store(1, ordering: .sequentiallyConsistent)
            while p.gate.load(ordering: .sequentiallyConsistent) == 0 { usleep(100) }
            usleep(20_000)
            p.calls.add(1, ordering: .sequentiallyConsistent)
        }
        #expect(rte_intr_callback_register(h, blocking, p.arg) == 0)
        kick(fd)
        #expect(IntrTest.waitUntil { p.running.load(ordering: .sequentiallyConsistent) == 1 })
        #expect(rte_intr_callback_unregister(h, blocking, p.arg) == -EAGAIN)
        p.gate.store(1, ordering: .sequentiallyConsistent)
        #expect(rte_intr_callback_unregister_sync(h, blocking, p.arg) == 1)
        #expect(p.calls.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test func unregisterPendingFromInsideTheCallback() {
        let (h, fd) = makeEventHandle()
        defer { close(fd); rte_intr_instance_free(h) }
        let p = Probe(); p.efd = fd; p.handle = h
        let selfRemoving: rte_intr_callback_fn = { a in
            let p = Probe.from(a)
            drain(p.efd)
            p.calls.add(1, ordering: .sequentiallyConsistent)
            let me: rte_intr_callback_fn = unsafeBitCast(p.handleCallback, to: rte_intr_callback_fn.self)
            let n = rte_intr_callback_unregister_pending(p.handle, me, a) { handle, arg in
                let p = Probe.from(arg)
                if rte_intr_fd_get(handle) == p.efd { p.ucbCalls.add(1, ordering: .sequentiallyConsistent) }
            }
            p.record(Int(n))
        }
        p.handleCallback = unsafeBitCast(selfRemoving, to: UnsafeRawPointer.self)
        #expect(rte_intr_callback_unregister_pending(h, selfRemoving, p.arg, nil) == -ENOENT)
        #expect(rte_intr_callback_register(h, selfRemoving, p.arg) == 0)
        // Outside a running callback it is refused.
        #expect(rte_intr_callback_unregister_pending(h, selfRemoving, p.arg, nil) == -EAGAIN)
        kick(fd)
        #expect(IntrTest.waitUntil { p.ucbCalls.load(ordering: .sequentiallyConsistent) == 1 })
        #expect(p.recorded() == [1])
        kick(fd)
        usleep(20_000)
        #expect(p.calls.load(ordering: .sequentiallyConsistent) == 1)
        #expect(rte_intr_callback_unregister(h, selfRemoving, p.arg) == -ENOENT)
    }

    @Test func sourceRegisteredWhileWaitingIsServedAtOnce() {
        // The thread is already asleep in epoll_wait on its old list.
        usleep(10_000)
        let (h, fd) = makeEventHandle()
        defer { close(fd); rte_intr_instance_free(h) }
        let p = Probe(); p.efd = fd
        kick(fd)
        let start = Date()
        #expect(rte_intr_callback_register(h, countingCallback, p.arg) == 0)
        #expect(IntrTest.waitUntil(1) { p.calls.load(ordering: .relaxed) == 1 })
        #expect(Date().timeIntervalSince(start) < 0.1)
        #expect(rte_intr_callback_unregister_sync(h, countingCallback, p.arg) == 1)
    }

    @Test func enableDisableAckAnswerAsDPDK() {
        let (h, fd) = makeEventHandle()
        defer { close(fd); rte_intr_instance_free(h) }
        for t in [RTE_INTR_HANDLE_EXT, RTE_INTR_HANDLE_ALARM, RTE_INTR_HANDLE_DEV_EVENT, RTE_INTR_HANDLE_UNKNOWN,
                  RTE_INTR_HANDLE_UIO, RTE_INTR_HANDLE_VFIO_MSIX, RTE_INTR_HANDLE_VFIO_LEGACY] {
            _ = rte_intr_type_set(h, t)
            #expect(rte_intr_enable(h) == -1)
            #expect(rte_intr_disable(h) == -1)
        }
        _ = rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV)
        #expect(rte_intr_enable(h) == 0)
        #expect(rte_intr_disable(h) == 0)
        #expect(rte_intr_ack(h) == 0)
        _ = rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_MSIX)
        #expect(rte_intr_ack(h) == 0)
        _ = rte_intr_type_set(h, RTE_INTR_HANDLE_UIO)
        #expect(rte_intr_ack(h) == -1)
    }

    @Test func datapathVectorsOnAnEpollSet() {
        let h = rte_intr_instance_alloc(0)!
        defer { rte_intr_instance_free(h) }
        _ = rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_MSIX)
        #expect(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, Int32(RTE_INTR_EVENT_ADD), 1, nil) == -EPERM)
        #expect(rte_intr_efd_enable(h, 2) == 0)
        #expect(rte_intr_nb_efd_get(h) == 2)
        #expect(rte_intr_max_intr_get(h) == 3)
        #expect(rte_intr_dp_is_en(h) == 1)
        #expect(rte_intr_allow_others(h) == 1)
        #expect(rte_intr_cap_multiple(h) == 1)
        let tag = UnsafeMutableRawPointer(bitPattern: 0x1234)
        #expect(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, Int32(RTE_INTR_EVENT_ADD), 1, tag) == 0)
        #expect(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, Int32(RTE_INTR_EVENT_ADD), 1, tag) == -EEXIST)
        kick(rte_intr_efds_index_get(h, 0))
        var out = [rte_epoll_event](repeating: rte_epoll_event(), count: 4)
        #expect(rte_epoll_wait(RTE_EPOLL_PER_THREAD, &out, 4, 1000) == 1)
        #expect(out[0].epdata.data == tag)
        #expect(out[0].fd == rte_intr_efds_index_get(h, 0))
        // The vector was drained by the attached callback: nothing more to see.
        #expect(rte_epoll_wait(RTE_EPOLL_PER_THREAD, &out, 4, 0) == 0)
        #expect(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, Int32(RTE_INTR_EVENT_DEL), 1, nil) == 0)
        #expect(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, Int32(RTE_INTR_EVENT_DEL), 1, nil) == -EPERM)
        #expect(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, 7, 1, nil) == -EPERM)
        let before = IntrTest.openFdCount()
        rte_intr_efd_disable(h)
        #expect(IntrTest.openFdCount() == before - 2)
        #expect(rte_intr_nb_efd_get(h) == 0)
        #expect(rte_intr_dp_is_en(h) == 0)
        #expect(rte_epoll_wait(RTE_EPOLL_PER_THREAD, nil, 4, 0) == -1)
        #expect(rte_epoll_wait(RTE_EPOLL_PER_THREAD, &out, 0, 0) == -1)
        #expect(rte_epoll_wait(999_999, &out, 4, 0) == -1)
        #expect(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, 0, nil) == -1)
    }

    @Test func cleanupJoinsTheThreadAndClosesItsFds() throws {
        alarmsCleanup() // its timerfd is one of the sources; the Alarms suite re-inits it
        interruptsCleanup()
        try interruptsInit()
        let pipe = (intrState.pointee.pipeRead, intrState.pointee.pipeWrite)
        let ids = (IntrTest.identity(pipe.0), IntrTest.identity(pipe.1))
        #expect(ids.0 != nil && ids.1 != nil)
        let (h, fd) = makeEventHandle()
        let p = Probe(); p.efd = fd
        #expect(rte_intr_callback_register(h, countingCallback, p.arg) == 0)
        kick(fd)
        #expect(IntrTest.waitUntil { p.calls.load(ordering: .relaxed) == 1 })
        interruptsCleanup()
        #expect(!IntrTest.stillOpen(pipe.0, ids.0))
        #expect(!IntrTest.stillOpen(pipe.1, ids.1))
        #expect(intrState.pointee.running == false)
        close(fd); rte_intr_instance_free(h)
        #expect(intrState.pointee.sources == nil)
        try interruptsInit()
    }
}
}


