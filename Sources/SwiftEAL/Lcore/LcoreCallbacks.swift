import CEALShared
import CSwiftEAL
import Glibc

/// One rte_lcore_callback_register registration; its address is the handle.
final class LcoreCallback {
    let name: String
    let initCb: rte_lcore_init_cb?
    let uninitCb: rte_lcore_uninit_cb?
    let arg: UnsafeMutableRawPointer?

    init(name: String, initCb: rte_lcore_init_cb?, uninitCb: rte_lcore_uninit_cb?,
         arg: UnsafeMutableRawPointer?) {
        self.name = name
        self.initCb = initCb
        self.uninitCb = uninitCb
        self.arg = arg
    }

    func runInit(_ lcore: UInt32) -> Int32 { initCb.map { $0(lcore, arg) } ?? 0 }
    func runUninit(_ lcore: UInt32) { uninitCb?(lcore, arg) }
}

/// The registered callbacks in registration order, guarded by the table lock.
/// They outlive init and cleanup, as in DPDK.
enum LcoreCallbacks {
    // Safe: read and written only under the lcore table's rwlock (eal_lcore_lock).
    nonisolated(unsafe) static var list: [LcoreCallback] = []

    static func isOn(_ lcore: UInt32) -> Bool {
        Lcores.info(lcore).pointee.role != Int32(ROLE_OFF.rawValue)
    }

    /// Runs `init` for every lcore that is not off; if one refuses, undoes the
    /// earlier ones and returns nil. Otherwise appends the callback.
    static func register(_ cb: LcoreCallback) -> LcoreCallback? {
        (try? Lcores.withWriteLock { () throws(Errno) -> LcoreCallback? in
            if cb.initCb != nil {
                for id in 0..<UInt32(RTE_MAX_LCORE) where isOn(id) {
                    if cb.runInit(id) == 0 { continue }
                    for prev in (0..<id).reversed() where isOn(prev) { cb.runUninit(prev) }
                    return nil
                }
            }
            list.append(cb)
            return cb
        }) ?? nil
    }

    /// Runs `uninit` for every lcore that is not off and forgets the callback.
    /// Unknown handles are ignored.
    static func unregister(_ handle: UnsafeMutableRawPointer) -> Bool {
        (try? Lcores.withWriteLock { () throws(Errno) -> Bool in
            guard let i = list.firstIndex(where: { Unmanaged.passUnretained($0).toOpaque() == handle })
            else { return false }
            let cb = list[i]
            if cb.uninitCb != nil {
                for id in 0..<UInt32(RTE_MAX_LCORE) where isOn(id) { cb.runUninit(id) }
            }
            list.remove(at: i)
            return true
        }) ?? false
    }
}

/// Non-EAL threads: rte_thread_register gives them a free lcore id (ROLE_NON_EAL).
enum NonEALLcores {
    /// The first free lcore, now NON_EAL with every init callback run; nil when
    /// none is free or a callback refused it.
    static func allocate() -> UInt32? {
        (try? Lcores.withWriteLock { () throws(Errno) -> UInt32? in
            let t = Lcores.table
            guard let id = (0..<UInt32(RTE_MAX_LCORE)).first(where: {
                Lcores.info($0).pointee.role == Int32(ROLE_OFF.rawValue)
            }) else { return nil }
            Lcores.info(id).pointee.role = Int32(ROLE_NON_EAL.rawValue)
            t.pointee.lcore_count += 1
            for (i, cb) in LcoreCallbacks.list.enumerated() {
                if cb.runInit(id) == 0 { continue }
                for prev in LcoreCallbacks.list[..<i].reversed() { prev.runUninit(id) }
                Lcores.info(id).pointee.role = Int32(ROLE_OFF.rawValue)
                t.pointee.lcore_count -= 1
                return nil
            }
            return id
        }) ?? nil
    }

    static func release(_ id: UInt32) {
        _ = try? Lcores.withWriteLock { () throws(Errno) in
            guard Lcores.info(id).pointee.role == Int32(ROLE_NON_EAL.rawValue) else { return }
            for cb in LcoreCallbacks.list { cb.runUninit(id) }
            Lcores.info(id).pointee.role = Int32(ROLE_OFF.rawValue)
            Lcores.table.pointee.lcore_count -= 1
        }
    }
}
