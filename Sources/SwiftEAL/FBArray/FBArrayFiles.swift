import CEALShared
import Glibc

extension FBArray {
    /// Removes the `fbarray_*` files in `directory` that no process holds (a live array's
    /// file is always flocked by every process that maps it): what dead processes of this
    /// prefix left behind. DPDK does the same at the end of rte_eal_init. Returns how many
    /// were removed; a directory that cannot be read removes nothing.
    @discardableResult
    static func removeUnusedFiles(inDirectory directory: String) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix("fbarray_"), entry.pointee.d_type == UInt8(DT_REG) else { continue }
            let path = directory + "/" + name
            guard let file = try? FileDescriptor.open(path, O_RDONLY) else { continue }
            if (try? flockNB(file.rawValue, LOCK_EX)) == true, unlink(path) == 0 { removed += 1 }
            file.close()
        }
        return removed
    }
}
