import CEALShared
import CSwiftEAL
import Glibc

/// rte_trace_save: the session directory and the files in it (DPDK's layout:
/// `metadata`, and `channel0_<n>` for the n-th thread buffer).
extension Trace {
    /// Creates the session directory on the first save: the trace directory
    /// (--trace-dir, else $HOME/dpdk-traces/ or the user's home from the password
    /// file) must exist or be creatable as one level; in it "<prefix>-<local time>".
    /// 0, or a negative errno value with rte_errno set.
    static func makeSessionDir(_ s: inout State) -> Int32 {
        if s.sessionCreated { return 0 }
        if s.dir == nil {
            var home = getenv("HOME").map { String(cString: $0) }
            if home == nil, let pw = getpwuid(getuid()), let d = pw.pointee.pw_dir { home = String(cString: d) }
            guard let home else { return -EINVAL }
            s.dir = home + "/dpdk-traces/"
        }
        let base = s.dir!
        if mkdir(base, 0o700) < 0 && errno != EEXIST {
            let e = errno
            traceErr("trace_mkdir", 331, "mkdir \(base) failed [\(String(cString: strerror(e)))]")
            RteErrno.set(e)
            return -e
        }
        // As DPDK: the directory becomes the session's before it is made, so a save
        // after a failed one (a session of that name existed) nests a new one in it.
        let session = base + sessionName(prefix: s.filePrefix)
        s.dir = session
        if mkdir(session, 0o700) < 0 {
            let e = errno
            traceErr("trace_mkdir", 346, "mkdir \(session) failed [\(String(cString: strerror(e)))]")
            RteErrno.set(e)
            return -e
        }
        s.dir = session
        s.sessionCreated = true
        ealLog(7, "Trace dir: \(session)")
        return 0
    }

    /// "<prefix>-YYYY-MM-DD-AM-hh-mm-ss" in local time, as DPDK.
    static func sessionName(prefix: String) -> String {
        var now = time(nil)
        var tmv = tm()
        localtime_r(&now, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        strftime(&buf, buf.count, "%Y-%m-%d-%p-%I-%M-%S", &tmv)
        return prefix + "-" + String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes `bytes` to a new file at `path` (replacing one, never through a link).
    static func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o666)
        if fd < 0 { return -errno }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return -EACCES   // DPDK's answer for a short write
            }
            done += n
        }
        return 0
    }

    /// rte_trace_save: nothing to do (0) until a thread has a buffer.
    static func save() -> Int32 {
        state.withLock { s -> Int32 in
            if s.buffers.isEmpty { return 0 }
            let made = makeSessionDir(&s)
            if made < 0 { return made }
            let dir = s.dir!
            var meta = metadata(s)
            let rc = meta.withUTF8 { writeFile(dir + "/metadata", UnsafeRawBufferPointer($0)) }
            if rc < 0 { return rc }
            for (i, b) in s.buffers.enumerated() {
                let r = writeFile(dir + "/channel0_\(i)", savedBytes(b))
                if r < 0 { return r }
            }
            return 0
        }
    }
}
