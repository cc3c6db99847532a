import CEALShared
import CSwiftEAL

// Large allocations: find a free element (fixed memory first), else grow the heap
// through the memory subsystem and try again. Frees give whole dynamic pages back.

extension Heap {
    /// Whether this process may map more memory for the heap or unmap its free pages:
    /// the primary, for socket heaps when memory is dynamic (not --legacy-mem or
    /// --no-huge: `resizable` is set at init); secondaries too, by asking the primary over
    /// rte_mp (MemoryRequests), when they can.
    var canResize: Bool {
        p.pointee.resizable != 0
            && (eal_malloc_local_ptr().pointee.primary != 0 || MemoryRequests.registered.load(ordering: .relaxed))
    }

    /// A busy element for `req` from memory the heap already has, or nil.
    func allocExisting(_ req: FitRequest, state: UInt32) -> ElemPtr? {
        if req.isPlain {
            for dyn in 0..<2 {
                if let f = goodFit(arena(dyn == 1), req.elemSize) {
                    let data = f.start &+ Int(f.pointee.size) &- 64 &- req.usable
                    return carve(f, data: data, usable: req.usable, state: state)
                }
            }
        }
        // exact, aligned, bounded, contiguous or page-size-bound fits: look at each
        for dyn in 0..<2 {
            var found: (ElemPtr, Int)? = nil
            forEachFree(arena(dyn == 1), from: req.elemSize) { f in
                if let d = position(in: f, req) { found = (f, d); return true }
                return false
            }
            if let (f, d) = found { return carve(f, data: d, usable: req.usable, state: state) }
        }
        return nil
    }

    /// allocExisting, growing the heap once when that fails and it may.
    func alloc(_ req: FitRequest, state: UInt32, grow: Bool = true) -> ElemPtr? {
        if let b = allocExisting(req, state: state) { return b }
        guard grow, canResize, self.grow(for: req) else { return nil }
        return allocExisting(req, state: state)
    }

    /// Maps enough pages for `req` (smallest allowed page size first) and adds them.
    func grow(for req: FitRequest) -> Bool {
        let sizes = MemoryPages.pageSizes().sorted()
        for pg in sizes {
            let shift = pg.trailingZeroBitCount
            if req.pageShifts != 0 && req.pageShifts & (1 << UInt64(shift)) == 0 { continue }
            let slack = req.align > pg ? req.align : (req.align > 64 ? req.align : 0)
            let (need, o1) = req.elemSize.addingReportingOverflow(slack)
            guard !o1, need < Int.max - pg else { continue }
            let count = HeapLayout.roundUp(need, pg) / pg
            let run: PageRun
            do {
                run = try MemoryPages.allocate(count: count, pageSize: pg, socket: socket, iovaContiguous: req.contig)
            } catch { continue }
            guard let slot = HeapSlots.find(shared, list: run.list, pageSize: run.pageSize, external: false) else {
                try? MemoryPages.free(run)
                return false
            }
            addMemory(base: HeapLayout.addr(run.base), length: run.length, slot: slot, dynamic: true)
            return true
        }
        return false
    }

    /// Frees busy element `b` and gives back the whole dynamic pages that became free.
    func freeElement(_ b: ElemPtr) {
        let f = release(b)
        if f.isDynamic && canResize && Int(f.pointee.size) >= pageSize(slot: f.slot) { releasePages(f) }
    }

    /// The most `req` could get from one free element (align/contig/page-size bound),
    /// without mapping anything: memzones of length 0.
    func biggest(_ req: FitRequest) -> (ElemPtr, data: Int, usable: Int)? {
        var best: (ElemPtr, Int, Int)? = nil
        for dyn in 0..<2 {
            forEachFree(arena(dyn == 1), from: HeapLayout.minElem) { f in
                if req.pageShifts != 0 && req.pageShifts & (1 << UInt64(pageShift(slot: f.slot))) == 0 { return false }
                let s = f.start, e = s &+ Int(f.pointee.size)
                let data = HeapLayout.roundUp(s &+ 64, req.align)
                var usable = HeapLayout.roundDown(e &- 64 &- data, 64)
                guard usable > 0 else { return false }
                if req.contig { usable = contiguousPrefix(data, usable, pageSize(slot: f.slot)) }
                if usable > (best?.2 ?? 0) { best = (f, data, usable) }
                return false
            }
        }
        return best
    }

    /// How much of [data, data+length) from its start is IOVA-contiguous.
    private func contiguousPrefix(_ data: Int, _ length: Int, _ pg: Int) -> Int {
        if MemoryPages.isIovaContiguous(HeapLayout.ptr(data), length: length) { return length }
        var ok = min(length, HeapLayout.roundUp(data &+ 1, pg) &- data)
        while ok < length {
            let next = min(length, ok &+ pg)
            if !MemoryPages.isIovaContiguous(HeapLayout.ptr(data), length: next) { break }
            ok = next
        }
        return HeapLayout.roundDown(ok, 64)
    }
}

/// The origins of heap memory (memseg lists, external regions): tags name them by slot.
enum HeapSlots {
    /// The slot of (list, page size), made on first use. External regions always get a
    /// slot of their own, so their memory never merges with anything else.
    static func find(_ s: UnsafeMutablePointer<eal_malloc_shared>, list: Int32, pageSize: Int,
                     external: Bool) -> Int? {
        HeapJournal.lock(plain: &s.pointee.slots_lock, s)
        defer { HeapJournal.unlock(plain: &s.pointee.slots_lock, s) }
        let shift = UInt8(pageSize.trailingZeroBitCount)
        var free: Int? = nil
        for i in 0..<Int(EAL_MALLOC_MAX_SLOTS) {
            let e = eal_malloc_slot_at(s, UInt32(i))
            if e.pointee.in_use == 0 {
                if free == nil { free = i }
                continue
            }
            if !external && e.pointee.external == 0 && e.pointee.list == list && e.pointee.pgshift == shift { return i }
        }
        guard let i = free else { return nil }
        let e = eal_malloc_slot_at(s, UInt32(i))
        e.pointee.list = list
        e.pointee.pgshift = shift
        e.pointee.external = external ? 1 : 0
        e.pointee.in_use = 1
        return i
    }

    static func release(_ s: UnsafeMutablePointer<eal_malloc_shared>, _ slot: Int) {
        HeapJournal.lock(plain: &s.pointee.slots_lock, s)
        defer { HeapJournal.unlock(plain: &s.pointee.slots_lock, s) }
        eal_malloc_slot_at(s, UInt32(slot)).pointee = eal_malloc_slot()
    }
}
