import CEALShared
import CSwiftEAL
import Glibc

/// Files of hugepages on disk: the shared `hugepage_info` record of the discovered sizes,
/// and the page files dead processes of this prefix left in a hugetlbfs directory.
enum HugepageFiles {
    /// Removes `<prefix>map_<n>` files in `dir` that no process holds (every live page
    /// file is flocked by each process mapping it): what a killed primary left, whose
    /// pages the kernel can only reclaim once the files are gone. Returns how many.
    @discardableResult
    static func clearUnused(directory dir: ByteString, prefix: ByteString) -> Int {
        let stem = prefix.bytes + Array("map_".utf8)
        guard let d = dir.withCString({ Sys.opendir($0) }) else { return 0 }
        defer { closedir(d) }
        var removed = 0
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            guard name.count > stem.count, name.starts(with: stem),
                  name[stem.count...].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
            let path = dir + "/" + ByteString(name)
            let fd = path.withCString { Sys.open($0, O_RDWR | O_CLOEXEC | O_NOFOLLOW) }
            guard fd >= 0 else { continue }
            if (try? FBArray.flockNB(fd, LOCK_EX)) == true, path.withCString({ unlink($0) }) == 0 { removed += 1 }
            Glibc.close(fd)
        }
        return removed
    }

    /// Writes the discovered sizes to `<runtime dir>/hugepage_info` for secondaries.
    static func publish(_ sizes: [HugepageSize], path: ByteString) throws(Errno) {
        var info = eal_hugepage_info()
        info.num_sizes = UInt32(min(sizes.count, Int(EAL_MAX_HUGEPAGE_SIZES)))
        withUnsafeMutableBytes(of: &info.sizes) { raw in
            let entries = raw.bindMemory(to: eal_hugepage_size.self)
            for (i, s) in sizes.prefix(entries.count).enumerated() {
                entries[i].page_sz = UInt64(s.pageSize)
                withUnsafeMutableBytes(of: &entries[i].num_pages) { n in
                    for (node, count) in s.freePages.prefix(Int(RTE_MAX_NUMA_NODES)).enumerated() {
                        n.storeBytes(of: count, toByteOffset: node * 4, as: UInt32.self)
                    }
                }
                withUnsafeMutableBytes(of: &entries[i].hugedir) { d in
                    let bytes = (s.directory?.bytes ?? []).prefix(d.count - 1)
                    d.copyBytes(from: bytes)
                }
            }
        }
        let fd = try path.withCString { (p) throws(Errno) -> Int32 in
            try syscall { Sys.open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600) }
        }
        defer { Glibc.close(fd) }
        try withUnsafeBytes(of: &info) { (raw) throws(Errno) in try FileDescriptor(rawValue: fd).writeAll(raw) }
    }

    /// Reads what the primary published (secondaries).
    static func read(path: ByteString) throws(Errno) -> [HugepageSize] {
        let fd = try path.withCString { (p) throws(Errno) -> Int32 in
            try syscall { Sys.open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        }
        defer { Glibc.close(fd) }
        var info = eal_hugepage_info()
        let n = withUnsafeMutableBytes(of: &info) { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard n == MemoryLayout<eal_hugepage_info>.size else { throw .EIO }
        var sizes: [HugepageSize] = []
        withUnsafeBytes(of: info.sizes) { raw in
            let entries = raw.bindMemory(to: eal_hugepage_size.self)
            for i in 0..<min(Int(info.num_sizes), entries.count) {
                let e = entries[i]
                let pages = withUnsafeBytes(of: e.num_pages) { Array($0.bindMemory(to: UInt32.self)) }
                let dir = withUnsafeBytes(of: e.hugedir) { ByteString(bytes: $0.prefix(while: { $0 != 0 })) }
                sizes.append(HugepageSize(pageSize: Int(e.page_sz), directory: dir.isEmpty ? nil : dir, freePages: pages))
            }
        }
        return sizes
    }
}
