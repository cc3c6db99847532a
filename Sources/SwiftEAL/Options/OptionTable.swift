import Glibc
import CEALShared

/// Every EAL option: DPDK's names, whether each takes an argument, and the code
/// `getopt_long` returns for it. Long-only options get codes past the byte range.
enum Opt: Int32, CaseIterable {
    case allow = 97          // -a, --allow
    case block = 98          // -b, --block
    case coremask = 99       // -c
    case driver = 100        // -d
    case help = 104          // -h, --help
    case corelist = 108      // -l
    case memory = 109        // -m
    case channels = 110      // -n
    case ranks = 114         // -r
    case serviceMask = 115   // -s
    case version = 118       // -v
    case serviceList = 83    // -S
    case baseVirtaddr = 256, telemetry, noTelemetry, createUioDev, filePrefix, hugeDir,
         hugeUnlink, iovaMode, lcores, logLevel, trace, traceDir, traceBufsz, traceMode,
         mainLcore, mbufPoolOpsName, noHpet, noHuge, noPci, noShconf, inMemory, procType,
         socketMem, socketLimit, syslog, vdev, vfioIntr, vfioVfToken, vmwareTscMap,
         legacyMem, singleFileSegments, matchAllocations, forceMaxSimdBitwidth,
         hugeWorkerStack

    enum Argument: Int32 { case none = 0, required = 1, optional = 2 }

    /// The long name, if the option has one.
    var longName: String? {
        switch self {
        case .allow: "allow"
        case .block: "block"
        case .help: "help"
        case .baseVirtaddr: "base-virtaddr"
        case .telemetry: "telemetry"
        case .noTelemetry: "no-telemetry"
        case .createUioDev: "create-uio-dev"
        case .filePrefix: "file-prefix"
        case .hugeDir: "huge-dir"
        case .hugeUnlink: "huge-unlink"
        case .iovaMode: "iova-mode"
        case .lcores: "lcores"
        case .logLevel: "log-level"
        case .trace: "trace"
        case .traceDir: "trace-dir"
        case .traceBufsz: "trace-bufsz"
        case .traceMode: "trace-mode"
        case .mainLcore: "main-lcore"
        case .mbufPoolOpsName: "mbuf-pool-ops-name"
        case .noHpet: "no-hpet"
        case .noHuge: "no-huge"
        case .noPci: "no-pci"
        case .noShconf: "no-shconf"
        case .inMemory: "in-memory"
        case .procType: "proc-type"
        case .socketMem: "socket-mem"
        case .socketLimit: "socket-limit"
        case .syslog: "syslog"
        case .vdev: "vdev"
        case .vfioIntr: "vfio-intr"
        case .vfioVfToken: "vfio-vf-token"
        case .vmwareTscMap: "vmware-tsc-map"
        case .legacyMem: "legacy-mem"
        case .singleFileSegments: "single-file-segments"
        case .matchAllocations: "match-allocations"
        case .forceMaxSimdBitwidth: "force-max-simd-bitwidth"
        case .hugeWorkerStack: "huge-worker-stack"
        default: nil
        }
    }

    var argument: Argument {
        switch self {
        case .help, .version, .telemetry, .noTelemetry, .createUioDev, .noHpet, .noHuge,
             .noPci, .noShconf, .inMemory, .vmwareTscMap, .legacyMem, .singleFileSegments,
             .matchAllocations:
            .none
        case .hugeUnlink, .hugeWorkerStack:
            .optional
        default:
            .required
        }
    }

    /// getopt's short option string: "a:b:c:d:hl:m:n:r:s:vS:".
    // Safe: built once by the (thread-safe) lazy initializer and only read after, by getopt.
    nonisolated(unsafe) static let shortOptions: UnsafeMutablePointer<CChar> = {
        var s = ""
        for o in allCases where o.rawValue < 256 {
            s.append(Character(Unicode.Scalar(UInt8(o.rawValue))))
            if o.argument == .required { s.append(":") }
        }
        return strdup(s)!
    }()

    /// getopt_long's table, built once and kept for the life of the process.
    // Safe: built once by the (thread-safe) lazy initializer and only read after, by getopt.
    nonisolated(unsafe) static let longOptions: UnsafeMutablePointer<option> = {
        let named = allCases.filter { $0.longName != nil }
        let table = UnsafeMutablePointer<option>.allocate(capacity: named.count + 1)
        for (i, o) in named.enumerated() {
            table[i] = option(name: strdup(o.longName!), has_arg: o.argument.rawValue, flag: nil, val: o.rawValue)
        }
        table[named.count] = option(name: nil, has_arg: 0, flag: nil, val: 0)
        return table
    }()
}
