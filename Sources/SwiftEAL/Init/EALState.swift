import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// What `rte_eal_init` built in this process and `rte_eal_cleanup` must undo.
/// Process-local; written by the init and cleanup calls only.
enum EALState {
    /// Set by the first `rte_eal_init`; a second call fails with EALREADY, as DPDK's.
    static let initStarted = Atomic<Bool>(false)
    static let cleanupStarted = Atomic<Bool>(false)
    /// True once init succeeded (readers: the process API).
    static let initialized = Atomic<Bool>(false)

    /// Decided by init, read by any thread (rte_eal_process_type, rte_mem_virt2iova):
    /// atomics, so a reader costs one plain load.
    static var processType: rte_proc_type_t {
        get { rte_proc_type_t(rawValue: processTypeRaw.load(ordering: .relaxed)) }
        set { processTypeRaw.store(newValue.rawValue, ordering: .relaxed) }
    }
    private static let processTypeRaw = Atomic<rte_proc_type_t.RawValue>(RTE_PROC_PRIMARY.rawValue)
    static var iovaMode: rte_iova_mode {
        get { rte_iova_mode(rawValue: iovaModeRaw.load(ordering: .relaxed)) }
        set { iovaModeRaw.store(newValue.rawValue, ordering: .relaxed) }
    }
    private static let iovaModeRaw = Atomic<rte_iova_mode.RawValue>(RTE_IOVA_DC.rawValue)

    // Safe: set by init before any EAL thread starts, cleared by cleanup after they are joined (their undo runs first).
    nonisolated(unsafe) static var shared: SharedConfigMapping? = nil
    /// The stable C string `rte_eal_get_runtime_dir` returns ("" before init).
    // Safe: the pointer never changes; init and cleanup write its bytes, as DPDK's own buffer.
    nonisolated(unsafe) static let runtimeDirBuffer: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX))
        p.initialize(to: 0)
        return p
    }()

    /// --mbuf-pool-ops-name as a C string; kept for the life of the process because
    /// callers hold on to the pointer (its address, atomically: init may set it while
    /// another thread asks).
    static var mbufPoolOps: UnsafeMutablePointer<CChar>? {
        get { UnsafeMutablePointer(bitPattern: mbufPoolOpsAddress.load(ordering: .acquiring)) }
        set { mbufPoolOpsAddress.store(UInt(bitPattern: newValue), ordering: .releasing) }
    }
    private static let mbufPoolOpsAddress = Atomic<UInt>(0)

    /// Undo actions of the steps that completed, run newest first.
    // Safe: only rte_eal_init (one at a time: initStarted) and rte_eal_cleanup (after init's release of initialized) touch it.
    nonisolated(unsafe) static var undo: [(name: String, action: () -> Void)] = []

    static func runUndo() {
        while let step = undo.popLast() { step.action() }
    }
}
