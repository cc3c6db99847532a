// The C API of rte_keepalive.h. DPDK's calls take its word for the monitor and the
// lcore id; here a NULL monitor is ignored, and so are lcore ids outside
// 0..RTE_KEEPALIVE_MAXCORES-1 (DPDK checks only the upper end) and marks from threads
// without an lcore id (DPDK would write out of bounds).
import CEALShared
import CSwiftEAL
import Glibc

private let maxCores = UInt32(RTE_KEEPALIVE_MAXCORES)

@inline(__always)
private func monitor(_ p: OpaquePointer?) -> UnsafeMutablePointer<eal_keepalive>? {
    p.map { UnsafeMutablePointer<eal_keepalive>($0) }
}

/// NULL before rte_eal_init, as DPDK (its memory comes from the EAL's heap).
@c @implementation
public func rte_keepalive_create(_ callback: rte_keepalive_failure_callback_t?,
                                 _ data: UnsafeMutableRawPointer?) -> OpaquePointer? {
    guard EALState.initialized.load(ordering: .acquiring), let k = eal_keepalive_alloc() else { return nil }
    k.pointee.callback = callback
    k.pointee.callback_data = data
    k.pointee.tsc_initial = rte_rdtsc()
    return OpaquePointer(k)
}

/// One step for every registered lcore: ALIVE -> MISSING -> DEAD (logged, failure
/// callback) -> GONE; DOZING -> SLEEP; the relay callback hears each lcore's state.
@c @implementation
public func rte_keepalive_dispatch_pings(_ ptr_timer: UnsafeMutableRawPointer?, _ ptr_data: UnsafeMutableRawPointer?) {
    guard let k = ptr_data?.assumingMemoryBound(to: eal_keepalive.self) else { return }
    for id in 0..<maxCores where eal_keepalive_registered(k, id).pointee != 0 {
        let state = eal_keepalive_state_at(k, id)
        let last = eal_keepalive_last_alive(k, id)
        switch rte_keepalive_state(eal_load_acquire(state)) {
        case RTE_KA_STATE_ALIVE:
            eal_store_release(state, RTE_KA_STATE_MISSING.rawValue)
            last.pointee = rte_rdtsc()
        case RTE_KA_STATE_MISSING:
            logLastSeen("Core MIA. ", last.pointee)
            eal_store_release(state, RTE_KA_STATE_DEAD.rawValue)
        case RTE_KA_STATE_DEAD:
            eal_store_release(state, RTE_KA_STATE_GONE.rawValue)
            logLastSeen("Core died. ", last.pointee)
            k.pointee.callback?(k.pointee.callback_data, Int32(id))
        case RTE_KA_STATE_DOZING:
            eal_store_release(state, RTE_KA_STATE_SLEEP.rawValue)
            last.pointee = rte_rdtsc()
        default:
            break   // UNUSED (never marked), GONE, SLEEP
        }
        k.pointee.relay_callback?(k.pointee.relay_callback_data, Int32(id),
                                  rte_keepalive_state(eal_load_acquire(state)), last.pointee)
    }
}

private func logLastSeen(_ what: String, _ last: UInt64) {
    let hz = rte_get_tsc_hz()
    let ms = hz == 0 ? 0 : Int64(bitPattern: (rte_rdtsc() &- last) &* 1000) / Int64(hz)
    ealLog(7, "\(what)Last seen \(ms)ms ago.")
}

@c @implementation
public func rte_keepalive_register_core(_ keepcfg: OpaquePointer?, _ id_core: Int32) {
    guard let k = monitor(keepcfg), id_core >= 0, UInt32(id_core) < maxCores else { return }
    eal_keepalive_registered(k, UInt32(id_core)).pointee = 1
    eal_keepalive_last_alive(k, UInt32(id_core)).pointee = rte_rdtsc()
}

@c @implementation
public func rte_keepalive_mark_alive(_ keepcfg: OpaquePointer?) {
    let id = eal_tls_lcore_id()
    guard let k = monitor(keepcfg), id < maxCores else { return }
    eal_store_release(eal_keepalive_state_at(k, id), RTE_KA_STATE_ALIVE.rawValue)
}

@c @implementation
public func rte_keepalive_mark_sleep(_ keepcfg: OpaquePointer?) {
    let id = eal_tls_lcore_id()
    guard let k = monitor(keepcfg), id < maxCores else { return }
    eal_store_release(eal_keepalive_state_at(k, id), RTE_KA_STATE_DOZING.rawValue)
}

@c @implementation
public func rte_keepalive_register_relay_callback(_ keepcfg: OpaquePointer?,
                                                  _ callback: rte_keepalive_relay_callback_t?,
                                                  _ data: UnsafeMutableRawPointer?) {
    guard let k = monitor(keepcfg) else { return }
    k.pointee.relay_callback = callback
    k.pointee.relay_callback_data = data
}
