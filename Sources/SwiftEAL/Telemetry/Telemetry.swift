import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// DPDK's telemetry, started as DPDK 22.11's rte_eal_init starts it: last, for a
/// primary, unless --no-telemetry; the EAL's commands (EALCommands) are registered with
/// it, so dpdk-telemetry.py can read a SwiftEAL process's parameters, memzones and heaps.
/// The library comes by dlopen: without it init goes on without telemetry.
///
/// The library cannot be stopped (DPDK 22.11 has no call for it): its threads answer
/// until the process exits, as with DPDK. rte_eal_cleanup makes the EAL's commands
/// answer null before the memory they read goes, and removes the library's sockets
/// from the runtime directory, so nobody connects any more and the directory can go.
enum Telemetry {
    struct State: Sendable {
        var library: TelemetryLibrary? = nil
        /// Whether the commands may read the EAL's memory: from the end of init to the
        /// start of cleanup. Callbacks run with the lock held, so cleanup waits for them.
        var live = false
        /// rte_eal_init's arguments before "--" (program name first), and after it.
        var params: [ByteString] = []
        var appParams: [ByteString] = []
    }

    static let state = Mutex(State())

    /// Keeps rte_eal_init's arguments, as given (before option parsing reorders them),
    /// for /eal/params and /eal/app_params.
    static func saveArguments(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var eal: [ByteString] = [], app: [ByteString] = []
        var afterDashes = false
        for i in 0..<Int(max(argc, 0)) {
            guard let a = argv[i] else { break }
            if afterDashes {
                app.append(ByteString(cString: a))
            } else if strcmp(a, "--") == 0 {
                afterDashes = true
            } else {
                eal.append(ByteString(cString: a))
            }
        }
        state.withLock {
            $0.params = eal
            $0.appParams = app
        }
    }

    /// The control threads' CPUs for the library's threads: it keeps the pointer.
    // Safe: the pointer never changes; only start() (rte_eal_init, one at a time) writes the set, before the library reads it.
    nonisolated(unsafe) private static let cpuset = UnsafeMutablePointer<rte_cpuset_t>.allocate(capacity: 1)

    /// rte_eal_init's last step for a primary with telemetry on. Nil undo without the
    /// library; throws when the library is there but cannot start (DPDK's init fails then).
    static func start() throws(Errno) -> (() -> Void)? {
        guard let lib = TelemetryLibrary.load() else { return nil }
        for c in EALCommands.all {
            let r = lib.registerCmd(c.name.cString, c.callback, c.help.cString)
            if r != 0 { ealLog(7, "Telemetry command \(c.name) not registered: \(r)") }
        }
        // DPDK's log type for the library's messages ("TELEMETRY: ..."), EAL's if none
        let logtype = (try? LogRegistry.register("lib.telemetry", level: UInt32(RTE_LOG_WARNING), pick: true))
            ?? UInt32(RTE_LOGTYPE_EAL)
        cpuset.pointee = controlCPUs().cpuset
        state.withLock {
            $0.library = lib
            $0.live = true
        }
        guard eal_telemetry_call_init(lib.initialize, EALState.runtimeDirBuffer, rte_version(), cpuset, logtype) == 0
        else {
            // the library said why; DPDK's init fails here without a message of its own
            state.withLock { $0.live = false }
            removeSockets()
            throw .EFAULT
        }
        return {
            state.withLock { $0.live = false }
            removeSockets()
        }
    }

    /// Unlinks the sockets the library bound in the runtime directory (dpdk_telemetry.v2,
    /// with a ":N" suffix when another process had that name, and the legacy ones):
    /// those of this process's descriptors that are Unix sockets bound to such a path.
    /// Their descriptors stay with the library's thread, which waits on them.
    private static func removeSockets() {
        guard let dir = Runtime.directory else { return }
        let stem = dir.bytes + Array("/".utf8)
        var paths: [ByteString] = []
        forEachDescriptor { fd in
            var st = stat()
            guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK else { return }
            var addr = sockaddr_un()
            var len = socklen_t(MemoryLayout<sockaddr_un>.size)
            let ok = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, __SOCKADDR_ARG(__sockaddr__: $0), &len) == 0 }
            }
            guard ok, addr.sun_family == sa_family_t(AF_UNIX) else { return }
            let path = withUnsafeBytes(of: addr.sun_path) { Array($0.prefix(while: { $0 != 0 })) }
            guard path.count > stem.count, path.starts(with: stem) else { return }
            let base = path[stem.count...]
            if base.starts(with: Array("dpdk_telemetry".utf8)) || Array(base) == Array("telemetry".utf8) {
                paths.append(ByteString(path))
            }
        }
        for p in paths { _ = p.withCString { unlink($0) } }
    }

    /// Each descriptor this process has open, from /proc/self/fd; when that cannot be
    /// listed (no descriptor left to open it with), each number up to the limit is
    /// asked, so the sockets still go and the runtime directory with them.
    private static func forEachDescriptor(_ body: (Int32) -> Void) {
        if let d = Sys.opendir("/proc/self/fd") {
            defer { closedir(d) }
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
                guard !name.isEmpty, name.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                      let fd = Int32(String(decoding: name, as: UTF8.self)) else { continue }
                body(fd)
            }
            return
        }
        let top = min(max(Int(sysconf(Int32(_SC_OPEN_MAX))), 1024), 1 << 16)
        for fd in 0..<Int32(top) where fcntl(fd, F_GETFD) != -1 { body(fd) }
    }
}

/// A NUL-terminated literal as a C string: static storage, so the library may keep it
/// (it keeps each command's help text).
extension StaticString {
    var cString: UnsafePointer<CChar> {
        UnsafeRawPointer(utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
