import CEALShared
import CSwiftEAL
import Glibc

/// rte_strerror: DPDK's own codes, libc's text for the rest. Libc's known messages are
/// static strings; anything formatted goes into a per-thread buffer, so concurrent
/// callers never see each other's text.
@c @implementation
public func rte_strerror(_ errnum: Int32) -> UnsafePointer<CChar>! {
    let buf = eal_strerror_buffer()!
    let size = Int(EAL_STRERROR_BUFSZ)
    switch errnum {
    case Int32(E_RTE_SECONDARY):
        return ErrorText.secondary
    case Int32(E_RTE_NO_CONFIG):
        return ErrorText.noConfig
    case Int32(RTE_MAX_ERRNO)...:
        ErrorText.unknown(errnum, into: buf, size: size)
        return UnsafePointer(buf)
    default:
        // GNU strerror_r: a static message, or `buf` filled with "Unknown error N".
        return UnsafePointer(strerror_r(errnum, buf, size))
    }
}

enum ErrorText {
    static var secondary: UnsafePointer<CChar> { cString("Invalid call in secondary process") }
    static var noConfig: UnsafePointer<CChar> { cString("Missing rte_config structure") }

    /// A literal's bytes live for the whole process: safe to hand to C.
    private static func cString(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    static func unknown(_ errnum: Int32, into buf: UnsafeMutablePointer<CChar>, size: Int) {
        let text = "Unknown error \(errnum)"
        _ = text.withCString { strncpy(buf, $0, size - 1) }
        buf[size - 1] = 0
    }
}
