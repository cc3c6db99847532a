import Glibc

/// The runtime directory: `/var/run/dpdk/<prefix>` for root, otherwise
/// `$XDG_RUNTIME_DIR/dpdk/<prefix>` or `/tmp/dpdk/<prefix>`; directories 0700.
enum RuntimeDir {
    /// Test hook: a root that replaces `/var/run` (and the non-root fallbacks).
    static var rootOverride: String? = nil

    static func base() -> String {
        if let r = rootOverride { return r + "/dpdk" }
        if getuid() == 0 { return "/var/run/dpdk" }
        if let xdg = getenv("XDG_RUNTIME_DIR"), xdg.pointee != 0 { return String(cString: xdg) + "/dpdk" }
        return "/tmp/dpdk"
    }

    /// Creates (if needed) and returns the runtime directory for `prefix`.
    static func create(prefix: String) throws(Errno) -> String {
        let parent = base()
        try makeDirectory(parent)
        let dir = parent + "/" + prefix
        try makeDirectory(dir)
        return dir
    }

    /// mkdir -p with mode 0700 for what it creates; an existing directory is fine.
    static func makeDirectory(_ path: String) throws(Errno) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 {
                let e = Errno.current
                guard e == .EEXIST else { throw e }
            }
        }
    }

    /// Removes the directory if it is empty (another process's files keep it).
    static func removeIfEmpty(_ path: String) {
        _ = rmdir(path)
    }
}
