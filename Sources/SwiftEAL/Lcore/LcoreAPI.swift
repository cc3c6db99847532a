// The C API of rte_lcore.h: lcore ids, roles, sockets, callbacks, non-EAL threads.
import CEALShared
import CSwiftEAL
import Glibc

private let maxLcore = UInt32(RTE_MAX_LCORE)

@c @implementation
public func rte_eal_lcore_role(_ lcore_id: UInt32) -> rte_lcore_role_t {
    guard lcore_id < maxLcore else { return ROLE_OFF }
    return rte_lcore_role_t(UInt32(bitPattern: Lcores.info(lcore_id).pointee.role))
}

@c @implementation
public func rte_lcore_has_role(_ lcore_id: UInt32, _ role: rte_lcore_role_t) -> Int32 {
    guard lcore_id < maxLcore else { return 0 }
    return Lcores.info(lcore_id).pointee.role == Int32(bitPattern: role.rawValue) ? 1 : 0
}

@c @implementation
public func rte_get_main_lcore() -> UInt32 {
    eal_lcore_table_ptr().pointee.main_lcore
}

@c @implementation
public func rte_lcore_count() -> UInt32 {
    eal_lcore_table_ptr().pointee.lcore_count
}

/// The lcore a signed id names: itself, or the caller's for a negative one.
@inline(__always)
private func resolveLcore(_ lcore_id: Int32) -> UInt32? {
    if lcore_id >= Int32(maxLcore) { return nil }
    if lcore_id >= 0 { return UInt32(lcore_id) }
    let me = eal_tls_lcore_id()
    return me == LCORE_ID_ANY ? nil : me
}

@c @implementation
public func rte_lcore_index(_ lcore_id: Int32) -> Int32 {
    guard let id = resolveLcore(lcore_id), id < maxLcore else { return -1 }
    return Lcores.info(id).pointee.core_index
}

@c @implementation
public func rte_lcore_to_cpu_id(_ lcore_id: Int32) -> Int32 {
    guard let id = resolveLcore(lcore_id), id < maxLcore else { return -1 }
    return Int32(bitPattern: Lcores.info(id).pointee.core_id)
}

@c @implementation
public func rte_socket_id() -> UInt32 {
    eal_tls_socket()
}

@c @implementation
public func rte_socket_count() -> UInt32 {
    eal_lcore_table_ptr().pointee.numa_node_count
}

@c @implementation
public func rte_socket_id_by_idx(_ idx: UInt32) -> Int32 {
    let t = eal_lcore_table_ptr()
    guard idx < t.pointee.numa_node_count, idx < UInt32(RTE_MAX_NUMA_NODES) else {
        RteErrno.set(.EINVAL)
        return -1
    }
    return withUnsafeBytes(of: &t.pointee.numa_nodes) { raw in
        Int32(bitPattern: raw.load(fromByteOffset: Int(idx) * 4, as: UInt32.self))
    }
}

@c @implementation
public func rte_lcore_to_socket_id(_ lcore_id: UInt32) -> UInt32 {
    guard lcore_id < maxLcore else { return 0 }
    return Lcores.info(lcore_id).pointee.socket_id
}

@c @implementation
public func rte_lcore_cpuset(_ lcore_id: UInt32) -> rte_cpuset_t {
    guard lcore_id < maxLcore else { return rte_cpuset_t() }
    return Lcores.info(lcore_id).pointee.cpuset
}

@c @implementation
public func rte_lcore_is_enabled(_ lcore_id: UInt32) -> Int32 {
    guard lcore_id < maxLcore else { return 0 }
    return Lcores.info(lcore_id).pointee.role == Int32(ROLE_RTE.rawValue) ? 1 : 0
}

@c @implementation
public func rte_get_next_lcore(_ i: UInt32, _ skip_main: Int32, _ wrap: Int32) -> UInt32 {
    let main = eal_lcore_table_ptr().pointee.main_lcore
    var id = i &+ 1
    if wrap != 0 { id %= maxLcore }
    // DPDK loops forever when wrapping finds nothing; one full turn is enough here
    var steps: UInt32 = 0
    while id < maxLcore && steps <= maxLcore {
        if rte_lcore_is_enabled(id) != 0 && !(skip_main != 0 && id == main) { return id }
        id += 1
        if wrap != 0 { id %= maxLcore }
        steps += 1
    }
    return id < maxLcore ? maxLcore : id
}

@c @implementation
public func rte_lcore_callback_register(_ name: UnsafePointer<CChar>?, _ `init`: rte_lcore_init_cb?,
                                        _ uninit: rte_lcore_uninit_cb?,
                                        _ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let name else { return nil }
    let cb = LcoreCallback(name: String(cString: name), initCb: `init`, uninitCb: uninit, arg: arg)
    guard let kept = LcoreCallbacks.register(cb) else { return nil }
    return Unmanaged.passRetained(kept).toOpaque()
}

@c @implementation
public func rte_lcore_callback_unregister(_ handle: UnsafeMutableRawPointer?) {
    guard let handle else { return }
    if LcoreCallbacks.unregister(handle) {
        Unmanaged<LcoreCallback>.fromOpaque(handle).release()
    }
}

@c @implementation
public func rte_lcore_iterate(_ cb: rte_lcore_iterate_cb?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let cb else { return -EINVAL }
    return Lcores.withReadLock {
        for id in 0..<maxLcore where LcoreCallbacks.isOn(id) {
            let r = cb(id, arg)
            if r != 0 { return r }
        }
        return 0
    }
}

/// "0,1,5" for a CPU set, cut at DPDK's 256-byte limit (then `cut` is true).
func affinityString(_ set: CPUSet, limit: Int = 256) -> (text: String, cut: Bool) {
    var text = ""
    for cpu in set.members {
        let item = "\(cpu),"
        if text.utf8.count + item.utf8.count >= limit { return (String(text.dropLast()), true) }
        text += item
    }
    return (String(text.dropLast()), false)
}

@c @implementation
public func rte_lcore_dump(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f else { return }
    _ = rte_lcore_iterate({ id, arg in
        let f = arg!.assumingMemoryBound(to: FILE.self)
        let role: String
        switch rte_eal_lcore_role(id) {
        case ROLE_RTE: role = "RTE"
        case ROLE_SERVICE: role = "SERVICE"
        case ROLE_NON_EAL: role = "NON_EAL"
        default: role = "UNKNOWN"
        }
        let (cpus, cut) = affinityString(CPUSet(Lcores.info(id).pointee.cpuset))
        let line = "lcore \(id), socket \(rte_lcore_to_socket_id(id)), role \(role), cpuset \(cpus)\(cut ? "..." : "")\n"
        fputs(line, f)
        return 0
    }, UnsafeMutableRawPointer(f))
}

@c @implementation
public func rte_thread_register() -> Int32 {
    guard Lcores.initialized else {
        RteErrno.set(.EINVAL)
        return -1
    }
    if eal_tls_lcore_id() != LCORE_ID_ANY { return 0 }
    let cpus = CPUSet.currentAffinity()
    let socket = Lcores.currentTopology().socket(of: cpus)
    let id = NonEALLcores.allocate()
    threadInit(lcore: id ?? LCORE_ID_ANY, cpus: cpus.cpuset, socket: socket)
    guard let id else {
        RteErrno.set(.ENOMEM)
        return -1
    }
    // the lcore's entry shows the thread's CPUs and socket (left as is at unregister, as in DPDK)
    Lcores.info(id).pointee.cpuset = cpus.cpuset
    Lcores.info(id).pointee.socket_id = socket
    return 0
}

@c @implementation
public func rte_thread_unregister() {
    let id = eal_tls_lcore_id()
    // the malloc cache of this lcore id goes back to its heap before the id does
    if id != LCORE_ID_ANY && id < maxLcore, let cache = LcoreCache.current() { LcoreCache.flushAll(cache) }
    if id != LCORE_ID_ANY && id < maxLcore { NonEALLcores.release(id) }
    eal_tls_set_lcore_id(LCORE_ID_ANY)
}

@c @implementation
public func rte_thread_setname(_ id: pthread_t, _ name: UnsafePointer<CChar>?) -> Int32 {
    guard let name else { return -EINVAL }
    return -setThreadName(id, String(cString: name))
}

@c @implementation
public func rte_thread_getname(_ id: pthread_t, _ name: UnsafeMutablePointer<CChar>?, _ len: Int) -> Int32 {
    guard let name else { return -EINVAL }
    return -pthread_getname_np(id, name, len)
}
