import CSwiftEAL

/// Parsers for the three ways to name lcores: `-l 0-3,5`, `-c 0xf` and
/// `--lcores '(0-1)@(0-1),2@2'`. Pure functions over the option text, so the
/// Swift tests can drive them with any `available` CPU set.
enum CoreList {
    static let maxLcore = Int(RTE_MAX_LCORE)

    /// `-l`: single ids and ranges, comma separated; lcore i runs on CPU i. As DPDK's:
    /// a reversed range (`1-0`) names nothing, more than RTE_MAX_LCORE ids is refused at
    /// once, and ids beyond it are each named, with the --lcores line that maps them.
    static func parseList(_ text: String, available: CPUSet) -> Result<[LcoreSetting], OptionError> {
        let syntax = OptionError("invalid core list syntax")
        var ids: [Int] = []
        var seen = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingSpaces
            guard let (lo, hi) = parseBounds(item) else { return .failure(syntax) }
            guard lo <= hi else { continue }
            for id in lo...hi where seen.insert(id).inserted {
                if ids.count >= maxLcore {
                    return .failure(OptionError(
                        "Too many lcores provided. Cannot exceed RTE_MAX_LCORE (\(maxLcore))",
                        then: "invalid core list syntax"))
                }
                ids.append(id)
            }
        }
        if ids.isEmpty { return .failure(syntax) }
        let beyond = ids.filter { $0 >= maxLcore }
        if !beyond.isEmpty {
            var e = OptionError("lcore \(beyond[0]) >= RTE_MAX_LCORE (\(maxLcore))")
            e.messages = beyond.map { "lcore \($0) >= RTE_MAX_LCORE (\(maxLcore))" }
            let map = ids.enumerated().map { "\($0.offset)@\($0.element)" }.joined(separator: ",")
            e.messages.append("To use high physical core ids, please use --lcores to map them to lcore ids "
                + "below RTE_MAX_LCORE, e.g. --lcores \(map)")
            e.messages.append("invalid core list syntax")
            return .failure(e)
        }
        for id in ids where !available.contains(id) {
            return .failure(OptionError("lcore \(id) unavailable",
                then: "invalid core list, please check specified cores are part of \(describe(available))"))
        }
        return .success(settings(ids.map { ($0, CPUSet([$0])) }))
    }

    /// `-c`: a hexadecimal mask, with or without 0x; bit i is lcore i on CPU i.
    static func parseMask(_ text: String, available: CPUSet) -> Result<[LcoreSetting], OptionError> {
        var digits = Substring(text.trimmingSpaces)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        let syntax = "invalid coremask syntax"
        if digits.isEmpty { return .failure(OptionError("No lcores in coremask: [\(text)]", then: syntax)) }
        guard digits.allSatisfy(\.isASCIIHexDigit) else {
            return .failure(OptionError("invalid characters in coremask: [\(text)]", then: syntax))
        }
        var ids: [Int] = []
        for (pos, ch) in digits.reversed().enumerated() {
            let nibble = Int(String(ch), radix: 16)!
            for bit in 0..<4 where nibble & (1 << bit) != 0 {
                let id = pos * 4 + bit
                if id >= maxLcore {
                    return .failure(OptionError("lcore \(id) unavailable", then: syntax))
                }
                ids.append(id)
            }
        }
        if ids.isEmpty { return .failure(OptionError("No lcores in coremask: [\(text)]", then: syntax)) }
        for id in ids.sorted() where !available.contains(id) {
            return .failure(OptionError("lcore \(id) unavailable", then: syntax))
        }
        return .success(settings(ids.sorted().map { ($0, CPUSet([$0])) }))
    }

    /// `--lcores`: comma-separated `lcores[@cpus]`, where either side is one number,
    /// a range, or a parenthesised list of numbers and ranges. Without `@` each lcore
    /// runs on the CPU of the same number.
    static func parseMap(_ text: String, available: CPUSet) -> Result<[LcoreSetting], OptionError> {
        let invalid = OptionError("invalid parameter for --lcores")
        var pairs: [(Int, CPUSet)] = []
        var rest = Substring(text.trimmingSpaces)
        guard !rest.isEmpty else { return .failure(invalid) }
        while !rest.isEmpty {
            let bareRange = rest.first != "(" && rest.prefix(while: { $0 != "@" && $0 != "," }).contains("-")
            guard let (lcores, afterL) = takeGroup(rest) else { return .failure(invalid) }
            rest = afterL
            var cpus: [Int]? = nil
            if rest.first == "@" {
                // DPDK 22.11 reads a bare lcore range ("0-1@...") as a range that must end
                // the item, so it refuses it before '@'; "(0-1)@..." is the accepted form.
                if bareRange { return .failure(invalid) }
                guard let (c, afterC) = takeGroup(rest.dropFirst()) else { return .failure(invalid) }
                cpus = c
                rest = afterC
            }
            if rest.first == "," {
                rest = rest.dropFirst()
                if rest.isEmpty { return .failure(invalid) }
            } else if !rest.isEmpty {
                return .failure(invalid)
            }
            for l in lcores where l >= maxLcore { return .failure(invalid) }
            for c in cpus ?? lcores where !available.contains(c) {
                return .failure(OptionError("core \(c) unavailable", then: "invalid parameter for --lcores"))
            }
            for l in lcores {
                let set = CPUSet(cpus ?? [l])
                if let i = pairs.firstIndex(where: { $0.0 == l }) { pairs[i].1 = set } else { pairs.append((l, set)) }
            }
        }
        return .success(settings(pairs))
    }

    // MARK: pieces

    /// "n" or "a-b" (a <= b), decimal.
    static func parseRange(_ s: Substring) -> ClosedRange<Int>? {
        guard let (lo, hi) = parseBounds(s), lo <= hi else { return nil }
        return lo...hi
    }

    /// "n" or "a-b" in decimal, in either order.
    static func parseBounds(_ s: Substring) -> (Int, Int)? {
        let ends = s.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 1 || ends.count == 2 else { return nil }
        guard let lo = decimal(ends[0].trimmingSpaces) else { return nil }
        let hi = ends.count == 2 ? decimal(ends[1].trimmingSpaces) : lo
        guard let hi else { return nil }
        return (lo, hi)
    }

    /// A group at the start of `s`: "(a,b-c)" or "n" or "a-b"; returns members and the rest.
    /// A number that no cpu set holds (CPU_SETSIZE, 1024, or more) makes the group
    /// invalid at once, as in DPDK: a range is never expanded past that (`(0-999999999)`
    /// would otherwise take minutes and gigabytes).
    private static func takeGroup(_ s: Substring) -> ([Int], Substring)? {
        if s.first == "(" {
            guard let close = s.firstIndex(of: ")") else { return nil }
            let inner = s[s.index(after: s.startIndex)..<close]
            var members: [Int] = []
            var seen = CPUSet()
            for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
                guard let r = parseRange(item), r.upperBound < CPUSet.capacity else { return nil }
                for v in r where !seen.contains(v) {
                    seen.insert(v)
                    members.append(v)
                }
            }
            return members.isEmpty ? nil : (members, s[s.index(after: close)...])
        }
        let end = s.firstIndex(where: { $0 == "@" || $0 == "," }) ?? s.endIndex
        guard let r = parseRange(s[..<end]), r.upperBound < CPUSet.capacity else { return nil }
        return (Array(r), s[end...])
    }

    private static func decimal(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 9, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber) else { return nil }
        return Int(s)
    }

    private static func settings(_ pairs: [(Int, CPUSet)]) -> [LcoreSetting] {
        var out = [LcoreSetting](repeating: LcoreSetting(), count: maxLcore)
        for (order, (id, cpus)) in pairs.enumerated() {
            out[id] = LcoreSetting(role: ROLE_RTE, cpus: cpus, order: Int32(order))
        }
        return out
    }

    /// "0-1" style summary of a CPU set, as DPDK prints in its hint.
    static func describe(_ set: CPUSet) -> String {
        var parts: [String] = []
        var start: Int? = nil
        var prev = -2
        for c in set.members {
            if c != prev + 1 {
                if let s = start { parts.append(s == prev ? "\(s)" : "\(s)-\(prev)") }
                start = c
            }
            prev = c
        }
        if let s = start { parts.append(s == prev ? "\(s)" : "\(s)-\(prev)") }
        return parts.joined(separator: ",")
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
