import CEALShared
import CSwiftEAL
import Glibc

/// --legacy-mem in PA mode, as DPDK lays it out: pages sorted by physical address, so
/// that each run of physically contiguous pages is contiguous in virtual memory too
/// (what IOVA-contiguous allocations need), with a one-page hole between runs.
enum LegacyLayout {
    /// Reorders the used segments 0 ..< n of list `li` (a page file or memfd per page).
    /// Leaves the list as it is when the sorted layout would not fit in it. Throws when a
    /// page cannot be mapped at its new place: the list's records still say the old
    /// layout, whose files the caller's undo releases (with the whole range).
    static func sortByIOVA(list li: Int, in mem: UnsafeMutablePointer<eal_mem_config>) throws(Errno) {
        let msl = MemConfig.list(mem, li)
        let n = Int(msl.pointee.memseg_arr.count)
        let size = Int(msl.pointee.page_sz)
        let base = msl.pointee.base_va!
        guard n > 1 else { return }
        let pages = (0..<n).map { ($0, MemsegLists.segment(msl, $0).pointee) }
        guard pages.allSatisfy({ $0.1.iova != badIOVA }) else { return }
        let sorted = pages.sorted { $0.1.iova < $1.1.iova }
        var target = [Int](repeating: 0, count: n)   // old slot -> new slot
        var slot = 0
        for (k, page) in sorted.enumerated() {
            if k > 0 { slot += page.1.iova == sorted[k - 1].1.iova + UInt64(size) ? 1 : 2 }
            target[page.0] = slot
        }
        guard slot < Int(msl.pointee.memseg_arr.len), target != Array(0..<n) else { return }

        let moved = try pageFiles.withLock { (t: inout PageFileTable) throws(Errno) -> Bool in
            guard t.lists[li].fds.count == Int(msl.pointee.memseg_arr.len) else { return false }
            let fds = t.lists[li].fds
            // every page file keeps its page while the mappings move
            VirtualArea.restore(base, length: n * size)
            var newFds = [Int32](repeating: -1, count: fds.count)
            var newUnlinked = [Bool](repeating: false, count: fds.count)
            let unlinked = t.lists[li].unlinked
            for old in 0..<n {
                let new = target[old]
                newFds[new] = fds[old]
                if old < unlinked.count { newUnlinked[new] = unlinked[old] }
                let addr = base + new * size
                guard Sys.mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | EAL_MAP_POPULATE,
                               fds[old], 0) == addr else {
                    let e = Errno.current
                    ealLog(4, "Cannot map a hugepage at its IOVA-sorted place \(addr): \(e)")
                    throw e
                }
            }
            t.lists[li].fds = newFds
            if !unlinked.isEmpty { t.lists[li].unlinked = newUnlinked }
            // page files are named by slot: rename through names the next primary would
            // still reclaim if this process died half-way
            if t.backing.kind == EAL_PAGES_FILE_PER_PAGE, !t.backing.unlinkBeforeMapping {
                let parking = 1 << 30
                for old in 0..<n {
                    if let a = t.backing.path(list: li, segment: old, pageSize: size),
                       let b = t.backing.path(list: li, segment: parking + old, pageSize: size) {
                        _ = a.withCString { pa in b.withCString { pb in rename(pa, pb) } }
                    }
                }
                for old in 0..<n {
                    if let a = t.backing.path(list: li, segment: parking + old, pageSize: size),
                       let b = t.backing.path(list: li, segment: target[old], pageSize: size) {
                        _ = a.withCString { pa in b.withCString { pb in rename(pa, pb) } }
                    }
                }
            }
            return true
        }
        guard moved else { return }
        for (old, page) in pages {
            let ms = MemsegLists.segment(msl, target[old])
            ms.pointee = page
            ms.pointee.addr = base + target[old] * size
        }
        for old in 0..<n where !target.contains(old) {
            MemsegLists.segment(msl, old).pointee = rte_memseg()
            _ = rte_fbarray_set_free(&msl.pointee.memseg_arr, UInt32(old))
        }
        for new in target { _ = rte_fbarray_set_used(&msl.pointee.memseg_arr, UInt32(new)) }
    }
}
