import CEALShared
import CSwiftEAL
import Glibc

/// One `--log-level` argument, DPDK 22.11's grammar:
///   `<level>`               the global level;
///   `<type-regex>,<level>`  types whose name matches the POSIX basic regex (',' is
///                           looked for first, at its first occurrence);
///   `<type-glob>:<level>`   types whose name matches the shell glob.
/// `<level>` is a prefix of emergency/alert/critical/error/warning/notice/info/debug
/// (case-sensitive, first match in that order: "e" is emergency) or a C integer
/// (strtol base 0: "0x5", "010", " 5", "+3") from 1 to INT32_MAX; above 8 it means 8.
struct LogLevelOption: Equatable, Sendable {
    enum Target: Equatable, Sendable {
        case global
        /// Patterns stay bytes: type names are matched byte for byte (fnmatch, regexec).
        case glob(ByteString)
        case regex(ByteString)
    }
    var target: Target
    /// The level applied, 1...8.
    var level: UInt32
    /// The level as written, when it was above RTE_LOG_MAX (DPDK warns and uses 8).
    var clampedFrom: Int? = nil
}

/// The option, or nil when DPDK rejects it (see `logLevelOptionError`).
func parseLogLevelOption(_ arg: ByteString) -> LogLevelOption? {
    switch LogLevelOptions.parse(arg) {
    case .success(let opt): return opt
    case .failure: return nil
    }
}

/// DPDK's message for a rejected `--log-level` argument ("Invalid log level: x" or
/// "cannot set log level x,n"), nil when the argument is valid. The caller then prints
/// "EAL: invalid parameters for --log-level" as DPDK does.
func logLevelOptionError(_ arg: ByteString) -> String? {
    switch LogLevelOptions.parse(arg) {
    case .success: return nil
    case .failure(let e): return e.message
    }
}

/// Applies the option now (global level, or every matching type) and remembers type
/// options so that types registered later with rte_log_register_type_and_pick_level()
/// take their level from the last matching one.
func applyLogLevelOption(_ opt: LogLevelOption) {
    LogLevelOptions.apply(opt)
}

enum LogLevelOptions {
    struct Rejected: Error, Equatable { var message: String }

    static let levelNames = ["emergency", "alert", "critical", "error",
                             "warning", "notice", "info", "debug"]

    static func parse(_ arg: ByteString) -> Result<LogLevelOption, Rejected> {
        var target = LogLevelOption.Target.global
        let bytes = arg.bytes
        var levelBytes = bytes[...]
        if let comma = bytes.firstIndex(of: UInt8(ascii: ",")) {
            target = .regex(ByteString(bytes: bytes[..<comma]))
            levelBytes = bytes[(comma + 1)...]
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            target = .glob(ByteString(bytes: bytes[..<colon]))
            levelBytes = bytes[(colon + 1)...]
        }
        // the level is a name or a number: a lossy reading cannot turn an invalid one valid
        let levelText = Substring(String(decoding: levelBytes, as: UTF8.self))
        guard let written = parseLevel(levelText) else {
            return .failure(Rejected(message: "Invalid log level: \(levelText)"))
        }
        let level = UInt32(min(written, Int(RTE_LOG_MAX)))
        if case .regex(let source) = target {
            var re = regex_t()
            guard source.withCString({ regcomp(&re, $0, REG_NOSUB) }) == 0 else {
                return .failure(Rejected(message: "cannot set log level \(source),\(level)"))
            }
            regfree(&re)
        }
        return .success(LogLevelOption(target: target, level: level,
                                       clampedFrom: written > Int(RTE_LOG_MAX) ? written : nil))
    }

    /// A level name prefix or an integer in 1...Int32.max; nil otherwise.
    static func parseLevel(_ text: Substring) -> Int? {
        guard !text.isEmpty else { return nil }
        if let i = levelNames.firstIndex(where: { $0.hasPrefix(text) }) { return i + 1 }
        return String(text).withCString { s -> Int? in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtol(s, &end, 0)
            guard errno == 0, let end, end.pointee == 0, v >= 1, v <= Int(Int32.max) else { return nil }
            return v
        }
    }

    static func apply(_ opt: LogLevelOption) {
        if let written = opt.clampedFrom {
            fputs("Log level \(written) higher than maximum (\(RTE_LOG_MAX))\n", eal_stderr())
        }
        switch opt.target {
        case .global:
            LogRegistry.globalLevel = opt.level
        case .glob(let pattern):
            _ = pattern.withCString { LogRegistry.setLevel(glob: $0, opt.level) }
            save(pattern, isRegex: false, level: opt.level)
        case .regex(let source):
            _ = source.withCString { LogRegistry.setLevel(regex: $0, opt.level) }
            save(source, isRegex: true, level: opt.level)
        }
    }

    private static func save(_ pattern: ByteString, isRegex: Bool, level: UInt32) {
        guard let node = calloc(1, MemoryLayout<eal_log_opt>.stride)?
                .assumingMemoryBound(to: eal_log_opt.self) else { return }
        guard let copy = pattern.strdup() else { free(node); return }
        node.pointee.pattern = copy
        node.pointee.level = level
        if isRegex {
            guard regcomp(&node.pointee.re, copy, REG_NOSUB) == 0 else {
                free(copy); free(node); return
            }
            node.pointee.is_regex = 1
        }
        eal_log_lock()
        eal_log_opts_append(node)
        eal_log_unlock()
    }

    /// The level of the last saved option matching `name`, else `def`. Called with the
    /// registry lock held.
    static func pickLevel(for name: UnsafePointer<CChar>, default def: UInt32) -> UInt32 {
        var level = def
        var node = eal_log_opts_first()
        while let o = node {
            let matches = o.pointee.is_regex != 0
                ? regexec(&o.pointee.re, name, 0, nil, 0) == 0
                : fnmatch(o.pointee.pattern, name, 0) == 0
            if matches { level = o.pointee.level }
            node = o.pointee.next
        }
        return level
    }

    /// Forgets every saved type option (tests; the types keep their levels).
    static func reset() {
        eal_log_lock()
        var node = eal_log_opts_take()
        eal_log_unlock()
        while let o = node {
            node = o.pointee.next
            if o.pointee.is_regex != 0 { regfree(&o.pointee.re) }
            free(o.pointee.pattern)
            free(o)
        }
    }
}
