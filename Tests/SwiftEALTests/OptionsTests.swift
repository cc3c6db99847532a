import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

/// Runs the EAL option parser over `args` (program name first) with CPUs 0-7 available.
private func parse(_ args: [String], cpus: Int = 8) -> (Result<OptionParser.Parsed, OptionError>, [String]) {
    var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
    cargs.append(nil)
    defer { for p in cargs { free(p) } }
    let r = cargs.withUnsafeMutableBufferPointer { buf in
        OptionParser.parse(argc: Int32(args.count), argv: buf.baseAddress!, available: CPUSet(0..<cpus))
    }
    let after = (0..<args.count).map { String(cString: cargs[$0]!) }
    return (r, after)
}

/// The parser over raw argument bytes (argv as a C program gets it, any bytes).
private func config(bytes args: [[UInt8]]) -> InternalConfig? {
    var cargs: [UnsafeMutablePointer<CChar>?] = (["prog".utf8.map { $0 }] + args).map { a in
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: a.count + 1)
        for (i, b) in a.enumerated() { p[i] = CChar(bitPattern: b) }
        p[a.count] = 0
        return p
    }
    cargs.append(nil)
    defer { for p in cargs { p?.deallocate() } }
    let r = cargs.withUnsafeMutableBufferPointer { buf in
        OptionParser.parse(argc: Int32(args.count + 1), argv: buf.baseAddress!, available: CPUSet(0..<8))
    }
    if case .success(let p) = r { return p.config }
    return nil
}

private func config(_ args: [String]) -> InternalConfig? {
    if case .success(let p) = parse(["prog"] + args).0 { return p.config }
    return nil
}

private func refused(_ args: [String]) -> [String]? {
    if case .failure(let e) = parse(["prog"] + args).0 { return e.messages }
    return nil
}

@Suite("EAL options", .serialized)
struct OptionsTests {
    @Test("consumed count and argv order")
    func consumed() {
        let (r, argv) = parse(["prog", "-l", "0-1", "--no-huge", "--", "app", "-x"])
        guard case .success(let p) = r else { Issue.record("refused"); return }
        #expect(p.optind == 5)          // rte_eal_init returns optind - 1 = 4
        #expect(argv[5] == "app")
        let (r2, argv2) = parse(["prog", "app1", "-l", "0", "app2", "--no-pci"])
        guard case .success(let p2) = r2 else { Issue.record("refused"); return }
        // glibc permutes: options first, then the application's words
        #expect(p2.optind == 4)
        #expect(Array(argv2[4...]) == ["app1", "app2"])
        let (r3, _) = parse(["prog"])
        if case .success(let p3) = r3 { #expect(p3.optind == 1) } else { Issue.record("refused") }
    }

    @Test("-l core lists")
    func coreList() throws {
        let c = try #require(config(["-l", "0-3,5"]))
        #expect(c.enabledLcores == [0, 1, 2, 3, 5])
        #expect(c.lcores[5].cpus == CPUSet([5]))
        #expect(c.mainLcore == 0)
        #expect(config(["-l", "0,0"])?.enabledLcores == [0])
        let reversed = try #require(config(["-l", "1,0"]))   // rte_lcore_index follows the listing
        #expect(reversed.lcores[1].order == 0 && reversed.lcores[0].order == 1)
        let mapped = try #require(config(["--lcores", "3@0,2@1"]))
        #expect(mapped.lcores[3].order == 0 && mapped.lcores[2].order == 1)
        #expect(config(["-l", " 1"])?.enabledLcores == [1])
        #expect(refused(["-l", "1-0"]) == ["invalid core list syntax"])
        // as DPDK: a reversed range names nothing, ids beyond RTE_MAX_LCORE are each named
        #expect(config(["-l", "1-0,0"])?.enabledLcores == [0])
        #expect(refused(["-l", "300,0,200"]) == ["lcore 300 >= RTE_MAX_LCORE (128)", "lcore 200 >= RTE_MAX_LCORE (128)",
            "To use high physical core ids, please use --lcores to map them to lcore ids below RTE_MAX_LCORE, e.g. --lcores 0@300,1@0,2@200",
            "invalid core list syntax"])
        #expect(refused(["-l", "0-127,200"]) == ["Too many lcores provided. Cannot exceed RTE_MAX_LCORE (128)", "invalid core list syntax"])
        #expect(refused(["-l", "9"])?.first == "lcore 9 unavailable")
        #expect(refused(["-l", "0-128"])?.first == "Too many lcores provided. Cannot exceed RTE_MAX_LCORE (128)")
        #expect(refused(["-l", ""]) != nil)
        #expect(refused(["-l", "a"]) != nil)
        #expect(refused(["-l", "0,"]) != nil)
        #expect(refused(["-l", "0", "-l", "1"]) == ["Option -l is ignored, because (-l) is set!"])
    }

    @Test("-c core masks")
    func coreMask() {
        #expect(config(["-c", "0xf"])?.enabledLcores == [0, 1, 2, 3])
        #expect(config(["-c", "3"])?.enabledLcores == [0, 1])
        #expect(config(["-c", "0X1"])?.enabledLcores == [0])
        #expect(config(["-c", "0xA0"])?.enabledLcores == [5, 7])
        #expect(refused(["-c", "zz"]) == ["invalid characters in coremask: [zz]", "invalid coremask syntax"])
        #expect(refused(["-c", "0x0"])?.first == "No lcores in coremask: [0x0]")
        #expect(refused(["-c", "0x100"]) != nil)   // CPU 8 is not available
        #expect(refused(["-c", "0x"]) == ["No lcores in coremask: [0x]", "invalid coremask syntax"]) // DPDK's words
        #expect(refused(["-l", "0", "-c", "1"]) == ["Option -c is ignored, because (-l) is set!"])
        // fullwidth digits are hex digits to Character.isHexDigit, not to Int(_:radix:):
        // they crashed the parser (found by Tests/fuzz/parsers); DPDK refuses them
        #expect(refused(["-c", "ｆ"]) == ["invalid characters in coremask: [ｆ]", "invalid coremask syntax"])
        #expect(refused(["-c", "0x１"])?.first == "invalid characters in coremask: [0x１]")
        #expect(refused(["-s", "４", "-l", "0-2"]) == ["invalid service coremask"])
    }

    @Test("--lcores maps")
    func lcoreMap() throws {
        let c = try #require(config(["--lcores", "(0-1)@(0-1),2@2"]))
        #expect(c.enabledLcores == [0, 1, 2])
        #expect(c.lcores[0].cpus == CPUSet([0, 1]))
        #expect(c.lcores[1].cpus == CPUSet([0, 1]))
        #expect(c.lcores[2].cpus == CPUSet([2]))
        let d = try #require(config(["--lcores", "5@0,6@(1,3-4),7"]))
        #expect(d.enabledLcores == [5, 6, 7])
        #expect(d.lcores[6].cpus == CPUSet([1, 3, 4]))
        #expect(d.lcores[7].cpus == CPUSet([7]))
        #expect(d.mainLcore == 5)
        #expect(config(["--lcores", "100@0"])?.enabledLcores == [100]) // lcore ids beyond the CPUs
        #expect(refused(["--lcores", "200"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "0@9"])?.first == "core 9 unavailable")
        #expect(refused(["--lcores", "(0-1"]) != nil)
        #expect(refused(["--lcores", "0@"]) != nil)
        #expect(refused(["--lcores", "0,"]) != nil)
        #expect(refused(["--lcores", "0@()"]) != nil)
        // DPDK 22.11 refuses a bare lcore range before '@' (diff_init); the group form is fine
        #expect(refused(["--lcores", "0-1@(0,1),0"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "0-1@0"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "1-1@0"]) == ["invalid parameter for --lcores"])
        #expect(config(["--lcores", "(0-1)@(0,1),0"])?.enabledLcores == [0, 1])
        #expect(config(["--lcores", "0@0-1"])?.lcores[0].cpus == CPUSet([0, 1]))
        #expect(config(["--lcores", "0-1,1"])?.enabledLcores == [0, 1])
        // numbers no cpu set holds are refused at once, as DPDK's; the ranges are never
        // expanded (Tests/fuzz/options found "(10-310733)" hanging the parser)
        let start = ContinuousClock.now
        #expect(refused(["--lcores", "(0-1)@(0-1),(10-310733),3"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "(0-999999999)@0"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "0-999999999"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "0@(0-999999999)"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "0@1024"]) == ["invalid parameter for --lcores"])
        #expect(refused(["--lcores", "0@1023"])?.first == "core 1023 unavailable")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("default lcores and --main-lcore")
    func mainLcore() {
        #expect(config([])?.enabledLcores == Array(0..<8))
        #expect(config(["-l", "0-1", "--main-lcore", "1"])?.mainLcore == 1)
        #expect(config(["-l", "2-3"])?.mainLcore == 2)
        #expect(refused(["-l", "0", "--main-lcore", "3"]) == ["Main lcore is not enabled for DPDK"])
        #expect(refused(["-l", "0", "--main-lcore", "x"]) == ["invalid parameter for --main-lcore"])
        #expect(refused(["-l", "0", "--main-lcore", "128"]) == ["invalid parameter for --main-lcore"])
        #expect(refused(["-l", "0", "--main-lcore", "-1"]) == ["invalid parameter for --main-lcore"])
    }

    @Test("memory options")
    func memory() {
        #expect(config(["-n", "4"])?.memoryChannels == 4)
        #expect(refused(["-n", "0"]) == ["invalid channel number"])
        #expect(refused(["-n", "x"]) == ["invalid channel number"])
        #expect(config(["-r", "2"])?.memoryRanks == 2)
        #expect(refused(["-r", "0"]) == ["invalid rank number"])
        #expect(refused(["-r", "17"]) == ["invalid rank number"])
        #expect(config(["-m", "512"])?.memoryMB == 512)
        #expect(config(["-m", "abc"])?.memoryMB == 0) // atoi, as DPDK
        // a negative or overflowing -m is the negative int atoi makes of it (init then
        // fails with ENOMEM), not "no request"
        #expect(config(["-m", "-5"])?.memoryMB == UInt64(bitPattern: -5))
        #expect(config(["-m", "99999999999999999999"])?.memoryMB == UInt64(bitPattern: -1))
        #expect(refused(["--huge-dir="]) == ["Invalid length of --huge-dir option"])
        #expect(refused(["--huge-dir=/x", "--huge-dir="]) == ["Invalid length of --huge-dir option"])
        #expect(config(["--huge-dir=", "--huge-dir=/x"])?.hugeDir == "/x") // the last one counts
        #expect(refused(["--mbuf-pool-ops-name="]) == ["Invalid length of --mbuf-pool-ops-name option"])
        #expect(config(["--socket-mem", "1024,0,512"])?.socketMem == [1024, 0, 512])
        #expect(config(["--socket-mem", "1024,512"])?.memoryMB == 1536)
        #expect(refused(["--socket-mem", "1,x"]) == ["invalid parameters for --socket-mem"])
        #expect(refused(["--socket-mem", ""]) == ["invalid parameters for --socket-mem"])
        #expect(refused(["-m", "64", "--socket-mem", "1,2"]) == ["Options -m and --socket-mem cannot be specified at the same time"])
        #expect(refused(["--no-huge", "--socket-mem", "1"]) == ["Options --socket-mem cannot be specified together with --no-huge"])
        #expect(config(["--socket-limit", "2048"])?.socketLimit == [2048])
        #expect(refused(["--socket-limit", "-1"]) == ["invalid parameters for --socket-limit"])
        #expect(config(["--huge-dir", "/mnt/huge"])?.hugeDir == "/mnt/huge")
        #expect(config(["--legacy-mem"])?.legacyMem == true)
        #expect(config(["--single-file-segments"])?.singleFileSegments == true)
        #expect(config(["--match-allocations"])?.matchAllocations == true)
        #expect(config(["--base-virtaddr", "0x200000000"])?.baseVirtaddr == 0x2_0000_0000)
        #expect(refused(["--base-virtaddr", "zz"]) == ["invalid parameter for --base-virtaddr"])
        #expect(refused(["--base-virtaddr", "0"]) == ["invalid parameter for --base-virtaddr"])
    }

    @Test("hugepage and sharing modes")
    func modes() throws {
        let nohuge = try #require(config(["--no-huge"]))
        #expect(nohuge.noHuge && nohuge.legacyMem)
        let inmem = try #require(config(["--in-memory"]))
        #expect(inmem.inMemory && inmem.noShconf && inmem.hugeUnlink == .always)
        #expect(config(["--no-shconf"])?.noShconf == true)
        #expect(refused(["--no-huge", "--in-memory"]) == ["Option --legacy-mem is not compatible with --in-memory"])
        #expect(config(["--huge-unlink"])?.hugeUnlink == .always)
        #expect(config(["--huge-unlink=never"])?.hugeUnlink == .never)
        #expect(config(["--huge-unlink=existing"])?.hugeUnlink == .existing)
        #expect(config([])?.hugeUnlink == .existing)
        #expect(refused(["--huge-unlink=bad"]) == ["invalid --huge-unlink option"])
        #expect(refused(["--no-huge", "--huge-unlink"]) == ["Option --huge-unlink cannot be specified together with --no-huge"])
        #expect(refused(["--in-memory", "--huge-unlink=never"]) != nil)
        // DPDK keeps the two unlink choices apart: order does not undo them
        #expect(refused(["--huge-unlink=never", "--in-memory"]) != nil)
        #expect(config(["--huge-unlink", "--huge-unlink=existing"])?.hugeUnlink == .always)
        #expect(config(["--in-memory", "--huge-unlink=existing"])?.hugeUnlink == .always)
        // without hugepages only "always" is refused (DPDK 22.11, diff_init)
        #expect(config(["--no-huge", "--huge-unlink=never"])?.hugeUnlink == .never)
        #expect(config(["--no-huge", "--huge-unlink=existing"]) != nil)
        #expect(refused(["--no-huge", "--huge-unlink=always"]) != nil)
        #expect(config(["--match-allocations"])?.matchAllocations == true)
        #expect(refused(["--legacy-mem", "--match-allocations"]) == ["Option --legacy-mem is not compatible with --match-allocations"])
        #expect(refused(["--no-huge", "--match-allocations"]) == ["Option --legacy-mem is not compatible with --match-allocations"])
        // not an Optional<UInt64> inside #expect: its AnyHashable thunk reads 9 bytes from
        // an 8-byte slot (a Swift 6.3 codegen bug AddressSanitizer stops on)
        #expect((config(["--huge-worker-stack=64"])?.hugeWorkerStack ?? 0) == 64 * 1024)
        #expect(refused(["--no-huge", "--huge-worker-stack"]) == ["Option --huge-worker-stack cannot be specified together with --no-huge"])
        #expect(refused(["--no-huge", "--huge-worker-stack=64"]) != nil)
    }

    @Test("process options")
    func process() {
        #expect(config(["--file-prefix", "abc"])?.filePrefix == "abc")
        #expect(config([])?.filePrefix == "rte")
        #expect(refused(["--file-prefix="]) == ["Invalid length of --file-prefix option"])
        #expect(refused(["--file-prefix=a%b"]) == ["Invalid char, '%', in --file-prefix option"])
        #expect(config(["--file-prefix=", "--file-prefix=b"])?.filePrefix == "b") // the last one counts
        #expect(config(["--file-prefix=a%", "--file-prefix=b"])?.filePrefix == "b")
        // a prefix is one name under the runtime root
        #expect(refused(["--file-prefix=a/b"]) == ["Invalid char, '/', in --file-prefix option"])
        #expect(refused(["--file-prefix=../../x"]) == ["Invalid char, '/', in --file-prefix option"])
        #expect(refused(["--file-prefix=/abs"]) == ["Invalid char, '/', in --file-prefix option"])
        #expect(refused(["--file-prefix=."]) != nil)
        #expect(refused(["--file-prefix=.."]) != nil)
        #expect(config(["--file-prefix=..."])?.filePrefix == "...")
        #expect(config(["--file-prefix=.x"])?.filePrefix == ".x")
        #expect(config(["--proc-type", "secondary"])?.processType == RTE_PROC_SECONDARY)
        #expect(config(["--proc-type=auto"])?.processType == RTE_PROC_AUTO)
        #expect(config(["--proc-type=primary"])?.processType == RTE_PROC_PRIMARY)
        #expect(refused(["--proc-type=foo"]) == ["Invalid process type specified"])
        #expect(refused(["--proc-type=secondary", "--no-shconf"]) != nil)
        #expect(config(["--iova-mode", "pa"])?.iovaMode == RTE_IOVA_PA)
        #expect(config(["--iova-mode=va"])?.iovaMode == RTE_IOVA_VA)
        #expect(refused(["--iova-mode=xx"]) == ["invalid parameters for --iova-mode"])
    }

    @Test("values that name files or are matched stay bytes")
    func byteValues() throws {
        let p = Array("--file-prefix=p".utf8), h = Array("--huge-dir=/h".utf8)
        let ff = try #require(config(bytes: [p + [0xff], h + [0xff]]))
        let fe = try #require(config(bytes: [p + [0xfe], h + [0xfe]]))
        #expect(ff.filePrefix.bytes == Array("p".utf8) + [0xff])
        #expect(ff.filePrefix != fe.filePrefix)
        #expect(ff.hugeDir?.bytes == Array("/h".utf8) + [0xff])
        #expect(ff.hugeDir != fe.hugeDir)
        let log = try #require(config(bytes: [Array("--log-level=t".utf8) + [0xff] + Array(":debug".utf8)]))
        #expect(log.logLevelArgs.first?.bytes == Array("t".utf8) + [0xff] + Array(":debug".utf8))
        let ops = try #require(config(bytes: [Array("--mbuf-pool-ops-name=r".utf8) + [0xe9]]))
        #expect(ops.mbufPoolOps?.bytes == Array("r".utf8) + [0xe9])
    }

    @Test("log, devices and the rest")
    func misc() throws {
        #expect(config(["--log-level", "8"])?.logLevelArgs == ["8"])
        #expect(config(["--log-level=lib.eal:debug", "--log-level=pmd.*,7"])?.logLevelArgs.count == 2)
        // DPDK reports a malformed --log-level and carries on without it
        #expect(config(["--log-level=lib.eal:loud"])?.logLevelArgs == [])
        #expect(config(["--log-level=0"])?.logLevelArgs == [])
        #expect(config(["-a", "0000:01:00.0", "-a", "0000:02:00.0"])?.allowList.count == 2)
        #expect(config(["--block", "0000:01:00.0"])?.blockList == ["0000:01:00.0"])
        #expect(refused(["-a", "x", "-b", "y"]) == ["Options allow (-a) and block (-b) can't be used at the same time"])
        #expect(config(["--vdev", "net_null0"])?.vdevs == ["net_null0"])
        #expect(config(["-d", "/lib/x.so"])?.drivers == ["/lib/x.so"])
        let c = try #require(config(["--no-pci", "--no-telemetry", "--no-hpet", "--vmware-tsc-map", "--create-uio-dev", "-v"]))
        #expect(c.noPci && c.noTelemetry && !c.telemetry && c.vmwareTscMap && c.createUioDev && c.showVersion)
        #expect(config(["--telemetry"])?.telemetry == true)
        #expect(config(["--syslog", "local3"])?.syslogFacility == "local3")
        #expect(refused(["--syslog", "bad"]) == ["invalid parameters for --syslog"])
        #expect(config(["--vfio-intr", "msix"])?.vfioIntrMode == RTE_INTR_MODE_MSIX)
        #expect(refused(["--vfio-intr", "bad"]) == ["invalid parameters for --vfio-intr"])
        #expect(config(["--vfio-vf-token", "12345678-1234-1234-1234-123456789abc"])?.vfioVfToken != nil)
        #expect(refused(["--vfio-vf-token", "nope"]) == ["invalid parameters for --vfio-vf-token"])
        // (a fullwidth digit passed the check, then crashed reading the token)
        #expect(refused(["--vfio-vf-token", "１2345678-1234-1234-1234-123456789abc"])
                == ["invalid parameters for --vfio-vf-token"])
        #expect(config(["--mbuf-pool-ops-name", "ring_mp_mc"])?.mbufPoolOps == "ring_mp_mc")
        #expect(config(["--force-max-simd-bitwidth", "256"])?.maxSimdBitwidth == 256)
        #expect(refused(["--force-max-simd-bitwidth", "100"]) != nil)
        #expect(config(["--force-max-simd-bitwidth", "0"])?.maxSimdBitwidth == 32768) // no limit, as DPDK
        #expect(refused(["--force-max-simd-bitwidth", "3"]) != nil)
        #expect(refused(["--force-max-simd-bitwidth", "65536"]) != nil)
        #expect(config(["--force-max-simd-bitwidth", "64"])?.maxSimdBitwidth == 64)
        #expect(config(["--huge-worker-stack"])?.hugeWorkerStack == 0)
        // not an Optional<UInt64> inside #expect: its AnyHashable thunk reads 9 bytes from
        // an 8-byte slot (a Swift 6.3 codegen bug AddressSanitizer stops on)
        #expect((config(["--huge-worker-stack=64"])?.hugeWorkerStack ?? 0) == 64 * 1024)
        #expect(refused(["--huge-worker-stack=x"]) != nil)
        #expect(config(["--trace", "eal.*", "--trace-dir", "/tmp"])?.traceRegexes == ["eal.*"])
        #expect(config(["-S", "1", "-l", "0-1"])?.serviceCores == [1])
        #expect(config(["-h"])?.showHelp == true)
        #expect(config(["--no-hu"])?.noHuge == true) // getopt_long's unique abbreviations
        #expect(refused(["--bogus"]) != nil)
        #expect(refused(["-m"]) != nil)                // missing argument
        #expect(refused(["-x"]) != nil)
    }

    @Test("rte_eal_parse_coremask")
    func parseCoremask() {
        var cores = [Int32](repeating: 7, count: Int(RTE_MAX_LCORE))
        #expect(rte_eal_parse_coremask("0x5", &cores) == 0)
        #expect(cores[0] == 0 && cores[1] == -1 && cores[2] == 1 && cores[3] == -1)
        #expect(rte_eal_parse_coremask("q", &cores) == -1)
        #expect(rte_eal_parse_coremask(nil, &cores) == -1)
        #expect(rte_eal_parse_coremask("1", nil) == -1)
    }
}
