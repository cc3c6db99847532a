import CSwiftEAL
import FuzzSupport
import Glibc
@testable import SwiftEAL

// rte_eal_init's command line, parsed as rte_eal_init parses it (OptionParser.parse:
// getopt_long over argv, each option's value, the cross-option rules) without running
// any of init. The input is argv after the program name, its arguments separated by
// NUL bytes. On success the configuration must be one init could run with, and the
// argv getopt left behind (permuted) must parse to the same configuration.

/// The CPUs this "machine" has and the ones the process may run on: fixed, so that
/// an input means the same on every run.
let detected = CPUSet(0..<6)
let available = CPUSet(0..<3)
let maxArgs = 48

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var args: [[UInt8]] = [Array("fuzz_options".utf8)]
    var current: [UInt8] = []
    for b in UnsafeBufferPointer(start: data, count: data == nil ? 0 : size) {
        if b == 0 {
            args.append(current)
            current = []
            if args.count == maxArgs { break }
        } else {
            current.append(b)
        }
    }
    if args.count < maxArgs && (!current.isEmpty || size == 0) { args.append(current) }

    let argc = Int32(args.count)
    let strings = args.map(cString)
    defer { strings.forEach { free($0) } }
    let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: args.count + 1)
    defer { argv.deallocate() }
    for (i, s) in strings.enumerated() { argv[i] = s }
    argv[args.count] = nil

    guard case .success(let first) = OptionParser.parse(argc: argc, argv: argv, available: available,
                                                          detected: detected) else {
        // refused: getopt may have permuted argv, but every string is still there once
        checkPermutation(argv, strings)
        return 0
    }
    checkPermutation(argv, strings)
    check(first, argc: argc)

    // getopt moved the non-options behind the options: the same options, in the same
    // order, must give the same configuration and the same first non-option.
    switch OptionParser.parse(argc: argc, argv: argv, available: available, detected: detected) {
    case .success(let again):
        fuzzCheck(again.config == first.config && same(again.config, first.config),
                  "reparsing the permuted argv gave another configuration")
        fuzzCheck(again.optind == first.optind, "optind \(first.optind), then \(again.optind)")
    case .failure(let e):
        fuzzFail("reparsing the permuted argv failed: \(e.messages)")
    }
    return 0
}

/// getopt only reorders argv: the same pointers, each once, argv[0] in place.
func checkPermutation(_ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                      _ strings: [UnsafeMutablePointer<CChar>]) {
    fuzzCheck(argv[0] == strings[0], "argv[0] moved")
    let now = Set((0..<strings.count).map { UInt(bitPattern: argv[$0]) })
    fuzzCheck(now == Set(strings.map { UInt(bitPattern: $0) }), "argv lost or duplicated an argument")
    fuzzCheck(argv[strings.count] == nil, "argv[argc] is no longer NULL")
}

/// What init relies on in a configuration the parser accepted.
func check(_ parsed: OptionParser.Parsed, argc: Int32) {
    let c = parsed.config
    fuzzCheck(parsed.optind >= 1 && parsed.optind <= argc, "optind \(parsed.optind) of \(argc)")
    fuzzCheck(c.lcores.count == Int(RTE_MAX_LCORE), "lcore table of \(c.lcores.count)")
    let enabled = c.enabledLcores
    fuzzCheck(!enabled.isEmpty, "no lcore enabled")
    guard let main = c.mainLcore else { fuzzFail("no main lcore") }
    fuzzCheck(c.lcores[Int(main)].role == ROLE_RTE, "main lcore \(main) is not enabled")
    var orders = Set<Int32>()
    for id in enabled {
        let l = c.lcores[Int(id)]
        fuzzCheck(!l.cpus.isEmpty, "lcore \(id) runs on no CPU")
        let bound = c.lcoresGiven ? detected : available
        fuzzCheck(l.cpus.members.allSatisfy(bound.contains), "lcore \(id) on a CPU that is not there")
        fuzzCheck(l.order >= 0 && l.order < Int32(enabled.count), "lcore \(id) has order \(l.order)")
        orders.insert(l.order)
    }
    fuzzCheck(orders.count == enabled.count, "two lcores share an index")
    fuzzCheck(c.serviceCores == c.serviceCores.sorted() && Set(c.serviceCores).count == c.serviceCores.count,
              "service cores \(c.serviceCores) not ascending and unique")
    fuzzCheck(c.serviceCores.allSatisfy { $0 < RTE_MAX_LCORE }, "service core beyond RTE_MAX_LCORE")
    let prefix = c.filePrefix.bytes
    fuzzCheck(!prefix.isEmpty && !prefix.contains(UInt8(ascii: "/")) && !prefix.contains(UInt8(ascii: "%"))
              && c.filePrefix != "." && c.filePrefix != "..", "file prefix \(c.filePrefix) accepted")
    if let dir = c.hugeDir { fuzzCheck(!dir.bytes.isEmpty, "empty --huge-dir accepted") }
    fuzzCheck(!(c.processType == RTE_PROC_SECONDARY && c.noShconf), "secondary without shared config accepted")
    fuzzCheck(c.socketMem.count <= 32 && c.socketLimit.count <= 32, "more sockets than RTE_MAX_NUMA_NODES")
    fuzzCheck(c.allowList.isEmpty || c.blockList.isEmpty, "both -a and -b accepted")
    fuzzCheck(c.memoryRanks <= 16, "-r \(c.memoryRanks) accepted")
    if c.maxSimdBitwidth != 0 {
        let w = Int(c.maxSimdBitwidth)
        fuzzCheck(w >= 64 && w & (w - 1) == 0, "SIMD width \(w) accepted")
    }
    if let uuid = c.vfioVfToken { fuzzCheck(OptionValues.uuidBytes(uuid) != nil, "VF token \(uuid) unreadable") }
    for arg in c.logLevelArgs { fuzzCheck(parseLogLevelOption(arg) != nil, "bad --log-level kept") }
}

/// The fields the configuration's == leaves out.
func same(_ a: InternalConfig, _ b: InternalConfig) -> Bool {
    a.serviceCores == b.serviceCores && a.memoryChannels == b.memoryChannels && a.memoryRanks == b.memoryRanks
        && a.socketLimit == b.socketLimit && a.hugeDir == b.hugeDir && a.unlinkBeforeMapping == b.unlinkBeforeMapping
        && a.unlinkExisting == b.unlinkExisting && a.iovaMode == b.iovaMode && a.logLevelArgs == b.logLevelArgs
        && a.allowList == b.allowList && a.blockList == b.blockList && a.vdevs == b.vdevs && a.drivers == b.drivers
        && a.traceRegexes == b.traceRegexes && a.traceDir == b.traceDir && a.maxSimdBitwidth == b.maxSimdBitwidth
        && a.hugeWorkerStack == b.hugeWorkerStack && a.baseVirtaddr == b.baseVirtaddr
}

@main struct FuzzOptions {
    static func main() {
        // the parser's messages are formatted, not shown (Tests/fuzz/run.sh closes
        // stderr for glibc getopt's own)
        rte_log_set_global_level(1)
        runLibFuzzer(testOneInput)
    }
}
