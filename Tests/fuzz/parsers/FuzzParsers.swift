import CSwiftEAL
import FuzzSupport
import Glibc
@testable import SwiftEAL

// The value parsers behind the options and the string helpers of the C API: the
// first byte picks the parser, the rest is its text. Each result is checked against
// what the text says (a simple model or a round trip), not only for not crashing.

let cpus = CPUSet([0, 1, 2, 5, 64, 100])
let maxLcore = Int(RTE_MAX_LCORE)

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let which = input.u8()
    let bytes = input.rest()
    let text = String(decoding: bytes, as: UTF8.self)
    switch which % 12 {
    case 0: coreList(text)
    case 1: coreMask(text)
    case 2: lcoreMap(text)
    case 3: serviceMask(text)
    case 4: serviceList(text)
    case 5: sizeString(bytes)
    case 6: logLevel(bytes)
    case 7: socketList(text)
    case 8: uuid(bytes)
    case 9: strsplit(bytes, delimiter: which >> 4)
    case 10: devargs(bytes)
    default: numbers(text)
    }
    return 0
}

/// The lcores a parse enabled, in index order (lcore id, CPUs).
func enabled(_ settings: [LcoreSetting]) -> [(Int, CPUSet)] {
    fuzzCheck(settings.count == maxLcore, "lcore table of \(settings.count)")
    var out: [(Int, Int32, CPUSet)] = []
    for (id, s) in settings.enumerated() where s.role == ROLE_RTE {
        fuzzCheck(!s.cpus.isEmpty, "lcore \(id) on no CPU")
        fuzzCheck(s.cpus.members.allSatisfy(cpus.contains), "lcore \(id) on an unavailable CPU")
        out.append((id, s.order, s.cpus))
    }
    fuzzCheck(!out.isEmpty, "accepted, but no lcore")
    fuzzCheck(out.map(\.1).sorted() == Array(0..<Int32(out.count)), "lcore indexes \(out.map(\.1))")
    return out.sorted { $0.1 < $1.1 }.map { ($0.0, $0.2) }
}

/// -l: each lcore on its own CPU; the list written back out parses to the same lcores.
func coreList(_ text: String) {
    guard case .success(let s) = CoreList.parseList(text, available: cpus) else { return }
    let lcores = enabled(s)
    for (id, set) in lcores { fuzzCheck(set == CPUSet([id]), "-l lcore \(id) not on CPU \(id)") }
    let again = lcores.map { String($0.0) }.joined(separator: ",")
    guard case .success(let s2) = CoreList.parseList(again, available: cpus) else { fuzzFail("-l \(again) refused") }
    fuzzCheck(s2 == s, "-l \(again) read differently")
}

/// The model of -c: blanks, optional 0x, hex digits; bit i is lcore i; no bit beyond
/// RTE_MAX_LCORE; at least one; all available.
func maskModel(_ text: String) -> [Int]? {
    var t = Substring(text.trimmingSpaces)
    if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
    if t.isEmpty { return nil }
    var ids: [Int] = []
    for (pos, u) in t.utf8.reversed().enumerated() {
        let v: Int
        switch u {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = Int(u) - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = Int(u) - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = Int(u) - 55
        default: return nil
        }
        for bit in 0..<4 where v & (1 << bit) != 0 { ids.append(pos * 4 + bit) }
    }
    return ids.sorted()
}

func coreMask(_ text: String) {
    let model = maskModel(text)
    switch CoreList.parseMask(text, available: cpus) {
    case .success(let s):
        let lcores = enabled(s)
        fuzzCheck(lcores.map(\.0) == model, "-c \(text): \(lcores.map(\.0)), model \(model ?? [])")
        for (id, set) in lcores { fuzzCheck(set == CPUSet([id]), "-c lcore \(id) not on CPU \(id)") }
    case .failure:
        if let m = model { fuzzCheck(m.isEmpty || m.contains { $0 >= maxLcore || !cpus.contains($0) }, "-c \(text) refused") }
    }
}

/// --lcores: whatever it accepts, written back in the (lcores)@(cpus) form, reads the same.
func lcoreMap(_ text: String) {
    guard case .success(let s) = CoreList.parseMap(text, available: cpus) else { return }
    let lcores = enabled(s)
    let again = lcores.map { id, set in "\(id)@(\(set.members.map(String.init).joined(separator: ",")))" }
        .joined(separator: ",")
    guard case .success(let s2) = CoreList.parseMap(again, available: cpus) else { fuzzFail("--lcores \(again) refused") }
    fuzzCheck(s2 == s, "--lcores \(again) read differently")
}

/// -s: the same bits as -c reads (the service form takes CPUs that are not there).
func serviceMask(_ text: String) {
    let model = maskModel(text)
    let ids = ServiceCoreOption.parseMask(text)
    if let ids {
        fuzzCheck(ids.map(Int.init).sorted() == model, "-s \(text): \(ids), model \(model ?? [])")
    } else if let m = model {
        fuzzCheck(m.contains { $0 >= maxLcore }, "-s \(text) refused")
    }
}

/// -S: lcore ids below RTE_MAX_LCORE, each once.
func serviceList(_ text: String) {
    guard let ids = ServiceCoreOption.parseList(text) else { return }
    fuzzCheck(ids.allSatisfy { $0 < RTE_MAX_LCORE }, "-S \(text): \(ids)")
    fuzzCheck(Set(ids).count == ids.count, "-S \(text) repeats an lcore")
}

/// rte_str_to_size: a plain decimal number with an optional suffix is that many bytes.
func sizeString(_ bytes: [UInt8]) {
    let s = cString(bytes)
    defer { free(s) }
    let size = rte_str_to_size(s)
    let t = bytes.prefix { $0 != 0 }
    let digits = t.prefix { $0 >= 0x30 && $0 <= 0x39 }
    guard !digits.isEmpty, digits.first != 0x30, digits.count <= 12 else { return }
    var rest = t.dropFirst(digits.count)
    if rest.first == 0x20 { rest = rest.dropFirst() }
    let n = UInt64(String(decoding: digits, as: UTF8.self))!
    let shift: UInt64
    switch rest.first {
    case UInt8(ascii: "k")?, UInt8(ascii: "K")?: shift = 10
    case UInt8(ascii: "m")?, UInt8(ascii: "M")?: shift = 20
    case UInt8(ascii: "g")?, UInt8(ascii: "G")?: shift = 30
    default: shift = 0
    }
    fuzzCheck(size == n << shift, "rte_str_to_size(\(String(decoding: t, as: UTF8.self))) = \(size)")
}

/// --log-level: a level from 1 to 8 when accepted, a message when not.
func logLevel(_ bytes: [UInt8]) {
    let arg = ByteString(bytes: bytes.prefix { $0 != 0 })
    switch LogLevelOptions.parse(arg) {
    case .success(let opt):
        fuzzCheck(opt.level >= 1 && opt.level <= 8, "--log-level \(arg): level \(opt.level)")
    case .failure(let e):
        fuzzCheck(!e.message.isEmpty, "--log-level \(arg) refused without a word")
    }
}

/// --socket-mem and --socket-limit: at most 32 numbers; written back, the same list.
func socketList(_ text: String) {
    guard let list = OptionValues.socketList(text) else { return }
    fuzzCheck(!list.isEmpty && list.count <= 32, "socket list of \(list.count)")
    fuzzCheck(OptionValues.socketList(list.map(String.init).joined(separator: ",")) == list, "socket list round trip")
}

/// rte_uuid_parse agrees with the option check (--vfio-vf-token) and round-trips
/// through rte_uuid_unparse.
func uuid(_ bytes: [UInt8]) {
    let s = cString(bytes)
    defer { free(s) }
    var uu = [UInt8](repeating: 0xaa, count: 16)
    let r = rte_uuid_parse(s, &uu)
    let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    let mine = OptionValues.uuidBytes(text)
    fuzzCheck((r == 0) == (mine != nil), "rte_uuid_parse(\(text)) = \(r), option check \(mine != nil)")
    guard r == 0 else { return }
    fuzzCheck(mine == uu, "rte_uuid_parse(\(text)) bytes differ from the option's")
    var out = [CChar](repeating: 0, count: 37)
    rte_uuid_unparse(&uu, &out, 37)
    var back = [UInt8](repeating: 0, count: 16)
    fuzzCheck(rte_uuid_parse(out, &back) == 0 && back == uu, "uuid round trip")
}

/// rte_strsplit: at most maxtokens tokens, each inside the string, none holding the
/// delimiter.
func strsplit(_ bytes: [UInt8], delimiter d: UInt8) {
    let delim = CChar(bitPattern: [UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: ":"), 0][Int(d % 4)])
    let s = cString(bytes)
    defer { free(s) }
    let len = Int(strlen(s))
    let maxTokens = Int(d >> 2) % 5
    var tokens = [UnsafeMutablePointer<CChar>?](repeating: nil, count: 8)
    let n = Int(rte_strsplit(s, Int32(len), &tokens, Int32(maxTokens), delim))
    fuzzCheck(n >= 0 && n <= maxTokens, "rte_strsplit: \(n) tokens for at most \(maxTokens)")
    fuzzCheck(n <= 1 || delim != 0, "rte_strsplit: \(n) tokens split at NUL")
    for t in tokens.prefix(n) {
        guard let t else { fuzzFail("rte_strsplit: a NULL token") }
        fuzzCheck(t >= s && t <= s + len, "rte_strsplit: a token outside the string")
    }
}

/// rte_devargs_parse then rte_devargs_reset: whatever it made is released (the leak
/// checker sees what is not).
func devargs(_ bytes: [UInt8]) {
    let s = cString(bytes)
    defer { free(s) }
    var da = rte_devargs()
    let r = rte_devargs_parse(&da, s)
    if r == 0 {
        fuzzCheck(withUnsafeBytes(of: da.name) { $0.contains(0) }, "devargs name not terminated")
    }
    rte_devargs_reset(&da)
}

/// The C-style numbers of the options: integer (strtol base 0), hex, atoi.
func numbers(_ text: String) {
    if let v = OptionValues.integer(text) {
        fuzzCheck(!text.isEmpty, "an integer from nothing")
        _ = v
    }
    if let v = OptionValues.hex(text) { fuzzCheck(!text.isEmpty, "a hex \(v) from nothing") }
    _ = OptionValues.atoi(text)
    _ = TraceOption.mode(text)
    if OptionValues.isUUID(text) { fuzzCheck(OptionValues.uuidBytes(text) != nil, "uuid \(text) unreadable") }
}

@main struct FuzzParsers {
    static func main() {
        rte_log_set_global_level(1)
        runLibFuzzer(testOneInput)
    }
}
