import CEALShared
import CSwiftEAL
import Glibc

// struct rte_mp_msg: the checks DPDK makes before sending one, and Swift accessors
// for the subsystems that talk over rte_mp (see MultiProcess.swift).

extension Errno {
    static let E2BIG = Errno(Glibc.E2BIG)
    static let ECONNREFUSED = Errno(Glibc.ECONNREFUSED)
}

enum MPLimits {
    static let nameLength = Int(RTE_MP_MAX_NAME_LEN)
    static let paramLength = Int(RTE_MP_MAX_PARAM_LEN)
    static let fdCount = Int(RTE_MP_MAX_FD_NUM)
}

/// DPDK's answers for an action name: NULL or empty is EINVAL, one that fills the
/// whole RTE_MP_MAX_NAME_LEN (no room for its NUL) is E2BIG.
func mpValidateName(_ name: UnsafePointer<CChar>?) throws(Errno) {
    guard let name else {
        ealLog(4, "Action name cannot be NULL")
        throw .EINVAL
    }
    let n = strnlen(name, MPLimits.nameLength)
    if n == 0 {
        ealLog(4, "Length of action name is zero")
        throw .EINVAL
    }
    if n == MPLimits.nameLength {
        ealLog(8, "Action name is too long")
        throw .E2BIG
    }
}

/// The checks of every send (DPDK's order: NULL, name, negative counts, then counts
/// over their limits).
func mpValidateMessage(_ msg: UnsafePointer<rte_mp_msg>?) throws(Errno) {
    guard let msg else {
        ealLog(4, "Msg cannot be NULL")
        throw .EINVAL
    }
    // The name as it is: one filling all 64 bytes (no NUL) is too long.
    var name = msg.pointee.name
    try withUnsafeBytes(of: &name) { (raw) throws(Errno) in
        let p = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
        if strnlen(p, MPLimits.nameLength) == MPLimits.nameLength {
            ealLog(8, "Action name is too long")
            throw .E2BIG
        }
        try mpValidateName(p)
    }
    if msg.pointee.len_param < 0 {
        ealLog(4, "Message data length is negative")
        throw .EINVAL
    }
    if msg.pointee.num_fds < 0 {
        ealLog(4, "Number of fd's is negative")
        throw .EINVAL
    }
    if msg.pointee.len_param > Int32(MPLimits.paramLength) {
        ealLog(4, "Message data is too long")
        throw .E2BIG
    }
    if msg.pointee.num_fds > Int32(MPLimits.fdCount) {
        ealLog(4, "Cannot send more than \(MPLimits.fdCount) FDs")
        throw .E2BIG
    }
}

extension rte_mp_msg {
    /// A message named `name` carrying `param` and `fds` (the fds are not duplicated:
    /// they must stay open until the send returns). Throws DPDK's errors for a name
    /// or payload over the limits.
    init(name: String, param: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
         fds: [Int32] = []) throws(Errno) {
        self.init()
        let bytes = Array(name.utf8)
        if bytes.isEmpty || bytes.contains(0) { throw .EINVAL }
        if bytes.count >= MPLimits.nameLength { throw .E2BIG }
        if param.count > MPLimits.paramLength || fds.count > MPLimits.fdCount { throw .E2BIG }
        withUnsafeMutableBytes(of: &self.name) { $0.copyBytes(from: bytes) }
        if param.count > 0 { withUnsafeMutableBytes(of: &self.param) { $0.copyMemory(from: param) } }
        len_param = Int32(param.count)
        withUnsafeMutableBytes(of: &self.fds) { raw in
            for (i, fd) in fds.enumerated() { raw.storeBytes(of: fd, toByteOffset: i * 4, as: Int32.self) }
        }
        num_fds = Int32(fds.count)
    }

    /// A message whose parameter is the bytes of `payload` (a C-layout struct).
    init<T: BitwiseCopyable>(name: String, payload: T, fds: [Int32] = []) throws(Errno) {
        var value = payload
        let copy = try withUnsafeBytes(of: &value) { (raw) throws(Errno) in
            try rte_mp_msg(name: name, param: raw, fds: fds)
        }
        self = copy
    }

    /// The name as a C string for the duration of `body` (always NUL-terminated: a
    /// name filling all 64 bytes is cut at 63, which only a bad sender produces).
    func withName<R, E: Error>(_ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        var copy = name
        return try withUnsafeMutableBytes(of: &copy) { (raw) throws(E) -> R in
            let p = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            p[MPLimits.nameLength - 1] = 0
            return try body(p)
        }
    }

    /// The name (for messages and comparisons in Swift).
    var nameString: String { withName { String(cString: $0) } }

    /// Whether this message is named `other` (byte comparison of the C names).
    func hasName(_ other: UnsafePointer<CChar>) -> Bool {
        withName { strncmp($0, other, MPLimits.nameLength) == 0 }
    }

    func hasSameName(as other: rte_mp_msg) -> Bool {
        other.withName { hasName($0) }
    }

    /// The parameter bytes (len_param of them, clamped to the buffer).
    var paramBytes: [UInt8] {
        let n = max(0, min(Int(len_param), MPLimits.paramLength))
        return withUnsafeBytes(of: param) { Array($0.prefix(n)) }
    }

    /// The parameter read back as a `T`, or nil when its length is not T's size.
    func payload<T: BitwiseCopyable>(as type: T.Type) -> T? {
        guard Int(len_param) == MemoryLayout<T>.size, MemoryLayout<T>.size <= MPLimits.paramLength else { return nil }
        return withUnsafeBytes(of: param) { $0.loadUnaligned(as: T.self) }
    }

    /// The first num_fds descriptors (clamped to RTE_MP_MAX_FD_NUM).
    var fileDescriptors: [Int32] {
        let n = max(0, min(Int(num_fds), MPLimits.fdCount))
        return withUnsafeBytes(of: fds) { raw in (0..<n).map { raw.load(fromByteOffset: $0 * 4, as: Int32.self) } }
    }

    /// Closes the descriptors a received message carried (nobody else will own them).
    func closeFileDescriptors() {
        for fd in fileDescriptors where fd >= 0 { close(fd) }
    }
}
