import CSwiftEAL

/// A set of CPUs, laid out like `rte_cpuset_t` (glibc `cpu_set_t`, 1024 bits).
struct CPUSet: Equatable, Sendable {
    static let capacity = 1024
    var words = [UInt64](repeating: 0, count: capacity / 64)

    init() {}
    init<S: Sequence>(_ cpus: S) where S.Element == Int { for c in cpus { insert(c) } }

    mutating func insert(_ cpu: Int) { words[cpu >> 6] |= 1 << UInt64(cpu & 63) }
    func contains(_ cpu: Int) -> Bool {
        cpu >= 0 && cpu < Self.capacity && words[cpu >> 6] & (1 << UInt64(cpu & 63)) != 0
    }
    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    var first: Int? { members.first }
    /// The CPUs in ascending order (word by word: rte_eal_init and the option
    /// checks ask for them often, and 1024 single-bit tests each time add up).
    var members: [Int] {
        var out: [Int] = []
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                out.append(w * 64 + bits.trailingZeroBitCount)
                bits &= bits &- 1
            }
        }
        return out
    }
}

/// How one lcore is configured by -l/-c/--lcores.
struct LcoreSetting: Equatable, Sendable {
    var role: rte_lcore_role_t = ROLE_OFF
    var cpus = CPUSet()
    /// Position in the user's list (`-l 1,0` makes lcore 1 index 0): `rte_lcore_index`.
    var order: Int32 = -1
}

enum HugeUnlink: Equatable, Sendable { case existing, always, never }

/// The process-local result of option parsing: what `rte_eal_init` was asked for.
/// DPDK calls this `internal_config`; nothing here is shared with other processes.
struct InternalConfig: Equatable, Sendable {
    var lcores = [LcoreSetting](repeating: LcoreSetting(), count: Int(RTE_MAX_LCORE))
    var lcoresGiven = false                   // -l, -c or --lcores was seen
    var mainLcore: UInt32? = nil              // --main-lcore
    var serviceCores: [UInt32] = []           // -s / -S, ascending (Service/)
    var memoryChannels: UInt32 = 0            // -n
    var memoryRanks: UInt32 = 0               // -r
    var memoryMB: UInt64 = 0                  // -m
    var socketMem: [UInt64] = []              // --socket-mem, MB per socket
    var socketLimit: [UInt64] = []            // --socket-limit, MB per socket
    var hugeDir: ByteString? = nil            // --huge-dir (bytes: it names a directory)
    var filePrefix: ByteString = "rte"        // --file-prefix (bytes: it names files)
    var processType: rte_proc_type_t = RTE_PROC_PRIMARY // --proc-type
    var inMemory = false                      // --in-memory
    var singleFileSegments = false            // --single-file-segments
    var noHuge = false                        // --no-huge
    var noShconf = false                      // --no-shconf (also implied by --in-memory)
    // --huge-unlink[=existing|always|never] and --in-memory set these two separately (as
    // DPDK's hugepage file discipline): "existing" after "always" keeps "always".
    var unlinkBeforeMapping = false
    var unlinkExisting = true
    var hugeUnlink: HugeUnlink {
        unlinkBeforeMapping ? .always : unlinkExisting ? .existing : .never
    }
    var iovaMode: rte_iova_mode = RTE_IOVA_DC // --iova-mode
    var logLevelArgs: [ByteString] = []       // --log-level, raw, in order
    var baseVirtaddr: UInt64 = 0              // --base-virtaddr
    var legacyMem = false                     // --legacy-mem
    var matchAllocations = false              // --match-allocations
    var noPci = false                         // --no-pci
    var noTelemetry = false                   // --no-telemetry
    var noHpet = true
    var allowList: [String] = []              // -a / --allow
    var blockList: [String] = []              // -b / --block
    var vdevs: [String] = []                  // --vdev
    /// -a, -b and --vdev in command-line order: the devargs list follows it
    var deviceOptions: [(rte_devtype, String)] = []
    var drivers: [String] = []                // -d
    var syslogFacility: String? = nil         // --syslog
    var mbufPoolOps: ByteString? = nil        // --mbuf-pool-ops-name (handed back as given)
    var vfioIntrMode: rte_intr_mode = RTE_INTR_MODE_NONE
    var vfioVfToken: String? = nil            // --vfio-vf-token
    var telemetry = true                      // --telemetry / --no-telemetry
    var createUioDev = false                  // --create-uio-dev
    var vmwareTscMap = false                  // --vmware-tsc-map
    var maxSimdBitwidth: UInt16 = 0           // --force-max-simd-bitwidth
    var hugeWorkerStack: UInt64? = nil        // --huge-worker-stack[=KB]
    var traceRegexes: [String] = []           // --trace, in order
    var traceDir: String? = nil               // --trace-dir: each one appended, with a '/'
    var traceBufferSize: UInt64 = 0           // --trace-bufsz (0: 1 MB)
    var traceMode: rte_trace_mode? = nil      // --trace-mode
    var showVersion = false                   // -v
    var showHelp = false                      // -h / --help

    static func == (a: InternalConfig, b: InternalConfig) -> Bool {
        a.lcores == b.lcores && a.mainLcore == b.mainLcore && a.filePrefix == b.filePrefix
            && a.memoryMB == b.memoryMB && a.socketMem == b.socketMem && a.noHuge == b.noHuge
            && a.inMemory == b.inMemory && a.processType == b.processType
    }

    /// Enabled lcore ids in ascending order.
    var enabledLcores: [UInt32] {
        (0..<UInt32(RTE_MAX_LCORE)).filter { lcores[Int($0)].role == ROLE_RTE }
    }
}
