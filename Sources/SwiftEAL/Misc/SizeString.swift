import CSwiftEAL
import Glibc

/// rte_str_to_size (rte_common.h): a C integer (base 0, leading blanks allowed) with an
/// optional K/M/G suffix (either case, at most one space before it). 0 for a negative
/// number, an out-of-range one, or no number at all; the suffix product wraps as in C.
@c @implementation
public func rte_str_to_size(_ str: UnsafePointer<CChar>!) -> UInt64 {
    guard var p = str else { return 0 }
    while isspace(Int32(p.pointee)) != 0 { p += 1 }
    if p.pointee == CChar(UInt8(ascii: "-")) { return 0 }
    errno = 0
    var end: UnsafeMutablePointer<CChar>? = nil
    var size = UInt64(strtoull(p, &end, 0))
    guard errno == 0, var e = end else { return 0 }
    if e.pointee == CChar(UInt8(ascii: " ")) { e += 1 }
    switch UInt8(bitPattern: e.pointee) {
    case UInt8(ascii: "G"), UInt8(ascii: "g"): size = size &* (1 << 30)
    case UInt8(ascii: "M"), UInt8(ascii: "m"): size = size &* (1 << 20)
    case UInt8(ascii: "K"), UInt8(ascii: "k"): size = size &* (1 << 10)
    default: break
    }
    return size
}
