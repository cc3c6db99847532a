import Glibc

/// Number and list formats used by the EAL options, with C's lenient readings
/// where DPDK uses them (`-n 4x` is 4, as atoi reads it).
enum OptionValues {
    /// atoi: leading blanks, optional sign, digits; anything else stops the scan.
    static func atoi(_ s: String) -> Int {
        Int(Glibc.atoi(s))
    }

    /// A whole decimal, 0x-hex or 0-octal integer, nothing trailing (strtol base 0).
    static func integer(_ s: String) -> Int? {
        guard !s.isEmpty else { return nil }
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        return s.withCString { p -> Int? in
            let v = strtol(p, &end, 0)
            guard errno == 0, let end, end != UnsafeMutablePointer(mutating: p), end.pointee == 0 else { return nil }
            return v
        }
    }

    /// A hexadecimal address, with or without 0x, nothing trailing.
    static func hex(_ s: String) -> UInt64? {
        guard !s.isEmpty else { return nil }
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        return s.withCString { p -> UInt64? in
            let v = strtoull(p, &end, 16)
            guard errno == 0, let end, end != UnsafeMutablePointer(mutating: p), end.pointee == 0 else { return nil }
            return UInt64(v)
        }
    }

    /// "1024,0,512": megabytes per socket, at most RTE_MAX_NUMA_NODES entries.
    static func socketList(_ s: String) -> [UInt64]? {
        let parts = s.split(separator: ",", omittingEmptySubsequences: false)
        guard !s.isEmpty, parts.count <= 32 else { return nil }
        var out: [UInt64] = []
        for p in parts {
            let t = p.trimmingSpaces
            guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt64(t) else { return nil }
            out.append(v)
        }
        return out
    }

    /// 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ s: String) -> Bool {
        let groups = s.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isASCIIHexDigit) }
    }

    static let syslogFacilities: [String: Int32] = [
        "auth": LOG_AUTH, "cron": LOG_CRON, "daemon": LOG_DAEMON, "ftp": LOG_FTP,
        "kern": LOG_KERN, "lpr": LOG_LPR, "mail": LOG_MAIL, "news": LOG_NEWS,
        "syslog": LOG_SYSLOG, "user": LOG_USER, "uucp": LOG_UUCP,
        "local0": LOG_LOCAL0, "local1": LOG_LOCAL1, "local2": LOG_LOCAL2, "local3": LOG_LOCAL3,
        "local4": LOG_LOCAL4, "local5": LOG_LOCAL5, "local6": LOG_LOCAL6, "local7": LOG_LOCAL7,
    ]
}

extension Character {
    /// 0-9, a-f, A-F. Character.isHexDigit also takes their fullwidth forms ("１", "ｆ"),
    /// which Int(_:radix:) then refuses: the option parsers read only these.
    var isASCIIHexDigit: Bool { isASCII && isHexDigit }
}

extension OptionValues {
    /// The 16 bytes of an 8-4-4-4-12 UUID string.
    static func uuidBytes(_ s: String) -> [UInt8]? {
        guard isUUID(s) else { return nil }
        let hexDigits = Array(s.filter { $0 != "-" })
        return stride(from: 0, to: 32, by: 2).map { UInt8(String(hexDigits[$0...$0 + 1]), radix: 16)! }
    }
}
