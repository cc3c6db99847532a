import CSwiftEAL
import Glibc
import CEALShared

/// A POSIX or DPDK error number; internals throw it and the C-API layer turns it
/// into `rte_errno` plus the documented return value.
struct Errno: Error, Equatable, CustomStringConvertible {
    var rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`, read before anything else can change it.
    static var current: Errno { Errno(Glibc.errno) }

    static let EPERM = Errno(Glibc.EPERM)
    static let ENOENT = Errno(Glibc.ENOENT)
    static let EINTR = Errno(Glibc.EINTR)
    static let EIO = Errno(Glibc.EIO)
    static let EBADF = Errno(Glibc.EBADF)
    static let EAGAIN = Errno(Glibc.EAGAIN)
    static let ENOMEM = Errno(Glibc.ENOMEM)
    static let EACCES = Errno(Glibc.EACCES)
    static let EFAULT = Errno(Glibc.EFAULT)
    static let EBUSY = Errno(Glibc.EBUSY)
    static let EEXIST = Errno(Glibc.EEXIST)
    static let ENODEV = Errno(Glibc.ENODEV)
    static let EINVAL = Errno(Glibc.EINVAL)
    static let ENOSPC = Errno(Glibc.ENOSPC)
    static let ERANGE = Errno(Glibc.ERANGE)
    static let ENAMETOOLONG = Errno(Glibc.ENAMETOOLONG)
    static let ENOSYS = Errno(Glibc.ENOSYS)
    static let ENOTSUP = Errno(Glibc.ENOTSUP)
    static let EALREADY = Errno(Glibc.EALREADY)
    static let EPROTO = Errno(Glibc.EPROTO)
    static let ENOEXEC = Errno(Glibc.ENOEXEC)
    static let ESRCH = Errno(Glibc.ESRCH)
    static let ETIMEDOUT = Errno(Glibc.ETIMEDOUT)
    static let EDEADLK = Errno(Glibc.EDEADLK)
    static let ENOTDIR = Errno(Glibc.ENOTDIR)
    static let EPIPE = Errno(Glibc.EPIPE)
    static let secondary = Errno(Int32(E_RTE_SECONDARY))
    static let noConfig = Errno(Int32(E_RTE_NO_CONFIG))

    var description: String { String(cString: strerror(rawValue)) }
}

/// The calling thread's `rte_errno` (the exported TLS `per_lcore__rte_errno`).
enum RteErrno {
    @inline(__always) static func set(_ e: Errno) { eal_tls_set_errno(e.rawValue) }
    @inline(__always) static func set(_ raw: Int32) { eal_tls_set_errno(raw) }
    @inline(__always) static var value: Int32 { eal_tls_errno() }
}

extension Result where Failure == Errno {
    /// For C-API returns: the value, or `rte_errno` set and `failed` returned.
    @inline(__always)
    func rteValue(or failed: Success) -> Success {
        switch self {
        case .success(let v): return v
        case .failure(let e): RteErrno.set(e); return failed
        }
    }
}

/// Runs `body`; on a thrown `Errno` sets `rte_errno` and returns `failed`.
@inline(__always)
func withRteErrno<T>(_ failed: T, _ body: () throws(Errno) -> T) -> T {
    do { return try body() } catch { RteErrno.set(error); return failed }
}

/// Runs `body`; on a thrown `Errno` sets `rte_errno` and returns its negative value
/// (DPDK's `-errno` convention for int-returning calls).
@inline(__always)
func withNegativeErrno(_ body: () throws(Errno) -> Int32) -> Int32 {
    do { return try body() } catch { RteErrno.set(error); return -error.rawValue }
}
