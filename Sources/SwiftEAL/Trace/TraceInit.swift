import CEALShared
import CSwiftEAL
import Glibc

/// The tracer's part of rte_eal_init and rte_eal_cleanup.
extension Trace {
    /// DPDK's eal_trace_init: a failed registration or two points of one name fail
    /// init; otherwise the session's settings are fixed and the --trace expressions
    /// enable their points. Tracing stays off until a point is enabled.
    static func initEAL(_ config: InternalConfig) throws(Errno) {
        let failure: Int32 = state.withLock { s in
            if s.registerErrno != 0 { return s.registerErrno }
            var seen = Set<[UInt8]>()
            for p in s.points {
                let name = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p.name).assumingMemoryBound(to: UInt8.self),
                                                     count: strlen(p.name)))
                if !seen.insert(name).inserted {
                    traceErr("trace_entry_compare", 48, "found duplicate entry \(String(cString: p.name))")
                    return EEXIST
                }
            }
            s.uuid = makeUUID(s.points)
            let size = UInt32(truncatingIfNeeded: config.traceBufferSize)
            s.bufferLen = size == 0 ? 1024 * 1024 : size
            s.dir = config.traceDir
            s.sessionCreated = false
            // the session directory's name only (it also carries the time): a prefix's
            // invalid UTF-8 shows as U+FFFD there, the runtime files keep the bytes
            s.filePrefix = config.filePrefix.description
            if let mode = config.traceMode { s.mode = mode }
            let t0 = rte_get_tsc_cycles()
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let t1 = rte_get_tsc_cycles()
            s.epoch = (now.tv_sec, now.tv_nsec, t0 / 2 + t1 / 2)
            s.initialized = true
            return 0
        }
        if failure != 0 {
            traceErr("eal_trace_init", 84, "failed to initialize trace [\(String(cString: strerror(failure)))]")
            throw .EFAULT
        }
        for regex in config.traceRegexes where regexp(regex, enable: true) < 0 {
            traceErr("trace_args_apply", 173, "cannot enable trace for \(regex)")
        }
        setMode(state.withLock { $0.mode })
    }

    /// The EAL's cleanup (after every EAL thread has ended): saves the trace when init
    /// had succeeded, as DPDK does, then drops the buffers. Points are disabled first,
    /// so a thread that still holds a buffer records nothing more into freed memory;
    /// they stay registered for a later init.
    static func finish(save saving: Bool) {
        if saving { _ = save() }
        let handles = state.withLock { $0.points.map(\.handle) }
        for h in handles { _ = disable(h) }
        state.withLock { s in
            for b in s.buffers { free(b) }
            s.buffers = []
            s.initialized = false
            s.bufferLen = 0
            s.dir = nil
            s.sessionCreated = false
        }
        eal_tls_set_trace_mem(nil)
    }

    /// rte_trace_regexp's matching: a POSIX basic expression, as DPDK's.
    static func regexp(_ regex: String, enable on: Bool) -> Int32 {
        var re = regex_t()
        guard regcomp(&re, regex, 0) == 0 else { return -EINVAL }
        defer { regfree(&re) }
        return apply(enable: on) { regexec(&re, $0, 0, nil, 0) == 0 }
    }
}
