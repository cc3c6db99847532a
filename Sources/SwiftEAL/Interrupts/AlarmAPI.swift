import CEALShared
import CSwiftEAL
import Glibc

// rte_alarm.h: the C entry points (DPDK 22.11's returns: set answers -errno and
// leaves rte_errno alone; cancel reports through rte_errno).

@c @implementation
public func rte_eal_alarm_set(_ us: UInt64, _ cb: rte_eal_alarm_callback?, _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    guard us >= 1, us <= Alarms.maxMicroseconds, let cb else { return -EINVAL }
    var rc: Int32 = 0
    do { try Alarms.set(us: us, cb, cb_arg) } catch { rc = -error.rawValue }
    rte_eal_trace_alarm_set(us, unsafeBitCast(cb, to: UnsafeRawPointer.self), cb_arg, rc)
    return rc
}

@c @implementation
public func rte_eal_alarm_cancel(_ cb_fn: rte_eal_alarm_callback?, _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let cb_fn else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let (count, selfRunning) = Alarms.cancel(cb_fn, cb_arg)
    rte_eal_trace_alarm_cancel(unsafeBitCast(cb_fn, to: UnsafeRawPointer.self), cb_arg, count)
    if selfRunning {
        RteErrno.set(EINPROGRESS)
    } else if count == 0 {
        RteErrno.set(.ENOENT)
    }
    return count
}
