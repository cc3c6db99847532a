import CEALShared
import CSwiftEAL
import Glibc

/// `rte_eal_init`: options, then the init sequence. Returns the number of arguments
/// consumed; the program name is stored at `argv[ret]` so the caller's own parsing
/// starts there, as with DPDK.
@c @implementation
public func rte_eal_init(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guard EALState.initStarted.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
        InitSequence.initAlert("already called initialization.")
        RteErrno.set(.EALREADY)
        return -1
    }
    guard let argv, argc >= 1, let prog = argv[0] else {
        InitSequence.initAlert("Invalid 'command line' arguments.")
        EALState.initStarted.store(false, ordering: .releasing)
        RteErrno.set(.EINVAL)
        return -1
    }
    let programName = ByteString(cString: prog)

    OptionParser.logLevelPass(argc: argc, argv: argv)
    Telemetry.saveArguments(argc, argv) // before parsing reorders argv, as DPDK's
    logDetectedCPUs()
    let parsed: OptionParser.Parsed
    switch OptionParser.parse(argc: argc, argv: argv, available: CPUDiscovery.available(),
                              detected: CPUDiscovery.detected()) {
    case .success(let p):
        parsed = p
    case .failure(let e):
        for m in e.messages where m != "Invalid 'command line' arguments." { ealLog(4, m) }
        Usage.print(programName: programName)
        InitSequence.initAlert("Invalid 'command line' arguments.")
        EALState.initStarted.store(false, ordering: .releasing) // a corrected call may follow
        RteErrno.set(.EINVAL)
        return -1
    }
    let config = parsed.config
    if config.showHelp {
        Usage.print(programName: programName)
        exit(EXIT_SUCCESS)
    }
    do {
        try InitSequence.run(config, programName: programName)
    } catch {
        EALState.runUndo()
        RteErrno.set(error)
        return -1
    }
    EALState.initialized.store(true, ordering: .releasing)

    let consumed = parsed.optind - 1
    if consumed > 0 { argv[Int(consumed)] = prog }
    return consumed
}

/// `rte_eal_cleanup`: joins the EAL's threads, releases its files, locks and mappings,
/// so a later primary with the same prefix starts clean. Once per process, as DPDK's:
/// the first call returns 0 (with nothing to release when init did not succeed; a
/// failed init has already undone its steps), later ones -1 with EALREADY.
@c @implementation
public func rte_eal_cleanup() -> Int32 {
    guard EALState.cleanupStarted.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    else {
        ealLog(5, "Already called cleanup")
        RteErrno.set(.EALREADY)
        return -1
    }
    if EALState.initialized.load(ordering: .acquiring) {
        EALState.runUndo()
        EALState.initialized.store(false, ordering: .releasing)
    }
    return 0
}
