import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// Process-local lcore state that is not in the C table: written by init and
/// cleanup only (no lcore thread runs then), read by the C API from any thread, so
/// an atomic and locks (none of it on a hot path).
enum Lcores {
    static var initialized: Bool {
        get { initializedStorage.load(ordering: .acquiring) }
        set { initializedStorage.store(newValue, ordering: .releasing) }
    }
    private static let initializedStorage = Atomic<Bool>(false)
    /// The EAL worker threads of this init.
    static var workers: [(lcore: UInt32, thread: pthread_t)] {
        get { workersStorage.withLock { $0 } }
        set { workersStorage.withLock { $0 = newValue } }
    }
    private static let workersStorage = Mutex<[(lcore: UInt32, thread: pthread_t)]>([])
    /// Where control threads run: the CPUs no lcore uses (DPDK's ctrl_cpuset).
    static var ctrlCPUs: CPUSet {
        get { ctrlCPUsStorage.withLock { $0 } }
        set { ctrlCPUsStorage.withLock { $0 = newValue } }
    }
    private static let ctrlCPUsStorage = Mutex(CPUSet())
    /// sysfs as read at init; nil outside init.
    static var topology: Topology? {
        get { topologyStorage.withLock { $0 } }
        set { topologyStorage.withLock { $0 = newValue } }
    }
    private static let topologyStorage = Mutex<Topology?>(nil)

    static var table: UnsafeMutablePointer<eal_lcore_table> { eal_lcore_table_ptr() }

    /// The topology of this init, or a fresh read of sysfs before init.
    static func currentTopology() -> Topology { topology ?? Topology.read() }

    @inline(__always) static func info(_ id: UInt32) -> UnsafeMutablePointer<eal_lcore_info> {
        eal_lcore_info_at(id)
    }

    static func withWriteLock<T>(_ body: () throws(Errno) -> T) throws(Errno) -> T {
        rte_rwlock_write_lock(eal_lcore_lock())
        defer { rte_rwlock_write_unlock(eal_lcore_lock()) }
        return try body()
    }

    static func withReadLock<T>(_ body: () -> T) -> T {
        rte_rwlock_read_lock(eal_lcore_lock())
        defer { rte_rwlock_read_unlock(eal_lcore_lock()) }
        return body()
    }
}

/// What DPDK's rte_eal_cpu_init says, before the options are parsed (so a bad option's
/// messages come after it, as with DPDK).
func logDetectedCPUs() {
    let topo = Topology.read()
    for cpu in 0..<Int(RTE_MAX_LCORE) where topo.detected[cpu] {
        ealLog(8, "Detected lcore \(cpu) as core \(topo.coreId[cpu]) on socket \(topo.socketOfCPU[cpu])")
    }
    ealLog(8, "Maximum logical cores by configuration: \(RTE_MAX_LCORE)")
    ealLog(6, "Detected CPU lcores: \(topo.detected.filter { $0 }.count)")
    ealLog(6, "Detected NUMA nodes: \(Swift.max(topo.sockets.count, 1))")
}

/// Per-thread EAL identity: lcore id, kernel tid, socket and recorded affinity.
/// DPDK's __rte_thread_init.
func threadInit(lcore: UInt32, cpus: rte_cpuset_t, socket: UInt32) {
    eal_tls_set_lcore_id(lcore)
    eal_tls_set_thread_id(currentTid())
    eal_tls_set_socket(socket)
    eal_tls_cpuset_ptr().pointee = cpus
    // an EAL thread gets its trace buffer as it starts, while tracing is on (DPDK's)
    if Trace.isEnabled { Trace.allocateThreadBuffer() }
}

/// Builds the lcore table from `Runtime.config`, pins the calling thread as the
/// main lcore and starts one pinned worker thread per other enabled lcore.
/// Called by rte_eal_init after option parsing.
func lcoresInit() throws(Errno) {
    try lcoresInit(config: Runtime.config)
}

/// The same from an explicit configuration (tests).
func lcoresInit(config cfg: InternalConfig) throws(Errno) {
    if Lcores.initialized { throw .EALREADY }
    let max = Int(RTE_MAX_LCORE)
    guard cfg.lcores.count == max else { throw .EINVAL }
    let enabled = cfg.enabledLcores
    guard let main = cfg.mainLcore ?? enabled.first, Int(main) < max,
          cfg.lcores[Int(main)].role == ROLE_RTE else {
        ealLog(4, "Main lcore is not enabled for DPDK")
        throw .EINVAL
    }
    let topo = Topology.read()
    let processCPUs = CPUSet.currentAffinity()

    // the table
    var used = CPUSet()
    try Lcores.withWriteLock { () throws(Errno) in
        let t = Lcores.table
        var index: Int32 = 0
        var count: UInt32 = 0
        for id in 0..<max {
            let info = Lcores.info(UInt32(id))
            let s = cfg.lcores[id]
            let on = s.role == ROLE_RTE || s.role == ROLE_SERVICE
            info.pointee.role = Int32(on ? s.role.rawValue : ROLE_OFF.rawValue)
            info.pointee.core_id = topo.detected[id] ? topo.coreId[id] : 0
            if on {
                let cpus = s.cpus.isEmpty ? CPUSet([id]) : s.cpus
                info.pointee.cpuset = cpus.cpuset
                info.pointee.socket_id = topo.socket(of: cpus)
                // the user's listing order when there is one (DPDK's), else ascending ids
                info.pointee.core_index = s.order >= 0 ? s.order : index
                index += 1
                if s.role == ROLE_RTE { count += 1 }
                for c in cpus.members { used.insert(c) }
            } else {
                info.pointee.cpuset = rte_cpuset_t()
                info.pointee.socket_id = topo.detected[id] ? topo.socketOfCPU[id] : 0
                info.pointee.core_index = -1
            }
        }
        t.pointee.main_lcore = main
        t.pointee.lcore_count = count
        let nodes = topo.sockets.isEmpty ? [0] : topo.sockets
        t.pointee.numa_node_count = UInt32(min(nodes.count, Int(RTE_MAX_NUMA_NODES)))
        withUnsafeMutableBytes(of: &t.pointee.numa_nodes) { raw in
            let p = raw.bindMemory(to: UInt32.self)
            for i in 0..<p.count { p[i] = i < nodes.count ? nodes[i] : 0 }
        }
    }
    Lcores.topology = topo

    // control threads get the CPUs no lcore uses, else the main lcore's
    var ctrl = CPUSet()
    for c in processCPUs.members where !used.contains(c) { ctrl.insert(c) }
    if ctrl.isEmpty { ctrl = CPUSet(Lcores.info(main).pointee.cpuset) }
    Lcores.ctrlCPUs = ctrl

    // the launch slots
    let block = try LaunchBlock.allocate()
    var workerIds: [UInt32] = []
    for id in 0..<UInt32(max) where id != main {
        let role = Lcores.info(id).pointee.role
        if role == Int32(ROLE_RTE.rawValue) || role == Int32(ROLE_SERVICE.rawValue) {
            eal_launch_block_slot(block, id).pointee.has_worker = 1
            workerIds.append(id)
        }
    }
    block.pointee.refs = 1
    eal_launch_publish(block)

    // the main lcore: the calling thread
    let mainInfo = Lcores.info(main).pointee
    var mainSet = mainInfo.cpuset
    let r = pthread_setaffinity_np(pthread_self(), MemoryLayout<rte_cpuset_t>.size, &mainSet)
    if r != 0 {
        ealLog(4, "Cannot set affinity of the main lcore \(main)")
        lcoresReset(block: block)
        throw Errno(r)
    }
    threadInit(lcore: main, cpus: mainSet, socket: mainInfo.socket_id)
    logReady("Main lcore", main, CPUSet(mainSet))
    Lcores.initialized = true
    Vect.reset(forced: cfg.maxSimdBitwidth)

    // the workers
    for id in workerIds {
        do throws(Errno) {
            let thread = try startWorker(id, block: block, stackSize: Int(cfg.hugeWorkerStack ?? 0))
            Lcores.workers.append((id, thread))
        } catch {
            ealLog(4, "Cannot create thread for lcore \(id): \(error)")
            lcoresCleanup()
            throw error
        }
    }
}

/// Stops and joins every worker and resets the table, so a later init starts clean.
/// A worker still running a function is detached instead; it leaves when its
/// function returns. Called by rte_eal_cleanup.
func lcoresCleanup() {
    guard Lcores.initialized, let blockPtr = eal_launch_current_block() else { return }
    var busy = false
    for (id, thread) in Lcores.workers {
        let slot = eal_launch_block_slot(blockPtr, id)
        let idle = eal_cas(&slot.pointee.state, UInt32(WAIT.rawValue), UInt32(RUNNING.rawValue)) != 0
        eal_store_seq(&slot.pointee.stop, 1)
        if eal_exchange(&slot.pointee.cmd, EAL_CMD_IDLE) == EAL_CMD_SLEEPING {
            eal_futex_wake(&slot.pointee.cmd, 1)
        }
        if idle {
            pthread_join(thread, nil)
        } else {
            ealLog(5, "lcore \(id) is still running at cleanup; its thread ends when the function returns")
            pthread_detach(thread)
            busy = true
        }
    }
    Lcores.workers = []
    // With a function still running, other threads may be inside rte_eal_wait_lcore
    // on its slot: the slots (8 KB) are left allocated rather than freed under them.
    lcoresReset(block: blockPtr, keepSlots: busy)
}

/// Forgets the table of this init and drops the table's reference to the slots.
private func lcoresReset(block: UnsafeMutablePointer<eal_launch_block>, keepSlots: Bool = false) {
    eal_launch_publish(nil)
    if !keepSlots { LaunchBlock.release(block) }
    _ = try? Lcores.withWriteLock { () throws(Errno) in eal_lcore_table_reset() }
    Lcores.ctrlCPUs = CPUSet()
    Lcores.topology = nil
    Lcores.initialized = false
}

/// DPDK's debug line for a thread that took its lcore.
func logReady(_ what: String, _ lcore: UInt32, _ cpus: CPUSet) {
    let (text, cut) = affinityString(cpus)
    ealLog(8, "\(what) \(lcore) is ready (tid=\(String(UInt(pthread_self()), radix: 16));cpuset=[\(text)\(cut ? "..." : "")])")
}
