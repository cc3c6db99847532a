import CSwiftEAL
import Glibc

/// --trace, --trace-dir, --trace-bufsz and --trace-mode, checked as DPDK 22.11 checks
/// them while parsing (its messages name its functions and lines).
enum TraceOption {
    static func apply(_ opt: Opt, _ value: String, to c: inout InternalConfig) -> OptionError? {
        switch opt {
        case .trace:
            c.traceRegexes.append(value)
        case .traceDir:
            let dir = (c.traceDir ?? "") + value + "/"
            guard dir.utf8.count < Int(PATH_MAX) - 1 else {
                return OptionError("eal_trace_dir_args_save():\(259) input string is too big",
                                   then: "invalid parameters for --trace-dir")
            }
            c.traceDir = dir
        case .traceBufsz:
            let size = rte_str_to_size(value)
            guard size != 0 else {
                return OptionError("eal_trace_bufsz_args_save():188 buffer size cannot be zero",
                                   then: "invalid parameters for --trace-bufsz")
            }
            c.traceBufferSize = size
        case .traceMode:
            guard let mode = mode(value) else {
                return value.isEmpty
                    ? OptionError("eal_trace_mode_args_save():214 value is not provided with option",
                                  then: "invalid parameters for --trace-mode")
                    : OptionError("invalid parameters for --trace-mode")
            }
            c.traceMode = mode
        default:
            break
        }
        return nil
    }

    /// What DPDK makes of a mode: the value as a prefix pattern of "overwrite", then of
    /// "discard" (so "o", "over", "d" and even "*" are accepted).
    static func mode(_ value: String) -> rte_trace_mode? {
        if value.isEmpty { return nil }
        let pattern = value + "*"
        if fnmatch(pattern, "overwrite", 0) == 0 { return RTE_TRACE_MODE_OVERWRITE }
        if fnmatch(pattern, "discard", 0) == 0 { return RTE_TRACE_MODE_DISCARD }
        return nil
    }
}
