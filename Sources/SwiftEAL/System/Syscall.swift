import Glibc

/// Calls `body` until it stops failing with EINTR; -1 becomes a thrown `Errno` read
/// straight after the call.
@inline(__always)
func syscall<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
    while true {
        let r = body()
        if r == -1 {
            let e = Errno.current
            if e == .EINTR { continue }
            throw e
        }
        return r
    }
}

/// For pthread-style calls that return the error number instead of setting errno.
@inline(__always)
func pthreadCall(_ body: () -> Int32) throws(Errno) {
    let r = body()
    if r != 0 { throw Errno(r) }
}

/// A file descriptor owned by the caller; `close` is explicit, in one place.
struct FileDescriptor: Equatable {
    var rawValue: Int32

    /// Opens with O_CLOEXEC and O_NOFOLLOW: a file of ours is never reached through a
    /// symlink someone else planted.
    static func open(_ path: ByteString, _ flags: Int32, mode: mode_t = 0o600) throws(Errno) -> FileDescriptor {
        let fd = try path.withCString { (p) throws(Errno) -> Int32 in
            try syscall { Glibc.open(p, flags | O_CLOEXEC | O_NOFOLLOW, mode) }
        }
        return FileDescriptor(rawValue: fd)
    }

    /// Whether `path` (not following a final symlink) is the file this descriptor has
    /// open: false when the name was removed or now names another file.
    func isFile(at path: ByteString) -> Bool {
        var a = stat(), b = stat()
        guard path.withCString({ lstat($0, &a) }) == 0, fstat(rawValue, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    func close() { _ = Glibc.close(rawValue) }

    func truncate(_ size: Int) throws(Errno) {
        _ = try syscall { ftruncate(rawValue, off_t(size)) }
    }

    /// Allocates the blocks of the first `size` bytes, so writes through a mapping of
    /// them cannot fault: ENOSPC (or EFBIG) now instead of SIGBUS later.
    func reserve(_ size: Int) throws(Errno) {
        while true {
            let r = posix_fallocate(rawValue, 0, off_t(size))
            if r == 0 { return }
            if r != EINTR { throw Errno(r) }
        }
    }

    /// A whole-file fcntl lock: shared or exclusive, waiting or not.
    /// Returns false when `wait` is false and another process holds a conflicting lock.
    func lock(exclusive: Bool, wait: Bool = false) throws(Errno) -> Bool {
        var fl = flock()
        fl.l_type = Int16(exclusive ? F_WRLCK : F_RDLCK)
        fl.l_whence = Int16(SEEK_SET)
        fl.l_start = 0
        fl.l_len = 0
        while true {
            if fcntl(rawValue, wait ? F_SETLKW : F_SETLK, &fl) == 0 { return true }
            let e = Errno.current
            if e == .EINTR { continue }
            if e == .EAGAIN || e == .EACCES { return false }
            throw e
        }
    }

    func unlock() {
        var fl = flock()
        fl.l_type = Int16(F_UNLCK)
        fl.l_whence = Int16(SEEK_SET)
        _ = fcntl(rawValue, F_SETLK, &fl)
    }

    /// Writes the whole buffer, retrying short writes and EINTR.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let n = try syscall { Glibc.write(rawValue, bytes.baseAddress! + done, bytes.count - done) }
            done += n
        }
    }
}
