import CEALShared
import CSwiftEAL
import Glibc

/// The registered services (eal_service.h) and how one iteration of a service runs.
/// Process-local, in static C storage: components may register before rte_eal_init,
/// and nothing here allocates.
enum Services {
    static let max = UInt32(EAL_SERVICE_MAX)
    /// The lcore-state slot of threads without an lcore id.
    static let noLcoreSlot = UInt32(RTE_MAX_LCORE)

    @inline(__always) static var table: UnsafeMutablePointer<eal_service_table> { eal_service_table_ptr() }
    @inline(__always) static func at(_ id: UInt32) -> UnsafeMutablePointer<eal_service> { eal_service_at(id) }

    @inline(__always) static func isRegistered(_ id: UInt32) -> Bool {
        eal_load_acquire(&at(id).pointee.flags) & EAL_SERVICE_F_REGISTERED != 0
    }

    /// The service with this id, when it is registered.
    @inline(__always) static func valid(_ id: UInt32) -> UnsafeMutablePointer<eal_service>? {
        id < max && isRegistered(id) ? at(id) : nil
    }

    static func withLock<T>(_ body: () -> T) -> T {
        rte_spinlock_lock(&table.pointee.lock)
        defer { rte_spinlock_unlock(&table.pointee.lock) }
        return body()
    }

    static func setFlag(_ s: UnsafeMutablePointer<eal_service>, _ flag: UInt32, _ on: Bool) {
        if on { _ = eal_or32(&s.pointee.flags, flag) } else { _ = eal_and32(&s.pointee.flags, ~flag) }
    }

    /// Registers a service in the first free slot.
    static func register(_ spec: rte_service_spec) -> Result<UInt32, Errno> {
        var spec = spec
        let named = withUnsafeBytes(of: &spec.name) { $0.first != 0 }
        guard spec.callback != nil, named else { return .failure(.EINVAL) }
        return withLock {
            guard let id = (0..<max).first(where: { !isRegistered($0) }) else { return .failure(.ENOSPC) }
            let s = at(id)
            s.pointee = eal_service()
            s.pointee.spec = spec
            eal_store_release(&s.pointee.flags, EAL_SERVICE_F_REGISTERED | EAL_SERVICE_F_START_CHECK)
            _ = eal_fetch_add(&table.pointee.count, 1)
            return .success(id)
        }
    }

    /// Removes a service and its mappings. Its run states and flags go at once; its
    /// callback and argument stay in the slot until a new service takes it, so an
    /// lcore still inside a call (DPDK asks callers to stop the service first, and does
    /// not check) never reads half a service. Statistics stay, as in DPDK.
    static func unregister(_ id: UInt32) -> Errno? {
        withLock {
            guard let s = valid(id) else { return .EINVAL }
            _ = eal_fetch_sub(&table.pointee.count, 1)
            eal_store_release(&s.pointee.flags, 0)
            eal_store_release(&s.pointee.app_runstate, 0)
            eal_store_release(&s.pointee.comp_runstate, 0)
            eal_store_release(&s.pointee.mapped_lcores, 0)
            for l in 0...noLcoreSlot { eal_and64(&eal_service_lcore_at(l).pointee.mask, ~(UInt64(1) << id)) }
            return nil
        }
    }

    /// rte_service_runstate_get: both run states set, and a mapped lcore unless that
    /// check is off.
    static func runstate(_ s: UnsafeMutablePointer<eal_service>) -> Int32 {
        guard eal_load_acquire(&s.pointee.comp_runstate) == 1,
              eal_load_acquire(&s.pointee.app_runstate) == 1 else { return 0 }
        let unchecked = eal_load_acquire(&s.pointee.flags) & EAL_SERVICE_F_START_CHECK == 0
        return unchecked || eal_load_acquire(&s.pointee.mapped_lcores) > 0 ? 1 : 0
    }

    /// One iteration of service `id` on the lcore state `ls`, when it may run there
    /// (`mask` has its bit). The hot path of every service lcore: no allocation, no
    /// object, no Swift global.
    @inline(__always)
    static func runOnce(_ id: UInt32, _ s: UnsafeMutablePointer<eal_service>,
                        _ ls: UnsafeMutablePointer<eal_service_lcore>, mask: UInt64,
                        serialize: Bool) -> Int32 {
        let active = eal_service_lcore_active(ls, id)
        guard eal_load_acquire(&s.pointee.comp_runstate) == 1,
              eal_load_acquire(&s.pointee.app_runstate) == 1,
              mask & (UInt64(1) << id) != 0 else {
            eal_store8(active, 0)
            return -ENOEXEC
        }
        eal_store8(active, 1)
        let mtSafe = s.pointee.spec.capabilities & UInt32(RTE_SERVICE_CAP_MT_SAFE) != 0
        if !mtSafe && serialize {
            if rte_spinlock_trylock(&s.pointee.execute_lock) == 0 { return -EBUSY }
            call(id, s, ls)
            rte_spinlock_unlock(&s.pointee.execute_lock)
        } else {
            call(id, s, ls)
        }
        return 0
    }

    /// Calls the service, counting the call and (unless it did no work: -EAGAIN) its
    /// cycles when statistics are on. Only this lcore's thread writes its counters.
    @inline(__always)
    private static func call(_ id: UInt32, _ s: UnsafeMutablePointer<eal_service>,
                             _ ls: UnsafeMutablePointer<eal_service_lcore>) {
        guard let fn = s.pointee.spec.callback else { return }
        let arg = s.pointee.spec.callback_userdata
        if eal_load_acquire(&s.pointee.flags) & EAL_SERVICE_F_STATS == 0 {
            _ = fn(arg)
            return
        }
        let start = rte_rdtsc()
        let rc = fn(arg)
        let stats = eal_service_lcore_stats(ls, id)
        if rc != -EAGAIN {
            let cycles = rte_rdtsc() &- start
            eal_store64(&ls.pointee.cycles, eal_load64(&ls.pointee.cycles) &+ cycles)
            eal_store64(&stats.pointee.cycles, eal_load64(&stats.pointee.cycles) &+ cycles)
        }
        eal_store64(&stats.pointee.calls, eal_load64(&stats.pointee.calls) &+ 1)
    }

    /// A statistic of service `id` (its calls, or its cycles) summed over the service
    /// lcores, as DPDK sums it: runs on other lcores are not in it.
    static func sum(_ id: UInt32, calls: Bool) -> UInt64 {
        var total: UInt64 = 0
        for l in 0..<noLcoreSlot where eal_load_acquire(&eal_service_lcore_at(l).pointee.is_service) != 0 {
            let st = eal_service_lcore_stats(eal_service_lcore_at(l), id)
            total &+= calls ? eal_load64(&st.pointee.calls) : eal_load64(&st.pointee.cycles)
        }
        return total
    }
}
