import CEALShared
import CSwiftEAL

/// One heap as the engine sees it: its C descriptor in shared memory, its index (what
/// tags record) and the shared block it belongs to. A value type over pointers: copying
/// it costs nothing and nothing is retained. Methods that change lists or elements
/// expect the heap's lock to be held.
struct Heap {
    let p: UnsafeMutablePointer<eal_heap>
    let index: Int
    let shared: UnsafeMutablePointer<eal_malloc_shared>

    init(_ shared: UnsafeMutablePointer<eal_malloc_shared>, _ index: Int) {
        self.shared = shared
        self.index = index
        p = eal_malloc_heap_at(shared, UInt32(index))
    }

    @inline(__always) func lock() { HeapJournal.lock(heap: self) }
    @inline(__always) func unlock() { HeapJournal.unlock(heap: self) }
    @inline(__always) func withLock<T>(_ body: () -> T) -> T {
        lock()
        defer { unlock() }
        return body()
    }

    var socket: Int32 { p.pointee.socket_id }
    var isExternal: Bool { p.pointee.external != 0 }

    /// log2 of the page size of the memory an element with origin `slot` lies in.
    @inline(__always) func pageShift(slot: Int) -> Int { Int(eal_malloc_slot_at(shared, UInt32(slot)).pointee.pgshift) }
    func pageSize(slot: Int) -> Int { 1 << pageShift(slot: slot) }
    func memsegList(slot: Int) -> Int32 { eal_malloc_slot_at(shared, UInt32(slot)).pointee.list }
}

// MARK: TLSF free lists: 4 lists per power of two, a bitmap per level.

extension Heap {
    /// First- and second-level list of a free element of `size` bytes (>= 128).
    @inline(__always)
    static func mapping(_ size: Int) -> (fl: Int, sl: Int) {
        let f = 63 &- size.leadingZeroBitCount
        return (f &- Int(EAL_HEAP_FL_MIN), (size >> (f &- 2)) & 3)
    }

    @inline(__always)
    func arena(_ dynamic: Bool) -> UnsafeMutablePointer<eal_heap_arena> {
        eal_heap_arena_at(p, dynamic ? 1 : 0)
    }

    @inline(__always)
    func listHead(_ a: UnsafeMutablePointer<eal_heap_arena>, _ fl: Int, _ sl: Int) -> UnsafeMutablePointer<ElemPtr?> {
        eal_heap_list_at(a, UInt32(fl &* Int(EAL_HEAP_SL_COUNT) &+ sl))
    }

    func insertFree(_ e: ElemPtr) {
        let size = Int(e.pointee.size)
        let a = arena(e.isDynamic)
        let (fl, sl) = Heap.mapping(size)
        let head = listHead(a, fl, sl)
        HeapJournal.save(e)
        HeapJournal.save(head.pointee)
        e.pointee.free_prev = nil
        e.pointee.free_next = head.pointee
        head.pointee?.pointee.free_prev = e
        head.pointee = e
        a.pointee.fl_bitmap |= 1 << UInt64(fl)
        eal_heap_sl_at(a, UInt32(fl)).pointee |= UInt8(1 << sl)
        p.pointee.free_size &+= UInt64(size)
        p.pointee.free_count &+= 1
    }

    func removeFree(_ e: ElemPtr) {
        let size = Int(e.pointee.size)
        let a = arena(e.isDynamic)
        let (fl, sl) = Heap.mapping(size)
        let head = listHead(a, fl, sl)
        HeapJournal.save(e)
        HeapJournal.save(e.pointee.free_next)
        HeapJournal.save(e.pointee.free_prev)
        if let n = e.pointee.free_next { n.pointee.free_prev = e.pointee.free_prev }
        if let pr = e.pointee.free_prev { pr.pointee.free_next = e.pointee.free_next } else { head.pointee = e.pointee.free_next }
        e.pointee.free_next = nil
        e.pointee.free_prev = nil
        if head.pointee == nil {
            let slb = eal_heap_sl_at(a, UInt32(fl))
            slb.pointee &= ~UInt8(1 << sl)
            if slb.pointee == 0 { a.pointee.fl_bitmap &= ~(1 << UInt64(fl)) }
        }
        p.pointee.free_size &-= UInt64(size)
        p.pointee.free_count &-= 1
    }

    /// A free element of at least `size` bytes in O(1): the head of the first non-empty
    /// list whose every element is big enough.
    func goodFit(_ a: UnsafeMutablePointer<eal_heap_arena>, _ size: Int) -> ElemPtr? {
        let f = 63 &- size.leadingZeroBitCount
        let rounded = size &+ (1 << (f &- 2)) &- 1
        var (fl, sl) = Heap.mapping(rounded)
        guard fl < Int(EAL_HEAP_FL_COUNT) else { return nil }
        var slMap = UInt32(eal_heap_sl_at(a, UInt32(fl)).pointee) & (~UInt32(0) << UInt32(sl))
        if slMap == 0 {
            guard fl &+ 1 < 64 else { return nil }
            let flMap = a.pointee.fl_bitmap & (~UInt64(0) << UInt64(fl &+ 1))
            if flMap == 0 { return nil }
            fl = flMap.trailingZeroBitCount
            slMap = UInt32(eal_heap_sl_at(a, UInt32(fl)).pointee)
        }
        sl = slMap.trailingZeroBitCount
        return listHead(a, fl, sl).pointee
    }

    /// Calls `body` with every free element of the arena that may hold `minSize` bytes
    /// (from the list `minSize` maps to, upward) until it returns true.
    func forEachFree(_ a: UnsafeMutablePointer<eal_heap_arena>, from minSize: Int,
                     _ body: (ElemPtr) -> Bool) {
        var (fl, sl) = Heap.mapping(max(minSize, 128))
        while fl < Int(EAL_HEAP_FL_COUNT) {
            let slMap = UInt32(eal_heap_sl_at(a, UInt32(fl)).pointee)
            while sl < Int(EAL_HEAP_SL_COUNT) {
                if slMap & (1 << UInt32(sl)) != 0 {
                    var e = listHead(a, fl, sl).pointee
                    while let cur = e {
                        e = cur.pointee.free_next
                        if body(cur) { return }
                    }
                }
                sl += 1
            }
            sl = 0
            fl += 1
            let rest = a.pointee.fl_bitmap & (fl < 64 ? ~UInt64(0) << UInt64(fl) : 0)
            if rest == 0 { return }
            fl = rest.trailingZeroBitCount
        }
    }
}
