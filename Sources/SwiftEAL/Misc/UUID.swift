import CSwiftEAL
import Glibc

// rte_uuid.h: the 16 bytes are the UUID in its written order (big-endian fields), so
// comparing field by field is comparing the bytes in order.

@c @implementation
public func rte_uuid_is_null(_ uu: UnsafePointer<UInt8>!) -> Bool {
    guard let uu else { return true }
    for i in 0..<16 where uu[i] != 0 { return false }
    return true
}

/// <0, 0, >0 as a sorts before, equal to, after b (NULL sorts first).
@c @implementation
public func rte_uuid_compare(_ a: UnsafePointer<UInt8>!, _ b: UnsafePointer<UInt8>!) -> Int32 {
    switch (a, b) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case let (a?, b?):
        for i in 0..<10 where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return memcmp(a + 10, b + 10, 6)   // the node, as DPDK compares it
    }
}

/// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case) into uu; 0, or -1 leaving uu as is.
@c @implementation
public func rte_uuid_parse(_ input: UnsafePointer<CChar>!, _ uu: UnsafeMutablePointer<UInt8>!) -> Int32 {
    guard let input, let uu, strlen(input) == 36 else { return -1 }
    var bytes = [UInt8](repeating: 0, count: 16)
    var pos = 0
    for i in 0..<16 {
        if pos == 8 || pos == 13 || pos == 18 || pos == 23 {
            guard input[pos] == CChar(UInt8(ascii: "-")) else { return -1 }
            pos += 1
        }
        guard let hi = UUIDText.hexValue(input[pos]), let lo = UUIDText.hexValue(input[pos + 1]) else { return -1 }
        bytes[i] = hi << 4 | lo
        pos += 2
    }
    for i in 0..<16 { uu[i] = bytes[i] }
    return 0
}

/// The lowercase text, truncated like snprintf(out, len, ...).
@c @implementation
public func rte_uuid_unparse(_ uu: UnsafePointer<UInt8>!, _ out: UnsafeMutablePointer<CChar>!, _ len: Int) {
    guard let uu, let out, len > 0 else { return }
    var text = ""
    for i in 0..<16 {
        if i == 4 || i == 6 || i == 8 || i == 10 { text += "-" }
        Hexdump.appendHex(uu[i], to: &text, uppercase: false)
    }
    text.withCString { s in
        let n = min(len - 1, 36)
        memcpy(out, s, n)
        out[n] = 0
    }
}

enum UUIDText {
    static func hexValue(_ c: CChar) -> UInt8? {
        switch UInt8(bitPattern: c) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(bitPattern: c) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt8(bitPattern: c) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt8(bitPattern: c) - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
