import CSwiftEAL
import Glibc
import CEALShared

/// `rte_eal_init`'s command line: glibc `getopt_long` over the caller's argv (so
/// permutation, abbreviations and glibc's own messages are what DPDK users know),
/// each option checked as it comes, then the cross-option rules.
enum OptionParser {
    struct Parsed {
        var config: InternalConfig
        /// getopt's `optind` after the last EAL option: the caller's arguments start
        /// at `optind - 1`, where `rte_eal_init` stores the program name.
        var optind: Int32
    }

    /// Parses argv in place. `available` is the set of CPUs this process may run on
    /// (the lcores when none is named); `detected` (default: `available`) the CPUs
    /// that exist, which bound -l/-c/--lcores/-s as in DPDK 22.11: a process started
    /// on fewer CPUs (say, forked by a pinned lcore) may still name the others.
    /// Not reentrant (getopt's state is global); `rte_eal_init` runs it once.
    static func parse(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                      available: CPUSet, detected: CPUSet? = nil) -> Result<Parsed, OptionError> {
        let saved = eal_getopt_save()
        defer { eal_getopt_restore(saved) }
        eal_getopt_reset()

        var config = InternalConfig()
        var lcoreOption: String? = nil
        while true {
            let c = getopt_long(argc, argv, Opt.shortOptions, Opt.longOptions, nil)
            if c == -1 { break }
            guard let opt = Opt(rawValue: c) else {
                // '?' or ':' — glibc already named the offending option.
                return .failure(OptionError("Invalid 'command line' arguments."))
            }
            let raw = eal_getopt_optarg().map { ByteString(cString: $0) }
            if let e = apply(opt, raw, &config, &lcoreOption, detected ?? available) { return .failure(e) }
        }
        if let e = finish(&config, available: available) { return .failure(e) }
        // legacy memory (--no-huge implies it) with no amount named: DPDK says what it takes
        if config.legacyMem && config.memoryMB == 0 && config.socketMem.isEmpty {
            ealLog(6, "Static memory layout is selected, amount of reserved memory can be adjusted with -m or --socket-mem")
        }
        return .success(Parsed(config: config, optind: eal_getopt_optind()))
    }

    /// DPDK's early pass: every --log-level is applied before the other options are
    /// read, so their messages follow the new levels. A bad value is reported and
    /// skipped; init does not fail on it.
    static func logLevelPass(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        let saved = eal_getopt_save()
        defer { eal_getopt_restore(saved) }
        // getopt reports what it does not understand here too, and the pass stops at the
        // first such option or bad level, as DPDK's: its users see those messages twice.
        eal_getopt_reset()
        while true {
            let c = getopt_long(argc, argv, Opt.shortOptions, Opt.longOptions, nil)
            if c == -1 || c == Int32(UInt8(ascii: "?")) { break }
            guard c == Opt.logLevel.rawValue, let arg = eal_getopt_optarg().map({ ByteString(cString: $0) }) else { continue }
            if let opt = parseLogLevelOption(arg) {
                applyLogLevelOption(opt)
            } else {
                if let why = logLevelOptionError(arg) { fputs(why + "\n", eal_stderr()) }
                ealLog(4, "invalid parameters for --log-level")
                break
            }
        }
    }

    /// One option; nil when accepted. `raw` is the value's bytes: values that name files
    /// or are matched byte for byte are kept so; the others (numbers, lists, keywords)
    /// are read from a String, where invalid UTF-8 can only stay invalid.
    private static func apply(_ opt: Opt, _ raw: ByteString?, _ c: inout InternalConfig,
                              _ lcoreOption: inout String?, _ available: CPUSet) -> OptionError? {
        let arg = raw?.description
        let value = arg ?? ""
        switch opt {
        case .corelist, .coremask, .lcores:
            let flag = opt == .corelist ? "-l" : opt == .coremask ? "-c" : "--lcores"
            if let prior = lcoreOption {
                return OptionError("Option \(flag) is ignored, because (\(prior)) is set!")
            }
            lcoreOption = flag
            let parsed: Result<[LcoreSetting], OptionError>
            switch opt {
            case .corelist: parsed = CoreList.parseList(value, available: available)
            case .coremask: parsed = CoreList.parseMask(value, available: available)
            default: parsed = CoreList.parseMap(value, available: available)
            }
            switch parsed {
            case .success(let lcores): c.lcores = lcores; c.lcoresGiven = true
            case .failure(let e): return e
            }
            if !c.serviceCores.isEmpty {
                ealLog(5, "Service cores parsed before dataplane cores. Please ensure -l is before -s or -S")
            }
        case .mainLcore:
            guard let id = OptionValues.integer(value), id >= 0, id < Int(RTE_MAX_LCORE) else {
                return OptionError("invalid parameter for --main-lcore")
            }
            if c.serviceCores.contains(UInt32(id)) {
                return OptionError("Error: Main lcore is used as a service core",
                                   then: "invalid parameter for --main-lcore")
            }
            c.mainLcore = UInt32(id)
        case .serviceMask, .serviceList:
            return ServiceCoreOption.apply(value, mask: opt == .serviceMask, detected: available, to: &c) {
                ealLog(5, $0)
            }
        case .channels:
            let n = OptionValues.atoi(value)
            guard n > 0 else { return OptionError("invalid channel number") }
            c.memoryChannels = UInt32(n)
        case .ranks:
            let n = OptionValues.atoi(value)
            guard n > 0, n <= 16 else { return OptionError("invalid rank number") }
            c.memoryRanks = UInt32(n)
        case .memory:
            // atoi, as DPDK: "-5" and an overflowing number are taken as the negative int
            // they read as, a request no machine can meet (init fails with ENOMEM then)
            c.memoryMB = UInt64(bitPattern: Int64(OptionValues.atoi(value)))
        case .socketMem, .socketLimit:
            let name = opt == .socketMem ? "--socket-mem" : "--socket-limit"
            guard let list = OptionValues.socketList(value) else {
                return OptionError("invalid parameters for \(name)")
            }
            if opt == .socketMem { c.socketMem = list } else { c.socketLimit = list }
        case .hugeDir:
            c.hugeDir = raw ?? "" // checked in finish, as the prefix
        case .filePrefix:
            c.filePrefix = raw ?? "" // checked in finish: a later --file-prefix may replace it
        case .procType:
            switch value {
            case "primary": c.processType = RTE_PROC_PRIMARY
            case "secondary": c.processType = RTE_PROC_SECONDARY
            case "auto": c.processType = RTE_PROC_AUTO
            default: return OptionError("Invalid process type specified")
            }
        case .inMemory:
            c.inMemory = true
            c.noShconf = true
            c.unlinkBeforeMapping = true
        case .noShconf: c.noShconf = true
        case .noHuge:
            c.noHuge = true
            c.legacyMem = true // anonymous memory is never returned, as DPDK's legacy mode
        case .legacyMem: c.legacyMem = true
        case .singleFileSegments: c.singleFileSegments = true
        case .matchAllocations: c.matchAllocations = true
        case .hugeUnlink:
            switch arg {
            case nil, "always"?: c.unlinkBeforeMapping = true
            case "existing"?: break // the default
            case "never"?:
                c.unlinkExisting = false
                ealLog(5, "Using --huge-unlink=never may create data leaks.")
            default: return OptionError("invalid --huge-unlink option")
            }
        case .iovaMode:
            switch value {
            case "pa": c.iovaMode = RTE_IOVA_PA
            case "va": c.iovaMode = RTE_IOVA_VA
            default: return OptionError("invalid parameters for --iova-mode")
            }
        case .logLevel:
            // applied (or reported) by logLevelPass before this parse
            if let raw, parseLogLevelOption(raw) != nil { c.logLevelArgs.append(raw) }
        case .baseVirtaddr:
            guard let addr = OptionValues.hex(value), addr != 0 else {
                return OptionError("invalid parameter for --base-virtaddr")
            }
            c.baseVirtaddr = addr
        case .noPci: c.noPci = true
        case .noHpet: c.noHpet = true
        case .telemetry: c.telemetry = true
        case .noTelemetry: c.telemetry = false; c.noTelemetry = true
        case .allow: c.allowList.append(value); c.deviceOptions.append((RTE_DEVTYPE_ALLOWED, value))
        case .block: c.blockList.append(value); c.deviceOptions.append((RTE_DEVTYPE_BLOCKED, value))
        case .vdev: c.vdevs.append(value); c.deviceOptions.append((RTE_DEVTYPE_VIRTUAL, value))
        case .driver: c.drivers.append(value)
        case .syslog:
            guard OptionValues.syslogFacilities[value] != nil else {
                return OptionError("invalid parameters for --syslog")
            }
            c.syslogFacility = value
        case .mbufPoolOpsName: c.mbufPoolOps = raw ?? ""
        case .vfioIntr:
            switch value {
            case "legacy": c.vfioIntrMode = RTE_INTR_MODE_LEGACY
            case "msi": c.vfioIntrMode = RTE_INTR_MODE_MSI
            case "msix": c.vfioIntrMode = RTE_INTR_MODE_MSIX
            default: return OptionError("invalid parameters for --vfio-intr")
            }
        case .vfioVfToken:
            guard OptionValues.isUUID(value) else { return OptionError("invalid parameters for --vfio-vf-token") }
            c.vfioVfToken = value
        case .createUioDev: c.createUioDev = true
        case .vmwareTscMap: c.vmwareTscMap = true
        case .forceMaxSimdBitwidth:
            let bad = OptionError("invalid parameter for --force-max-simd-bitwidth")
            guard let v = OptionValues.integer(value), v >= 0, v <= Int(UInt16.max) else { return bad }
            // 0 asks for no limit (DPDK's RTE_VECT_SIMD_MAX, forced like any other width)
            let n = v == 0 ? Int(RTE_VECT_SIMD_MAX.rawValue) : v
            // a number, but not a width rte_vect_set_max_simd_bitwidth takes (64 or more,
            // a power of two): DPDK says so first
            guard n >= Int(RTE_VECT_SIMD_DISABLED.rawValue), n & (n - 1) == 0 else {
                ealLog(4, "Invalid bitwidth value!")
                return bad
            }
            c.maxSimdBitwidth = UInt16(n)
        case .hugeWorkerStack:
            if let arg {
                guard let kb = OptionValues.integer(arg), kb > 0 else {
                    return OptionError("invalid parameter for --huge-worker-stack")
                }
                c.hugeWorkerStack = UInt64(kb) * 1024
            } else {
                c.hugeWorkerStack = 0
            }
        case .trace, .traceDir, .traceBufsz, .traceMode:
            return TraceOption.apply(opt, value, to: &c)
        case .version: c.showVersion = true
        case .help: c.showHelp = true
        }
        return nil
    }

    /// The prefix names a directory under the runtime root and files in hugetlbfs: it
    /// must stay one plain name there. DPDK refuses '%' (it once went into a format
    /// string); '/', "." and ".." would lead cleanup to files outside the runtime root.
    static func checkFilePrefix(_ prefix: ByteString) -> OptionError? {
        for ch in ["%", "/"] where prefix.contains(UInt8(ascii: Unicode.Scalar(ch)!)) {
            return OptionError("Invalid char, '\(ch)', in --file-prefix option")
        }
        if prefix == "." || prefix == ".." {
            return OptionError("Invalid --file-prefix option: '\(prefix)' names no directory of its own")
        }
        return nil
    }

    /// Defaults and the rules that involve more than one option.
    static func finish(_ c: inout InternalConfig, available: CPUSet) -> OptionError? {
        if !c.lcoresGiven {
            // every CPU we may run on becomes the lcore of the same number
            for (order, cpu) in available.members.enumerated() where cpu < Int(RTE_MAX_LCORE) {
                c.lcores[cpu] = LcoreSetting(role: ROLE_RTE, cpus: CPUSet([cpu]), order: Int32(order))
            }
        }
        if let main = c.mainLcore {
            if c.lcores[Int(main)].role != ROLE_RTE {
                return OptionError("Main lcore is not enabled for DPDK")
            }
        } else {
            guard let first = c.enabledLcores.first else { return OptionError("No lcores enabled") }
            c.mainLcore = first
        }
        // DPDK's checks of the last value given, in its order
        if c.filePrefix.isEmpty { return OptionError("Invalid length of --file-prefix option") }
        if c.hugeDir?.isEmpty == true { return OptionError("Invalid length of --huge-dir option") }
        if c.mbufPoolOps?.isEmpty == true { return OptionError("Invalid length of --mbuf-pool-ops-name option") }
        if let e = checkFilePrefix(c.filePrefix) { return e }
        if c.processType == RTE_PROC_SECONDARY && c.noShconf {
            return OptionError("Options --in-memory and --no-shconf cannot be used with a secondary process")
        }
        if !c.socketMem.isEmpty && c.memoryMB != 0 {
            return OptionError("Options -m and --socket-mem cannot be specified at the same time")
        }
        if !c.socketMem.isEmpty && c.noHuge {
            return OptionError("Options --socket-mem cannot be specified together with --no-huge")
        }
        // only unlinking before mapping needs hugepage files; "never"/"existing" are moot.
        // --in-memory implies it: that conflict is reported as the legacy-mem one below.
        if c.unlinkBeforeMapping && c.noHuge && !c.inMemory {
            return OptionError("Option --huge-unlink cannot be specified together with --no-huge")
        }
        if c.legacyMem && c.inMemory {
            return OptionError("Option --legacy-mem is not compatible with --in-memory")
        }
        if c.inMemory && !c.unlinkExisting {
            return OptionError("Option --huge-unlink=never is not compatible with --in-memory")
        }
        // --no-huge implies legacy memory, so both refuse --match-allocations
        if c.matchAllocations && c.legacyMem {
            return OptionError("Option --legacy-mem is not compatible with --match-allocations")
        }
        if c.hugeWorkerStack != nil && c.noHuge {
            return OptionError("Option --huge-worker-stack cannot be specified together with --no-huge")
        }
        if !c.allowList.isEmpty && !c.blockList.isEmpty {
            return OptionError("Options allow (-a) and block (-b) can't be used at the same time")
        }
        if !c.socketLimit.isEmpty && c.legacyMem {
            ealLog(5, "Option --socket-limit is only supported in non-legacy memory mode")
        }
        if !c.socketMem.isEmpty { c.memoryMB = c.socketMem.reduce(0, +) }
        return nil
    }
}
