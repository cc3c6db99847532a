import CEALShared
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
    static func open(_ path: ByteString, _ flags: Int32, mode: mode_t = 0o600,
                     file: StaticString = #fileID, line: UInt = #line) throws(Errno) -> FileDescriptor {
        let fd = try path.withCString { (p) throws(Errno) -> Int32 in
            try syscall { Sys.open(p, flags | O_CLOEXEC | O_NOFOLLOW, mode, file: file, line: line) }
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

    func truncate(_ size: Int, file: StaticString = #fileID, line: UInt = #line) throws(Errno) {
        _ = try syscall { Sys.ftruncate(rawValue, off_t(size), file: file, line: line) }
    }

    /// Allocates the blocks of the first `size` bytes, so writes through a mapping of
    /// them cannot fault: ENOSPC (or EFBIG) now instead of SIGBUS later.
    func reserve(_ size: Int, file: StaticString = #fileID, line: UInt = #line) throws(Errno) {
        while true {
            let r = Sys.posixFallocate(rawValue, 0, off_t(size), file: file, line: line)
            if r == 0 { return }
            if r != EINTR { throw Errno(r) }
        }
    }

    /// A whole-file fcntl lock: shared or exclusive, waiting or not.
    /// Returns false when `wait` is false and another process holds a conflicting lock.
    func lock(exclusive: Bool, wait: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws(Errno) -> Bool {
        var fl = flock()
        fl.l_type = Int16(exclusive ? F_WRLCK : F_RDLCK)
        fl.l_whence = Int16(SEEK_SET)
        fl.l_start = 0
        fl.l_len = 0
        while true {
            if Sys.fcntlLock(rawValue, wait ? F_SETLKW : F_SETLK, &fl, file: file, line: line) == 0 { return true }
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

/// The system calls fault injection covers (`FaultPlan`), each with libc's own
/// signature and conventions (-1 or MAP_FAILED with errno; posix_fallocate returns the
/// error), so a call site only changes the name. `file`/`line` name the call site in
/// the injection's report; helpers that wrap these pass their caller's on.
enum Sys {
    @inline(__always)
    static func mmap(_ addr: UnsafeMutableRawPointer?, _ length: Int, _ prot: Int32, _ flags: Int32, _ fd: Int32,
                     _ offset: off_t, file: StaticString = #fileID, line: UInt = #line) -> UnsafeMutableRawPointer! {
        if faultInjected(.mmap, file, line) { return MAP_FAILED }
        return Glibc.mmap(addr, length, prot, flags, fd, offset)
    }

    @inline(__always)
    static func open(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t = 0,
                     file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.open, file, line) { return -1 }
        return Glibc.open(path, flags, mode)
    }

    @inline(__always)
    static func opendir(_ path: UnsafePointer<CChar>, file: StaticString = #fileID, line: UInt = #line) -> OpaquePointer? {
        if faultInjected(.open, file, line) { return nil }
        return Glibc.opendir(path)
    }

    @inline(__always)
    static func ftruncate(_ fd: Int32, _ length: off_t, file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.ftruncate, file, line) { return -1 }
        return Glibc.ftruncate(fd, length)
    }

    /// posix_fallocate: 0 or the error number (errno is not set).
    @inline(__always)
    static func posixFallocate(_ fd: Int32, _ offset: off_t, _ length: off_t,
                               file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.fallocate, file, line) { return Glibc.errno }
        return Glibc.posix_fallocate(fd, offset, length)
    }

    /// fallocate(2) with its mode (punching holes, keeping the size).
    @inline(__always)
    static func fallocate(_ fd: Int32, _ mode: Int32, _ offset: Int64, _ length: Int64,
                          file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.fallocate, file, line) { return -1 }
        return eal_fallocate(fd, mode, offset, length)
    }

    @inline(__always)
    static func flock(_ fd: Int32, _ op: Int32, file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.flock, file, line) { return -1 }
        return fbarray_flock(fd, op)
    }

    /// fcntl's record locks (F_SETLK, F_SETLKW), the kind `flock` too.
    @inline(__always)
    static func fcntlLock(_ fd: Int32, _ cmd: Int32, _ fl: UnsafeMutablePointer<Glibc.flock>,
                          file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.flock, file, line) { return -1 }
        return fcntl(fd, cmd, fl)
    }

    @inline(__always)
    static func epollCreate(_ flags: Int32, file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.epoll, file, line) { return -1 }
        return epoll_create1(flags)
    }

    @inline(__always)
    static func epollCtl(_ epfd: Int32, _ op: Int32, _ fd: Int32, _ event: UnsafeMutablePointer<epoll_event>?,
                         file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.epoll, file, line) { return -1 }
        return epoll_ctl(epfd, op, fd, event)
    }

    @inline(__always)
    static func epollWait(_ epfd: Int32, _ events: UnsafeMutablePointer<epoll_event>?, _ max: Int32, _ timeout: Int32,
                          file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.epoll, file, line) { return -1 }
        return epoll_wait(epfd, events, max, timeout)
    }

    @inline(__always)
    static func memfdCreate(_ name: UnsafePointer<CChar>, _ flags: UInt32,
                            file: StaticString = #fileID, line: UInt = #line) -> Int32 {
        if faultInjected(.memfd, file, line) { return -1 }
        return eal_memfd_create(name, flags)
    }
}
