import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// Steps 4 and 6 of the init sequence in a primary: hugepage discovery, the memseg
/// lists, and the memory mapped at init (-m / --socket-mem, --legacy-mem, --no-huge).
enum MemoryInit {
    /// What discovery found, kept between the two steps of one init.
    static var discovered: [HugepageSize] {
        get { discoveredStorage.withLock { $0 } }
        set { discoveredStorage.withLock { $0 = newValue } }
    }
    private static let discoveredStorage = Mutex<[HugepageSize]>([])

    /// NUMA nodes with CPUs, as signed socket ids; node 0 when sysfs shows none.
    static func sockets() -> [Int32] {
        let s = Topology.read().sockets.map { Int32($0) }
        return s.isEmpty ? [0] : s
    }

    /// Step 4: the usable hugepage sizes, published for secondaries; leftover page files
    /// of dead processes of this prefix removed. Nothing to do with --no-huge.
    static func discoverHugepages(_ config: InternalConfig) throws(Errno) -> () -> Void {
        discovered = []
        if config.noHuge { return {} }
        let request = HugepageDiscovery.Request(
            hugeDir: config.hugeDir, inMemory: config.inMemory,
            legacy: config.legacyMem, nodes: sockets().map { UInt32($0) })
        let sizes = try HugepageDiscovery.discover(request)
        if config.unlinkExisting && !config.inMemory {
            for s in sizes { if let dir = s.directory { HugepageFiles.clearUnused(directory: dir, prefix: config.filePrefix) } }
        }
        discovered = sizes
        guard Runtime.sharesConfig, let path = Runtime.path("hugepage_info") else { return { discovered = [] } }
        let infoPath = path
        try HugepageFiles.publish(sizes, path: infoPath)
        return {
            discovered = []
            _ = infoPath.withCString { unlink($0) }
        }
    }

    /// Step 6: memseg lists and the memory mapped at init. Throws ENOMEM (with DPDK's
    /// "Not enough memory available ..." first) when the request cannot be met.
    static func initMemory(_ config: InternalConfig) throws(Errno) -> () -> Void {
        guard let mem = MemConfig.mem, let cfg = MemConfig.config else { throw .EFAULT }
        mem.pointee.nchannel = config.memoryChannels
        mem.pointee.nrank = config.memoryRanks
        cfg.pointee.legacy_mem = config.legacyMem ? 1 : 0
        cfg.pointee.single_file_segments = config.singleFileSegments ? 1 : 0
        let undo = { () -> Void in
            MemoryPages.dynamic = false
            MemoryPages.sizes = []
            MemoryPages.socketLimit = []
            releaseAll(mem)
        }
        do throws(Errno) {
            if config.noHuge {
                try mapAnonymous(config, mem)
            } else {
                try mapHugepages(config, mem)
            }
        } catch {
            undo()
            throw error
        }
        return undo
    }

    // MARK: --no-huge

    /// One list of 4 kB pages from a memfd, all mapped now: DPDK's "nohugemem".
    private static func mapAnonymous(_ config: InternalConfig, _ mem: UnsafeMutablePointer<eal_mem_config>) throws(Errno) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // -m -5 (atoi's negative int, as DPDK reads it) asks for nearly 2^64 bytes
        let megabytes = config.memoryMB == 0 ? 64 : Int(exactly: config.memoryMB) ?? Int.max
        let (length, ovf) = megabytes.multipliedReportingOverflow(by: 1 << 20)
        guard !ovf, length / page <= Int(Int32.max) else {
            ealLog(4, "Cannot allocate memseg list: \(Errno.EINVAL)") // DPDK's words for this case
            throw .ENOMEM
        }
        mem.pointee.backend = EAL_PAGES_ANONYMOUS.rawValue
        pageFiles.withLock { $0 = PageFileTable(); $0.backing.kind = EAL_PAGES_ANONYMOUS }
        try MemsegLists.create(index: 0, in: mem, name: "nohugemem", pageSize: page, socket: 0,
                               segments: length / page, hint: nextAddress(config))
        let msl = MemConfig.list(mem, 0)
        let fd = Sys.memfdCreate("nohuge", 1 /* MFD_CLOEXEC */)
        guard fd >= 0 else { throw Errno.current }
        guard Sys.ftruncate(fd, off_t(length)) == 0,
              Sys.mmap(msl.pointee.base_va, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == msl.pointee.base_va
        else {
            let e = Errno.current
            Glibc.close(fd)
            throw e
        }
        pageFiles.withLock { $0.lists[0].listFd = fd }
        mem.pointee.anon_fd = fd
        let base = msl.pointee.base_va!
        let segs = length / page
        for i in 0..<segs {
            let ms = MemsegLists.segment(msl, i)
            ms.pointee = rte_memseg()
            ms.pointee.addr = base + i * page
            ms.pointee.iova = EALState.iovaMode == RTE_IOVA_VA ? rte_iova_t(UInt(bitPattern: base + i * page)) : badIOVA
            ms.pointee.len = page
            ms.pointee.hugepage_sz = UInt64(page)
        }
        FBArrayLayout.markAllUsed(&msl.pointee.memseg_arr)
        MemoryPages.sizes = [page]
        MemoryPages.dynamic = false
    }

    // MARK: hugepages

    private static func mapHugepages(_ config: InternalConfig, _ mem: UnsafeMutablePointer<eal_mem_config>) throws(Errno) {
        let sizes = discovered
        let sockets = sockets()
        var backing = PageBacking()
        backing.kind = config.inMemory ? EAL_PAGES_MEMFD
            : config.singleFileSegments ? EAL_PAGES_FILE_PER_LIST : EAL_PAGES_FILE_PER_PAGE
        backing.memfdPerList = config.inMemory && config.singleFileSegments
        backing.prefix = config.filePrefix
        for s in sizes { if let d = s.directory { backing.directories[s.pageSize] = d } }
        backing.unlinkBeforeMapping = config.unlinkBeforeMapping
        backing.unlinkExisting = config.unlinkExisting
        backing.numaNodes = sockets.count
        pageFiles.withLock { $0 = PageFileTable(); $0.backing = backing }
        mem.pointee.backend = backing.kind.rawValue

        let plan = try planPreallocation(config, sizes: sizes, sockets: sockets)
        var hint = nextAddress(config)
        if config.legacyMem {
            // only the lists that hold what is mapped now: legacy memory never grows
            var slot = 0
            for (socket, pages) in plan.sorted(by: { $0.key < $1.key }) {
                for (size, count) in pages.sorted(by: { $0.key > $1.key }) where count > 0 {
                    for spec in MemsegLayout.staticLists(pageSize: size, socket: socket, pages: count) {
                        hint = try MemsegLists.create(index: slot, in: mem, name: spec.name, pageSize: size, socket: socket,
                                                      segments: spec.segments, hint: hint)
                        slot += 1
                    }
                }
            }
        } else {
            let specs = try MemsegLayout.dynamicLists(pageSizes: sizes.map(\.pageSize), sockets: sockets)
            for (slot, spec) in specs.enumerated() {
                hint = try MemsegLists.create(index: slot, in: mem, name: spec.name, pageSize: spec.pageSize,
                                              socket: spec.socket, segments: spec.segments, hint: hint)
            }
        }
        let flags = config.legacyMem ? 0 : memsegFlagDoNotFree
        for (socket, pages) in plan {
            for (size, count) in pages where count > 0 {
                try mapIntoLists(count: count, pageSize: size, socket: socket, flags: flags, mem)
            }
        }
        if config.legacyMem && EALState.iovaMode == RTE_IOVA_PA && backing.kind != EAL_PAGES_FILE_PER_LIST
            && !backing.memfdPerList {
            for li in 0..<MemConfig.listCount where MemConfig.list(mem, li).pointee.base_va != nil {
                try LegacyLayout.sortByIOVA(list: li, in: mem)
            }
        }
        MemoryPages.sizes = sizes.map(\.pageSize)
        MemoryPages.dynamic = !config.legacyMem
        MemoryPages.socketLimit = config.socketLimit.map { Int($0) << 20 }
    }

    /// Maps `count` pages into the lists of (size, socket), filling each list from its
    /// first free segment.
    private static func mapIntoLists(count: Int, pageSize: Int, socket: Int32, flags: UInt32,
                                     _ mem: UnsafeMutablePointer<eal_mem_config>) throws(Errno) {
        var left = count
        for li in 0..<MemConfig.listCount where left > 0 {
            let msl = MemConfig.list(mem, li)
            guard msl.pointee.base_va != nil, msl.pointee.page_sz == UInt64(pageSize), msl.pointee.socket_id == socket
            else { continue }
            let first = rte_fbarray_find_next_free(&msl.pointee.memseg_arr, 0)
            guard first >= 0 else { continue }
            let room = Int(msl.pointee.memseg_arr.len) - Int(first)
            let n = min(left, room)
            try PageMapper.map(list: li, first: Int(first), count: n, in: mem, flags: flags, iovaMode: EALState.iovaMode)
            left -= n
        }
        if left > 0 {
            ealLog(4, "Cannot fit \(count) pages of \(pageSize >> 10) kB in the memseg lists of socket \(socket) (RTE_MAX_MEMSEG_PER_LIST, RTE_MAX_MEM_MB_PER_LIST)")
            throw .ENOMEM
        }
    }

    /// Pages to map now: socket -> (page size -> count). -m spreads over the sockets that
    /// run lcores; --socket-mem names each socket's share; --legacy-mem without either
    /// takes every free page. Largest pages first, the rest rounded up in the smallest.
    static func planPreallocation(_ config: InternalConfig, sizes: [HugepageSize], sockets: [Int32],
                                  log: (UInt32, String) -> Void = { ealLog($0, $1) }) throws(Errno) -> [Int32: [Int: Int]] {
        var want: [Int32: Int] = [:]
        func available(_ s: Int32) -> Int {
            sizes.reduce(0) { $0 + (Int(s) < $1.freePages.count ? Int($1.freePages[Int(s)]) * $1.pageSize : 0) }
        }
        if !config.socketMem.isEmpty {
            for (i, mb) in config.socketMem.enumerated() where mb > 0 {
                let socket = Int32(i)
                let bytes = Int(mb) << 20
                if !sockets.contains(socket) || available(socket) < bytes {
                    log(4, "Not enough memory available on socket \(socket)! Requested: \(mb)MB, available: \(available(socket) >> 20)MB")
                    throw .ENOMEM
                }
                want[socket] = bytes
            }
        } else if config.memoryMB > 0 || config.legacyMem {
            let total = sockets.reduce(0) { $0 + available($1) }
            // DPDK's byte count wraps as ours (-m -5 is 2^64 - 5 MB) and prints its
            // megabytes as an unsigned int
            let requested = config.memoryMB &<< 20
            let bytes = config.memoryMB > 0 ? Int(clamping: requested) : total
            if bytes > total {
                log(4, "Not enough memory available! Requested: \(UInt32(truncatingIfNeeded: requested >> 20))MB, available: \(total >> 20)MB")
                throw .ENOMEM
            }
            var left = bytes
            for s in sockets where left > 0 {
                let take = min(left, available(s))
                want[s] = take
                left -= take
            }
        }
        var plan: [Int32: [Int: Int]] = [:]
        for (socket, bytes) in want {
            var left = bytes
            var pages: [Int: Int] = [:]
            let fitting = sizes.filter { Int(socket) < $0.freePages.count && $0.freePages[Int(socket)] > 0 }
            for s in fitting where left >= s.pageSize {
                let n = min(left / s.pageSize, Int(s.freePages[Int(socket)]))
                pages[s.pageSize] = n
                left -= n * s.pageSize
            }
            if left > 0, let smallest = fitting.last {
                let n = (left + smallest.pageSize - 1) / smallest.pageSize
                let have = Int(smallest.freePages[Int(socket)]) - (pages[smallest.pageSize] ?? 0)
                guard n <= have else {
                    log(4, "Not enough memory available on socket \(socket)! Requested: \(bytes >> 20)MB, available: \(available(socket) >> 20)MB")
                    throw .ENOMEM
                }
                pages[smallest.pageSize, default: 0] += n
            }
            plan[socket] = pages
        }
        return plan
    }

    /// Where the memseg lists start: --base-virtaddr, or just past the shared config.
    private static func nextAddress(_ config: InternalConfig) -> UInt {
        if config.baseVirtaddr != 0 { return UInt(config.baseVirtaddr) }
        if let c = MemConfig.config {
            return UInt(bitPattern: c) + UInt(MemoryLayout<eal_shared_config>.size)
        }
        return UInt(SharedConfig.defaultBaseAddress)
    }

    /// Unmaps every page and list, closes and removes the page files this process holds.
    static func releaseAll(_ mem: UnsafeMutablePointer<eal_mem_config>) {
        MemConfig.withWriteLock {
            for li in 0..<MemConfig.listCount {
                let msl = MemConfig.list(mem, li)
                guard msl.pointee.base_va != nil else { continue }
                if msl.pointee.external == 0 {
                    let n = Int(msl.pointee.memseg_arr.len)
                    var seg = 0
                    while seg < n {
                        let start = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, UInt32(seg))
                        guard start >= 0 else { break }
                        let len = Int(rte_fbarray_find_contig_used(&msl.pointee.memseg_arr, UInt32(start)))
                        PageMapper.unmapPages(list: li, first: Int(start), count: len, in: mem, record: false)
                        seg = Int(start) + max(len, 1)
                    }
                }
                pageFiles.withLock { $0.closeList(li) }
                MemsegLists.destroy(index: li, in: mem)
            }
            pageFiles.withLock { $0.retryDeferred(last: true) }
        }
    }
}
