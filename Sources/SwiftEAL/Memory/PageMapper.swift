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
        var pagemap = Pagemap()
        defer { pagemap.close() }
        var done = 0
        do throws(Errno) {
            try pageFiles.withLock { (t: inout PageFileTable) throws(Errno) in
                while done < count {
                    let seg = first + done
                    let addr = base + seg * size
                    let (fd, offset, reused) = try t.open(list: li, segment: seg, pageSize: size, segments: segments)
                    do throws(Errno) {
                        if !reused { try reserveSpace(fd: fd, offset: offset, size: size, socket: socket,
                                                      nodes: t.backing.numaNodes) }
                        let p = mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | EAL_MAP_POPULATE,
                                     fd, off_t(offset))
                        guard p == addr else { throw Errno.current }
                    } catch {
                        t.release(list: li, segment: seg, pageSize: size)
                        throw error
                    }
                    if t.backing.unlinkBeforeMapping && t.backing.usesFiles {
                        t.unlinkNow(list: li, segment: seg, pageSize: size)
                    }
                    let ms = MemsegLists.segment(msl, seg)
                    var iova = rte_iova_t(UInt(bitPattern: addr))
                    if iovaMode == RTE_IOVA_PA { iova = pagemap.physicalAddress(of: addr) ?? badIOVA }
                    ms.pointee = rte_memseg()
                    ms.pointee.iova = iova
                    ms.pointee.addr = addr
                    ms.pointee.len = size
                    ms.pointee.hugepage_sz = UInt64(size)
                    ms.pointee.socket_id = socket
                    ms.pointee.nchannel = mem.pointee.nchannel
                    ms.pointee.nrank = mem.pointee.nrank
                    ms.pointee.flags = flags | (reused ? memsegFlagDirty : 0)
                    done += 1
                }
            }
        } catch {
            if done > 0 { unmapPages(list: li, first: first, count: done, in: mem, record: false) }
            if error == .ENOSPC || error == .ENOMEM {
                ealLog(7, "No free \(size >> 10) kB hugepages on socket \(socket) for \(count) page(s)")
                throw Errno.ENOMEM
            }
            throw error
        }
        for seg in first..<(first + count) { _ = rte_fbarray_set_used(&msl.pointee.memseg_arr, UInt32(seg)) }
        MemsegLists.bumpVersion(msl)
    }

    /// Unmaps segments first ..< first+count (the range stays reserved) and releases their
    /// backing; with `record`, clears their entries and used bits.
    static func unmapPages(list li: Int, first: Int, count: Int, in mem: UnsafeMutablePointer<eal_mem_config>,
                           record: Bool = true) {
        let msl = MemConfig.list(mem, li)
        let size = Int(msl.pointee.page_sz)
        let base = msl.pointee.base_va!
        VirtualArea.restore(base + first * size, length: count * size)
        pageFiles.withLock { t in
            for seg in first..<(first + count) { t.release(list: li, segment: seg, pageSize: size) }
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
        while eal_fallocate(fd, 0, Int64(offset), Int64(size)) != 0 {
            let e = Errno.current
            if e == .EINTR { continue }
            throw e
        }
    }
}
