import CEALShared
import CSwiftEAL
import Glibc

/// Service lcores: which lcores run services, their loop, and the EAL's start and
/// stop of the whole library.
enum ServiceLcores {
    @inline(__always) static func at(_ lcore: UInt32) -> UnsafeMutablePointer<eal_service_lcore> {
        eal_service_lcore_at(lcore)
    }

    @inline(__always) static func isService(_ lcore: UInt32) -> Bool {
        lcore < UInt32(RTE_MAX_LCORE) && eal_load_acquire(&at(lcore).pointee.is_service) != 0
    }

    /// The service lcores, ascending.
    static func list() -> [UInt32] {
        (0..<UInt32(RTE_MAX_LCORE)).filter(isService)
    }

    static var count: Int32 {
        var n: Int32 = 0
        for l in 0..<UInt32(RTE_MAX_LCORE) where isService(l) { n += 1 }
        return n
    }

    /// Makes `lcore` a service lcore or an ordinary one again: its role in the lcore
    /// table (what rte_eal_lcore_role says) and its flag here, as DPDK's
    /// set_lcore_state. One word stored, without the table's lock, as DPDK: the
    /// service API may be called from an rte_lcore_iterate callback, which holds it.
    static func setRole(_ lcore: UInt32, service: Bool) {
        let role = (service ? ROLE_SERVICE : ROLE_RTE).rawValue
        Lcores.info(lcore).pointer(to: \.role)!.withMemoryRebound(to: UInt32.self, capacity: 1) {
            eal_store_seq($0, role)
        }
        eal_store_seq(&at(lcore).pointee.is_service, service ? 1 : 0)
    }

    /// rte_service_lcore_add: a stopped service lcore with nothing mapped; then waits
    /// for whatever the lcore runs and returns its result, as DPDK.
    static func add(_ lcore: UInt32) -> Int32 {
        guard lcore < UInt32(RTE_MAX_LCORE) else { return -EINVAL }
        if isService(lcore) { return -EALREADY }
        setRole(lcore, service: true)
        eal_store64(&at(lcore).pointee.mask, 0)
        eal_store_release(&at(lcore).pointee.runstate, 0)
        return waitLcore(lcore)
    }

    static func del(_ lcore: UInt32) -> Int32 {
        guard isService(lcore) else { return -EINVAL }
        if eal_load_acquire(&at(lcore).pointee.runstate) != 0 { return -EBUSY }
        setRole(lcore, service: false)
        return 0
    }

    /// Sets the loop running and launches it on the lcore (what launching says:
    /// -EBUSY when the lcore is busy, -EPIPE when it has no thread). Returns once the
    /// loop has begun (or already ended), so rte_service_lcore_may_be_active says 1
    /// right after: DPDK's launch waits for the worker's acknowledgement, ours does
    /// not.
    static func start(_ lcore: UInt32) -> Int32 {
        guard isService(lcore) else { return -EINVAL }
        let ls = at(lcore)
        if eal_load_acquire(&ls.pointee.runstate) == 1 { return -EALREADY }
        eal_store_release(&ls.pointee.runstate, 1)
        let r = launch(serviceLoop, nil, on: lcore)
        if r == 0 {
            var spins = 0
            while eal_load_acquire(&ls.pointee.thread_active) == 0 && lcoreState(lcore) == RUNNING {
                spins += 1
                if spins < LaunchBlock.spinLimit { eal_cpu_relax() } else { sched_yield() }
            }
        }
        return r
    }

    /// Refuses to leave a running service without any lcore.
    static func stop(_ lcore: UInt32) -> Int32 {
        guard lcore < UInt32(RTE_MAX_LCORE) else { return -EINVAL }
        let ls = at(lcore)
        if eal_load_acquire(&ls.pointee.runstate) == 0 { return -EALREADY }
        let mask = eal_load64(&ls.pointee.mask)
        for id in 0..<Services.max where mask & (UInt64(1) << id) != 0 {
            let s = Services.at(id)
            if Services.isRegistered(id), Services.runstate(s) != 0,
               eal_load_acquire(&s.pointee.mapped_lcores) == 1 {
                return -EBUSY
            }
        }
        eal_store_release(&ls.pointee.runstate, 0)
        return 0
    }

    /// rte_service_map_lcore_set/get: (un)maps when `set` is given; the mapping after.
    static func map(_ id: UInt32, _ lcore: UInt32, set: Bool?) -> Result<Bool, Errno> {
        guard let s = Services.valid(id), isService(lcore) else { return .failure(.EINVAL) }
        let ls = at(lcore)
        let bit = UInt64(1) << id
        if let set {
            Services.withLock {
                let mapped = eal_load64(&ls.pointee.mask) & bit != 0
                if set && !mapped {
                    eal_or64(&ls.pointee.mask, bit)
                    _ = eal_fetch_add(&s.pointee.mapped_lcores, 1)
                } else if !set && mapped {
                    eal_and64(&ls.pointee.mask, ~bit)
                    _ = eal_fetch_sub(&s.pointee.mapped_lcores, 1)
                }
            }
        }
        return .success(eal_load64(&ls.pointee.mask) & bit != 0)
    }

    /// Unmaps everything and returns every service lcore to ordinary duty, stopped.
    static func resetAll() {
        Services.withLock {
            for l in list() {
                eal_store64(&at(l).pointee.mask, 0)
                setRole(l, service: false)
                eal_store_release(&at(l).pointee.runstate, 0)
            }
            for id in 0..<Services.max { eal_store_release(&Services.at(id).pointee.mapped_lcores, 0) }
        }
    }

    /// EAL init: the -s/-S lcores (the main lcore never) become service lcores. Any
    /// lcore state left from before init is dropped; services registered before it
    /// are kept.
    static func initEAL(serviceCores: [UInt32], mainLcore: UInt32) {
        eal_service_lcores_reset()
        for l in serviceCores where l != mainLcore && l < UInt32(RTE_MAX_LCORE) { _ = add(l) }
        eal_store_release(&Services.table.pointee.initialized, 1)
    }

    /// rte_service_finalize: stops and returns the service lcores, waits for every
    /// worker, forgets every service.
    static func finalize() {
        guard eal_load_acquire(&Services.table.pointee.initialized) != 0 else { return }
        resetAll()
        rte_eal_mp_wait_lcore()
        Services.withLock { eal_service_table_reset() }
    }
}

/// The service loop a service lcore runs while started: each pass runs every mapped
/// service once. The hot path: no allocation, no object, no Swift global.
private let serviceLoop: LcoreFunction = { _ in
    let ls = eal_service_lcore_at(min(eal_tls_lcore_id(), Services.noLcoreSlot))
    eal_store_seq(&ls.pointee.thread_active, 1)
    while eal_load_acquire(&ls.pointee.runstate) == 1 {
        let mask = eal_load64(&ls.pointee.mask)
        if mask == 0 {
            eal_cpu_relax()
            continue
        }
        let first = UInt32(mask.trailingZeroBitCount)
        let end = UInt32(64 - mask.leadingZeroBitCount)
        var id = first
        while id < end {
            _ = Services.runOnce(id, eal_service_at(id), ls, mask: mask, serialize: true)
            id += 1
        }
        eal_store64(&ls.pointee.loops, eal_load64(&ls.pointee.loops) &+ 1)
    }
    // none of its services is active here any more (rte_service_may_be_active)
    for id in 0..<UInt32(EAL_SERVICE_MAX) { eal_store8(eal_service_lcore_active(ls, id), 0) }
    eal_store_seq(&ls.pointee.thread_active, 0)
    return 0
}
