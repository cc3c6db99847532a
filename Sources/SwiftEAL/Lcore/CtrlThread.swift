// rte_ctrl_thread_create: a named thread on the CPUs that no lcore uses.
import CEALShared
import CSwiftEAL
import Glibc

/// The CPUs control threads run on: the set computed at init, or before init the
/// caller's own affinity.
func controlCPUs() -> CPUSet {
    Lcores.initialized && !Lcores.ctrlCPUs.isEmpty ? Lcores.ctrlCPUs : CPUSet.currentAffinity()
}

@c @implementation
public func rte_ctrl_thread_create(_ thread: UnsafeMutablePointer<pthread_t>?, _ name: UnsafePointer<CChar>?,
                                   _ attr: UnsafePointer<pthread_attr_t>?,
                                   _ start_routine: (@convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?)?,
                                   _ arg: UnsafeMutableRawPointer?) -> Int32 {
    // A NULL name is allowed, as in DPDK: the thread keeps the creator's name.
    guard let thread, let start_routine else { return -EINVAL }
    let cpus = controlCPUs()
    let socket = Lcores.currentTopology().socket(of: cpus)
    let start = ThreadStart.make(ThreadStart(routine: start_routine, threadFunc: nil, arg: arg,
                                             cpus: cpus.cpuset, socket: socket, name: name.map { String(cString: $0) }))
    let r: Int32 = pthread_create(thread, attr, { (raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? in
        let start = raw!.assumingMemoryBound(to: ThreadStart.self)
        var cpus = start.pointee.cpus
        let routine = start.pointee.routine!
        let arg = start.pointee.arg
        // named by itself, so the name is there before start_routine runs (and in
        // its trace buffer)
        if let name = start.pointee.name { setThreadName(pthread_self(), name) }
        threadInit(lcore: LCORE_ID_ANY, cpus: cpus, socket: start.pointee.socket)
        let status: Int32 = pthread_setaffinity_np(pthread_self(), MemoryLayout<rte_cpuset_t>.size, &cpus)
        start.pointee.status = status
        futexSignal(&start.pointee.done)   // the creator frees `start` after this
        if status != 0 { return nil }
        return routine(arg)
    }, start)
    if r != 0 {
        ThreadStart.free(start)
        return -r
    }
    futexWaitNonZero(&start.pointee.done)
    let status = start.pointee.status
    ThreadStart.free(start)
    if status != 0 {
        pthread_join(thread.pointee, nil)
        return -status
    }
    return 0
}

/// An EAL control thread for other subsystems (the interrupt thread, ...): named,
/// on the control CPUs, with no lcore id, as rte_ctrl_thread_create makes them.
func spawnControlThread(name: String, _ body: @escaping () -> Void) throws(Errno) -> pthread_t {
    let cpus = controlCPUs()
    let socket = Lcores.currentTopology().socket(of: cpus)
    var set = cpus.cpuset
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    try pthreadCall { pthread_attr_setaffinity_np(&attr, MemoryLayout<rte_cpuset_t>.size, &set) }
    let cset = set
    return try spawnThread(name: nil, attr: &attr) {
        setThreadName(pthread_self(), name)   // before body runs, not after create returns
        threadInit(lcore: LCORE_ID_ANY, cpus: cset, socket: socket)
        body()
    }
}
