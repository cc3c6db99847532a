import CEALShared
import CSwiftEAL
import Glibc

// The C API of rte_log.h (rte_log itself is C, CSwiftEAL/log_shim.c, over rte_vlog).

@c @implementation
public func rte_openlog_stream(_ f: UnsafeMutablePointer<FILE>!) -> Int32 {
    eal_log_set_user_stream(f)
    return 0
}

@c @implementation
public func rte_log_get_stream() -> UnsafeMutablePointer<FILE>! {
    LogOutput.stream
}

@c @implementation
public func rte_log_set_global_level(_ level: UInt32) {
    LogRegistry.globalLevel = level
}

@c @implementation
public func rte_log_get_global_level() -> UInt32 {
    LogRegistry.globalLevel
}

@c @implementation
public func rte_log_get_level(_ logtype: UInt32) -> Int32 {
    guard let l = LogRegistry.level(of: logtype) else { return -1 }
    return Int32(bitPattern: l)
}

@c @implementation
public func rte_log_can_log(_ logtype: UInt32, _ loglevel: UInt32) -> Bool {
    LogRegistry.canLog(logtype, loglevel)
}

@c @implementation
public func rte_log_set_level_pattern(_ pattern: UnsafePointer<CChar>!, _ level: UInt32) -> Int32 {
    guard let pattern else { return -1 }
    return LogRegistry.setLevel(glob: pattern, level) ? 0 : -1
}

@c @implementation
public func rte_log_set_level_regexp(_ regex: UnsafePointer<CChar>!, _ level: UInt32) -> Int32 {
    guard let regex else { return -1 }
    return LogRegistry.setLevel(regex: regex, level) ? 0 : -1
}

@c @implementation
public func rte_log_set_level(_ logtype: UInt32, _ level: UInt32) -> Int32 {
    LogRegistry.setLevel(logtype, level) ? 0 : -1
}

@c @implementation
public func rte_log_cur_msg_loglevel() -> Int32 {
    eal_log_get_cur_level()
}

@c @implementation
public func rte_log_cur_msg_logtype() -> Int32 {
    eal_log_get_cur_type()
}

@c @implementation
public func rte_log_register(_ name: UnsafePointer<CChar>!) -> Int32 {
    guard let name else { return -EINVAL }
    return withNegativeErrno { () throws(Errno) -> Int32 in
        Int32(try LogRegistry.register(name, level: UInt32(RTE_LOG_INFO), pick: false))
    }
}

@c @implementation
public func rte_log_register_type_and_pick_level(_ name: UnsafePointer<CChar>!, _ level_def: UInt32) -> Int32 {
    guard let name else { return -EINVAL }
    return withNegativeErrno { () throws(Errno) -> Int32 in
        Int32(try LogRegistry.register(name, level: level_def, pick: true))
    }
}

@c @implementation
public func rte_log_list_types(_ out: UnsafeMutablePointer<FILE>!, _ prefix: UnsafePointer<CChar>!) {
    guard let out else { return }
    var names: [UnsafePointer<CChar>] = []
    LogRegistry.forEachNamed { _, name, _ in names.append(name) }
    names.sort { strcmp($0, $1) < 0 }
    let lead = prefix.map { String(cString: $0) } ?? "(null)"
    for name in names { fputs(lead + String(cString: name) + "\n", out) }
}

@c @implementation
public func rte_log_dump(_ f: UnsafeMutablePointer<FILE>!) {
    guard let f else { return }
    fputs("global log level is \(LogRegistry.levelName(LogRegistry.globalLevel))\n", f)
    LogRegistry.forEachNamed { id, name, e in
        fputs("id \(id): \(String(cString: name)), level is \(LogRegistry.levelName(eal_log_type_level(e)))\n", f)
    }
}

// va_list cannot cross @c (or @_cdecl) as a type: on x86_64 it is passed as a pointer to
// its __va_list_tag, which is what this takes; the C signature is the header's.
@_cdecl("rte_vlog")
public func rte_vlog(_ level: UInt32, _ logtype: UInt32, _ format: UnsafePointer<CChar>!,
                     _ apTag: UnsafeMutableRawPointer) -> Int32 {
    guard let format else { return -1 }
    return LogOutput.vlog(level, logtype, format, CVaListPointer(_fromUnsafeMutablePointer: apTag))
}
