import Glibc

/// A C string kept as its bytes. Option values that name files (`--file-prefix`,
/// `--huge-dir`, paths built from them) or are compared byte for byte (`--log-level`
/// patterns, the program name) stay in this form from argv to the system call:
/// `String(cString:)` would turn every invalid UTF-8 sequence into U+FFFD, so
/// `p\xff` and `p\xfe` would name the same runtime directory.
struct ByteString: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The bytes, without the terminating NUL (and never containing one).
    private(set) var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes.firstIndex(of: 0).map { Array(bytes[..<$0]) } ?? bytes
    }

    init<S: Sequence>(bytes: S) where S.Element == UInt8 { self.init(Array(bytes)) }

    init(cString: UnsafePointer<CChar>) {
        bytes = Array(UnsafeRawBufferPointer(start: cString, count: strlen(cString)))
    }

    /// A Swift string's UTF-8 bytes (lossless: a Swift string is always valid UTF-8).
    init(_ string: String) { bytes = Array(string.utf8) }
    init(stringLiteral value: String) { self.init(value) }

    var isEmpty: Bool { bytes.isEmpty }
    var count: Int { bytes.count }

    func contains(_ byte: UInt8) -> Bool { bytes.contains(byte) }

    /// For messages only: invalid UTF-8 is shown as U+FFFD.
    var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes as a NUL-terminated C string for the duration of `body`.
    func withCString<R, E: Error>(_ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        var z = bytes
        z.append(0)
        return try z.withUnsafeBufferPointer { (p) throws(E) -> R in
            try p.withMemoryRebound(to: CChar.self) { (c) throws(E) -> R in try body(c.baseAddress!) }
        }
    }

    /// A malloc'ed NUL-terminated copy (the caller frees it); nil when out of memory.
    func strdup() -> UnsafeMutablePointer<CChar>? {
        withCString { Glibc.strdup($0) }
    }

    /// The last non-empty '/'-separated part ("a/b/" gives "b"); the whole when none.
    var lastComponent: ByteString {
        guard let last = bytes.split(separator: UInt8(ascii: "/")).last else { return self }
        return ByteString(bytes: last)
    }

    static func + (a: ByteString, b: ByteString) -> ByteString { ByteString(a.bytes + b.bytes) }
    static func + (a: ByteString, b: String) -> ByteString { ByteString(a.bytes + Array(b.utf8)) }
}
