import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// Pages mapped contiguously in virtual memory inside one memseg list: the unit in
/// which the malloc heaps grow and shrink.
struct PageRun: Equatable {
    var base: UnsafeMutableRawPointer
    var length: Int
    var pageSize: Int
    var socket: Int32
    /// Index of the memseg list in the memory config.
    var list: Int32
}

/// What the memory subsystem offers the malloc heaps: growth and shrink of dynamic
/// memory, the memory mapped at init, IO addresses. None of it is on a hot path except
/// `isMapped`, which takes no lock.
enum MemoryPages {
    /// Set by init before any other thread can allocate, cleared by cleanup.
    static var dynamic: Bool {
        get { dynamicStorage.load(ordering: .acquiring) }
        set { dynamicStorage.store(newValue, ordering: .releasing) }
    }
    private static let dynamicStorage = Atomic<Bool>(false)
    /// --socket-limit, bytes per socket (0: none).
    static var socketLimit: [Int] {
        get { socketLimitStorage.withLock { $0 } }
        set { socketLimitStorage.withLock { $0 = newValue } }
    }
    private static let socketLimitStorage = Mutex<[Int]>([])
    static var sizes: [Int] {
        get { sizesStorage.withLock { $0 } }
        set { sizesStorage.withLock { $0 = newValue } }
    }
    private static let sizesStorage = Mutex<[Int]>([])

    /// Page sizes the heaps can grow with, largest first.
    static func pageSizes() -> [Int] { sizes }

    /// Whether the heaps may grow and shrink at run time (false with --legacy-mem and
    /// --no-huge, where everything is mapped at init and stays).
    static var isDynamic: Bool { dynamic }

    /// Maps `count` pages of `pageSize` on `socket`, contiguous in VA inside one memseg
    /// list, and IOVA-contiguous when asked. Refused with ENOMEM when --socket-limit or a
    /// validator says no, when no list has room, or when the pages cannot be had.
    /// Fires RTE_MEM_EVENT_ALLOC once mapped (the hotplug lock still held).
    /// In a secondary the primary does it (MemoryRequests), and every process maps them.
    static func allocate(count: Int, pageSize: Int, socket: Int32, iovaContiguous: Bool) throws(Errno) -> PageRun {
        guard count > 0, pageSize > 0 else { throw .EINVAL }
        if !MPChannel.isPrimary {
            return try MemoryRequests.askToGrow(count: count, pageSize: pageSize, socket: socket,
                                                iovaContiguous: iovaContiguous)
        }
        guard dynamic, let mem = MemConfig.mem else { throw .ENOMEM }
        let (length, ovf) = count.multipliedReportingOverflow(by: pageSize)
        guard !ovf else { throw .ENOMEM }
        return try MemConfig.withWriteLock { () throws(Errno) -> PageRun in
            let newTotal = mappedBytes(socket: socket, in: mem) + length
            if socket >= 0, Int(socket) < socketLimit.count, socketLimit[Int(socket)] > 0,
               newTotal > socketLimit[Int(socket)] {
                ealLog(7, "Socket \(socket) memory limit reached: \(newTotal >> 20) MB would exceed --socket-limit")
                throw .ENOMEM
            }
            guard MemoryEvents.allows(socket: socket, newLength: newTotal) else { throw .ENOMEM }
            var lastError = Errno.ENOMEM
            for li in 0..<MemConfig.listCount {
                let msl = MemConfig.list(mem, li)
                guard msl.pointee.base_va != nil, msl.pointee.external == 0, msl.pointee.socket_id == socket,
                      msl.pointee.page_sz == UInt64(pageSize) else { continue }
                let first = rte_fbarray_find_next_n_free(&msl.pointee.memseg_arr, 0, UInt32(count))
                guard first >= 0 else { continue }
                do throws(Errno) {
                    try PageMapper.map(list: li, first: Int(first), count: count, in: mem, flags: 0,
                                       iovaMode: EALState.iovaMode)
                } catch {
                    lastError = error
                    break // the pool is out of pages: another list will not do better
                }
                let run = PageRun(base: msl.pointee.base_va! + Int(first) * pageSize, length: length,
                                  pageSize: pageSize, socket: socket, list: Int32(li))
                if (iovaContiguous && !contiguousIOVA(run.base, length: length, in: mem))
                    || !fitsDMAMask(list: li, first: Int(first), count: count, in: mem) {
                    PageMapper.unmapPages(list: li, first: Int(first), count: count, in: mem)
                    throw .ENOMEM
                }
                guard MemoryRequests.syncSecondaries() else {
                    // as DPDK: all processes have the pages, or none
                    PageMapper.unmapPages(list: li, first: Int(first), count: count, in: mem, release: false)
                    _ = MemoryRequests.syncSecondaries()
                    PageMapper.unmapPages(list: li, first: Int(first), count: count, in: mem, record: false)
                    throw .ENOMEM
                }
                MemoryEvents.notify(RTE_MEM_EVENT_ALLOC, run.base, run.length)
                return run
            }
            throw lastError
        }
    }

    /// Fires RTE_MEM_EVENT_FREE, then unmaps whole pages and gives them back to the
    /// kernel. `run` must be whole mapped pages of one list, none preallocated at init.
    /// The secondaries unmap them before their files go (a file a secondary still holds
    /// could not be removed). In a secondary the primary does it (MemoryRequests).
    static func free(_ run: PageRun) throws(Errno) {
        if !MPChannel.isPrimary { return try MemoryRequests.askToFree(run) }
        guard let mem = MemConfig.mem, dynamic else { throw .ENOTSUP }
        try MemConfig.withWriteLock { () throws(Errno) in
            guard let li = MemsegLists.index(of: run.base, in: mem) else { throw .EINVAL }
            let msl = MemConfig.list(mem, li)
            let size = Int(msl.pointee.page_sz)
            let offset = run.base - msl.pointee.base_va!
            guard msl.pointee.external == 0, run.length > 0, offset % size == 0, run.length % size == 0,
                  offset + run.length <= msl.pointee.len else { throw .EINVAL }
            let first = offset / size, count = run.length / size
            for seg in first..<(first + count) {
                guard MemsegLists.isUsed(msl, seg),
                      MemsegLists.segment(msl, seg).pointee.flags & memsegFlagDoNotFree == 0 else { throw .EINVAL }
            }
            MemoryEvents.notify(RTE_MEM_EVENT_FREE, run.base, run.length)
            PageMapper.unmapPages(list: li, first: first, count: count, in: mem, release: false)
            _ = MemoryRequests.syncSecondaries()
            PageMapper.unmapPages(list: li, first: first, count: count, in: mem, record: false)
        }
    }

    /// The VA-contiguous runs of pages mapped at init (-m / --socket-mem preallocation,
    /// legacy memory, --no-huge): the heaps take them in at init and never give them back.
    static func initialRuns() -> [PageRun] {
        guard let mem = MemConfig.mem else { return [] }
        return MemConfig.withReadLock { () -> [PageRun] in
            var runs: [PageRun] = []
            for li in 0..<MemConfig.listCount {
                let msl = MemConfig.list(mem, li)
                guard let base = msl.pointee.base_va, msl.pointee.external == 0 else { continue }
                let size = Int(msl.pointee.page_sz)
                var seg = 0
                let n = Int(msl.pointee.memseg_arr.len)
                while seg < n {
                    let start = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, UInt32(seg))
                    guard start >= 0 else { break }
                    let len = Int(rte_fbarray_find_contig_used(&msl.pointee.memseg_arr, UInt32(start)))
                    runs.append(PageRun(base: base + Int(start) * size, length: len * size, pageSize: size,
                                        socket: msl.pointee.socket_id, list: Int32(li)))
                    seg = Int(start) + max(len, 1)
                }
            }
            return runs
        }
    }

    /// The IO address of `addr` (RTE_BAD_IOVA outside mapped EAL memory).
    static func iova(of addr: UnsafeRawPointer) -> rte_iova_t {
        guard let mem = MemConfig.mem, let li = MemsegLists.index(of: addr, in: mem) else { return badIOVA }
        let msl = MemConfig.list(mem, li)
        let size = Int(msl.pointee.page_sz)
        let seg = (addr - UnsafeRawPointer(msl.pointee.base_va!)) / size
        guard MemsegLists.isUsed(msl, seg) else { return badIOVA }
        let ms = MemsegLists.segment(msl, seg)
        guard ms.pointee.iova != badIOVA else { return badIOVA }
        return ms.pointee.iova + rte_iova_t(addr - UnsafeRawPointer(ms.pointee.addr!))
    }

    /// Whether [addr, addr+length) is contiguous in IO addresses.
    static func isIovaContiguous(_ addr: UnsafeRawPointer, length: Int) -> Bool {
        guard let mem = MemConfig.mem else { return false }
        return contiguousIOVA(addr, length: length, in: mem)
    }

    /// Whether [addr, addr+length) lies in mapped EAL memory (every page of it used).
    /// No lock: for the malloc fast path's check of a pointer it was handed (only lists
    /// this process can read are looked at). It divides nothing: page sizes are powers
    /// of two.
    static func isMapped(_ addr: UnsafeRawPointer, length: Int) -> Bool {
        guard let mem = MemConfig.mem, length > 0, let li = MemsegLists.index(of: addr, in: mem) else { return false }
        let msl = MemConfig.list(mem, li)
        return isMapped(msl, offset: UInt(bitPattern: addr) &- UInt(bitPattern: msl.pointee.base_va), length: length)
    }

    @inline(__always)
    private static func isMapped(_ msl: UnsafeMutablePointer<rte_memseg_list>, offset: UInt, length: Int) -> Bool {
        guard offset &+ UInt(bitPattern: length) <= UInt(bitPattern: msl.pointee.len) else { return false }
        let shift = UInt(truncatingIfNeeded: msl.pointee.page_sz.trailingZeroBitCount)
        let first = Int(bitPattern: offset &>> shift)
        let last = Int(bitPattern: (offset &+ UInt(bitPattern: length) &- 1) &>> shift)
        if !MemsegLists.isUsed(msl, first) { return false }
        if last != first {
            for seg in (first + 1)...last where !MemsegLists.isUsed(msl, seg) { return false }
        }
        return true
    }

    // MARK: helpers (hotplug lock held)

    static func mappedBytes(socket: Int32, in mem: UnsafeMutablePointer<eal_mem_config>) -> Int {
        var total = 0
        for li in 0..<MemConfig.listCount {
            let msl = MemConfig.list(mem, li)
            guard msl.pointee.base_va != nil, msl.pointee.external == 0, msl.pointee.socket_id == socket else { continue }
            total += Int(msl.pointee.memseg_arr.count) * Int(msl.pointee.page_sz)
        }
        return total
    }

    static func contiguousIOVA(_ addr: UnsafeRawPointer, length: Int, in mem: UnsafeMutablePointer<eal_mem_config>) -> Bool {
        guard length > 0, let li = MemsegLists.index(of: addr, in: mem) else { return false }
        let msl = MemConfig.list(mem, li)
        let size = Int(msl.pointee.page_sz)
        let offset = addr - UnsafeRawPointer(msl.pointee.base_va!)
        guard offset + length <= msl.pointee.len else { return false }
        let first = offset / size, last = (offset + length - 1) / size
        guard MemsegLists.isUsed(msl, first) else { return false }
        var expect = MemsegLists.segment(msl, first).pointee.iova
        if expect == badIOVA { return false }
        for seg in first...last {
            guard MemsegLists.isUsed(msl, seg) else { return false }
            let iova = MemsegLists.segment(msl, seg).pointee.iova
            if iova != expect { return false }
            expect = iova &+ rte_iova_t(size)
        }
        return true
    }

    /// Whether newly mapped pages fit the DMA mask set with rte_mem_set_dma_mask (or
    /// narrowed by rte_mem_check_dma_mask).
    static func fitsDMAMask(list li: Int, first: Int, count: Int, in mem: UnsafeMutablePointer<eal_mem_config>) -> Bool {
        let bits = mem.pointee.dma_maskbits
        guard bits > 0, bits < 64 else { return true }
        let msl = MemConfig.list(mem, li)
        let mask = ~((UInt64(1) << UInt64(bits)) - 1)
        for seg in first..<(first + count) {
            let ms = MemsegLists.segment(msl, seg)
            if (ms.pointee.iova &+ UInt64(ms.pointee.len) &- 1) & mask != 0 { return false }
        }
        return true
    }
}
