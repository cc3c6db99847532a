import CEALShared
import CSwiftEAL

// Large elements: carving a busy element out of a free one, freeing with merges, taking
// in memory and giving whole pages back. All with the heap's lock held.

/// What a request needs from one free element.
struct FitRequest {
    var usable: Int            // data bytes, a multiple of 64
    var align: Int = 64        // power of two >= 64
    var bound: Int = 0         // 0, or a power of two the data must not cross
    var contig: Bool = false   // IOVA-contiguous data
    var pageShifts: UInt64 = 0 // allowed page sizes (bit n: 2^n), 0 = any

    var elemSize: Int { usable &+ HeapLayout.overhead }
    var isPlain: Bool { align <= 64 && bound == 0 && !contig && pageShifts == 0 }
}

extension Heap {
    /// Writes the header of a free element [at, at+size) (links are the caller's).
    func writeFree(_ at: Int, size: Int, slot: Int, dynamic: Bool,
                   prev: ElemPtr?, next: ElemPtr?) -> ElemPtr {
        let e = ElemPtr.at(at)
        HeapJournal.save(e)
        e.pointee.cookie = Tag.elemMagic ^ UInt64(UInt(bitPattern: at))
        e.pointee.prev = prev
        e.pointee.next = next
        e.pointee.free_next = nil
        e.pointee.free_prev = nil
        e.pointee.size = UInt64(size)
        let st = EAL_HEAP_ST_FREE | (dynamic ? EAL_HEAP_ST_DYNAMIC : 0)
        Tag.write(e.data, Tag.word(back: 0, cls: slot, heap: index, state: st))
        return e
    }

    @inline(__always)
    func linkBetween(_ e: ElemPtr, _ prev: ElemPtr?, _ next: ElemPtr?) {
        HeapJournal.save(prev)
        HeapJournal.save(next)
        if let prev { prev.pointee.next = e } else { p.pointee.first = e }
        if let next { next.pointee.prev = e } else { p.pointee.last = e }
    }

    /// Whether `n` (the element after `e` in address order) can merge with it.
    @inline(__always)
    func mergeable(_ lowEnd: Int, _ n: ElemPtr, slot: Int, dynamic: Bool) -> Bool {
        n.state == EAL_HEAP_ST_FREE && n.start == lowEnd && n.slot == slot && n.isDynamic == dynamic
    }

    /// Where the data of `req` goes inside free element `f`, or nil when it does not fit.
    /// Data is placed as high as it can (the free rest stays below, under f's header).
    func position(in f: ElemPtr, _ req: FitRequest) -> Int? {
        let s = f.start, e = s &+ Int(f.pointee.size)
        guard Int(f.pointee.size) >= req.elemSize else { return nil }
        if req.pageShifts != 0 && req.pageShifts & (1 << UInt64(pageShift(slot: f.slot))) == 0 { return nil }
        var data = HeapLayout.roundDown(e &- 64 &- req.usable, req.align)
        let step = req.contig ? pageSize(slot: f.slot) : 0
        while data &- 64 >= s {
            if req.bound != 0 {
                let lastBound = HeapLayout.roundDown(data &+ req.usable &- 1, req.bound)
                if lastBound > data {
                    data = HeapLayout.roundDown(lastBound &- req.usable, req.align)
                    continue
                }
            }
            if req.contig && !MemoryPages.isIovaContiguous(HeapLayout.ptr(data), length: req.usable) {
                data = HeapLayout.roundDown(data &- step, req.align)
                continue
            }
            return data
        }
        return nil
    }

    /// Turns part of free element `f` into a busy element with data at `data` and at
    /// least `usable` bytes. Rests of 192 bytes or more stay free; smaller ones join the
    /// busy element (as its pad below, or as extra usable bytes above).
    func carve(_ f: ElemPtr, data: Int, usable want: Int, state: UInt32) -> ElemPtr {
        let s = f.start, e = s &+ Int(f.pointee.size)
        let slot = f.slot, dynamic = f.isDynamic
        let fPrev = f.pointee.prev, fNext = f.pointee.next
        let hdr = data &- 64
        var usable = want
        var tail = e &- (data &+ usable &+ 64)
        if tail < HeapLayout.minElem { usable &+= tail; tail = 0 }
        let front = hdr &- s
        removeFree(f)
        var below = fPrev
        var pad = front
        if front >= HeapLayout.minElem {
            f.pointee.size = UInt64(front)
            insertFree(f)
            below = f
            pad = 0
        }
        let b = ElemPtr.at(hdr)
        HeapJournal.save(b)
        HeapJournal.save(fNext)
        b.pointee.cookie = Tag.elemMagic ^ UInt64(UInt(bitPattern: hdr))
        b.pointee.free_next = nil
        b.pointee.free_prev = nil
        b.pointee.size = UInt64(pad &+ 64 &+ usable &+ 64)
        let st = state | (dynamic ? EAL_HEAP_ST_DYNAMIC : 0)
        Tag.write(b.data, Tag.word(back: pad >> 6, cls: slot, heap: index, state: st))
        HeapLayout.ptr(data &+ usable).storeBytes(of: Tag.trailer(HeapLayout.ptr(data)), as: UInt64.self)
        var above = fNext
        if tail > 0 {
            let t = writeFree(e &- tail, size: tail, slot: slot, dynamic: dynamic, prev: b, next: fNext)
            if let fNext { fNext.pointee.prev = t } else { p.pointee.last = t }
            insertFree(t)
            above = t
        }
        b.pointee.prev = below
        b.pointee.next = above
        linkBetween(b, below, above)
        if state == EAL_HEAP_ST_SLAB { p.pointee.slab_bytes &+= b.pointee.size } else { p.pointee.busy_count &+= 1 }
        return b
    }

    /// Frees busy element `b` (its tag already checked), merging it with free
    /// neighbours; returns the free element that now holds its bytes.
    @discardableResult
    func release(_ b: ElemPtr) -> ElemPtr {
        HeapJournal.save(b)
        let w = b.tagWord
        let slot = Tag.cls(w), dynamic = Tag.isDynamic(w)
        var start = b.start
        var size = Int(b.pointee.size)
        var below = b.pointee.prev, above = b.pointee.next
        if Tag.state(w) == EAL_HEAP_ST_SLAB { p.pointee.slab_bytes &-= UInt64(size) } else { p.pointee.busy_count &-= 1 }
        // the old tag must not look busy any more (a second free would trust it)
        Tag.write(b.data, Tag.word(back: 0, cls: slot, heap: index, state: EAL_HEAP_ST_FREE))
        if let n = above, mergeable(start &+ size, n, slot: slot, dynamic: dynamic) {
            removeFree(n)
            size &+= Int(n.pointee.size)
            above = n.pointee.next
        }
        if let pr = below, pr.state == EAL_HEAP_ST_FREE, pr.end == start, pr.slot == slot, pr.isDynamic == dynamic {
            removeFree(pr)
            start = pr.start
            size &+= Int(pr.pointee.size)
            below = pr.pointee.prev
        }
        let f = writeFree(start, size: size, slot: slot, dynamic: dynamic, prev: below, next: above)
        linkBetween(f, below, above)
        insertFree(f)
        return f
    }

    /// Takes in [base, base+length) as one free element, in address order, merged with
    /// free neighbours it touches.
    @discardableResult
    func addMemory(base: Int, length: Int, slot: Int, dynamic: Bool) -> ElemPtr {
        var below = p.pointee.last
        while let b = below, HeapLayout.addr(b) > base { below = b.pointee.prev }
        let above = below.map { $0.pointee.next } ?? p.pointee.first
        let e = writeFree(base, size: length, slot: slot, dynamic: dynamic, prev: below, next: above)
        linkBetween(e, below, above)
        // account for the bytes, then let the free path merge them (counted as busy for a moment)
        p.pointee.total_size &+= UInt64(length)
        if !dynamic { p.pointee.fixed_size &+= UInt64(length) }
        Tag.write(e.data, Tag.word(back: 0, cls: slot, heap: index,
                                   state: EAL_HEAP_ST_BUSY | (dynamic ? EAL_HEAP_ST_DYNAMIC : 0)))
        p.pointee.busy_count &+= 1
        return release(e)
    }

    /// Gives the whole pages inside free dynamic element `f` back to the kernel, keeping
    /// rests of at least an element's minimum at both ends. False when none could go.
    @discardableResult
    func releasePages(_ f: ElemPtr) -> Bool {
        guard f.isDynamic, f.state == EAL_HEAP_ST_FREE else { return false }
        let slot = f.slot, pg = pageSize(slot: slot)
        let s = f.start, e = s &+ Int(f.pointee.size)
        var a = HeapLayout.roundUp(s, pg), b = HeapLayout.roundDown(e, pg)
        if a > s && a &- s < HeapLayout.minElem { a &+= pg }
        if e > b && e &- b < HeapLayout.minElem { b &-= pg }
        guard b > a else { return false }
        let below = f.pointee.prev, above = f.pointee.next
        HeapJournal.save(below)
        HeapJournal.save(above)
        removeFree(f)
        // the heap lets go of [a, b) before the pages go: nothing in it points there
        // (nor in a journal: a secondary killed after this is not undone into pages
        // that are gone)
        var lo = below
        if a > s {
            let h = writeFree(s, size: a &- s, slot: slot, dynamic: true, prev: below, next: nil)
            if let below { below.pointee.next = h } else { p.pointee.first = h }
            insertFree(h)
            lo = h
        }
        var hi = above
        if e > b {
            let t = writeFree(b, size: e &- b, slot: slot, dynamic: true, prev: nil, next: above)
            if let above { above.pointee.prev = t } else { p.pointee.last = t }
            insertFree(t)
            hi = t
        }
        if let lo { lo.pointee.next = hi } else { p.pointee.first = hi }
        if let hi { hi.pointee.prev = lo } else { p.pointee.last = lo }
        p.pointee.total_size &-= UInt64(b &- a)
        HeapJournal.commit()
        let run = PageRun(base: HeapLayout.ptr(a), length: b &- a, pageSize: pg, socket: socket,
                          list: memsegList(slot: slot))
        do {
            try MemoryPages.free(run)
        } catch {
            // a secondary whose request failed half way (the primary unmapped them here,
            // then died or did not answer in time): the pages are gone all the same
            guard MemoryPages.isMapped(run.base, length: run.length) else { return true }
            ealLog(4, "Could not give back \(b - a) bytes of heap memory: \(error)")
            addMemory(base: a, length: b &- a, slot: slot, dynamic: true)
            return false
        }
        return true
    }

    /// Resizes busy element `e` to at least `want` usable bytes without moving it:
    /// a cut tail of an element's minimum or more goes back (merged with what follows),
    /// growth takes from a free neighbour just above. False when it cannot grow here.
    func resizeInPlace(_ e: ElemPtr, usable want: Int) -> Bool {
        let data = HeapLayout.addr(e.data)
        let cur = e.usable
        let slot = e.slot, dynamic = e.isDynamic
        HeapJournal.save(e)
        HeapJournal.save(e.pointee.next)
        if want <= cur {
            let cut = cur &- want
            guard cut >= HeapLayout.minElem else { return true }
            let next = e.pointee.next
            e.pointee.size &-= UInt64(cut)
            HeapLayout.ptr(data &+ want).storeBytes(of: Tag.trailer(e.data), as: UInt64.self)
            // the tail becomes a busy element for a moment, then takes the free path
            let t = writeFree(data &+ want &+ 64, size: cut, slot: slot, dynamic: dynamic, prev: e, next: next)
            linkBetween(t, e, next)
            Tag.write(t.data, Tag.word(back: 0, cls: slot, heap: index,
                                       state: EAL_HEAP_ST_BUSY | (dynamic ? EAL_HEAP_ST_DYNAMIC : 0)))
            p.pointee.busy_count &+= 1
            freeElement(t)
            return true
        }
        guard let n = e.pointee.next, mergeable(e.end, n, slot: slot, dynamic: dynamic),
              Int(n.pointee.size) >= want &- cur else { return false }
        removeFree(n)
        let after = n.pointee.next
        HeapJournal.save(after)
        let gained = Int(n.pointee.size)
        e.pointee.size &+= UInt64(gained)
        e.pointee.next = after
        if let after { after.pointee.prev = e } else { p.pointee.last = e }
        let excess = cur &+ gained &- want
        var usable = cur &+ gained
        if excess >= HeapLayout.minElem {
            e.pointee.size &-= UInt64(excess)
            usable = want
            let t = writeFree(data &+ want &+ 64, size: excess, slot: slot, dynamic: dynamic, prev: e, next: after)
            linkBetween(t, e, after)
            insertFree(t)
        }
        HeapLayout.ptr(data &+ usable).storeBytes(of: Tag.trailer(e.data), as: UInt64.self)
        return true
    }
}
