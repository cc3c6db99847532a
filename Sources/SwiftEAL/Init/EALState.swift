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

    static var processType: rte_proc_type_t = RTE_PROC_PRIMARY
    static var iovaMode: rte_iova_mode = RTE_IOVA_DC
    static var shared: SharedConfigMapping? = nil
    /// The stable C string `rte_eal_get_runtime_dir` returns ("" before init).
    static let runtimeDirBuffer: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX))
        p.initialize(to: 0)
        return p
    }()

    /// --mbuf-pool-ops-name as a C string; kept for the life of the process because
    /// callers hold on to the pointer.
    static var mbufPoolOps: UnsafeMutablePointer<CChar>? = nil

    /// Undo actions of the steps that completed, run newest first.
    static var undo: [(name: String, action: () -> Void)] = []

    static func runUndo() {
        while let step = undo.popLast() { step.action() }
    }
}
