import CEALShared
import Glibc

extension FBArray {
    /// Removes the `fbarray_*` files in `directory` that no process holds (a live array's
    /// file is always flocked by every process that maps it): what dead processes of this
    /// prefix left behind. DPDK does the same at the end of rte_eal_init. Returns how many
    /// were removed; a directory that cannot be read removes nothing.
    @discardableResult
    static func removeUnusedFiles(inDirectory directory: ByteString) -> Int {
        guard let dir = directory.withCString({ Sys.opendir($0) }) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            // read the name in place: a dirent record ends after the name's NUL, so
            // copying the whole d_name array would read past it
            let name = withUnsafePointer(to: &entry.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { ByteString(cString: $0) }
            }
            guard name.bytes.starts(with: "fbarray_".utf8), entry.pointee.d_type == UInt8(DT_REG) else { continue }
            let path = directory + "/" + name
            guard let file = try? FileDescriptor.open(path, O_RDONLY) else { continue }
            // the lock is on the file we opened: it must still be the one at the path
            if (try? flockNB(file.rawValue, LOCK_EX)) == true, file.isFile(at: path),
               path.withCString({ unlink($0) }) == 0 {
                removed += 1
            }
            file.close()
        }
        return removed
    }
}
