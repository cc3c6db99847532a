import CSwiftEAL
import Glibc

/// The EAL's own messages ("EAL: ..."), at DPDK's levels (RTE_LOG_ERR = 4 ...), through
/// the log machinery: type lib.eal's and the global level filter them, and they go to
/// the current log stream. The one entry point the other subsystems use.
func ealLog(_ level: UInt32, _ message: String) {
    ealLogEmit(type: 0, level: level, prefix: "EAL: ", message)
}

/// A message of any type with its prefix ("EAL: ", "MALLOC: "...); a newline is added
/// when missing.
func ealLogEmit(type: UInt32, level: UInt32, prefix: String, _ message: String) {
    guard LogRegistry.canLog(type, level) else { return }
    LogOutput.emit(type: type, level: level,
                   prefix + message + (message.hasSuffix("\n") ? "" : "\n"))
}
