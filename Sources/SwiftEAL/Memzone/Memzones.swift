import CEALShared
import CSwiftEAL
import Glibc

/// Reserving, freeing, finding and listing memzones. A zone is a large heap element
/// (state MEMZONE, so rte_free refuses it) and an entry of the table, found by name
/// through the index.
enum Memzones {
    static let sizeFlags: [(flag: Int32, shift: Int)] = [
        (RTE_MEMZONE_256KB, 18), (RTE_MEMZONE_2MB, 21), (RTE_MEMZONE_16MB, 24), (RTE_MEMZONE_256MB, 28),
        (RTE_MEMZONE_512MB, 29), (RTE_MEMZONE_1GB, 30), (RTE_MEMZONE_4GB, 32), (RTE_MEMZONE_16GB, 34),
    ]
    static let knownFlags: UInt32 = sizeFlags.reduce(UInt32(RTE_MEMZONE_SIZE_HINT_ONLY | RTE_MEMZONE_IOVA_CONTIG)) {
        $0 | UInt32($1.flag)
    }

    /// The page sizes the flags ask for (bit n: 2^n bytes), 0 for any.
    static func pageShifts(_ flags: UInt32) -> UInt64 {
        var bits: UInt64 = 0
        for f in sizeFlags where flags & UInt32(f.flag) != 0 { bits |= 1 << UInt64(f.shift) }
        return bits
    }

    static let fn = "memzone_reserve_aligned_thread_unsafe(): "

    /// rte_memzone_reserve_bounded and the two calls in front of it.
    static func reserve(_ name: UnsafePointer<CChar>?, _ len: Int, _ socket: Int32, _ flags: UInt32,
                        _ align: UInt32, _ bound: UInt32) throws(Errno) -> UnsafeMutablePointer<rte_memzone> {
        guard let t = MemzoneTable.current(), let s = MallocState.shared else { throw .noConfig }
        guard let name else { throw .EINVAL }
        rte_rwlock_write_lock(&t.m.pointee.lock)
        defer { rte_rwlock_write_unlock(&t.m.pointee.lock) }
        if t.m.pointee.count >= UInt32(RTE_MAX_MEMZONE) {
            ealLog(4, fn + "Number of requested memzone segments exceeds RTE_MAX_MEMZONE")
            throw .ENOSPC
        }
        if strnlen(name, MemzoneTable.nameSize) >= MemzoneTable.nameSize {
            ealLog(8, fn + "memzone <\(String(cString: name))>: name too long")
            throw .ENAMETOOLONG
        }
        if t.find(name) != nil {
            ealLog(8, fn + "memzone <\(String(cString: name))> already exists")
            throw .EEXIST
        }
        if align != 0 && align & (align &- 1) != 0 {
            ealLog(4, fn + "Invalid alignment: \(align)")
            throw .EINVAL
        }
        guard socket == SOCKET_ID_ANY || socket >= 0 else { throw .EINVAL }
        // a length within a cache line of SIZE_MAX cannot be rounded up to one
        let ulen = UInt(bitPattern: len)
        guard ulen <= UInt.max - 63 else { throw .EINVAL }
        let rounded = (ulen + 63) & ~63
        if bound != 0 && (rounded > UInt(bound) || bound & (bound &- 1) != 0) { throw .EINVAL }
        guard flags & ~knownFlags == 0 else { throw .EINVAL }
        guard rounded < UInt(Malloc.maxSize) else { throw .ENOMEM }
        var want = Int(rounded)
        if want == 0 && bound != 0 { want = Int(bound) }

        var req = FitRequest(usable: want, align: max(Int(align), 64), bound: Int(bound),
                             contig: flags & UInt32(RTE_MEMZONE_IOVA_CONTIG) != 0, pageShifts: pageShifts(flags))
        let hint = flags & UInt32(RTE_MEMZONE_SIZE_HINT_ONLY) != 0
        var got: (ElemPtr, Int)? = nil
        // a length of 0 takes what is there: no new memory, and only the caller's socket
        let grow = len != 0
        let anySocket = socket == SOCKET_ID_ANY
        let first = anySocket ? MallocState.currentHeapIndex(in: s) : MallocState.heapIndex(socket: socket, in: s)
        guard let first else { throw .ENOMEM }
        let others = anySocket && want != 0 ? Int(s.pointee.nb_sockets) : 0
        for pass in 0..<(hint && req.pageShifts != 0 ? 2 : 1) {
            if pass == 1 { req.pageShifts = 0 }
            if let g = allocate(Heap(s, first), &req, grow: grow) { got = g; break }
            for i in 0..<others where i != first {
                if let g = allocate(Heap(s, i), &req, grow: grow) { got = g; break }
            }
            if got != nil { break }
        }
        guard let (e, zoneLen) = got else { throw .ENOMEM }

        let idx = Int(rte_fbarray_find_next_free(t.table, 0))
        guard idx >= 0 else {
            Heap(s, Tag.heap(e.tagWord)).withLock { Heap(s, Tag.heap(e.tagWord)).freeElement(e) }
            throw .ENOSPC
        }
        let z = t.zone(idx)
        z.pointee = rte_memzone()
        _ = strncpy(MemzoneTable.nameOf(z), name, MemzoneTable.nameSize - 1)
        let heap = Heap(s, Tag.heap(e.tagWord))
        z.pointee.addr = e.data
        z.pointee.iova = MemoryPages.iova(of: e.data)
        z.pointee.len = zoneLen
        z.pointee.hugepage_sz = UInt64(heap.pageSize(slot: e.slot))
        z.pointee.socket_id = heap.socket
        z.pointee.flags = 0
        _ = rte_fbarray_set_used(t.table, UInt32(idx))
        t.insert(name, index: idx)
        t.m.pointee.count += 1
        return z
    }

    /// A MEMZONE element for `req` in `heap` (the biggest free block when its length is
    /// 0), and the zone's length.
    private static func allocate(_ heap: Heap, _ req: inout FitRequest, grow: Bool) -> (ElemPtr, Int)? {
        heap.lock()
        defer { heap.unlock() }
        if req.usable == 0 {
            guard let (f, data, usable) = heap.biggest(req) else { return nil }
            return (heap.carve(f, data: data, usable: usable, state: EAL_HEAP_ST_MEMZONE), usable)
        }
        guard let e = heap.alloc(req, state: EAL_HEAP_ST_MEMZONE, grow: grow) else { return nil }
        return (e, req.usable)
    }

    /// The table index of `mz`, when it points exactly at an entry.
    private static func index(of mz: UnsafeRawPointer, in t: MemzoneTable) -> Int? {
        guard let data = t.table.pointee.data else { return nil }
        let off = Int(bitPattern: UInt(bitPattern: mz)) &- HeapLayout.addr(data)
        let sz = MemoryLayout<rte_memzone>.size
        guard off >= 0, off % sz == 0, off / sz < Int(RTE_MAX_MEMZONE) else { return nil }
        return off / sz
    }

    static func free(_ mz: UnsafePointer<rte_memzone>?) -> Int32 {
        guard let mz, let t = MemzoneTable.current(), let s = MallocState.shared else { return -EINVAL }
        rte_rwlock_write_lock(&t.m.pointee.lock)
        defer { rte_rwlock_write_unlock(&t.m.pointee.lock) }
        guard let idx = index(of: mz, in: t) else { return -EINVAL }
        guard rte_fbarray_is_used(t.table, UInt32(idx)) == 1 else {
            ealLog(4, "Memzone is not allocated")
            return -EINVAL
        }
        let z = t.zone(idx)
        if let addr = z.pointee.addr, let w = Tag.read(addr), Tag.state(w) == EAL_HEAP_ST_MEMZONE,
           Tag.heap(w) < Int(RTE_MAX_HEAPS), ElemPtr.of(data: addr).cookieOK {
            let heap = Heap(s, Tag.heap(w))
            heap.lock()
            heap.freeElement(ElemPtr.of(data: addr))
            heap.unlock()
        } else {
            ealLog(4, "Memzone <\(String(cString: MemzoneTable.nameOf(z)))>: its memory was overwritten; not freed")
        }
        t.remove(MemzoneTable.nameOf(z), index: idx)
        z.pointee = rte_memzone()
        _ = rte_fbarray_set_free(t.table, UInt32(idx))
        t.m.pointee.count -= 1
        return 0
    }

    static func lookup(_ name: UnsafePointer<CChar>?) throws(Errno) -> UnsafeMutablePointer<rte_memzone> {
        guard let name else { throw .EINVAL }
        guard let t = MemzoneTable.current() else { throw .noConfig }
        rte_rwlock_read_lock(&t.m.pointee.lock)
        defer { rte_rwlock_read_unlock(&t.m.pointee.lock) }
        guard let idx = t.find(name) else { throw .ENOENT }
        return t.zone(idx)
    }

    /// Every zone in table order, with the table's read lock held.
    static func forEach(_ body: (Int, UnsafeMutablePointer<rte_memzone>) -> Void) {
        guard let t = MemzoneTable.current() else { return }
        rte_rwlock_read_lock(&t.m.pointee.lock)
        defer { rte_rwlock_read_unlock(&t.m.pointee.lock) }
        var idx = rte_fbarray_find_next_used(t.table, 0)
        while idx >= 0 {
            body(Int(idx), t.zone(Int(idx)))
            idx = rte_fbarray_find_next_used(t.table, UInt32(idx) + 1)
        }
    }

    static func dump(_ f: UnsafeMutablePointer<FILE>) {
        forEach { i, z in
            let addr = z.pointee.addr
            fputs("Zone \(i): name:<\(String(cString: MemzoneTable.nameOf(z)))>, len:\(HeapDump.hex(z.pointee.len)), "
                  + "virt:\(HeapDump.pointer(addr)), socket_id:\(z.pointee.socket_id), "
                  + "flags:\(String(z.pointee.flags, radix: 16))\n", f)
            fputs("physical segments used:\n", f)
            let pg = max(Int(z.pointee.hugepage_sz), 1)
            guard let addr else { return }
            var page = HeapLayout.roundDown(HeapLayout.addr(addr), pg)
            let end = HeapLayout.addr(addr) + z.pointee.len
            while page < end {
                let iova = MemoryPages.iova(of: HeapLayout.ptr(page))
                fputs("  addr: \(HeapDump.pointer(HeapLayout.ptr(page))) iova: 0x\(String(iova, radix: 16)) "
                      + "len: \(HeapDump.hex(pg)) pagesz: \(HeapDump.hex(pg))\n", f)
                page += pg
            }
        }
    }
}
