import Glibc
import Synchronization

/// The kinds of system call a fault plan can fail (each routed through `Sys`).
enum SyscallKind: Int, CaseIterable, Sendable {
    case mmap, ftruncate, fallocate, open, flock, epoll, memfd

    var name: String {
        switch self {
        case .mmap: "mmap"
        case .ftruncate: "ftruncate"
        case .fallocate: "fallocate"
        case .open: "open"
        case .flock: "flock"
        case .epoll: "epoll"
        case .memfd: "memfd"
        }
    }

    /// What the call fails with unless the plan names an errno: the failure each kind
    /// meets on a loaded machine (out of memory, space, descriptors or locks).
    var defaultErrno: Int32 {
        switch self {
        case .mmap, .epoll: ENOMEM
        case .ftruncate, .fallocate: ENOSPC
        case .open, .memfd: EMFILE
        case .flock: ENOLCK
        }
    }
}

/// Test hook (Tests/c/test_faults.c): fault injection through the syscall layer.
/// `SWIFTEAL_FAULT`, read once at the first routed call, holds one of
///   `<kind>:<n>[:<errno>]`  the n-th call (from 1, counted from process start) of
///                           that kind fails with errno (a number or a name such as
///                           EACCES; the kind's default without one), and only it;
///   `trace`                 every routed call is reported with its number and site.
/// Each injected failure is reported on stderr as
/// `SWIFTEAL_FAULT: <kind> call <n> at <file>:<line> fails: <strerror>`.
/// Unset (always, outside tests), a routed call costs one predictable branch on a `let`.
struct FaultPlan: Sendable {
    var kind: SyscallKind?
    var nth = 0
    var errno: Int32 = 0
    var trace = false

    /// nil when the variable is unset or empty; a plan that does not parse is reported
    /// and ignored (a test that meant to inject must see that it did not).
    static func fromEnvironment() -> FaultPlan? {
        guard let raw = getenv("SWIFTEAL_FAULT"), raw.pointee != 0 else { return nil }
        let text = String(cString: raw)
        if let plan = parse(text) { return plan }
        faultReport("cannot parse '\(text)' (want <kind>:<n>[:<errno>] or trace): ignored")
        return nil
    }

    static func parse(_ text: String) -> FaultPlan? {
        if text == "trace" { return FaultPlan(trace: true) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3,
              let kind = SyscallKind.allCases.first(where: { $0.name == parts[0] }),
              let n = Int(parts[1]), n > 0 else { return nil }
        var e = kind.defaultErrno
        if parts.count == 3 {
            guard let named = Int32(parts[2]) ?? errnoNames[parts[2]], named > 0 else { return nil }
            e = named
        }
        return FaultPlan(kind: kind, nth: n, errno: e)
    }

    private static let errnoNames: [String: Int32] = [
        "EPERM": EPERM, "ENOENT": ENOENT, "EINTR": EINTR, "EIO": EIO, "EAGAIN": EAGAIN, "ENOMEM": ENOMEM,
        "EACCES": EACCES, "EBUSY": EBUSY, "EEXIST": EEXIST, "EINVAL": EINVAL, "ENFILE": ENFILE,
        "EMFILE": EMFILE, "ENOSPC": ENOSPC, "EROFS": EROFS, "ENOLCK": ENOLCK, "EDQUOT": EDQUOT,
    ]
}

/// The plan of this process (nil: fault injection off).
let faultPlan: FaultPlan? = FaultPlan.fromEnvironment()

/// Calls of each kind so far (counted only while a plan is set).
private let faultCalls = Mutex([Int](repeating: 0, count: SyscallKind.allCases.count))

/// Whether this call (of `kind`, made at `file`:`line`) is to fail; when it is, errno is
/// set to the plan's. The only cost without a plan is the branch.
@inline(__always)
func faultInjected(_ kind: SyscallKind, _ file: StaticString, _ line: UInt) -> Bool {
    if _fastPath(faultPlan == nil) { return false }
    return faultCall(kind, file, line)
}

@inline(never)
private func faultCall(_ kind: SyscallKind, _ file: StaticString, _ line: UInt) -> Bool {
    guard let plan = faultPlan else { return false }
    let n = faultCalls.withLock { c in
        c[kind.rawValue] += 1
        return c[kind.rawValue]
    }
    let site = "\(file):\(line)"
    if plan.trace { faultReport("\(kind.name) call \(n) at \(site)") }
    guard plan.kind == kind, plan.nth == n else { return false }
    faultReport("\(kind.name) call \(n) at \(site) fails: \(String(cString: strerror(plan.errno)))")
    Glibc.errno = plan.errno
    return true
}

/// One line on stderr, written at once (no stdio buffer: it stays in order with what
/// the test program prints, and a crash right after cannot lose it).
private func faultReport(_ line: String) {
    var text = "SWIFTEAL_FAULT: " + line + "\n"
    text.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
}
