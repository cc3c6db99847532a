import Glibc
import Synchronization

/// The runtime directory: `/var/run/dpdk/<prefix>` for root, otherwise
/// `$XDG_RUNTIME_DIR/dpdk/<prefix>` or `/tmp/dpdk/<prefix>`; directories 0700.
/// Under a shared root such as /tmp another user may have made `dpdk` or
/// `dpdk/<prefix>` first (with a symlink named `config` in it, say): both levels
/// must be real directories owned by us that nobody else can write to, or we refuse.
enum RuntimeDir {
    /// Test hook: a root that replaces `/var/run` (and the non-root fallbacks).
    static var rootOverride: ByteString? {
        get { rootOverrideStorage.withLock { $0 } }
        set { rootOverrideStorage.withLock { $0 = newValue } }
    }
    private static let rootOverrideStorage = Mutex<ByteString?>(nil)

    static func base() -> ByteString {
        if let r = rootOverride { return r + "/dpdk" }
        if getuid() == 0 { return "/var/run/dpdk" }
        if let xdg = getenv("XDG_RUNTIME_DIR"), xdg.pointee != 0 { return ByteString(cString: xdg) + "/dpdk" }
        return "/tmp/dpdk"
    }

    /// The directory of `prefix` (made or not).
    static func path(prefix: ByteString) -> ByteString { base() + "/" + prefix }

    /// Creates (if needed) the runtime directory for `prefix`, after checking that it
    /// and its `dpdk` parent are ours. Returns its path and an open descriptor of it,
    /// which `removeIfEmpty` takes back: while it is open the directory's inode cannot
    /// be reused by another one made at the same path, so it recognises this one.
    static func create(prefix: ByteString) throws(Errno) -> (path: ByteString, held: FileDescriptor) {
        let dir = try make(prefix: prefix)
        return (dir, try hold(dir))
    }

    /// `create` without the descriptor: the checks and the directories. rte_eal_init
    /// opens the config file before it holds the directory (`hold`), as DPDK's
    /// descriptors go: dpdk-test's eal_flags tests read the prefix from fd 3's path.
    static func make(prefix: ByteString) throws(Errno) -> ByteString {
        let parent = base()
        if let up = parent.bytes.lastIndex(of: UInt8(ascii: "/")), up > 0 {
            try makeDirectory(ByteString(bytes: parent.bytes[..<up]))
        }
        try makeOwnDirectory(parent)
        let dir = parent + "/" + prefix
        try makeOwnDirectory(dir)
        return dir
    }

    /// An open descriptor of directory `dir` for `removeIfEmpty`; when it cannot be
    /// opened, the directory goes (only when empty) and the error is thrown.
    static func hold(_ dir: ByteString) throws(Errno) -> FileDescriptor {
        do {
            return try FileDescriptor.open(dir, O_RDONLY | O_DIRECTORY)
        } catch {
            _ = dir.withCString { rmdir($0) } // as cleanup would: only when empty
            throw error
        }
    }

    /// mkdir -p with mode 0700 for what it creates; an existing directory is fine.
    /// For the levels above ours (`/var/run`, `$XDG_RUNTIME_DIR`, `/tmp`).
    static func makeDirectory(_ path: ByteString) throws(Errno) {
        var prefix = ByteString("")
        for part in path.bytes.split(separator: UInt8(ascii: "/")) {
            prefix = prefix + "/" + ByteString(bytes: part)
            if prefix.withCString({ mkdir($0, 0o700) }) != 0 {
                let e = Errno.current
                guard e == .EEXIST else { throw e }
            }
        }
    }

    /// mkdir 0700, or the existing entry if it is a directory (not a symlink to one)
    /// owned by this user that no other user can write to.
    static func makeOwnDirectory(_ path: ByteString) throws(Errno) {
        if path.withCString({ mkdir($0, 0o700) }) != 0 {
            let e = Errno.current
            guard e == .EEXIST else {
                ealLog(4, "Error creating '\(path)': \(e)")
                throw e
            }
        }
        var st = stat()
        guard path.withCString({ lstat($0, &st) }) == 0 else {
            let e = Errno.current
            ealLog(4, "Cannot stat '\(path)': \(e)")
            throw e
        }
        if st.st_mode & S_IFMT != S_IFDIR {
            ealLog(4, "'\(path)' is not a directory (a symlink?): refusing to use it as a runtime directory")
            throw .ENOTDIR
        }
        if st.st_uid != geteuid() {
            ealLog(4, "'\(path)' belongs to user \(st.st_uid), not to this user (\(geteuid())): refusing to use it as a runtime directory")
            throw .EACCES
        }
        if st.st_mode & 0o022 != 0 {
            ealLog(4, "'\(path)' can be written by other users (mode \(String(st.st_mode & 0o777, radix: 8))): refusing to use it as a runtime directory")
            throw .EACCES
        }
    }

    /// Removes the directory if it is empty (another process's files keep it) and is
    /// still the one `held` has open (the descriptor is closed): a directory of the same
    /// name that a later process made after ours was removed from outside is not ours.
    static func removeIfEmpty(_ path: ByteString, held: FileDescriptor) {
        if held.isFile(at: path) { _ = path.withCString { rmdir($0) } }
        held.close()
    }
}
