import CEALShared
import CSwiftEAL
import Glibc

// The rte_mp transport: Unix datagram sockets in the runtime directory, named as
// DPDK names them. The primary binds `mp_socket`, each secondary
// `mp_socket_<pid>_<tsc in hex>`; a datagram's sender address is the peer that
// replies go to. A message's fds travel as SCM_RIGHTS.

enum MPPaths {
    static let primaryName = "mp_socket"
    /// The secondaries' sockets, as the primary finds them to broadcast.
    static let secondaryPattern = "mp_socket_*"

    static func secondaryName() -> String {
        "mp_socket_\(getpid())_\(String(rte_rdtsc(), radix: 16))"
    }
}

/// A socket address: a path in `sun_path`, NUL-terminated.
struct MPAddress {
    var raw = sockaddr_un()
    var length: socklen_t = 0

    init() {}

    static let pathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    init(path: UnsafePointer<CChar>) throws(Errno) {
        let n = strlen(path)
        guard n < MPAddress.pathCapacity else { throw .ENAMETOOLONG }
        raw.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &raw.sun_path) { $0.copyMemory(from: UnsafeRawBufferPointer(start: path, count: n)) }
        length = socklen_t(MemoryLayout<sa_family_t>.size + n + 1)
    }

    /// `<directory>/<name>`, the name kept as bytes (a file name need not be UTF-8).
    init(directory: ByteString, name: UnsafePointer<CChar>) throws(Errno) {
        var bytes = directory.bytes
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: name, count: strlen(name)))
        bytes.append(0)
        self = try bytes.withUnsafeBufferPointer { (b) throws(Errno) in
            try b.withMemoryRebound(to: CChar.self) { (c) throws(Errno) in try MPAddress(path: c.baseAddress!) }
        }
    }

    init(path: ByteString) throws(Errno) {
        self = try path.withCString { (p) throws(Errno) in try MPAddress(path: p) }
    }

    init(path: String) throws(Errno) {
        try self.init(path: ByteString(path))
    }

    /// The path as a C string for the duration of `body`.
    func withPath<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        var copy = raw.sun_path
        return withUnsafeBytes(of: &copy) { body($0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
    }

    var path: String { withPath { String(cString: $0) } }

    /// Byte comparison with another address's path.
    func samePath(as other: MPAddress) -> Bool {
        withPath { a in other.withPath { b in strncmp(a, b, MPAddress.pathCapacity) == 0 } }
    }
}

/// When a peer that is not there is no error (DPDK's rules): a secondary's socket
/// whose process died refuses the connection, one that exited is gone from the
/// directory.
enum MPGonePolicy {
    /// Every failure is an error (a secondary sending to its primary).
    case none
    /// The primary sending to one secondary: a dead one's socket is removed, the
    /// send counts as done (as DPDK's).
    case refused
    /// The primary's broadcast: dead or vanished secondaries are skipped.
    case refusedOrMissing

    /// For a send to `target` (nil: the default destinations) by this process.
    static func forTarget(_ target: MPAddress?, primary: Bool) -> MPGonePolicy {
        guard primary else { return .none }
        return target == nil ? .refusedOrMissing : .refused
    }
}

/// What a send came to.
enum MPSendResult {
    case sent
    /// The secondary behind this socket is dead (ECONNREFUSED) or its socket is
    /// gone: the primary drops it from its peers, as DPDK does.
    case gone
}

enum MPSocket {
    /// A datagram socket bound at `address`, mode 0600 (the runtime directory's
    /// files are the owner's only). A file left there by a dead process of the same
    /// name is replaced, as DPDK does.
    static func bind(_ address: MPAddress) throws(Errno) -> Int32 {
        let fd = try syscall { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        var a = address
        _ = a.withPath { unlink($0) }
        let r = eal_mp_bind(fd, &a.raw, a.length)
        if r != 0 {
            let e = Errno.current
            close(fd)
            throw e
        }
        _ = a.withPath { chmod($0, 0o600) }
        return fd
    }

    /// Sends one datagram. Errors are DPDK's: the errno of sendmsg (EBADF for a bad
    /// fd in the message, ENOENT for a peer path that is not there...), except that
    /// `gone` tells when a dead or vanished secondary is `.gone` instead (its
    /// socket file removed when it refused the connection).
    static func send(fd: Int32, type: Int32, seq: UInt32, _ msg: UnsafePointer<rte_mp_msg>,
                     to address: MPAddress, gone: MPGonePolicy) throws(Errno) -> MPSendResult {
        var wire = eal_mp_wire()
        wire.type = type
        wire.seq = seq
        wire.msg = msg.pointee
        var dest = address
        let nfds = max(0, min(Int(msg.pointee.num_fds), MPLimits.fdCount))
        let r: Int = withUnsafeMutablePointer(to: &wire) { w in
            withUnsafeMutablePointer(to: &dest.raw) { d in
                var iov = iovec(iov_base: UnsafeMutableRawPointer(w), iov_len: eal_mp_wire_len())
                return withUnsafeMutablePointer(to: &iov) { iovp in
                    var mh = msghdr()
                    mh.msg_name = UnsafeMutableRawPointer(d)
                    mh.msg_namelen = dest.length
                    mh.msg_iov = iovp
                    mh.msg_iovlen = 1
                    return withUnsafeTemporaryAllocation(byteCount: eal_mp_control_len(), alignment: 8) { control in
                        if nfds > 0 {
                            withUnsafeBytes(of: &w.pointee.msg.fds) { fds in
                                eal_mp_put_fds(&mh, control.baseAddress!, fds.baseAddress!.assumingMemoryBound(to: Int32.self), Int32(nfds))
                            }
                        }
                        while true {
                            let n = sendmsg(fd, &mh, 0)
                            if n < 0 && errno == EINTR { continue }
                            return n < 0 ? -Int(errno) : n
                        }
                    }
                }
            }
        }
        if r >= 0 { return .sent }
        let e = Errno(Int32(-r))
        // a dead peer: ECONNREFUSED, or EPIPE when it was closing its socket as we sent
        let dead = e == .ECONNREFUSED || e == .EPIPE
        if (dead && gone != .none) || (e == .ENOENT && gone == .refusedOrMissing) {
            if dead { _ = address.withPath { unlink($0) } }
            return .gone
        }
        ealLog(4, "failed to send to (\(address.path)) due to \(e)")
        throw e
    }

    /// The secondaries' socket paths in `dir`, with the directory flock'd shared while
    /// `body` runs (a secondary binds under the exclusive lock, so none appears
    /// half-way through a broadcast).
    static func withSecondaries<R>(in dir: ByteString, _ body: ([MPAddress]) throws(Errno) -> R) throws(Errno) -> R {
        let dfd = dir.withCString { Sys.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if dfd < 0 {
            let e = Errno.current
            ealLog(4, "Unable to open directory \(dir)")
            throw e
        }
        defer { close(dfd) }   // also drops the flock
        if Sys.flock(dfd, LOCK_SH) != 0 {
            let e = Errno.current
            ealLog(4, "Unable to lock directory \(dir)")
            throw e
        }
        return try body(try MPPeerCache.secondaries(in: dir))
    }

    /// Removes the sockets of secondaries that died without cleaning up (nobody is
    /// bound there any more: a connect is refused), as a broadcast would drop them.
    /// The primary does it when it starts and when it ends, so a runtime directory
    /// holds no dead sockets for long.
    static func removeDeadSecondaries(in dir: ByteString) {
        _ = try? withSecondaries(in: dir) { (peers) throws(Errno) in
            for p in peers {
                let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                guard fd >= 0 else { return }
                var a = p
                if eal_mp_connect(fd, &a.raw, a.length) != 0 && errno == ECONNREFUSED {
                    _ = p.withPath { unlink($0) }
                }
                close(fd)
            }
        }
    }

    /// Runs `body` with `dir` flock'd exclusively (binding a secondary's socket).
    static func withDirectoryLocked<R>(_ dir: ByteString, _ body: () throws(Errno) -> R) throws(Errno) -> R {
        let dfd = try dir.withCString { (p) throws(Errno) in try syscall { Sys.open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } }
        defer { close(dfd) }
        if Sys.flock(dfd, LOCK_EX) != 0 {
            let e = Errno.current
            ealLog(4, "failed to lock \(dir): \(e)")
            throw e
        }
        defer { flock(dfd, LOCK_UN) }
        return try body()
    }
}
