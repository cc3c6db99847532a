import Glibc

// What every fuzz target shares: libFuzzer's driver behind the target's `@main`, a
// reader that turns the input bytes into choices, and the way a broken invariant
// ends the run (abort, so libFuzzer keeps the input as a crash).

public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: FuzzCallback) -> Int32

/// Runs libFuzzer with the process's arguments. SwiftPM renames an executable's
/// `main` (its tests may link it), so libFuzzer's own `main` never runs: the target's
/// `@main` calls this after its one-time setup.
public func runLibFuzzer(_ testOneInput: FuzzCallback) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// An invariant of the target: when it does not hold, say which and abort.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fuzzFail(message(), file: file, line: line) }
}

public func fuzzFail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fputs("FUZZ CHECK FAILED at \(file):\(line): \(message)\n", stderr)
    abort()
}

/// The input read front to back; past its end every read gives zeros, so any input
/// is a complete program for the target.
public struct FuzzInput {
    public let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var offset = 0

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    }

    public var isEmpty: Bool { offset >= bytes.count }
    public var remaining: Int { max(0, bytes.count - offset) }

    public mutating func u8() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }
    public mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    public mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }
    public mutating func bool() -> Bool { u8() & 1 != 0 }

    /// Up to `n` bytes (fewer at the end).
    public mutating func take(_ n: Int) -> [UInt8] {
        let k = min(max(0, n), remaining)
        defer { offset += k }
        return Array(bytes[offset..<offset + k])
    }

    /// Everything left.
    public mutating func rest() -> [UInt8] { take(remaining) }
}

/// How many file descriptors this process has open (/proc/self/fd, less the one
/// reading it): compared before and after an input to catch a leak.
public func openFileDescriptors() -> Int {
    guard let d = opendir("/proc/self/fd") else { return -1 }
    var n = 0
    while let e = readdir(d) {
        let first = withUnsafeBytes(of: e.pointee.d_name) { $0[0] }
        if first != UInt8(ascii: ".") { n += 1 }
    }
    closedir(d)
    return n - 1
}

/// A C string copy of `bytes` (cut at the first NUL), freed by the caller with free().
public func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
    let p = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
    bytes.withUnsafeBufferPointer { b in
        if let base = b.baseAddress { memcpy(p, base, b.count) }
    }
    p[bytes.count] = 0
    return p
}
