// The C API of rte_thread.h (and rte_sys_gettid from rte_eal.h). The experimental
// rte_thread_* calls return 0 or a positive errno value, as DPDK 22.11 documents.
import CEALShared
import CSwiftEAL
import Glibc

private let cpusetSize = MemoryLayout<rte_cpuset_t>.size

@c @implementation
public func rte_sys_gettid() -> Int32 {
    currentTid()
}

@c @implementation
public func rte_thread_set_affinity(_ cpusetp: UnsafeMutablePointer<rte_cpuset_t>?) -> Int32 {
    guard let cpusetp else { return -1 }
    if pthread_setaffinity_np(pthread_self(), cpusetSize, cpusetp) != 0 {
        ealLog(4, "pthread_setaffinity_np failed")
        return -1
    }
    let set = CPUSet(cpusetp.pointee)
    let socket = Lcores.currentTopology().socket(of: set)
    eal_tls_set_socket(socket)
    eal_tls_cpuset_ptr().pointee = cpusetp.pointee
    let lcore = eal_tls_lcore_id()
    if lcore < UInt32(RTE_MAX_LCORE) {
        Lcores.info(lcore).pointee.socket_id = socket
        Lcores.info(lcore).pointee.cpuset = cpusetp.pointee
    }
    return 0
}

@c @implementation
public func rte_thread_get_affinity(_ cpusetp: UnsafeMutablePointer<rte_cpuset_t>?) {
    guard let cpusetp else { return }
    cpusetp.pointee = eal_tls_cpuset_ptr().pointee
}

@c @implementation
public func rte_thread_self() -> rte_thread_t {
    rte_thread_t(opaque_id: UInt(pthread_self()))
}

@c @implementation
public func rte_thread_equal(_ t1: rte_thread_t, _ t2: rte_thread_t) -> Int32 {
    pthread_equal(pthread_t(t1.opaque_id), pthread_t(t2.opaque_id))
}

@c @implementation
public func rte_thread_attr_init(_ attr: UnsafeMutablePointer<rte_thread_attr_t>?) -> Int32 {
    guard let attr else { return EINVAL }
    attr.pointee = rte_thread_attr_t()
    attr.pointee.priority = RTE_THREAD_PRIORITY_NORMAL
    return 0
}

@c @implementation
public func rte_thread_attr_set_priority(_ thread_attr: UnsafeMutablePointer<rte_thread_attr_t>?,
                                         _ priority: rte_thread_priority) -> Int32 {
    guard let thread_attr else { return EINVAL }
    thread_attr.pointee.priority = priority
    return 0
}

@c @implementation
public func rte_thread_attr_set_affinity(_ thread_attr: UnsafeMutablePointer<rte_thread_attr_t>?,
                                         _ cpuset: UnsafeMutablePointer<rte_cpuset_t>?) -> Int32 {
    guard let thread_attr, let cpuset else { return EINVAL }
    thread_attr.pointee.cpuset = cpuset.pointee
    return 0
}

@c @implementation
public func rte_thread_attr_get_affinity(_ thread_attr: UnsafeMutablePointer<rte_thread_attr_t>?,
                                         _ cpuset: UnsafeMutablePointer<rte_cpuset_t>?) -> Int32 {
    guard let thread_attr, let cpuset else { return EINVAL }
    cpuset.pointee = thread_attr.pointee.cpuset
    return 0
}

@c @implementation
public func rte_thread_set_affinity_by_id(_ thread_id: rte_thread_t,
                                          _ cpuset: UnsafePointer<rte_cpuset_t>?) -> Int32 {
    guard let cpuset else { return EINVAL }
    return pthread_setaffinity_np(pthread_t(thread_id.opaque_id), cpusetSize, cpuset)
}

@c @implementation
public func rte_thread_get_affinity_by_id(_ thread_id: rte_thread_t,
                                          _ cpuset: UnsafeMutablePointer<rte_cpuset_t>?) -> Int32 {
    guard let cpuset else { return EINVAL }
    return pthread_getaffinity_np(pthread_t(thread_id.opaque_id), cpusetSize, cpuset)
}

/// The OS scheduling of a priority: SCHED_OTHER for NORMAL; real time is refused
/// (it can starve the system), as in DPDK 22.11 on Linux.
private func schedFor(_ priority: rte_thread_priority) -> (policy: Int32, param: sched_param)? {
    guard priority == RTE_THREAD_PRIORITY_NORMAL else { return nil }
    return (SCHED_OTHER, sched_param(sched_priority: 0))
}

@c @implementation
public func rte_thread_get_priority(_ thread_id: rte_thread_t,
                                    _ priority: UnsafeMutablePointer<rte_thread_priority>?) -> Int32 {
    guard let priority else { return EINVAL }
    var policy: Int32 = 0
    var param = sched_param()
    let r = pthread_getschedparam(pthread_t(thread_id.opaque_id), &policy, &param)
    if r != 0 { return r }
    switch policy {
    case SCHED_OTHER:
        priority.pointee = RTE_THREAD_PRIORITY_NORMAL
    case SCHED_RR where param.sched_priority == sched_get_priority_max(SCHED_RR):
        priority.pointee = RTE_THREAD_PRIORITY_REALTIME_CRITICAL
    default:
        return EINVAL
    }
    return 0
}

@c @implementation
public func rte_thread_set_priority(_ thread_id: rte_thread_t, _ priority: rte_thread_priority) -> Int32 {
    if priority == RTE_THREAD_PRIORITY_REALTIME_CRITICAL { return ENOTSUP }
    guard var s = schedFor(priority) else { return EINVAL }
    return pthread_setschedparam(pthread_t(thread_id.opaque_id), s.policy, &s.param)
}

@c @implementation
public func rte_thread_create(_ thread_id: UnsafeMutablePointer<rte_thread_t>?,
                              _ thread_attr: UnsafePointer<rte_thread_attr_t>?,
                              _ thread_func: rte_thread_func?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let thread_id, let thread_func else { return EINVAL }
    var attr = pthread_attr_t()
    var r = pthread_attr_init(&attr)
    if r != 0 { return r }
    defer { pthread_attr_destroy(&attr) }
    if let a = thread_attr {
        if a.pointee.priority == RTE_THREAD_PRIORITY_REALTIME_CRITICAL { return ENOTSUP }
        guard var s = schedFor(a.pointee.priority) else { return EINVAL }
        var cpus = a.pointee.cpuset
        if CPUSet(cpus).count > 0 {
            r = pthread_attr_setaffinity_np(&attr, cpusetSize, &cpus)
            if r != 0 { return r }
        }
        r = pthread_attr_setinheritsched(&attr, Int32(PTHREAD_EXPLICIT_SCHED))
        if r == 0 { r = pthread_attr_setschedpolicy(&attr, s.policy) }
        if r == 0 { r = pthread_attr_setschedparam(&attr, &s.param) }
        if r != 0 { return r }
    }
    let start = ThreadStart.make(ThreadStart(routine: nil, threadFunc: thread_func, arg: arg, cpus: rte_cpuset_t()))
    var tid = pthread_t()
    r = pthread_create(&tid, &attr, { raw in
        let start = raw!.assumingMemoryBound(to: ThreadStart.self)
        let f = start.pointee.threadFunc!
        let arg = start.pointee.arg
        ThreadStart.free(start)
        return eal_u32_to_ptr(f(arg))
    }, start)
    if r != 0 {
        ThreadStart.free(start)
        return r
    }
    thread_id.pointee = rte_thread_t(opaque_id: UInt(tid))
    return 0
}

@c @implementation
public func rte_thread_join(_ thread_id: rte_thread_t, _ value_ptr: UnsafeMutablePointer<UInt32>?) -> Int32 {
    var res: UnsafeMutableRawPointer? = nil
    let r = pthread_join(pthread_t(thread_id.opaque_id), &res)
    if r != 0 { return r }
    value_ptr?.pointee = eal_ptr_to_u32(res)
    return 0
}

@c @implementation
public func rte_thread_detach(_ thread_id: rte_thread_t) -> Int32 {
    pthread_detach(pthread_t(thread_id.opaque_id))
}

// Thread-local keys: the handle is a heap cell holding the pthread key.

@c @implementation
public func rte_thread_key_create(_ key: UnsafeMutablePointer<rte_thread_key?>?,
                                  _ destructor: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?) -> Int32 {
    guard let key else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let cell = UnsafeMutablePointer<pthread_key_t>.allocate(capacity: 1)
    if pthread_key_create(cell, destructor) != 0 {
        cell.deallocate()
        RteErrno.set(.ENOEXEC)
        return -1
    }
    key.pointee = OpaquePointer(cell)
    return 0
}

@c @implementation
public func rte_thread_key_delete(_ key: rte_thread_key?) -> Int32 {
    guard let key else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let cell = UnsafeMutablePointer<pthread_key_t>(key)
    if pthread_key_delete(cell.pointee) != 0 {
        RteErrno.set(.ENOEXEC)
        return -1
    }
    cell.deallocate()
    return 0
}

@c @implementation
public func rte_thread_value_set(_ key: rte_thread_key?, _ value: UnsafeRawPointer?) -> Int32 {
    guard let key else {
        RteErrno.set(.EINVAL)
        return -1
    }
    if pthread_setspecific(UnsafeMutablePointer<pthread_key_t>(key).pointee, value) != 0 {
        RteErrno.set(.ENOEXEC)
        return -1
    }
    return 0
}

@c @implementation
public func rte_thread_value_get(_ key: rte_thread_key?) -> UnsafeMutableRawPointer? {
    guard let key else {
        RteErrno.set(.EINVAL)
        return nil
    }
    return pthread_getspecific(UnsafeMutablePointer<pthread_key_t>(key).pointee)
}
