import CEALShared
import CSwiftEAL
import Glibc

/// Maps pages into a memseg list's reserved range and unmaps them, keeping the list's
/// segments and used bits in step. Called with the memory hotplug lock held for writing.
enum PageMapper {
    /// Maps segments first ..< first+count of list `li` and records them (`flags` on each).
    /// All or nothing: on failure the pages mapped so far are given back.
    static func map(list li: Int, first: Int, count: Int, in mem: UnsafeMutablePointer<eal_mem_config>,
                    flags: UInt32, iovaMode: rte_iova_mode) throws(Errno) {
        let msl = MemConfig.list(mem, li)
        let size = Int(msl.pointee.page_sz)
        let socket = msl.pointee.socket_id
        let base = msl.pointee.base_va!
        let segments = Int(msl.pointee.memseg_arr.len)

        // 1. the files (the table changes: one thread)
        var pages: [(fd: Int32, offset: Int, reused: Bool)] = []
        pages.reserveCapacity(count)
        let backing = pageFiles.withLock { $0.backing }
        do throws(Errno) {
            try pageFiles.withLock { (t: inout PageFileTable) throws(Errno) in
                for k in 0..<count { pages.append(try t.open(list: li, segment: first + k, pageSize: size, segments: segments)) }
            }
        } catch {
            release(list: li, first: first, count: pages.count, size: size)
            throw error
        }

        // 2. the pages themselves: the kernel zeroes each new one here, the slow part,
        // so big batches are shared with a second thread
        let errors = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
        errors.initialize(repeating: 0)
        defer { errors.deallocate() }
        let work = { (k: Int) in
            let p = pages[k]
            let addr = base + (first + k) * size
            do throws(Errno) {
                if !p.reused { try reserveSpace(fd: p.fd, offset: p.offset, size: size, socket: socket, nodes: backing.numaNodes) }
                guard Sys.mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | EAL_MAP_POPULATE, p.fd,
                           off_t(p.offset)) == addr else { throw Errno.current }
            } catch {
                errors[k] = error.rawValue
            }
        }
        if count >= parallelThreshold, sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1,
           let helper = try? spawnThread(name: nil, { for k in stride(from: 1, to: count, by: 2) { work(k) } }) {
            for k in stride(from: 0, to: count, by: 2) { work(k) }
            pthread_join(helper, nil)
        } else {
            for k in 0..<count { work(k) }
        }
        if let bad = errors.first(where: { $0 != 0 }) {
            VirtualArea.restore(base + first * size, length: count * size)
            release(list: li, first: first, count: count, size: size)
            if bad == ENOSPC || bad == ENOMEM {
                ealLog(7, "No free \(size >> 10) kB hugepages on socket \(socket) for \(count) page(s)")
                throw Errno.ENOMEM
            }
            throw Errno(bad)
        }

        // 3. names, records, used bits
        if backing.unlinkBeforeMapping && backing.usesFiles {
            pageFiles.withLock { t in
                for k in 0..<count { t.unlinkNow(list: li, segment: first + k, pageSize: size) }
            }
        }
        var pagemap = Pagemap()
        defer { pagemap.close() }
        for k in 0..<count {
            let addr = base + (first + k) * size
            let ms = MemsegLists.segment(msl, first + k)
            var iova = rte_iova_t(UInt(bitPattern: addr))
            if iovaMode == RTE_IOVA_PA { iova = pagemap.physicalAddress(of: addr) ?? badIOVA }
            ms.pointee = rte_memseg()
            ms.pointee.iova = iova
            ms.pointee.addr = addr
            ms.pointee.len = size
            ms.pointee.hugepage_sz = UInt64(size)
            ms.pointee.socket_id = socket
            ms.pointee.flags = flags | (pages[k].reused ? memsegFlagDirty : 0)
        }
        for seg in first..<(first + count) { _ = rte_fbarray_set_used(&msl.pointee.memseg_arr, UInt32(seg)) }
        MemsegLists.bumpVersion(msl)
    }

    /// From this many pages on, a second thread shares the mapping work.
    static let parallelThreshold = 16

    private static func release(list li: Int, first: Int, count: Int, size: Int) {
        pageFiles.withLock { t in
            for seg in first..<(first + count) { t.release(list: li, segment: seg, pageSize: size) }
            t.retryDeferred()
        }
    }

    /// Unmaps segments first ..< first+count (the range stays reserved) and releases their
    /// backing (`release`); with `record`, clears their entries and used bits. The two
    /// apart let secondaries unmap in between (the files stay until they have).
    static func unmapPages(list li: Int, first: Int, count: Int, in mem: UnsafeMutablePointer<eal_mem_config>,
                           record: Bool = true, release: Bool = true) {
        let msl = MemConfig.list(mem, li)
        let size = Int(msl.pointee.page_sz)
        let base = msl.pointee.base_va!
        if release {
            VirtualArea.restore(base + first * size, length: count * size)
            pageFiles.withLock { t in
                for seg in first..<(first + count) { t.release(list: li, segment: seg, pageSize: size) }
                t.retryDeferred()
            }
        }
        guard record else { return }
        for seg in first..<(first + count) {
            MemsegLists.segment(msl, seg).pointee = rte_memseg()
            _ = rte_fbarray_set_free(&msl.pointee.memseg_arr, UInt32(seg))
        }
        MemsegLists.bumpVersion(msl)
    }

    /// Makes the kernel allocate the page now (fallocate), on `socket`'s node when the
    /// machine has several: a pool without a free page gives ENOSPC here, never SIGBUS
    /// when the page is first touched.
    static func reserveSpace(fd: Int32, offset: Int, size: Int, socket: Int32, nodes: Int) throws(Errno) {
        var bound = false
        if nodes > 1, socket >= 0, socket < 64 {
            var mask: UInt = 1 << UInt(socket)
            bound = eal_set_mempolicy(EAL_MPOL_BIND, &mask, 65) == 0
        }
        defer { if bound { _ = eal_set_mempolicy(EAL_MPOL_DEFAULT, nil, 0) } }
        while Sys.fallocate(fd, 0, Int64(offset), Int64(size)) != 0 {
            let e = Errno.current
            if e == .EINTR { continue }
            throw e
        }
    }
}
