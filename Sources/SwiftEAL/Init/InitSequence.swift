import CEALShared
import CSwiftEAL
import Glibc

/// The init sequence after option parsing, one step after the other, each
/// registering its undo. A failing step leaves the undo of the earlier ones for
/// the caller to run; `rte_eal_cleanup` runs the same list.
enum InitSequence {
    /// Runs every step; throws the first error with a DPDK-style alert already logged.
    static func run(_ config: InternalConfig, programName: ByteString) throws(Errno) {
        Runtime.config = config
        if let ops = config.mbufPoolOps { EALState.mbufPoolOps = ops.strdup() }

        // Process type: auto is decided with the config lock (see the config step);
        // without shared files there is nothing to share, so it means primary.
        var type = config.processType
        if type == RTE_PROC_AUTO && !Runtime.sharesConfig { type = RTE_PROC_PRIMARY }
        EALState.processType = type
        Runtime.config.processType = type

        // First step, so its undo runs last: messages go to stderr and syslog.
        try step("Cannot init logging.") { () throws(Errno) -> (() -> Void)? in
            let ident = programName.lastComponent
            let facility = config.syslogFacility.flatMap { OptionValues.syslogFacilities[$0] } ?? LOG_DAEMON
            guard logInit(ident: ident, facility: facility) else { throw .ENOMEM }
            return { logCleanup() }
        }
        if config.showVersion { ealLog(6, "RTE Version: '\(String(cString: rte_version()))'") }

        // Driver plugins (-d, DPDK's default directory when standing in for
        // librte_eal.so.23): their constructors register buses, classes and drivers.
        try step("Cannot init plugins") { () throws(Errno) -> (() -> Void)? in
            guard Plugins.initialize(config.drivers) else { throw .EINVAL }
            return nil
        }

        // The tracer: fails on a bad registration (DPDK's eal_trace_init). Its undo
        // comes after every EAL thread has ended: it saves the trace of a process
        // whose init had succeeded, then frees the buffers.
        try step("Cannot init trace") { () throws(Errno) -> (() -> Void)? in
            try Trace.initEAL(config)
            return { Trace.finish(save: EALState.initialized.load(ordering: .acquiring)) }
        }

        // -a, -b and --vdev become devargs, in command-line order; the first that does
        // not parse fails init with ENODEV and no alert, as DPDK's. Cleanup empties
        // the list.
        EALState.undo.append(("devargs", { Devargs.removeAll() }))
        for (type, arg) in config.deviceOptions {
            guard arg.withCString({ Devargs.add(type, $0) }) == 0 else {
                ealLog(4, "Unable to parse device '\(arg)'")
                throw .ENODEV
            }
        }

        // The directory is held open (RuntimeDir.removeIfEmpty) from just after the
        // config step: the config takes the lowest free descriptor first, as in DPDK
        // (dpdk-test's eal_flags tests take the prefix from fd 3's path).
        // DPDK makes it while parsing the options: failing, init fails as for a bad
        // option (EINVAL); with nothing to share (--no-shconf, --in-memory) it goes on
        // without one.
        let heldDir = HeldDirectory()
        do throws(Errno) {
            let dir = try RuntimeDir.make(prefix: config.filePrefix)
            Runtime.directory = dir
            copyRuntimeDir(dir)
            EALState.undo.append(("runtime directory", {
                Runtime.directory = nil
                copyRuntimeDir("")
                // what the steps could not remove and nobody holds (an array whose lock
                // failed at destroy), as the next primary's init would sweep it
                if EALState.processType == RTE_PROC_PRIMARY { FBArray.removeUnusedFiles(inDirectory: dir) }
                if let held = heldDir.fd {
                    RuntimeDir.removeIfEmpty(dir, held: held)
                } else {
                    _ = dir.withCString { rmdir($0) } // init failed before the hold: only when empty
                }
            }))
        } catch where !Runtime.sharesConfig {
            ealLog(5, "No DPDK runtime directory created")
        } catch {
            ealLog(4, "Cannot create runtime directory")
            initAlert("Invalid 'command line' arguments.")
            throw .EINVAL
        }

        try step("Cannot init config") { () throws(Errno) -> (() -> Void)? in
            if !Runtime.sharesConfig { return nil }
            let path = Runtime.path("config")!
            let m: SharedConfigMapping
            switch type {
            case RTE_PROC_PRIMARY: m = try SharedConfig.create(path: path, baseAddress: config.baseVirtaddr)
            case RTE_PROC_SECONDARY: m = try SharedConfig.attach(path: path)
            default:
                m = try SharedConfig.createOrAttach(path: path, baseAddress: config.baseVirtaddr)
                type = m.isPrimary ? RTE_PROC_PRIMARY : RTE_PROC_SECONDARY
                EALState.processType = type
                Runtime.config.processType = type
                ealLog(6, "Auto-detected process type: \(m.isPrimary ? "PRIMARY" : "SECONDARY")")
            }
            EALState.shared = m
            return { SharedConfig.release(m); EALState.shared = nil }
        }
        try step("Cannot create runtime directory") { () throws(Errno) -> (() -> Void)? in
            if let dir = Runtime.directory { heldDir.fd = try RuntimeDir.hold(dir) }
            return nil
        }

        try step("Cannot init tail queues for objects") { () throws(Errno) -> (() -> Void)? in
            let heads = EALState.shared.map { m in
                (UnsafeMutableRawPointer(m.config) + MemoryLayout<eal_shared_config>.offset(of: \.tailq_head)!)
                    .assumingMemoryBound(to: rte_tailq_head.self)
            }
            guard tailqsInit(heads: heads, primary: type == RTE_PROC_PRIMARY) else { throw .EFAULT }
            return { tailqsCleanup() }
        }

        // rte_mp: this process's socket and its rte_mp_handle thread (MultiProcess/).
        try step("failed to init mp channel") { () throws(Errno) -> (() -> Void)? in
            try MPChannel.start()
        }

        // The memory config: the shared one, or a private one when nothing is shared.
        try step("Cannot init memory config") { () throws(Errno) -> (() -> Void)? in
            try MemConfig.install(shared: EALState.shared?.config)
        }

        // The buses list their devices (none fails init); their devices' needs then
        // weigh in the IOVA mode.
        _ = Buses.scanAll()

        if type == RTE_PROC_PRIMARY {
            EALState.iovaMode = IOVA.chooseMode(requested: config.iovaMode, noHuge: config.noHuge,
                                                buses: { Buses.iommuClass() })
            if let c = MemConfig.config {
                c.pointee.iova_mode = EALState.iovaMode.rawValue
                c.pointee.base_virtaddr = config.baseVirtaddr
            }
        } else if let m = EALState.shared {
            EALState.iovaMode = rte_iova_mode(rawValue: m.config.pointee.iova_mode)
            IOVA.physAddrsAvailable = EALState.iovaMode == RTE_IOVA_PA
        }
        ealLog(7, "Selected IOVA mode '\(EALState.iovaMode == RTE_IOVA_PA ? "PA" : "VA")'")

        // VFIO: off without the vfio module (see VFIO); -1 only when sysfs cannot say.
        try step("Cannot init VFIO") { () throws(Errno) -> (() -> Void)? in
            guard VFIO.enable("vfio") == 0 else { throw .EAGAIN }
            return { VFIO.cleanup() }
        }

        // The TSC calibration's first stamp: its 10 ms pass while the memory is mapped.
        let tscStart = TSC.calibrated == 0 && TSC.fromCPUID() == 0 ? TSC.stamp() : nil

        if type == RTE_PROC_PRIMARY {
            try step("Cannot get hugepage information.") { () throws(Errno) -> (() -> Void)? in
                try MemoryInit.discoverHugepages(config)
            }
            try step("Cannot init memory") { () throws(Errno) -> (() -> Void)? in
                try MemoryInit.initMemory(config)
            }
            try step("Cannot init memory") { () throws(Errno) -> (() -> Void)? in
                try MemoryRequests.register()
            }
        } else {
            // the sync action first: no change of the primary's is missed after the snapshot
            try step("Cannot init memory") { () throws(Errno) -> (() -> Void)? in
                try MemoryRequests.register()
            }
            try step("Cannot init memory") { () throws(Errno) -> (() -> Void)? in
                let detach = try MemoryAttach.attach(config)
                // DPDK's order at cleanup: the channel closes before the memory detaches,
                // so the primary never has a secondary follow it (or waits on one) while
                // its lists go. The channel's own undo, later, then has nothing to do
                return { MPChannel.stop(); detach() }
            }
        }
        // memory comes before this (lead); then the memzone table and the malloc heaps
        try step("Cannot init memzone") { () throws(Errno) -> (() -> Void)? in
            try MemzoneTable.initStep()
            return { MemzoneTable.cleanupStep() }
        }
        try step("Cannot init malloc heap") { () throws(Errno) -> (() -> Void)? in
            try MallocInit.run()
            return { MallocInit.cleanup() }
        }

        try step("Cannot init HPET or TSC timers") { () throws(Errno) -> (() -> Void)? in
            try timersInit(start: tscStart)
            return nil
        }
        try step("Cannot init lcores") { () throws(Errno) -> (() -> Void)? in
            try lcoresInit()
            return { lcoresCleanup() }
        }
        // interrupts: the interrupt thread, then the alarm timerfd it serves.
        try step("Cannot init interrupt-handling thread") { () throws(Errno) -> (() -> Void)? in
            try interruptsInit()
            return { interruptsCleanup() }
        }
        try step("Cannot init alarm") { () throws(Errno) -> (() -> Void)? in
            try alarmsInit()
            return { alarmsCleanup() }
        }

        // Undone before the service lcores stop (as DPDK's cleanup: services, buses,
        // then alarms): each bus's cleanup, the device event monitor and SIGBUS handling.
        EALState.undo.append(("buses", {
            _ = Buses.cleanupAll()
            DeviceMonitor.cleanup()
        }))

        // The -s/-S lcores become service lcores (DPDK's rte_service_init, before any
        // device is probed so drivers can register services); undone by
        // rte_service_finalize, which stops them and waits for every worker.
        try step("rte_service_init() failed") { () throws(Errno) -> (() -> Void)? in
            ServiceLcores.initEAL(serviceCores: config.serviceCores,
                                  mainLcore: eal_lcore_table_ptr().pointee.main_lcore)
            return { ServiceLcores.finalize() }
        }

        // Drivers meet their devices, the vdev bus last; failures are only logged.
        _ = Buses.probeAll()
        // DPDK asks then whether VFIO is on (to share its groups with secondaries over
        // rte_mp); it never is here, but the question reads the module list all the same.
        _ = VFIO.isEnabled("vfio")

        // Leftover fbarray files of dead processes would make this prefix's arrays
        // fail with EBUSY; DPDK's primary clears them at startup too.
        if let dir = Runtime.directory, Runtime.sharesConfig, type == RTE_PROC_PRIMARY {
            FBArray.removeUnusedFiles(inDirectory: dir)
        }

        if let m = EALState.shared, type == RTE_PROC_PRIMARY {
            m.config.pointee.main_lcore = config.mainLcore ?? 0
            m.config.pointee.lcore_count = UInt32(config.enabledLcores.count)
            SharedConfig.publish(m)
        }

        // Last, as DPDK: the service lcores start, running the services registered so
        // far (no service lcores: -ENOTSUP, not an error). No alert, as DPDK's.
        let started = rte_service_start_with_defaults()
        if started < 0 && started != -ENOTSUP { throw Errno(-started) }

        // DPDK's telemetry (librte_telemetry.so.23, when present) with the EAL's
        // commands, for a primary unless --no-telemetry (the last of --telemetry and
        // --no-telemetry counts). Its undo runs first at cleanup: the commands stop
        // reading the EAL's memory before it goes.
        if type == RTE_PROC_PRIMARY && config.telemetry {
            if let undo = try Telemetry.start() { EALState.undo.append(("telemetry", undo)) }
        }
    }

    /// Runs one step; its returned undo (if any) joins the list. On failure logs the
    /// alert DPDK prints ("EAL: FATAL: <what>") and rethrows.
    static func step(_ alert: String, _ body: () throws(Errno) -> (() -> Void)?) throws(Errno) {
        do {
            if let undo = try body() { EALState.undo.append((alert, undo)) }
        } catch {
            initAlert(alert)
            throw error
        }
    }

    static func initAlert(_ message: String) {
        fputs("EAL: FATAL: \(message)\n", eal_stderr())
        ealLog(4, message)
    }

    /// The runtime directory's held descriptor, set a step after the directory's own.
    private final class HeldDirectory {
        var fd: FileDescriptor?
    }

    private static func copyRuntimeDir(_ dir: ByteString) {
        let buf = EALState.runtimeDirBuffer
        _ = dir.withCString { strncpy(buf, $0, Int(PATH_MAX) - 1) }
        buf[Int(PATH_MAX) - 1] = 0
    }
}
