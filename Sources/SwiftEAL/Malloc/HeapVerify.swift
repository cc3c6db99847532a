import CEALShared
import CSwiftEAL

/// A full consistency check of one heap (with its locks taken): what the model tests
/// assert after every step. Returns what is wrong, nothing when the heap is sound.
extension Heap {
    func verify() -> [String] {
        var bad: [String] = []
        lock()
        defer { unlock() }
        var total = 0, free = 0, freeCount = 0, busy = 0, slabBytes = 0
        var prev: ElemPtr? = nil
        var e = p.pointee.first
        var steps = 0
        while let cur = e {
            steps += 1
            if steps > 10_000_000 { bad.append("element list loops"); break }
            let a = HeapLayout.addr(cur)
            if !cur.cookieOK { bad.append("element \(a): header cookie") }
            guard let w = Tag.read(cur.data) else { bad.append("element \(a): tag"); break }
            if Tag.heap(w) != index { bad.append("element \(a): heap \(Tag.heap(w))") }
            if cur.pointee.prev != prev { bad.append("element \(a): prev link") }
            if let prev, prev.end > cur.start { bad.append("element \(a): overlaps the one below") }
            if let prev, prev.end == cur.start, prev.state == EAL_HEAP_ST_FREE, cur.state == EAL_HEAP_ST_FREE,
               prev.slot == cur.slot, prev.isDynamic == cur.isDynamic {
                bad.append("element \(a): two free neighbours not merged")
            }
            let size = Int(cur.pointee.size)
            if size < HeapLayout.minElem || size % 64 != 0 || cur.start % 64 != 0 { bad.append("element \(a): size \(size)") }
            total += size
            switch Tag.state(w) {
            case EAL_HEAP_ST_FREE:
                free += size
                freeCount += 1
                if Tag.back(w) != 0 { bad.append("free element \(a) has a pad") }
                if !inFreeList(cur) { bad.append("free element \(a) not in its list") }
            case EAL_HEAP_ST_BUSY, EAL_HEAP_ST_MEMZONE:
                busy += 1
                if !cur.trailerOK { bad.append("busy element \(a): trailer") }
            case EAL_HEAP_ST_SLAB:
                slabBytes += size
                if !cur.trailerOK { bad.append("slab element \(a): trailer") }
            default:
                bad.append("element \(a): state \(Tag.state(w))")
            }
            prev = cur
            e = cur.pointee.next
        }
        if p.pointee.last != prev { bad.append("last link") }
        if total != Int(p.pointee.total_size) { bad.append("total \(total) != \(p.pointee.total_size)") }
        if free != Int(p.pointee.free_size) { bad.append("free \(free) != \(p.pointee.free_size)") }
        if freeCount != Int(p.pointee.free_count) { bad.append("free count \(freeCount) != \(p.pointee.free_count)") }
        if busy != Int(p.pointee.busy_count) { bad.append("busy count \(busy) != \(p.pointee.busy_count)") }
        if slabBytes != Int(p.pointee.slab_bytes) { bad.append("slab bytes \(slabBytes) != \(p.pointee.slab_bytes)") }
        var listed = 0
        for dyn in 0..<2 {
            let a = arena(dyn == 1)
            for fl in 0..<Int(EAL_HEAP_FL_COUNT) {
                for sl in 0..<Int(EAL_HEAP_SL_COUNT) {
                    var f = listHead(a, fl, sl).pointee
                    let bit = eal_heap_sl_at(a, UInt32(fl)).pointee & UInt8(1 << sl) != 0
                    if bit != (f != nil) { bad.append("bitmap of list \(fl).\(sl)") }
                    while let cur = f {
                        listed += 1
                        let (mfl, msl) = Heap.mapping(Int(cur.pointee.size))
                        if mfl != fl || msl != sl || cur.isDynamic != (dyn == 1) || cur.state != EAL_HEAP_ST_FREE {
                            bad.append("element \(HeapLayout.addr(cur)) in the wrong list")
                        }
                        f = cur.pointee.free_next
                    }
                }
                let flBit = a.pointee.fl_bitmap & (1 << UInt64(fl)) != 0
                if flBit != (eal_heap_sl_at(a, UInt32(fl)).pointee != 0) { bad.append("first-level bit \(fl)") }
            }
        }
        if listed != freeCount { bad.append("\(listed) listed free elements, \(freeCount) in the heap") }
        return bad
    }

    private func inFreeList(_ e: ElemPtr) -> Bool {
        let (fl, sl) = Heap.mapping(Int(e.pointee.size))
        var f = listHead(arena(e.isDynamic), fl, sl).pointee
        while let cur = f {
            if cur == e { return true }
            f = cur.pointee.free_next
        }
        return false
    }

    /// Slab counts against the class totals (class locks taken).
    func verifySlabs() -> [String] {
        var bad: [String] = []
        for c in 0..<HeapLayout.classCount {
            let hc = HeapClass(self, c)
            hc.lock()
            var capacity = 0, out = 0
            for dyn in 0..<2 {
                var s = eal_heap_class_partial(hc.p, Int32(dyn)).pointee
                while let cur = s {
                    if !cur.cookieOK { bad.append("class \(c): slab cookie") }
                    var n = 0
                    var f = cur.pointee.free
                    while let b = f { n += 1; f = b.load(as: UnsafeMutableRawPointer?.self) }
                    if n != Int(cur.pointee.nfree) { bad.append("class \(c): slab free list \(n) != \(cur.pointee.nfree)") }
                    if Int(cur.pointee.nfree) + Int(cur.pointee.out) + Int(cur.pointee.capacity - cur.pointee.carved)
                        != Int(cur.pointee.capacity) {
                        bad.append("class \(c): slab counts")
                    }
                    capacity += Int(cur.pointee.capacity)
                    out += Int(cur.pointee.out)
                    s = cur.pointee.next
                }
            }
            if out > Int(hc.p.pointee.out) || capacity > Int(hc.p.pointee.capacity) { bad.append("class \(c): totals") }
            hc.unlock()
        }
        return bad
    }
}
