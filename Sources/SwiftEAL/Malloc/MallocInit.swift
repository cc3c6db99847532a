import CEALShared
import CSwiftEAL
import Glibc

/// Init steps 5 and 7's shared part: where the heaps' C block lives, the socket heaps,
/// and their undo. Written only by init and cleanup.
enum MallocInit {
    /// The block of this process's EAL: in the memory config, which is the shared
    /// `config` or, under --no-shconf / --in-memory, a private copy of its layout.
    static func attachBlock() throws(Errno) -> UnsafeMutablePointer<eal_malloc_shared> {
        if let s = MallocState.shared { return s }
        guard let c = MemConfig.config else { throw .EFAULT }
        let s = (UnsafeMutableRawPointer(c) + MemoryLayout<eal_shared_config>.offset(of: \.malloc)!)
            .assumingMemoryBound(to: eal_malloc_shared.self)
        let local = MallocState.local
        local.pointee.shared = s
        local.pointee.caches = nil
        local.pointee.primary = EALState.processType == RTE_PROC_PRIMARY ? 1 : 0
        // a secondary can be killed while it holds a heap lock: the others undo its change
        local.pointee.journaling = local.pointee.primary == 0 ? 1 : 0
        local.pointee.any_socket = Runtime.config.noHuge ? 1 : 0
        return s
    }

    /// Drops this process's view.
    static func detachBlock() {
        let local = MallocState.local
        local.pointee.caches = nil
        local.pointee.fixed_len = 0
        local.pointee.journaling = 0
        local.pointee.shared = nil
    }

    /// NUMA nodes that have CPUs, ascending (node 0 when sysfs shows none): the sockets
    /// the socket heaps serve, in rte_socket_id_by_idx order.
    static func sockets() -> [Int32] {
        var found: [Int32] = []
        for node in 0..<Int(RTE_MAX_NUMA_NODES) {
            guard let dir = Sys.opendir(Topology.sysfsRoot + "/devices/system/node/node\(node)") else { continue }
            defer { closedir(dir) }
            while let ent = readdir(dir) {
                let isCPU = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                    raw.count > 3 && raw[0] == UInt8(ascii: "c") && raw[1] == UInt8(ascii: "p")
                        && raw[2] == UInt8(ascii: "u") && raw[3] >= UInt8(ascii: "0") && raw[3] <= UInt8(ascii: "9")
                }
                if isCPU {
                    found.append(Int32(node))
                    break
                }
            }
        }
        return found.isEmpty ? [0] : found
    }

    /// Step 7 in a primary: the socket heaps, empty caches, the memory mapped at init.
    static func initHeaps(_ s: UnsafeMutablePointer<eal_malloc_shared>, sockets: [Int32],
                          initialRuns: [PageRun], resizable: Bool) throws(Errno) {
        let n = min(sockets.count, Int(RTE_MAX_HEAPS))
        for i in 0..<Int(RTE_MAX_HEAPS) { eal_malloc_heap_at(s, UInt32(i)).pointee = eal_heap() }
        for i in 0..<n {
            let h = eal_malloc_heap_at(s, UInt32(i))
            ExternalHeaps.initHeap(h, socket: sockets[i], external: false)
            ExternalHeaps.setName(h, "socket_\(sockets[i])")
            h.pointee.resizable = resizable ? 1 : 0
        }
        s.pointee.nb_sockets = UInt32(n)
        s.pointee.next_socket_id = Int32(EAL_MALLOC_FIRST_EXT_SOCKET)
        for l in 0..<Int(RTE_MAX_LCORE) { LcoreCache.reset(eal_malloc_cache_at(s, UInt32(l))) }
        for run in initialRuns {
            let i = MallocState.heapIndex(socket: run.socket, in: s).flatMap { $0 < n ? $0 : nil } ?? 0
            guard let slot = HeapSlots.find(s, list: run.list, pageSize: run.pageSize, external: false) else {
                throw .ENOSPC
            }
            let heap = Heap(s, i)
            heap.lock()
            heap.addMemory(base: HeapLayout.addr(run.base), length: run.length, slot: slot, dynamic: false)
            heap.unlock()
        }
    }

    /// rte_eal_init's step 7.
    static func run() throws(Errno) {
        let s = try attachBlock()
        let local = MallocState.local
        if local.pointee.primary != 0 {
            let runs = MemoryPages.initialRuns()
            try initHeaps(s, sockets: sockets(), initialRuns: runs, resizable: MemoryPages.isDynamic)
            if let big = runs.max(by: { $0.length < $1.length }) {
                local.pointee.fixed_lo = UInt(bitPattern: big.base)
                local.pointee.fixed_len = UInt(big.length)
            }
            local.pointee.caches = eal_malloc_cache_at(s, 0)
        } else if s.pointee.nb_sockets == 0 {
            ealLog(4, "The primary has no malloc heaps")
            throw .EFAULT
        }
    }

    /// Step 7's undo. The primary empties the lcore caches (every lcore thread is gone
    /// by now) and gives the heaps' dynamic pages back; memory mapped at init is the
    /// memory subsystem's to release. A secondary only lets go.
    static func cleanup() {
        let local = MallocState.local
        guard let s = local.pointee.shared else { return }
        local.pointee.caches = nil
        local.pointee.fixed_len = 0
        guard local.pointee.primary != 0 else {
            HeapJournal.releaseAll(s)
            local.pointee.journaling = 0
            return
        }
        // secondaries still running keep the pages they mapped (their files stay until
        // they are gone, for the next primary to reclaim): they are not asked to follow
        MemoryRequests.unregister()
        for l in 0..<Int(RTE_MAX_LCORE) {
            let cache = eal_malloc_cache_at(s, UInt32(l))
            if cache.pointee.heap >= 0 { LcoreCache.flushAll(cache) }
        }
        for i in 0..<Int(RTE_MAX_HEAPS) {
            let heap = Heap(s, i)
            guard heap.p.pointee.in_use != 0 else { continue }
            releaseAll(heap)
            heap.p.pointee = eal_heap()
        }
        for i in 0..<Int(EAL_MALLOC_MAX_REGIONS) {
            let r = eal_malloc_region_at(s, UInt32(i))
            guard r.pointee.len != 0 else { continue }
            try? ExternalMemory.unregister(base: HeapLayout.ptr(Int(r.pointee.base)), length: Int(r.pointee.len))
            r.pointee = eal_malloc_region()
        }
        ExternalHeaps.attached.withLock { $0.removeAll() }
        for i in 0..<Int(EAL_MALLOC_MAX_SLOTS) { eal_malloc_slot_at(s, UInt32(i)).pointee = eal_malloc_slot() }
    }

    /// Gives every page the heap mapped after init back, used or not: each maximal run
    /// of dynamic elements from one origin is whole pages.
    static func releaseAll(_ heap: Heap) {
        guard heap.canResize else { return }
        var e = heap.p.pointee.first
        while let first = e {
            guard first.isDynamic else { e = first.pointee.next; continue }
            let slot = first.slot, start = first.start
            var end = first.end
            var cur = first.pointee.next
            while let c = cur, c.isDynamic, c.slot == slot, c.start == end {
                end = c.end
                cur = c.pointee.next
            }
            e = cur
            let run = PageRun(base: HeapLayout.ptr(start), length: end - start, pageSize: heap.pageSize(slot: slot),
                              socket: heap.socket, list: heap.memsegList(slot: slot))
            do { try MemoryPages.free(run) } catch { ealLog(4, "Could not give back heap memory at \(run.base): \(error)") }
        }
    }
}
