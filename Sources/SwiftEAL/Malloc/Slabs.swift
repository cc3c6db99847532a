import CEALShared
import CSwiftEAL

/// One size class of one heap: its slabs and their free blocks. Methods other than
/// lock/unlock expect the class lock held (they take the heap lock themselves, inside
/// it, to make or drop a slab).
struct HeapClass {
    let heap: Heap
    let c: Int
    let p: UnsafeMutablePointer<eal_heap_class>

    @inline(__always)
    init(_ heap: Heap, _ c: Int) {
        self.heap = heap
        self.c = c
        p = eal_heap_class_at(heap.p, UInt32(c))
    }

    @inline(__always) func lock() { HeapJournal.lock(heapClass: self) }
    @inline(__always) func unlock() { HeapJournal.unlock(heapClass: self) }

    /// Takes up to `want` blocks out of the slabs, tagged SMALL_FREE and linked through
    /// their first word (the last taken first). Blocks of a slab whose blocks bypass the
    /// caches come one at a time (`cacheable` false).
    func take(_ want: Int) -> (head: UnsafeMutableRawPointer?, count: Int, cacheable: Bool) {
        var head: UnsafeMutableRawPointer? = nil
        var n = 0
        let size = SizeClass.size(c)
        while n < want {
            // a batch that has blocks already stops at the end of the fixed-memory slabs:
            // it never makes a slab (or touches one in dynamic memory) it might leave empty
            let s: SlabPtr
            if let f = p.pointee.partial {
                s = f
            } else if n > 0 {
                break
            } else if let d = p.pointee.partial_dyn ?? newSlab() {
                s = d
            } else {
                break
            }
            let nocache = s.pointee.flags & UInt8(EAL_SLAB_NOCACHE) != 0
            let state = EAL_HEAP_ST_SMALL_FREE | (nocache ? EAL_HEAP_ST_NOCACHE : 0)
            let limit = nocache ? 1 : want &- n
            var got = 0
            HeapJournal.save(s)
            while got < limit {
                let b: UnsafeMutableRawPointer
                if let f = s.pointee.free {
                    HeapJournal.save(f)
                    HeapJournal.save(f - 64)
                    b = f
                    s.pointee.free = f.load(as: UnsafeMutableRawPointer?.self)
                    s.pointee.nfree &-= 1
                } else if s.pointee.carved < s.pointee.capacity {
                    b = s.blockData(Int(s.pointee.carved))
                    s.pointee.carved &+= 1
                    (b + size).storeBytes(of: Tag.trailer(b), as: UInt64.self)
                } else { break }
                let back = (HeapLayout.addr(b) &- HeapLayout.addr(s)) >> 6
                Tag.write(b, Tag.word(back: back, lines: size >> 6, cls: c, heap: heap.index, state: state))
                b.storeBytes(of: head, as: UnsafeMutableRawPointer?.self)
                head = b
                got &+= 1
            }
            if got == 0 { unlinkPartial(s); continue } // full yet listed: cannot happen, but never spin
            n &+= got
            s.pointee.out &+= UInt32(got)
            p.pointee.out &+= UInt64(got)
            if p.pointee.spare == s { p.pointee.spare = nil }
            if s.pointee.free == nil && s.pointee.carved == s.pointee.capacity { unlinkPartial(s) }
            if nocache { return (head, n, false) }
        }
        return (head, n, true)
    }

    /// Returns block `b` (tag already SMALL_FREE) to its slab. False when the slab's
    /// header is not sound (the block is then left out of every list).
    @discardableResult
    func give(_ b: UnsafeMutableRawPointer, back: Int) -> Bool {
        let s = (b - (back << 6)).assumingMemoryBound(to: eal_heap_slab.self)
        guard s.cookieOK, Int(s.pointee.cls) == c else {
            MallocReport.corrupt(b, "slab header overwritten")
            return false
        }
        HeapJournal.save(s)
        HeapJournal.save(b)
        b.storeBytes(of: s.pointee.free, as: UnsafeMutableRawPointer?.self)
        s.pointee.free = b
        s.pointee.nfree &+= 1
        s.pointee.out &-= 1
        p.pointee.out &-= 1
        if s.pointee.flags & UInt8(EAL_SLAB_PARTIAL) == 0 { linkPartial(s) }
        if s.pointee.out == 0 { emptied(s) }
        return true
    }

    /// A slab with nothing out: kept as the class's spare when it is in fixed memory
    /// and there is none yet, else its memory goes back to the heap.
    private func emptied(_ s: SlabPtr) {
        if s.pointee.flags & UInt8(EAL_SLAB_DYNAMIC) == 0 && p.pointee.spare == nil {
            p.pointee.spare = s
            return
        }
        drop(s)
    }

    /// Gives an empty slab back to the heap.
    func drop(_ s: SlabPtr) {
        if p.pointee.spare == s { p.pointee.spare = nil }
        unlinkPartial(s)
        p.pointee.capacity &-= UInt64(s.pointee.capacity)
        p.pointee.nslabs &-= 1
        HeapJournal.save(s)
        s.pointee.cookie = 0
        let e = ElemPtr.of(data: UnsafeMutableRawPointer(s))
        heap.lock()
        heap.freeElement(e)
        heap.unlock()
    }

    /// Drops the spare slab (heap destroy, memory remove, cleanup).
    func trim() {
        if let s = p.pointee.spare, s.pointee.out == 0 { drop(s) }
    }

    private func newSlab() -> SlabPtr? {
        let cap = SizeClass.capacity(c)
        heap.lock()
        let e = heap.alloc(FitRequest(usable: SizeClass.slabDataSize(c)), state: EAL_HEAP_ST_SLAB)
        let hasFixed = heap.p.pointee.fixed_size > 0
        heap.unlock()
        guard let e else { return nil }
        let s = e.data.assumingMemoryBound(to: eal_heap_slab.self)
        s.pointee = eal_heap_slab()
        s.pointee.cookie = Tag.slabMagic ^ UInt64(UInt(bitPattern: s))
        s.pointee.capacity = UInt32(cap)
        s.pointee.cls = UInt16(c)
        s.pointee.heap = UInt8(heap.index)
        s.pointee.stride = UInt32(SizeClass.stride(c))
        var flags: UInt32 = 0
        if e.isDynamic {
            flags |= EAL_SLAB_DYNAMIC
            // beside memory that stays, blocks of memory that can go back skip the caches,
            // so that freeing everything gives every dynamic page back
            if hasFixed { flags |= EAL_SLAB_NOCACHE }
        }
        s.pointee.flags = UInt8(flags)
        linkPartial(s)
        p.pointee.capacity &+= UInt64(cap)
        p.pointee.nslabs &+= 1
        return s
    }

    @inline(__always)
    private func partialHead(_ s: SlabPtr) -> UnsafeMutablePointer<SlabPtr?> {
        eal_heap_class_partial(p, s.pointee.flags & UInt8(EAL_SLAB_DYNAMIC) != 0 ? 1 : 0)
    }

    private func linkPartial(_ s: SlabPtr) {
        let head = partialHead(s)
        HeapJournal.save(s)
        HeapJournal.save(head.pointee)
        s.pointee.prev = nil
        s.pointee.next = head.pointee
        head.pointee?.pointee.prev = s
        head.pointee = s
        s.pointee.flags |= UInt8(EAL_SLAB_PARTIAL)
    }

    private func unlinkPartial(_ s: SlabPtr) {
        guard s.pointee.flags & UInt8(EAL_SLAB_PARTIAL) != 0 else { return }
        let head = partialHead(s)
        HeapJournal.save(s)
        HeapJournal.save(s.pointee.next)
        HeapJournal.save(s.pointee.prev)
        if let n = s.pointee.next { n.pointee.prev = s.pointee.prev }
        if let pr = s.pointee.prev { pr.pointee.next = s.pointee.next } else { head.pointee = s.pointee.next }
        s.pointee.next = nil
        s.pointee.prev = nil
        s.pointee.flags &= ~UInt8(EAL_SLAB_PARTIAL)
    }
}
