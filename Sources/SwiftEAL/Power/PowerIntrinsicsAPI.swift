// The C API of rte_power_intrinsics.h (x86). Without WAITPKG every call answers
// -ENOTSUP before looking at its arguments, as DPDK's; rte_power_monitor_multi also
// needs RTM. The instructions themselves are in eal_power.h.
import CEALShared
import CSwiftEAL
import Glibc

enum PowerIntrinsics {
    /// UMONITOR/UMWAIT and TPAUSE (DPDK's wait_supported).
    static let waitSupported: Bool = {
        var i = rte_cpu_intrinsics()
        rte_cpu_get_intrinsics_support(&i)
        return i.power_monitor != 0 && i.power_pause != 0
    }()
    /// ... and RTM for several addresses at once.
    static let multiSupported: Bool = {
        var i = rte_cpu_intrinsics()
        rte_cpu_get_intrinsics_support(&i)
        return i.power_monitor_multi != 0
    }()

    static func validSize(_ size: UInt8) -> Bool { size == 1 || size == 2 || size == 4 || size == 8 }
}

/// Sleeps on one address. Only EAL threads (-EINVAL otherwise): the lcore's record
/// is what rte_power_monitor_wakeup writes to.
@c @implementation
public func rte_power_monitor(_ pmc: UnsafePointer<rte_power_monitor_cond>?, _ tsc_timestamp: UInt64) -> Int32 {
    guard PowerIntrinsics.waitSupported else { return -ENOTSUP }
    let lcore = eal_tls_lcore_id()
    guard lcore < UInt32(RTE_MAX_LCORE), let pmc, PowerIntrinsics.validSize(pmc.pointee.size),
          pmc.pointee.fn != nil, let addr = pmc.pointee.addr else { return -EINVAL }
    let w = eal_power_wait_at(lcore)
    rte_spinlock_lock(&w.pointee.lock)
    w.pointee.addr = addr
    eal_umonitor(addr)
    rte_spinlock_unlock(&w.pointee.lock)
    // the value may already be what the caller waits for: then do not sleep
    if eal_power_cond_abort(pmc) == 0 { eal_umwait(tsc_timestamp) }
    rte_spinlock_lock(&w.pointee.lock)
    w.pointee.addr = nil
    rte_spinlock_unlock(&w.pointee.lock)
    return 0
}

@c @implementation
public func rte_power_monitor_wakeup(_ lcore_id: UInt32) -> Int32 {
    guard PowerIntrinsics.waitSupported else { return -ENOTSUP }
    guard lcore_id < UInt32(RTE_MAX_LCORE) else { return -EINVAL }
    let w = eal_power_wait_at(lcore_id)
    rte_spinlock_lock(&w.pointee.lock)
    if let addr = w.pointee.addr { eal_power_touch(addr) }
    rte_spinlock_unlock(&w.pointee.lock)
    return 0
}

@c @implementation
public func rte_power_pause(_ tsc_timestamp: UInt64) -> Int32 {
    guard PowerIntrinsics.waitSupported else { return -ENOTSUP }
    eal_tpause(tsc_timestamp)
    return 0
}

/// Every address joins an RTM transaction's read set, so a write to any of them (or
/// a wakeup, which takes this lcore's lock, also in the set) aborts the pause.
@c @implementation
public func rte_power_monitor_multi(_ pmc: UnsafePointer<rte_power_monitor_cond>?, _ num: UInt32,
                                    _ tsc_timestamp: UInt64) -> Int32 {
    guard PowerIntrinsics.multiSupported else { return -ENOTSUP }
    let lcore = eal_tls_lcore_id()
    guard lcore < UInt32(RTE_MAX_LCORE), let pmc, num > 0 else { return -EINVAL }
    for i in 0..<Int(num) {
        guard PowerIntrinsics.validSize(pmc[i].size), pmc[i].fn != nil, pmc[i].addr != nil else { return -EINVAL }
    }
    if eal_xtest() != 0 { return 0 }          // already in a transaction
    if eal_xbegin() != ~0 { return 0 }        // aborted: something was written
    let w = eal_power_wait_at(lcore)
    _ = rte_spinlock_is_locked(&w.pointee.lock)
    var abort = false
    for i in 0..<Int(num) where eal_power_cond_abort(pmc + i) != 0 {
        abort = true
        break
    }
    if !abort { eal_tpause(tsc_timestamp) }
    eal_xend()
    return 0
}
