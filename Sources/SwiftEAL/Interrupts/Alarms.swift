import CEALShared
import CSwiftEAL
import Glibc

/// One pending alarm, in a list sorted by deadline (equal deadlines keep their
/// order of arrival).
struct AlarmEntry {
    var next: UnsafeMutablePointer<AlarmEntry>?
    /// CLOCK_MONOTONIC nanoseconds.
    var deadline: UInt64
    var fn: rte_eal_alarm_callback
    var arg: UnsafeMutableRawPointer?
    /// Set while its callback runs on the interrupt thread.
    var executing: Bool
}

typealias AlarmPtr = UnsafeMutablePointer<AlarmEntry>

/// The alarm list and the timerfd the interrupt thread waits on for it.
struct AlarmState {
    var lock = pthread_mutex_t()
    var head: AlarmPtr? = nil
    var timerfd: Int32 = -1
    var handle: IntrHandlePtr? = nil
    /// The interrupt thread's pthread_self() while it runs an alarm.
    var runner = pthread_t()
    /// How far ahead of a deadline the timer goes off (0: at the deadline).
    var earlyWakeNs: UInt64 = 0
    /// A refused rte_eal_alarm_set has been logged.
    var refusalLogged = false
    /// When the timerfd goes off (CLOCK_MONOTONIC ns), 0 when it is not armed. An
    /// alarm that falls due later needs no re-arming: the earlier expiry (of an alarm
    /// since cancelled, say) finds nothing due and arms for what is then first.
    var armedAt: UInt64 = 0
}

typealias AlarmStatePtr = UnsafeMutablePointer<AlarmState>

// Safe: the pointer never changes; every field is read and written under its lock.
nonisolated(unsafe) let alarmState: AlarmStatePtr = {
    let s = AlarmStatePtr.allocate(capacity: 1)
    s.initialize(to: AlarmState())
    pthread_mutex_init(&s.pointee.lock, nil)
    return s
}()

extension UnsafeMutablePointer where Pointee == AlarmState {
    @inline(__always) func lock() { pthread_mutex_lock(&pointee.lock) }
    @inline(__always) func unlock() { pthread_mutex_unlock(&pointee.lock) }

    /// Points the timerfd (absolute) a little before the head's deadline: waking the
    /// interrupt thread takes tens of microseconds, and alarmsDue spins the rest of
    /// the way, so callbacks run close to their deadline and never before. Lock held.
    func arm() -> Int32 {
        guard let first = pointee.head else { return 0 }
        let early = pointee.earlyWakeNs
        let at = max(first.pointee.deadline, early + 1) - early
        // armed for no later: that expiry comes first and re-arms (see armedAt)
        if pointee.armedAt != 0 && pointee.armedAt <= at { return 0 }
        var t = itimerspec()
        t.it_value.tv_sec = Int(at / 1_000_000_000)
        t.it_value.tv_nsec = Int(at % 1_000_000_000)
        let r = timerfd_settime(pointee.timerfd, Int32(TFD_TIMER_ABSTIME), &t, nil)
        if r == 0 { pointee.armedAt = at }
        return r
    }

    /// Takes a off the list. Lock held.
    func unlink(_ a: AlarmPtr) {
        if pointee.head == a { pointee.head = a.pointee.next; return }
        var c = pointee.head
        while let cur = c {
            if cur.pointee.next == a { cur.pointee.next = a.pointee.next; return }
            c = cur.pointee.next
        }
    }
}

/// How far ahead of an alarm's deadline the timerfd goes off (see `arm`), when the
/// interrupt thread has CPUs of its own. Waking it takes 20-35 us here.
let alarmEarlyWakeNs: UInt64 = 60_000

/// Whether the interrupt thread may spin before a deadline: only when no lcore
/// shares its CPUs. A busy-polling lcore on the same CPU would preempt a spinning
/// thread for a whole time slice (milliseconds); without the spin the thread runs
/// for a moment per alarm, as DPDK's does.
func alarmsMaySpin() -> Bool {
    let ctrl = controlCPUs()
    for l in Runtime.config.lcores where l.role != ROLE_OFF {
        for (a, b) in zip(ctrl.words, l.cpus.words) where a & b != 0 { return false }
    }
    return true
}

@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// The interrupt callback of the alarm timerfd: runs every alarm that is due, in
/// deadline order, each without the lock held, then re-arms for the next one.
private func alarmsDue(_: UnsafeMutableRawPointer?) {
    let s = alarmState
    s.lock()
    s.pointee.armedAt = 0 // it went off: arm() below sets it for what is first now
    s.pointee.runner = pthread_self()
    while let a = s.pointee.head {
        let deadline = a.pointee.deadline
        var now = monotonicNanoseconds()
        if deadline > now {
            // Woken early on purpose: wait out the last stretch unlocked, then look
            // again (the head may have been cancelled or overtaken meanwhile).
            if deadline - now > s.pointee.earlyWakeNs { break }
            s.unlock()
            while now < deadline { now = monotonicNanoseconds() }
            s.lock()
            continue
        }
        a.pointee.executing = true
        let fn = a.pointee.fn
        let arg = a.pointee.arg
        s.unlock()
        fn(arg)
        s.lock()
        // Alarms set by the callback may now come before it.
        s.unlink(a)
        a.deallocate()
    }
    if s.arm() < 0 {
        ealLog(4, "Cannot arm the alarm timer: \(String(cString: strerror(errno)))")
    }
    s.unlock()
}

enum Alarms {
    /// The longest alarm DPDK accepts, in microseconds.
    static let maxMicroseconds: UInt64 = UInt64.max - 1_000_000

    static func set(us: UInt64, _ fn: rte_eal_alarm_callback, _ arg: UnsafeMutableRawPointer?) throws(Errno) {
        let s = alarmState
        let a = AlarmPtr.allocate(capacity: 1)
        let now = monotonicNanoseconds()
        let (ns, o1) = us.multipliedReportingOverflow(by: 1000)
        let (deadline, o2) = now.addingReportingOverflow(ns)
        a.initialize(to: AlarmEntry(next: nil, deadline: (o1 || o2) ? UInt64.max : deadline,
                                    fn: fn, arg: arg, executing: false))
        s.lock()
        if s.pointee.timerfd < 0 {
            // Said once: a caller looping on a refused set (after rte_eal_cleanup,
            // say) would otherwise write a line per call.
            let first = !s.pointee.refusalLogged
            s.pointee.refusalLogged = true
            s.unlock()
            a.deallocate()
            if first { ealLog(4, "rte_eal_alarm_set: alarms are not initialised (rte_eal_init) or already cleaned up") }
            throw .ENOTSUP
        }
        // After every alarm due no later than this one.
        if let h = s.pointee.head, h.pointee.deadline <= a.pointee.deadline {
            var cur = h
            while let n = cur.pointee.next, n.pointee.deadline <= a.pointee.deadline { cur = n }
            a.pointee.next = cur.pointee.next
            cur.pointee.next = a
            s.unlock()
            return
        }
        a.pointee.next = s.pointee.head
        s.pointee.head = a
        let r = s.arm()
        let e = errno
        s.unlock()
        if r < 0 { throw Errno(e) }
    }

    /// Removes matching alarms; waits for one running on another thread. Returns the
    /// count removed and whether a match is the caller's own running alarm.
    static func cancel(_ fn: rte_eal_alarm_callback, _ arg: UnsafeMutableRawPointer?) -> (Int32, Bool) {
        let s = alarmState
        var count: Int32 = 0
        var selfRunning = false
        while true {
            var waiting = false
            var freed: AlarmPtr? = nil
            s.lock()
            var prev: AlarmPtr? = nil
            var c = s.pointee.head
            while let a = c {
                c = a.pointee.next
                if sameFunction(a.pointee.fn, fn) && (arg == anyCallbackArg || a.pointee.arg == arg) {
                    if !a.pointee.executing {
                        if let p = prev { p.pointee.next = a.pointee.next } else { s.pointee.head = a.pointee.next }
                        a.pointee.next = freed
                        freed = a
                        count += 1
                        continue
                    }
                    if pthread_equal(s.pointee.runner, pthread_self()) != 0 {
                        selfRunning = true
                    } else {
                        waiting = true
                    }
                }
                prev = a
            }
            s.unlock()
            while let a = freed {
                freed = a.pointee.next
                a.deallocate()
            }
            if !waiting { return (count, selfRunning) }
            sched_yield()
        }
    }
}

/// Creates the alarm timerfd and registers it with the interrupt thread.
func alarmsInit() throws(Errno) {
    let s = alarmState
    if s.pointee.timerfd >= 0 { return }
    let fd = try syscall { timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC)) }
    let h: IntrHandlePtr
    do { h = try IntrHandle.allocate(flags: 0) } catch { close(fd); throw error }
    h.pointee.type = RTE_INTR_HANDLE_ALARM.rawValue
    h.pointee.fd = fd
    do {
        try IntrSources.register(h, alarmsDue, nil)
    } catch {
        IntrHandle.release(h)
        close(fd)
        throw error
    }
    s.lock()
    s.pointee.timerfd = fd
    s.pointee.handle = h
    s.pointee.earlyWakeNs = alarmsMaySpin() ? alarmEarlyWakeNs : 0
    s.unlock()
}

/// Unregisters the timerfd, closes it and drops every pending alarm.
func alarmsCleanup() {
    let s = alarmState
    s.lock()
    let fd = s.pointee.timerfd
    let h = s.pointee.handle
    s.pointee.timerfd = -1   // rte_eal_alarm_set now refuses
    s.pointee.handle = nil
    s.pointee.armedAt = 0
    s.unlock()
    guard let h, fd >= 0 else { return }
    // First wait out an alarm callback running on the interrupt thread: alarmsDue
    // frees the entry it runs once the callback returns.
    while true {
        do {
            _ = try IntrSources.unregister(fd: fd, alarmsDue, anyCallbackArg)
            break
        } catch {
            if error != .EAGAIN { break }
            if onInterruptThread() { break }   // cleanup from an alarm callback
            sched_yield()
        }
    }
    // Then drop the pending ones; a running one (cleanup from its own callback)
    // stays on the list for alarmsDue.
    var dropped: AlarmPtr? = nil
    s.lock()
    var prev: AlarmPtr? = nil
    var c = s.pointee.head
    while let a = c {
        c = a.pointee.next
        if a.pointee.executing {
            prev = a
            continue
        }
        if let p = prev { p.pointee.next = a.pointee.next } else { s.pointee.head = a.pointee.next }
        a.pointee.next = dropped
        dropped = a
    }
    s.unlock()
    while let a = dropped {
        dropped = a.pointee.next
        a.deallocate()
    }
    IntrHandle.release(h)
    close(fd)
}
