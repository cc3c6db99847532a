// The C API of rte_cycles.h.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_get_tsc_hz() -> UInt64 {
    TSC.hz
}

@c @implementation
public func rte_delay_us_block(_ us: UInt32) {
    let hz = TSC.hz
    if hz == 0 {
        // before init: the monotonic clock instead of an uncalibrated TSC
        var t0 = timespec(), t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        let end = Int64(t0.tv_sec) * 1_000_000_000 + Int64(t0.tv_nsec) + Int64(us) * 1000
        repeat {
            eal_cpu_relax()
            clock_gettime(CLOCK_MONOTONIC, &t)
        } while Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) < end
        return
    }
    let start = rte_get_timer_cycles()
    let ticks = UInt64(1_000_000).dividingFullWidth(hz.multipliedFullWidth(by: UInt64(us))).quotient
    while rte_get_timer_cycles() &- start < ticks { eal_cpu_relax() }
}

@c @implementation
public func rte_delay_us_sleep(_ us: UInt32) {
    var req = timespec(tv_sec: Int(us / 1_000_000), tv_nsec: Int(us % 1_000_000) * 1000)
    var rem = timespec()
    while nanosleep(&req, &rem) != 0 && errno == EINTR { req = rem }
}

@c @implementation
public func rte_delay_us_callback_register(_ userfunc: (@convention(c) (UInt32) -> Void)?) {
    // NULL restores the default rather than leaving rte_delay_us to crash
    eal_set_delay_us(userfunc ?? { rte_delay_us_block($0) })
}
