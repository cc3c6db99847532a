import CEALShared
import CSwiftEAL
import Glibc

/// rte_exit's body (the variadic entry is C): log why, release the EAL, exit.
// va_list cannot cross @c (or @_cdecl) as a type: on x86_64 it is passed as a pointer to
// its __va_list_tag, which is what these take (see CVaListPointer(_fromUnsafeMutablePointer:)).
@_cdecl("swifteal_vexit")
public func swifteal_vexit(_ exit_code: Int32, _ format: UnsafePointer<CChar>!, _ apTag: UnsafeMutableRawPointer) -> Never {
    let eal = UInt32(RTE_LOGTYPE_EAL), crit = UInt32(RTE_LOG_CRIT)
    if exit_code != 0 {
        LogOutput.emit(type: eal, level: crit, "EAL: Error - exiting with code: \(exit_code)\n  Cause: ")
    }
    if let format { _ = LogOutput.vlog(crit, eal, format, CVaListPointer(_fromUnsafeMutablePointer: apTag)) }
    if swifteal_eal_cleanup_if_present() != 0 && RteErrno.value != EALREADY && RteErrno.value != ENOSYS {
        LogOutput.emit(type: eal, level: crit, "EAL: EAL could not release all resources\n")
    }
    exit(exit_code)
}

/// __rte_panic's body: "PANIC in f():", the message, the stack, abort().
@_cdecl("swifteal_vpanic")
public func swifteal_vpanic(_ funcname: UnsafePointer<CChar>!, _ format: UnsafePointer<CChar>!, _ apTag: UnsafeMutableRawPointer) -> Never {
    let eal = UInt32(RTE_LOGTYPE_EAL), crit = UInt32(RTE_LOG_CRIT)
    let name = funcname.map { String(cString: $0) } ?? "(null)"
    LogOutput.emit(type: eal, level: crit, "PANIC in \(name)():\n")
    if let format { _ = LogOutput.vlog(crit, eal, format, CVaListPointer(_fromUnsafeMutablePointer: apTag)) }
    rte_dump_stack()
    abort()
}
