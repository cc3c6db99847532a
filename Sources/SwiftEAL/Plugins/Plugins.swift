import CEALShared
import CSwiftEAL
import Glibc

/// Driver plugins, loaded at init as DPDK 22.11 loads them: each -d (a shared object, or
/// a directory whose *.so and *.so.23.0 files are taken in directory order), then
/// DPDK's default driver directory (RTE_EAL_PMD_PATH) when the EAL is a shared library
/// named librte_eal.so*: that is, when SwiftEAL stands in for librte_eal.so.23, or sits
/// under LD_PRELOAD beside DPDK's own. A program linked to libswifteal.so by that name
/// is, to DPDK's test, a static build: the default directory's drivers would bring in a
/// second EAL (DPDK's, their DT_NEEDED) and are left alone; -d still loads what it names.
/// A plugin's constructors register its buses, classes and drivers through the calls
/// here; plugins are never unloaded (the registries point into them).
enum Plugins {
    static let abiVersion = "23.0"

    /// Loads every plugin; false (after logging why) when one cannot be.
    static func initialize(_ requested: [String]) -> Bool {
        var list = requested
        var st = stat()
        if isSharedBuild(), stat(RTE_EAL_PMD_PATH, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            list.append(RTE_EAL_PMD_PATH)
        }
        var i = 0
        while i < list.count {
            let path = list[i]
            i += 1
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                guard let entries = directory(path) else {
                    ealLog(4, "Cannot init plugin directory \(path)")
                    return false
                }
                list.append(contentsOf: entries)
            } else {
                debug("open shared lib \(path)")
                guard open(path) else { return false }
            }
        }
        return true
    }

    /// DPDK's test: librte_eal.so.23.0, .so.23 or .so already loaded.
    static func isSharedBuild() -> Bool {
        var name = "librte_eal.so." + abiVersion
        while name.utf8.count >= "librte_eal.so".utf8.count {
            debug("Checking presence of .so '\(name)'")
            if let h = dlopen(name, RTLD_LAZY | RTLD_NOLOAD) {
                ealLog(6, "Detected shared linkage of DPDK")
                dlclose(h)
                return true
            }
            guard let dot = name.lastIndex(of: ".") else { break }
            name = String(name[..<dot])
        }
        ealLog(6, "Detected static linkage of DPDK")
        return false
    }

    /// The regular files in dir named *.so or *.so.<ABI>, in directory order; nil when
    /// the directory cannot be read.
    static func directory(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else {
            ealLog(4, "failed to open directory \(dir): \(String(cString: strerror(errno)))")
            return nil
        }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".so") || name.hasSuffix(".so." + abiVersion) else { continue }
            let path = dir + "/" + name
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out.append(path)
        }
        return out
    }

    /// dlopen(RTLD_NOW) of the file's real path once its directories pass DPDK's check
    /// (none world-writable); a bare name is looked up in the system's directories.
    static func open(_ path: String) -> Bool {
        guard let real = realpath(path, nil) else {
            if errno == ENOENT {
                if dlopen(path, RTLD_NOW) == nil { ealLog(4, String(cString: dlerror())) ; return false }
                return true
            }
            ealLog(4, "Error with realpath for \(path), \(String(cString: strerror(errno)))")
            return false
        }
        defer { free(real) }
        let resolved = String(cString: real)
        guard strlen(real) < Int(PATH_MAX), verifyPermissions(resolved) else {
            if strlen(real) >= Int(PATH_MAX) { ealLog(4, "Error, driver path greater than PATH_MAX") }
            return false
        }
        if dlopen(real, RTLD_NOW) == nil {
            ealLog(4, String(cString: dlerror()))
            return false
        }
        return true
    }

    /// The path and each directory above it: stat works, not world-writable.
    private static func verifyPermissions(_ path: String) -> Bool {
        var p = path
        var checked: [String] = []
        while true {
            checked.append(p)
            if p == "/" { break }
            guard let slash = p.lastIndex(of: "/") else { break }
            p = slash == p.startIndex ? "/" : String(p[..<slash])
        }
        for dir in checked.reversed() {
            var st = stat()
            guard stat(dir, &st) == 0 else {
                ealLog(4, "Error with stat on \(dir), \(String(cString: strerror(errno)))")
                return false
            }
            if st.st_mode & S_IWOTH != 0 {
                ealLog(4, "Error, directory path \(dir) is world-writable and insecure")
                return false
            }
        }
        return true
    }
}
