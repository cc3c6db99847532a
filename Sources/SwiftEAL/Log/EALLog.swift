import CSwiftEAL
import Glibc

/// The EAL's own messages ("EAL: ..."), at DPDK's levels (RTE_LOG_ERR = 4 ...).
/// Log/ owns the real routing (streams, levels, types); this is the one entry point
/// the other subsystems use.
func ealLog(_ level: UInt32, _ message: String) {
    ealLogEmit(type: 0, level: level, prefix: "EAL: ", message)
}

func ealLogEmit(type: UInt32, level: UInt32, prefix: String, _ message: String) {
    let line = prefix + message + (message.hasSuffix("\n") ? "" : "\n")
    if level <= 5 { fputs(line, stderr) }
}
