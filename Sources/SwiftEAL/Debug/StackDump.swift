import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_dump_stack() {
    StackDump.log()
}

/// The calling thread's backtrace, innermost frame first, straight to stderr (like
/// DPDK 22.11.11: not through the log stream, whatever its level), in DPDK's format:
/// "N: object (symbol+0xoff) [address]", or "(base+0xoff)" when the address has no
/// symbol.
enum StackDump {
    static let maxFrames = 256

    /// Inlined so that frame 0 is rte_dump_stack itself, as in DPDK's dumps.
    @inline(__always)
    static func log() {
        let frames = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: maxFrames)
        defer { frames.deallocate() }
        let n = Int(backtrace(frames, Int32(maxFrames)))
        fflush(eal_stderr())
        for i in 0..<n {
            var text = line(i, frames[i])
            text.withUTF8 { b in _ = write(STDERR_FILENO, b.baseAddress, b.count) }
        }
    }

    /// printf's "%#lx": "0x1f", but "0" for zero.
    static func altHex(_ v: UInt) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    static func line(_ index: Int, _ address: UnsafeMutableRawPointer?) -> String {
        let addr = UInt(bitPattern: address)
        let hexAddr = String(addr, radix: 16)
        var info = Dl_info()
        guard dladdr(address, &info) != 0, let file = info.dli_fname else {
            return "\(index): ?? [\(hexAddr)]\n"
        }
        let object = String(cString: file)
        if let sym = info.dli_sname, let start = info.dli_saddr {
            let off = addr &- UInt(bitPattern: start)
            return "\(index): \(object) (\(String(cString: sym))+\(altHex(off))) [\(hexAddr)]\n"
        }
        let base = UInt(bitPattern: info.dli_fbase)
        return "\(index): \(object) (\(String(base, radix: 16))+\(altHex(addr &- base))) [\(hexAddr)]\n"
    }
}
