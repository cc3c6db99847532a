import CEALShared
import CSwiftEAL
import Glibc

/// A secondary process's view of the primary's memory: every memseg list's fbarray and
/// address range at the primary's addresses, every mapped page mapped from the same
/// file. The snapshot taken at init; growth after it is the multi-process issue's.
enum MemoryAttach {
    static func attach(_ config: InternalConfig) throws(Errno) -> () -> Void {
        guard let mem = MemConfig.mem, let cfg = MemConfig.config else { throw .EFAULT }
        let kind = eal_page_backend(rawValue: mem.pointee.backend)
        guard kind != EAL_PAGES_MEMFD else {
            ealLog(4, "The primary's memory is in memfds of its own (--in-memory): a secondary cannot map it")
            throw .ENOTSUP
        }
        var backing = PageBacking()
        backing.kind = kind
        backing.prefix = config.filePrefix
        backing.unlinkExisting = false // a secondary never removes the primary's files
        if backing.usesFiles, let path = Runtime.path("hugepage_info") {
            for s in try HugepageFiles.read(path: path) {
                if let d = s.directory { backing.directories[s.pageSize] = d }
            }
        }
        pageFiles.withLock { $0 = PageFileTable(); $0.backing = backing }
        MemoryPages.dynamic = false
        var attached: [Int] = []
        // no hotplug lock: what detach reads (a list's range) never changes once made,
        // and a primary killed holding the lock must not keep a secondary from exiting
        let undo = {
            for li in attached.reversed() { detach(list: li, mem) }
        }
        do throws(Errno) {
            try MemConfig.withReadLock { () throws(Errno) in
                for li in 0..<MemConfig.listCount {
                    let msl = MemConfig.list(mem, li)
                    guard msl.pointee.base_va != nil, msl.pointee.external == 0 else { continue }
                    if kind == EAL_PAGES_ANONYMOUS {
                        try attachAnonymous(li, mem, primary: cfg.pointee.primary_pid)
                    } else {
                        try attachList(li, mem)
                    }
                    attached.append(li)
                }
            }
        } catch {
            undo()
            throw error
        }
        // the sizes the heaps may ask the primary for
        var sizes = Set<Int>()
        for li in attached { sizes.insert(Int(MemConfig.list(mem, li).pointee.page_sz)) }
        MemoryPages.sizes = sizes.sorted(by: >)
        return undo
    }

    /// --no-huge: the list is one memfd of the primary's, reopened through /proc (DPDK's
    /// secondaries cannot attach to a --no-huge primary at all; ours can while it lives).
    private static func attachAnonymous(_ li: Int, _ mem: UnsafeMutablePointer<eal_mem_config>, primary: Int32) throws(Errno) {
        let msl = MemConfig.list(mem, li)
        let base = msl.pointee.base_va!
        let fd = Sys.open("/proc/\(primary)/fd/\(mem.pointee.anon_fd)", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            ealLog(4, "Cannot open the primary's --no-huge memory (/proc/\(primary)/fd/\(mem.pointee.anon_fd)): \(Errno.current)")
            throw .ENOENT
        }
        do throws(Errno) {
            try FBArray.attach(&msl.pointee.memseg_arr)
            LocalLists.add(li)
        } catch {
            Glibc.close(fd)
            throw error
        }
        guard Sys.mmap(base, msl.pointee.len, PROT_READ | PROT_WRITE, MAP_SHARED | EAL_MAP_FIXED_NOREPLACE, fd, 0) == base else {
            ealLog(4, "Could not map memory at \(base) in this secondary process: the address is taken. Start the primary with --base-virtaddr at a free address")
            Glibc.close(fd)
            LocalLists.remove(li)
            try? FBArray.detach(&msl.pointee.memseg_arr)
            throw .ENOMEM
        }
        pageFiles.withLock { $0.lists[li].listFd = fd }
    }

    /// The list's fbarray, its range reserved at the same address, its pages mapped.
    private static func attachList(_ li: Int, _ mem: UnsafeMutablePointer<eal_mem_config>) throws(Errno) {
        let msl = MemConfig.list(mem, li)
        let base = msl.pointee.base_va!
        do {
            try FBArray.attach(&msl.pointee.memseg_arr)
            LocalLists.add(li)
        } catch {
            ealLog(4, "Cannot attach memseg list \(li) (its fbarray at \(String(describing: msl.pointee.memseg_arr.data)) is taken in this process)")
            throw error
        }
        do throws(Errno) {
            _ = try VirtualArea.reserve(exactly: base, length: msl.pointee.len)
        } catch {
            ealLog(4, "Could not map memory at \(base) in this secondary process: the address is taken. Start the primary with --base-virtaddr at a free address")
            LocalLists.remove(li)
            try? FBArray.detach(&msl.pointee.memseg_arr)
            throw error
        }
        let size = Int(msl.pointee.page_sz)
        let segments = Int(msl.pointee.memseg_arr.len)
        do throws(Errno) {
            try pageFiles.withLock { (t: inout PageFileTable) throws(Errno) in
                var seg = 0
                while seg < segments {
                    let next = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, UInt32(seg))
                    guard next >= 0 else { break }
                    seg = Int(next)
                    let (fd, offset) = try t.openExisting(list: li, segment: seg, pageSize: size, segments: segments)
                    let addr = base + seg * size
                    guard Sys.mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off_t(offset)) == addr else {
                        throw Errno.current
                    }
                    seg += 1
                }
            }
        } catch {
            detach(list: li, mem)
            throw error
        }
        MemorySync.record(list: li, msl: msl)
    }

    /// Unmaps the list's pages and range in this process, closes its files, detaches its
    /// fbarray; nothing on disk or in the shared config changes.
    private static func detach(list li: Int, _ mem: UnsafeMutablePointer<eal_mem_config>) {
        let msl = MemConfig.list(mem, li)
        if let base = msl.pointee.base_va { VirtualArea.release(base, length: msl.pointee.len) }
        pageFiles.withLock { t in
            for fd in t.lists[li].fds where fd >= 0 { Glibc.close(fd) }
            if t.lists[li].listFd >= 0 { Glibc.close(t.lists[li].listFd) }
            t.lists[li] = ListFiles()
        }
        LocalLists.remove(li)
        MemorySync.forget(list: li)
        try? FBArray.detach(&msl.pointee.memseg_arr)
    }
}

extension PageFileTable {
    /// A secondary's descriptor for a page the primary mapped: the same file, locked
    /// shared (so the primary does not remove it while this process maps it).
    mutating func openExisting(list: Int, segment seg: Int, pageSize: Int, segments: Int) throws(Errno) -> (Int32, Int) {
        guard let path = backing.path(list: list, segment: seg, pageSize: pageSize) else { throw .ENOENT }
        if backing.kind == EAL_PAGES_FILE_PER_LIST, lists[list].listFd >= 0 { return (lists[list].listFd, seg * pageSize) }
        let fd = try path.withCString { (p) throws(Errno) -> Int32 in
            try syscall { Sys.open(p, O_RDWR | O_CLOEXEC | O_NOFOLLOW) }
        }
        guard (try? FBArray.flockNB(fd, LOCK_SH)) == true else {
            Glibc.close(fd)
            throw .EBUSY
        }
        if backing.kind == EAL_PAGES_FILE_PER_LIST {
            lists[list].listFd = fd
            return (fd, seg * pageSize)
        }
        if lists[list].fds.isEmpty { lists[list].fds = [Int32](repeating: -1, count: segments) }
        lists[list].fds[seg] = fd
        return (fd, 0)
    }
}
