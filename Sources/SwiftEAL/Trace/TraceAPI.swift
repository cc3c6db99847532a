// The C API of rte_trace.h.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_trace_is_enabled() -> Bool {
    Trace.isEnabled
}

@c @implementation
public func rte_trace_mode_set(_ mode: rte_trace_mode) {
    Trace.setMode(mode)
}

@c @implementation
public func rte_trace_mode_get() -> rte_trace_mode {
    Trace.state.withLock { $0.mode }
}

/// NULL (which DPDK would pass to fnmatch) is -EINVAL.
@c @implementation
public func rte_trace_pattern(_ pattern: UnsafePointer<CChar>?, _ enable: Bool) -> Int32 {
    guard let pattern else { return -EINVAL }
    return Trace.apply(enable: enable) { fnmatch(pattern, $0, 0) == 0 }
}

@c @implementation
public func rte_trace_regexp(_ regex: UnsafePointer<CChar>?, _ enable: Bool) -> Int32 {
    guard let regex else { return -EINVAL }
    var re = regex_t()
    guard regcomp(&re, regex, 0) == 0 else { return -EINVAL }
    defer { regfree(&re) }
    return Trace.apply(enable: enable) { regexec(&re, $0, 0, nil, 0) == 0 }
}

@c @implementation
public func rte_trace_save() -> Int32 {
    Trace.save()
}

/// -EINVAL before rte_eal_init (no session yet); the metadata otherwise, tracing on
/// or off, as DPDK.
@c @implementation
public func rte_trace_metadata_dump(_ f: UnsafeMutablePointer<FILE>?) -> Int32 {
    guard let f else { return -EINVAL }
    guard let text = Trace.state.withLock({ $0.initialized ? Trace.metadata($0) : nil }) else { return -EINVAL }
    return fputs(text, f) < 0 ? -EIO : 0
}

@c @implementation
public func rte_trace_dump(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f else { return }
    let text = Trace.state.withLock { s -> String in
        var t = "\nGlobal info\n-----------\n"
        t += "status = \(Trace.isEnabled ? "enabled" : "disabled")\n"
        t += "mode = \(s.mode == RTE_TRACE_MODE_OVERWRITE ? "overwrite" : s.mode == RTE_TRACE_MODE_DISCARD ? "discard" : "unknown")\n"
        t += "dir = \(s.dir ?? "(null)")\n"
        t += "buffer len = \(s.bufferLen)\n"
        t += "number of trace points = \(s.points.count)\n"
        t += Trace.describeBuffers(s)
        t += "\nTrace point info\n----------------\n"
        for p in s.points {
            let h = atomicLoad(p.handle)
            t += "\tid \(Trace.id(h)), \(String(cString: p.name)), size is \(h & Trace.sizeMask), "
            t += "\(h & Trace.enableBit != 0 ? "enabled" : "disabled")\n"
        }
        return t
    }
    fputs(text, f)
}
