import CSwiftEAL

/// `-s COREMASK` and `-S CORELIST`, as DPDK 22.11 reads them: the lcores named join
/// the service lcores (a later -s/-S adds to an earlier one). The mask form refuses
/// CPUs that do not exist, the list form does not; neither takes an explicitly set
/// main lcore. Pure functions over the text, for the Swift tests.
enum ServiceCoreOption {
    /// Applies `-s` (`mask` true) or `-S` to `c`; the warnings DPDK prints go to
    /// `warn`.
    static func apply(_ text: String, mask: Bool, detected: CPUSet, to c: inout InternalConfig,
                      warn: (String) -> Void) -> OptionError? {
        let invalid = mask ? "invalid service coremask" : "invalid service core list"
        let parsed = mask ? parseMask(text) : parseList(text)
        guard let ids = parsed, !ids.isEmpty else { return OptionError(invalid) }
        var taken = 0
        for id in ids {
            if let main = c.mainLcore, main == id {
                let what = mask ? "lcore \(id) is main lcore, cannot use as service core"
                                : "Error: lcore \(id) is main lcore, cannot use as service core"
                return OptionError(what, then: invalid)
            }
            if mask && !detected.contains(Int(id)) {
                return OptionError("lcore \(id) unavailable", then: invalid)
            }
            if c.lcores[Int(id)].role == ROLE_RTE { taken += 1 }
        }
        for id in ids where !c.serviceCores.contains(id) { c.serviceCores.append(id) }
        c.serviceCores.sort()
        if c.lcoresGiven && taken != ids.count {
            warn(mask ? "Not all service cores are in the coremask. Please ensure -c or -l includes service cores"
                      : "Not all service cores were in the coremask. Please ensure -c or -l includes service cores")
        }
        return nil
    }

    /// The lcore ids of a hexadecimal mask (blanks around it and 0x allowed), or nil.
    /// Digits beyond RTE_MAX_LCORE bits must be zero.
    static func parseMask(_ text: String) -> [UInt32]? {
        var digits = Substring(text.trimmingSpaces)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIHexDigit) else { return nil }
        var ids: [UInt32] = []
        for (pos, ch) in digits.reversed().enumerated() {
            let nibble = Int(String(ch), radix: 16)!
            for bit in 0..<4 where nibble & (1 << bit) != 0 {
                let id = pos * 4 + bit
                guard id < Int(RTE_MAX_LCORE) else { return nil }
                ids.append(UInt32(id))
            }
        }
        return ids
    }

    /// The lcore ids of "a,b-c,..." (blanks allowed around numbers; an empty number
    /// reads as 0, as strtoul gives it), or nil. A reversed range names nothing.
    static func parseList(_ text: String) -> [UInt32]? {
        let bytes = Array(text.utf8)
        var i = 0
        func blanks() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        var ids: [UInt32] = []
        var rangeStart: Int? = nil
        repeat {
            blanks()
            if i == bytes.count { return nil }
            var value = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                value = value * 10 + Int(bytes[i] - 0x30)
                if value >= Int(RTE_MAX_LCORE) { return nil }
                i += 1
            }
            blanks()
            let sep: UInt8? = i < bytes.count ? bytes[i] : nil
            if sep == UInt8(ascii: "-") {
                rangeStart = value
            } else if sep == nil || sep == UInt8(ascii: ",") {
                let lo = rangeStart ?? value
                if lo <= value { for id in lo...value where !ids.contains(UInt32(id)) { ids.append(UInt32(id)) } }
                rangeStart = nil
            } else {
                return nil
            }
            i += 1
            if sep == nil { break }
        } while true
        return ids
    }
}
