import CEALShared
import CSwiftEAL
import Glibc

/// What rte_malloc.h's calls do once their arguments are checked: the lcore cache first,
/// the locked path behind it.
enum Malloc {
    /// Sizes beyond this never fit (and keep the arithmetic below far from overflow).
    static let maxSize = 1 << 47

    // MARK: allocate

    /// A block of `size` (>= 1) bytes aligned to `align` (a power of two, or 0).
    @inline(__always)
    static func allocate(_ size: Int, align: Int, socket: Int32) -> UnsafeMutableRawPointer? {
        if size <= HeapLayout.smallMax && align <= 64, let p = LcoreCache.alloc(size, socket: socket) { return p }
        return allocateSlow(size, align: align, socket: socket)
    }

    @inline(never)
    static func allocateSlow(_ size: Int, align: Int, socket: Int32) -> UnsafeMutableRawPointer? {
        guard let s = MallocState.shared, size > 0, size < maxSize else { return nil }
        if MallocState.meansAny(socket) {
            let first = MallocState.currentHeapIndex(in: s)
            if let p = allocate(on: Heap(s, first), size, align: align) { return p }
            for i in 0..<Int(s.pointee.nb_sockets) where i != first {
                if let p = allocate(on: Heap(s, i), size, align: align) { return p }
            }
            return nil
        }
        guard let i = MallocState.heapIndex(socket: socket, in: s) else { return nil }
        let heap = Heap(s, i)
        let p = allocate(on: heap, size, align: align)
        // DPDK's answer when an external heap (which cannot grow) has no room
        if p == nil && heap.isExternal { RteErrno.set(.EINVAL) }
        return p
    }

    /// From one heap, with its locks. An external heap holds elements only: its memory is
    /// the application's, often a few pages (a 64 KiB slab would not fit), and DPDK's
    /// users expect its blocks to behave as DPDK's elements do (rte_realloc grows one in
    /// place into the free space above it). A small request a slab cannot serve (no
    /// room for a new slab) still gets an element when one fits.
    static func allocate(on heap: Heap, _ size: Int, align: Int) -> UnsafeMutableRawPointer? {
        if size <= HeapLayout.smallMax && align <= 64 && !heap.isExternal {
            let hc = HeapClass(heap, SizeClass.of(size))
            hc.lock()
            let (b, _, _) = hc.take(1)
            hc.unlock()
            if let b {
                LcoreCache.flip(b)
                return b
            }
        }
        let req = FitRequest(usable: HeapLayout.roundUp(size, 64), align: max(align, 64))
        heap.lock()
        defer { heap.unlock() }
        return heap.alloc(req, state: EAL_HEAP_ST_BUSY)?.data
    }

    // MARK: free

    @inline(__always)
    static func free(_ p: UnsafeMutableRawPointer) {
        if UInt(bitPattern: p) & 63 == 0, isReadable(p) {
            let w = (p - 16).load(as: UInt64.self)
            if (p - 8).load(as: UInt64.self) == Tag.check(p, w) && Tag.stateByte(w) == EAL_HEAP_ST_SMALL_BUSY
                && LcoreCache.free(p, w) {
                return
            }
        }
        freeSlow(p)
    }

    /// Whether the 64 bytes before `p` can be read: inside the memory mapped at init
    /// (two compares), else as the memory subsystem says.
    @inline(__always)
    static func isReadable(_ p: UnsafeMutableRawPointer) -> Bool {
        let local = MallocState.local
        let a = UInt(bitPattern: p) &- 64
        return a &- local.pointee.fixed_lo < local.pointee.fixed_len || MemoryPages.isMapped(p - 64, length: 64)
    }

    @inline(never)
    static func freeSlow(_ p: UnsafeMutableRawPointer) {
        guard let s = MallocState.shared else { return }
        guard let block = inspect(p, s) else { return }
        switch block {
        case .small(let heap, let c, let w):
            if (p + SizeClass.size(c)).load(as: UInt64.self) != Tag.trailer(p) {
                return MallocReport.corrupt(p, "written past its end (trailer overwritten)")
            }
            LcoreCache.flip(p)
            let hc = HeapClass(heap, c)
            hc.lock()
            if !hc.give(p, back: Tag.back(w)) { LcoreCache.flip(p) }
            hc.unlock()
        case .large(let heap, let e):
            if !e.trailerOK { return MallocReport.corrupt(p, "written past its end (trailer overwritten)") }
            heap.lock()
            heap.freeElement(e)
            heap.unlock()
        }
    }

    enum Block {
        case small(Heap, Int, UInt64)
        case large(Heap, ElemPtr)
    }

    /// What `p` is, when it is a live block from rte_malloc; else reported and nil.
    static func inspect(_ p: UnsafeMutableRawPointer, _ s: UnsafeMutablePointer<eal_malloc_shared>,
                        report: Bool = true) -> Block? {
        func bad(_ why: String) -> Block? {
            if report { MallocReport.invalid(p, why) }
            return nil
        }
        guard UInt(bitPattern: p) & 63 == 0, isReadable(p) else {
            return bad("not a pointer into EAL memory")
        }
        guard let w = Tag.read(p) else { return bad("not the start of a block") }
        let h = Tag.heap(w)
        guard h < Int(RTE_MAX_HEAPS) else { return bad("not the start of a block") }
        let heap = Heap(s, h)
        switch Tag.state(w) {
        case EAL_HEAP_ST_SMALL_BUSY:
            let c = Tag.cls(w)
            guard c < HeapLayout.classCount else { return bad("not the start of a block") }
            return .small(heap, c, w)
        case EAL_HEAP_ST_BUSY:
            let e = ElemPtr.of(data: p)
            guard e.cookieOK else { return bad("header overwritten") }
            return .large(heap, e)
        case EAL_HEAP_ST_SMALL_FREE, EAL_HEAP_ST_FREE:
            return bad("already freed")
        case EAL_HEAP_ST_MEMZONE:
            return bad("a memzone's memory (rte_memzone_free frees it)")
        default:
            return bad("not a block")
        }
    }

    // MARK: validate, realloc

    /// The usable size of live block `p` with intact markers, else nil (nothing logged).
    /// A memzone's memory counts as a sound block too, as in DPDK.
    static func usableSize(_ p: UnsafeMutableRawPointer) -> Int? {
        guard let s = MallocState.shared, UInt(bitPattern: p) & 63 == 0, isReadable(p) else { return nil }
        if let w = Tag.read(p), Tag.state(w) == EAL_HEAP_ST_MEMZONE {
            let e = ElemPtr.of(data: p)
            return e.cookieOK && e.trailerOK ? e.usable : nil
        }
        guard let block = inspect(p, s, report: false) else { return nil }
        switch block {
        case .small(_, let c, let w):
            let slab = (p - (Tag.back(w) << 6)).assumingMemoryBound(to: eal_heap_slab.self)
            guard isReadable(UnsafeMutableRawPointer(slab) + 64),
                  slab.cookieOK, (p + SizeClass.size(c)).load(as: UInt64.self) == Tag.trailer(p) else { return nil }
            return SizeClass.size(c)
        case .large(_, let e):
            return e.trailerOK ? e.usable : nil
        }
    }

    /// rte_realloc_socket once `p` is known non-NULL and `size` non-zero.
    static func reallocate(_ p: UnsafeMutableRawPointer, size: Int, align: Int,
                           socket: Int32) -> UnsafeMutableRawPointer? {
        guard let s = MallocState.shared else { return nil }
        guard let block = inspect(p, s) else { return nil }
        guard size < maxSize else { return nil }
        let old: Int
        let heap: Heap
        switch block {
        case .small(let h, let c, _):
            heap = h
            old = SizeClass.size(c)
        case .large(let h, let e):
            heap = h
            old = e.usable
        }
        let here = MallocState.meansAny(socket) || socket == heap.socket
        if here && UInt(bitPattern: p) & UInt(align &- 1) == 0 {
            if case .small = block, size <= old { return p }
            if case .large(_, let e) = block {
                heap.lock()
                let ok = heap.resizeInPlace(e, usable: HeapLayout.roundUp(size, 64))
                heap.unlock()
                if ok { return p }
            }
        }
        guard let q = allocate(size, align: align, socket: socket) else { return nil }
        memcpy(q, p, min(old, size))
        free(p)
        return q
    }
}

extension UnsafeMutablePointer where Pointee == eal_heap_elem {
    /// The trailer cookie just after the usable bytes is intact.
    var trailerOK: Bool {
        let u = usable
        return u >= 0 && (data + u).load(as: UInt64.self) == Tag.trailer(data)
    }
}
