import CSwiftEAL
import Glibc

// rte_hexdump.h: debugging dumps, byte-for-byte DPDK 22.11's format.

@c @implementation
public func rte_hexdump(_ f: UnsafeMutablePointer<FILE>!, _ title: UnsafePointer<CChar>!,
                        _ buf: UnsafeRawPointer!, _ len: UInt32) {
    guard let f else { return }
    let heading = title.map { String(cString: $0) } ?? "  Dump data"
    fputs("\(heading) at [\(Hexdump.pointerText(buf))], len=\(len)\n", f)
    if let buf {
        let bytes = buf.assumingMemoryBound(to: UInt8.self)
        var offset = 0
        while offset < Int(len) {
            fputs(Hexdump.line(bytes + offset, count: min(16, Int(len) - offset), offset: offset), f)
            offset += 16
        }
    }
    fflush(f)
}

@c @implementation
public func rte_memdump(_ f: UnsafeMutablePointer<FILE>!, _ title: UnsafePointer<CChar>!,
                        _ buf: UnsafeRawPointer!, _ len: UInt32) {
    guard let f else { return }
    var text = title.map { String(cString: $0) + ": " } ?? ""
    if let buf {
        let bytes = buf.assumingMemoryBound(to: UInt8.self)
        text.reserveCapacity(text.utf8.count + Int(len) * 3 + 1)
        for i in 0..<Int(len) {
            if i > 0 { text += ":" }
            Hexdump.appendHex(bytes[i], to: &text, uppercase: false)
        }
    }
    text += "\n"
    fputs(text, f)
    fflush(f)
}

enum Hexdump {
    /// printf's "%p": "0x..." or "(nil)".
    static func pointerText(_ p: UnsafeRawPointer?) -> String {
        guard let p else { return "(nil)" }
        return "0x" + String(UInt(bitPattern: p), radix: 16)
    }

    static func appendHex(_ byte: UInt8, to s: inout String, uppercase: Bool) {
        let digits: StaticString = uppercase ? "0123456789ABCDEF" : "0123456789abcdef"
        let d = digits.utf8Start
        s.unicodeScalars.append(Unicode.Scalar(d[Int(byte >> 4)]))
        s.unicodeScalars.append(Unicode.Scalar(d[Int(byte & 0xf)]))
    }

    /// "OOOOOOOO: XX XX ... | text" for up to 16 bytes; absent bytes padded.
    static func line(_ bytes: UnsafePointer<UInt8>, count: Int, offset: Int) -> String {
        var s = String(UInt32(truncatingIfNeeded: offset), radix: 16, uppercase: true)
        s = String(repeating: "0", count: max(0, 8 - s.utf8.count)) + s + ":"
        for i in 0..<16 {
            if i < count {
                s += " "
                appendHex(bytes[i], to: &s, uppercase: true)
            } else {
                s += "   "
            }
        }
        s += " | "
        for i in 0..<count {
            let c = bytes[i]
            s.unicodeScalars.append(Unicode.Scalar(c >= 0x20 && c <= 0x7e ? c : UInt8(ascii: ".")))
        }
        return s + "\n"
    }
}
