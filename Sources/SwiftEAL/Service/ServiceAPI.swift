// The C API of rte_service.h. Answers as DPDK 22.11's (probed where its comments
// are silent or say otherwise): the stats and mapped-check setters return 0 for an
// unknown id, statistics are summed over the service lcores only.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_service_get_count() -> UInt32 {
    eal_load_acquire(&Services.table.pointee.count)
}

@c @implementation
public func rte_service_get_by_name(_ name: UnsafePointer<CChar>?, _ service_id: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let service_id else { return -EINVAL }
    guard let name else { return -ENODEV }
    for id in 0..<Services.max where Services.isRegistered(id) {
        let own = eal_service_name(Services.at(id))
        let len = strnlen(own, Int(RTE_SERVICE_NAME_MAX))
        if strncmp(name, own, len) == 0 && name[len] == 0 {
            service_id.pointee = id
            return 0
        }
    }
    return -ENODEV
}

@c @implementation
public func rte_service_get_name(_ id: UInt32) -> UnsafePointer<CChar>? {
    guard let s = Services.valid(id) else { return nil }
    return UnsafePointer(eal_service_name(s))
}

@c @implementation
public func rte_service_probe_capability(_ id: UInt32, _ capability: UInt32) -> Int32 {
    guard let s = Services.valid(id) else { return -EINVAL }
    return s.pointee.spec.capabilities & capability != 0 ? 1 : 0
}

@c @implementation
public func rte_service_map_lcore_set(_ service_id: UInt32, _ lcore: UInt32, _ enable: UInt32) -> Int32 {
    switch ServiceLcores.map(service_id, lcore, set: enable != 0) {
    case .success: return 0
    case .failure(let e): return -e.rawValue
    }
}

@c @implementation
public func rte_service_map_lcore_get(_ service_id: UInt32, _ lcore: UInt32) -> Int32 {
    switch ServiceLcores.map(service_id, lcore, set: nil) {
    case .success(let on): return on ? 1 : 0
    case .failure(let e): return -e.rawValue
    }
}

@c @implementation
public func rte_service_runstate_set(_ id: UInt32, _ runstate: UInt32) -> Int32 {
    guard let s = Services.valid(id) else { return -EINVAL }
    eal_store_release(&s.pointee.app_runstate, runstate != 0 ? 1 : 0)
    return 0
}

@c @implementation
public func rte_service_runstate_get(_ id: UInt32) -> Int32 {
    guard let s = Services.valid(id) else { return -EINVAL }
    return Services.runstate(s)
}

@c @implementation
public func rte_service_may_be_active(_ id: UInt32) -> Int32 {
    guard Services.valid(id) != nil else { return -EINVAL }
    for l in ServiceLcores.list() where eal_load8(eal_service_lcore_active(ServiceLcores.at(l), id)) != 0 {
        return 1
    }
    return 0
}

@c @implementation
public func rte_service_set_runstate_mapped_check(_ id: UInt32, _ enable: Int32) -> Int32 {
    guard let s = Services.valid(id) else { return 0 }
    Services.setFlag(s, EAL_SERVICE_F_START_CHECK, enable != 0)
    return 0
}

/// Runs the service on the calling thread. Its statistics go to the caller's lcore
/// (counted in rte_service_attr_get only when that is a service lcore); a thread
/// without an lcore id uses a slot of its own instead of writing out of bounds.
@c @implementation
public func rte_service_run_iter_on_app_lcore(_ id: UInt32, _ serialize_multithread_unsafe: UInt32) -> Int32 {
    guard let s = Services.valid(id) else { return -EINVAL }
    let ls = eal_service_lcore_at(min(eal_tls_lcore_id(), Services.noLcoreSlot))
    // the caller counts as a mapped lcore while it runs the service (runstate_get,
    // and lcore_stop's "only lcore" check)
    _ = eal_fetch_add(&s.pointee.mapped_lcores, 1)
    let r = Services.runOnce(id, s, ls, mask: UInt64.max, serialize: serialize_multithread_unsafe == 1)
    _ = eal_fetch_sub(&s.pointee.mapped_lcores, 1)
    return r
}

@c @implementation
public func rte_service_lcore_start(_ lcore_id: UInt32) -> Int32 {
    ServiceLcores.start(lcore_id)
}

@c @implementation
public func rte_service_lcore_stop(_ lcore_id: UInt32) -> Int32 {
    ServiceLcores.stop(lcore_id)
}

@c @implementation
public func rte_service_lcore_may_be_active(_ lcore_id: UInt32) -> Int32 {
    guard ServiceLcores.isService(lcore_id) else { return -EINVAL }
    return Int32(eal_load_acquire(&ServiceLcores.at(lcore_id).pointee.thread_active))
}

@c @implementation
public func rte_service_lcore_add(_ lcore: UInt32) -> Int32 {
    ServiceLcores.add(lcore)
}

@c @implementation
public func rte_service_lcore_del(_ lcore: UInt32) -> Int32 {
    ServiceLcores.del(lcore)
}

@c @implementation
public func rte_service_lcore_count() -> Int32 {
    ServiceLcores.count
}

@c @implementation
public func rte_service_lcore_reset_all() -> Int32 {
    ServiceLcores.resetAll()
    return 0
}

@c @implementation
public func rte_service_set_stats_enable(_ id: UInt32, _ enable: Int32) -> Int32 {
    guard let s = Services.valid(id) else { return 0 }
    Services.setFlag(s, EAL_SERVICE_F_STATS, enable != 0)
    return 0
}

@c @implementation
public func rte_service_lcore_list(_ array: UnsafeMutablePointer<UInt32>?, _ n: UInt32) -> Int32 {
    let lcores = ServiceLcores.list()
    if lcores.count > Int(n) { return -ENOMEM }
    guard let array else { return -EINVAL }
    for (i, l) in lcores.enumerated() { array[i] = l }
    return Int32(lcores.count)
}

@c @implementation
public func rte_service_lcore_count_services(_ lcore: UInt32) -> Int32 {
    guard lcore < UInt32(RTE_MAX_LCORE) else { return -EINVAL }
    guard ServiceLcores.isService(lcore) else { return -ENOTSUP }
    return Int32(eal_load64(&ServiceLcores.at(lcore).pointee.mask).nonzeroBitCount)
}

@c @implementation
public func rte_service_dump(_ f: UnsafeMutablePointer<FILE>?, _ id: UInt32) -> Int32 {
    guard let f else { return -EINVAL }
    return ServiceDump.write(f, id)
}

@c @implementation
public func rte_service_attr_get(_ id: UInt32, _ attr_id: UInt32, _ attr_value: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guard Services.valid(id) != nil, let attr_value else { return -EINVAL }
    switch attr_id {
    case UInt32(RTE_SERVICE_ATTR_CALL_COUNT): attr_value.pointee = Services.sum(id, calls: true)
    case UInt32(RTE_SERVICE_ATTR_CYCLES): attr_value.pointee = Services.sum(id, calls: false)
    default: return -EINVAL
    }
    return 0
}

@c @implementation
public func rte_service_attr_reset_all(_ id: UInt32) -> Int32 {
    guard Services.valid(id) != nil else { return -EINVAL }
    for l in 0...Services.noLcoreSlot {
        let st = eal_service_lcore_stats(ServiceLcores.at(l), id)
        eal_store64(&st.pointee.calls, 0)
        eal_store64(&st.pointee.cycles, 0)
    }
    return 0
}

@c @implementation
public func rte_service_lcore_attr_get(_ lcore: UInt32, _ attr_id: UInt32, _ attr_value: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guard lcore < UInt32(RTE_MAX_LCORE), let attr_value else { return -EINVAL }
    guard ServiceLcores.isService(lcore) else { return -ENOTSUP }
    let ls = ServiceLcores.at(lcore)
    switch attr_id {
    case UInt32(RTE_SERVICE_LCORE_ATTR_LOOPS): attr_value.pointee = eal_load64(&ls.pointee.loops)
    case UInt32(RTE_SERVICE_LCORE_ATTR_CYCLES): attr_value.pointee = eal_load64(&ls.pointee.cycles)
    default: return -EINVAL
    }
    return 0
}

/// Zeroes the loop count only: the lcore's cycle total stays, as in DPDK.
@c @implementation
public func rte_service_lcore_attr_reset_all(_ lcore: UInt32) -> Int32 {
    guard lcore < UInt32(RTE_MAX_LCORE) else { return -EINVAL }
    guard ServiceLcores.isService(lcore) else { return -ENOTSUP }
    eal_store64(&ServiceLcores.at(lcore).pointee.loops, 0)
    return 0
}
