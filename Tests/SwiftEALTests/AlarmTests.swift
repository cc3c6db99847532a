import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Synchronization
import Testing
@testable import SwiftEAL

/// Where alarm callbacks write down what happened.
private final class AlarmLog: @unchecked Sendable {
    let lock = NSLock()
    var fired: [(tag: Int, lateNs: Int64)] = []
    var deadlines: [Int: UInt64] = [:]      // set time + delay, taken before the call
    var deadlinesAfter: [Int: UInt64] = [:] // and after it: the alarm's deadline is between
    var cancelResult: (Int32, Int32)? = nil
    let count = Atomic<Int>(0)

    func note(_ tag: Int) {
        let now = monotonicNanoseconds()
        lock.lock()
        fired.append((tag, Int64(bitPattern: now &- (deadlines[tag] ?? now))))
        lock.unlock()
        count.add(1, ordering: .sequentiallyConsistent)
    }
}

/// Each alarm's argument: its log and its tag.
private struct AlarmArg { unowned let log: AlarmLog; let tag: Int }

private let noting: rte_eal_alarm_callback = { raw in
    let a = raw!.assumingMemoryBound(to: AlarmArg.self).pointee
    a.log.note(a.tag)
}

private let nothing: rte_eal_alarm_callback = { _ in }

extension InterruptSubsystem {
@Suite(.serialized) struct Alarms {
    init() throws {
        try interruptsInit()
        try alarmsInit()
    }

    @Test func badInputGetsDPDKErrors() {
        RteErrno.set(0)
        #expect(rte_eal_alarm_set(0, nothing, nil) == -EINVAL)
        #expect(rte_eal_alarm_set(1, nil, nil) == -EINVAL)
        #expect(rte_eal_alarm_set(UInt64.max, nothing, nil) == -EINVAL)
        #expect(rte_eal_alarm_set(UInt64.max - 1_000_000 + 1, nothing, nil) == -EINVAL)
        #expect(RteErrno.value == 0)
        #expect(rte_eal_alarm_cancel(nil, nil) == -1)
        #expect(RteErrno.value == EINVAL)
        RteErrno.set(0)
        #expect(rte_eal_alarm_cancel(nothing, nil) == 0)
        #expect(RteErrno.value == ENOENT)
        // The longest accepted alarm is accepted, and cancelled.
        #expect(rte_eal_alarm_set(UInt64.max - 1_000_000, nothing, nil) == 0)
        #expect(rte_eal_alarm_set(1_000_000, nothing, nil) == 0)
        #expect(rte_eal_alarm_set(1_000_000, nothing, UnsafeMutableRawPointer(bitPattern: 5)) == 0)
        RteErrno.set(0)
        #expect(rte_eal_alarm_cancel(nothing, nil) == 2)
        #expect(RteErrno.value == 0)
        #expect(rte_eal_alarm_cancel(nothing, UnsafeMutableRawPointer(bitPattern: -1)) == 1)
    }

    @Test func alarmsFireInDeadlineOrderOnceAndNeverEarly() {
        let log = AlarmLog()
        let delays: [UInt64] = [30_000, 5_000, 20_000, 10_000, 10_000, 1_000, 25_000, 15_000]
        let args = UnsafeMutablePointer<AlarmArg>.allocate(capacity: delays.count)
        defer { args.deallocate() }
        for (i, us) in delays.enumerated() {
            // a stall: alarm 5 (1 ms) is then due after alarm 1 (5 ms)
            if i == 5 { usleep(6_000) }
            (args + i).initialize(to: AlarmArg(log: log, tag: i))
            log.lock.lock()
            log.deadlines[i] = monotonicNanoseconds() + us * 1000
            log.lock.unlock()
            #expect(rte_eal_alarm_set(us, noting, args + i) == 0)
            log.lock.lock()
            log.deadlinesAfter[i] = monotonicNanoseconds() + us * 1000
            log.lock.unlock()
        }
        #expect(IntrTest.waitUntil(2) { log.count.load(ordering: .sequentiallyConsistent) == delays.count })
        usleep(50_000)
        log.lock.lock(); let fired = log.fired; log.lock.unlock()
        #expect(fired.count == delays.count)
        // Order of deadlines, as recorded around each call (a stall between two calls
        // moves the deadlines, not the delays); equal deadlines keep the order of setting.
        log.lock.lock(); let lo = log.deadlines, hi = log.deadlinesAfter; log.lock.unlock()
        func dueBefore(_ a: Int, _ b: Int) -> Bool {
            hi[a]! < lo[b]! || (a < b && hi[a]! <= lo[b]!)
        }
        let tags = fired.map(\.tag)
        for i in tags.indices {
            for j in tags.indices where j > i {
                #expect(!dueBefore(tags[j], tags[i]), "alarm \(tags[i]) fired before \(tags[j]), due earlier")
            }
        }
        for f in fired { #expect(f.lateNs >= 0, "alarm \(f.tag) fired \(-f.lateNs) ns early") }
        // under the list's lock: the interrupt thread may still be unlinking the last one
        alarmState.lock(); let head = alarmState.pointee.head; alarmState.unlock()
        #expect(head == nil)
    }

    @Test func cancelFromAnotherThreadAndFromTheCallback() {
        let log = AlarmLog()
        let args = UnsafeMutablePointer<AlarmArg>.allocate(capacity: 1)
        defer { args.deallocate() }
        args.initialize(to: AlarmArg(log: log, tag: 1))
        // From another thread: the count removed, nothing fires.
        for _ in 0..<3 { #expect(rte_eal_alarm_set(50_000, noting, args) == 0) }
        #expect(rte_eal_alarm_set(50_000, noting, nil) == 0)
        #expect(rte_eal_alarm_cancel(noting, args) == 3)
        #expect(rte_eal_alarm_cancel(noting, UnsafeMutableRawPointer(bitPattern: -1)) == 1)
        usleep(80_000)
        #expect(log.count.load(ordering: .sequentiallyConsistent) == 0)

        // From inside: cancelling itself is EINPROGRESS, its later twin is removed.
        #expect(rte_eal_alarm_set(1_000, selfCancel, args) == 0)
        #expect(rte_eal_alarm_set(200_000, selfCancel, args) == 0)
        #expect(IntrTest.waitUntil { log.count.load(ordering: .sequentiallyConsistent) == 1 })
        usleep(250_000)
        #expect(log.count.load(ordering: .sequentiallyConsistent) == 1)
        log.lock.lock(); let r = log.cancelResult; log.lock.unlock()
        #expect(r?.0 == 1)
        #expect(r?.1 == EINPROGRESS)
    }

    @Test func cancelWaitsForARunningAlarm() {
        // the flag is read while the callback writes it: atomically (TSan saw the race)
        let slow: rte_eal_alarm_callback = { raw in
            let flag = AtomicView(raw!.assumingMemoryBound(to: UInt32.self))
            flag.store(1)
            usleep(50_000)
            flag.store(2)
        }
        let flag = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        defer { flag.deallocate() }
        flag.initialize(to: 0)
        #expect(rte_eal_alarm_set(1_000, slow, flag) == 0)
        #expect(IntrTest.waitUntil { AtomicView(flag).load() == 1 })
        RteErrno.set(0)
        #expect(rte_eal_alarm_cancel(slow, flag) == 0)
        #expect(AtomicView(flag).load() == 2) // it returned only once the callback had finished
        #expect(RteErrno.value == ENOENT)
    }

    @Test func alarmSetFromInsideACallbackFires() {
        let log = AlarmLog()
        let args = UnsafeMutablePointer<AlarmArg>.allocate(capacity: 2)
        defer { args.deallocate() }
        args.initialize(to: AlarmArg(log: log, tag: 1))
        (args + 1).initialize(to: AlarmArg(log: log, tag: 2))
        let chaining: rte_eal_alarm_callback = { raw in
            let a = raw!.assumingMemoryBound(to: AlarmArg.self)
            a.pointee.log.note(a.pointee.tag)
            if a.pointee.tag == 1 { _ = rte_eal_alarm_set(1, noting, a + 1) }
        }
        #expect(rte_eal_alarm_set(2_000, chaining, args) == 0)
        #expect(IntrTest.waitUntil { log.count.load(ordering: .sequentiallyConsistent) == 2 })
        log.lock.lock(); let tags = log.fired.map(\.tag); log.lock.unlock()
        #expect(tags == [1, 2])
    }

    @Test func thousandAlarmsSetAndCancelledFromTwoThreadsLeaveNone() {
        // Two threads interleave: set alarm i, cancel alarm i-1, each with its own
        // argument; every cancel must find exactly the alarm it is after.
        let failures = Atomic<Int>(0)
        let worker: @Sendable (Int) -> Void = { id in
            var removed = 0
            for i in 0..<500 {
                let key = UnsafeMutableRawPointer(bitPattern: 0x10000 * (id + 1) + i + 1)
                if rte_eal_alarm_set(UInt64(100_000 + (i % 7) * 1000), nothing, key) != 0 {
                    failures.add(1, ordering: .relaxed)
                }
                if i > 0 {
                    removed += Int(rte_eal_alarm_cancel(nothing, UnsafeMutableRawPointer(bitPattern: 0x10000 * (id + 1) + i)))
                }
            }
            removed += Int(rte_eal_alarm_cancel(nothing, UnsafeMutableRawPointer(bitPattern: 0x10000 * (id + 1) + 500)))
            if removed != 500 { failures.add(1, ordering: .relaxed) }
        }
        let threads = (0..<2).map { id in Thread { worker(id) } }
        threads.forEach { $0.start() }
        #expect(IntrTest.waitUntil(10) { threads.allSatisfy { $0.isFinished } })
        #expect(failures.load(ordering: .relaxed) == 0)
        alarmState.lock(); let left = alarmState.pointee.head; alarmState.unlock()
        #expect(left == nil)
    }

    @Test func cleanupDropsPendingAlarmsAndClosesTheTimer() throws {
        #expect(rte_eal_alarm_set(5_000_000, nothing, nil) == 0)
        // The timer is armed for that alarm until it is closed. Its number may be
        // reused at once (the interrupt thread rebuilds its epoll set), so look
        // for an armed timerfd there rather than at the count of open fds.
        let timer = alarmState.pointee.timerfd
        func armedTimer() -> Bool {
            var t = itimerspec()
            return timerfd_gettime(timer, &t) == 0 && (t.it_value.tv_sec != 0 || t.it_value.tv_nsec != 0)
        }
        #expect(armedTimer())
        alarmsCleanup()
        #expect(!armedTimer())
        #expect(alarmState.pointee.head == nil)
        #expect(rte_eal_alarm_set(1_000, nothing, nil) < 0)
        try alarmsInit()
    }
}
}

/// An alarm callback that cancels its own alarms (it names itself: a global constant).
private let selfCancel: rte_eal_alarm_callback = { raw in
    let a = raw!.assumingMemoryBound(to: AlarmArg.self).pointee
    RteErrno.set(0)
    let n = rte_eal_alarm_cancel(selfCancel, raw)
    a.log.lock.lock(); a.log.cancelResult = (n, RteErrno.value); a.log.lock.unlock()
    a.log.count.add(1, ordering: .sequentiallyConsistent)
}
