import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// Named heaps: the socket heaps ("socket_<n>") and the external heaps an application
/// makes and fills with memory it mapped. Descriptors and regions are shared; which
/// regions this process has attached is its own business.
enum ExternalHeaps {
    /// Region bases this process may use (it added or attached them).
    static let attached = Mutex<[UInt64]>([])

    /// DPDK's name rule: not NULL, not empty, shorter than the name field.
    static func validName(_ name: UnsafePointer<CChar>?) -> Bool {
        guard let name else { return false }
        let n = strnlen(name, Int(EAL_HEAP_NAME_LEN))
        return n > 0 && n < Int(EAL_HEAP_NAME_LEN)
    }

    static func find(_ s: UnsafeMutablePointer<eal_malloc_shared>, _ name: UnsafePointer<CChar>) -> Heap? {
        for i in 0..<Int(RTE_MAX_HEAPS) {
            let h = eal_malloc_heap_at(s, UInt32(i))
            guard h.pointee.in_use != 0 else { continue }
            let same = withUnsafeBytes(of: &h.pointee.name) { raw in
                strncmp(raw.baseAddress!.assumingMemoryBound(to: CChar.self), name, Int(EAL_HEAP_NAME_LEN)) == 0
            }
            if same { return Heap(s, i) }
        }
        return nil
    }

    static func setName(_ h: UnsafeMutablePointer<eal_heap>, _ name: String) {
        withUnsafeMutableBytes(of: &h.pointee.name) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            for (i, b) in name.utf8.prefix(Int(EAL_HEAP_NAME_LEN) - 1).enumerated() { raw[i] = b }
        }
    }

    /// Readies heap descriptor `h` (zeroed) for use.
    static func initHeap(_ h: UnsafeMutablePointer<eal_heap>, socket: Int32, external: Bool) {
        h.pointee = eal_heap()
        h.pointee.socket_id = socket
        h.pointee.external = external ? 1 : 0
        h.pointee.in_use = 1
    }

    static func shared() throws(Errno) -> UnsafeMutablePointer<eal_malloc_shared> {
        guard let s = MallocState.shared else { throw .noConfig }
        return s
    }

    static func create(_ name: UnsafePointer<CChar>?) throws(Errno) {
        guard validName(name), let name else { throw .EINVAL }
        let s = try shared()
        rte_rwlock_write_lock(&s.pointee.heaps_lock)
        defer { rte_rwlock_write_unlock(&s.pointee.heaps_lock) }
        if find(s, name) != nil {
            ealLog(4, "Heap \(String(cString: name)) already exists")
            throw .EEXIST
        }
        guard let i = (0..<Int(RTE_MAX_HEAPS)).first(where: { eal_malloc_heap_at(s, UInt32($0)).pointee.in_use == 0 }) else {
            ealLog(4, "Cannot create new heap: no space")
            throw .ENOSPC
        }
        let h = eal_malloc_heap_at(s, UInt32(i))
        initHeap(h, socket: s.pointee.next_socket_id, external: true)
        setName(h, String(cString: name))
        s.pointee.next_socket_id += 1
    }

    static func destroy(_ name: UnsafePointer<CChar>?) throws(Errno) {
        guard validName(name), let name else { throw .EINVAL }
        let s = try shared()
        rte_rwlock_write_lock(&s.pointee.heaps_lock)
        defer { rte_rwlock_write_unlock(&s.pointee.heaps_lock) }
        guard let heap = find(s, name) else {
            ealLog(4, "Heap \(String(cString: name)) not found")
            throw .ENOENT
        }
        guard heap.isExternal else { throw .EPERM }
        trim(heap)
        let f = heap.figures()
        guard f.allocCount == 0 && f.total == 0 else {
            ealLog(4, "Heap is still in use")
            throw .EBUSY
        }
        heap.p.pointee = eal_heap()
    }

    /// The heap an external-memory call names, checked as DPDK checks it.
    private static func externalHeap(_ s: UnsafeMutablePointer<eal_malloc_shared>,
                                     _ name: UnsafePointer<CChar>) throws(Errno) -> Heap {
        guard let heap = find(s, name) else { throw .ENOENT }
        guard heap.isExternal else { throw .EPERM }
        return heap
    }

    private static func region(_ s: UnsafeMutablePointer<eal_malloc_shared>, heap: Heap,
                               base: UInt64, len: UInt64) -> UnsafeMutablePointer<eal_malloc_region>? {
        for i in 0..<Int(EAL_MALLOC_MAX_REGIONS) {
            let r = eal_malloc_region_at(s, UInt32(i))
            if r.pointee.heap == Int32(heap.index) && r.pointee.base == base && r.pointee.len == len { return r }
        }
        return nil
    }

    static func add(_ name: UnsafePointer<CChar>?, _ va: UnsafeMutableRawPointer?, _ len: Int,
                    _ iovas: UnsafeMutablePointer<rte_iova_t>?, _ nPages: UInt32, _ pageSize: Int) throws(Errno) {
        guard let name, let va, pageSize > 0, HeapLayout.isPowerOfTwo(pageSize), len >= 0,
              len % pageSize == 0, UInt(bitPattern: va) % UInt(pageSize) == 0,
              iovas == nil || len / pageSize == Int(nPages), validName(name) else { throw .EINVAL }
        let s = try shared()
        rte_rwlock_write_lock(&s.pointee.heaps_lock)
        defer { rte_rwlock_write_unlock(&s.pointee.heaps_lock) }
        let heap = try externalHeap(s, name)
        guard len >= HeapLayout.minElem else { throw .EINVAL }
        guard let r = (0..<Int(EAL_MALLOC_MAX_REGIONS)).lazy.map({ eal_malloc_region_at(s, UInt32($0)) })
            .first(where: { $0.pointee.len == 0 }) else { throw .ENOSPC }
        let list: Int32
        do throws(Errno) {
            list = try ExternalMemory.register(base: va, length: len, iovas: UnsafePointer(iovas),
                                               pageCount: len / pageSize, pageSize: pageSize,
                                               socket: heap.socket, heap: true, name: "heap")
        } catch {
            // memory some list (this heap's, another's, rte_extmem's) already holds:
            // DPDK's answer is EBUSY
            throw error == .EEXIST ? .EBUSY : error
        }
        guard let slot = HeapSlots.find(s, list: list, pageSize: pageSize, external: true) else {
            try? ExternalMemory.unregister(base: va, length: len)
            throw .ENOSPC
        }
        r.pointee = eal_malloc_region(base: UInt64(UInt(bitPattern: va)), len: UInt64(len), page_sz: UInt64(pageSize),
                                      heap: Int32(heap.index), list: list, slot: UInt32(slot), reserved: 0)
        heap.lock()
        heap.addMemory(base: HeapLayout.addr(va), length: len, slot: slot, dynamic: false)
        heap.unlock()
        attached.withLock { $0.append(r.pointee.base) }
    }

    static func remove(_ name: UnsafePointer<CChar>?, _ va: UnsafeMutableRawPointer?, _ len: Int) throws(Errno) {
        guard let name, let va, len > 0, validName(name) else { throw .EINVAL }
        let s = try shared()
        rte_rwlock_write_lock(&s.pointee.heaps_lock)
        defer { rte_rwlock_write_unlock(&s.pointee.heaps_lock) }
        let heap = try externalHeap(s, name)
        let base = UInt64(UInt(bitPattern: va))
        guard let r = region(s, heap: heap, base: base, len: UInt64(len)),
              attached.withLock({ $0.contains(base) }) else { throw .ENOENT }
        trim(heap)
        heap.lock()
        // the region must be one free element, as it was added
        var e = heap.p.pointee.first
        var whole: ElemPtr? = nil
        while let cur = e {
            if cur.start == HeapLayout.addr(va) {
                if cur.state == EAL_HEAP_ST_FREE && Int(cur.pointee.size) == len { whole = cur }
                break
            }
            e = cur.pointee.next
        }
        guard let whole else {
            heap.unlock()
            throw .EBUSY
        }
        heap.removeFree(whole)
        let below = whole.pointee.prev, above = whole.pointee.next
        HeapJournal.save(below)
        HeapJournal.save(above)
        if let below { below.pointee.next = above } else { heap.p.pointee.first = above }
        if let above { above.pointee.prev = below } else { heap.p.pointee.last = below }
        heap.p.pointee.total_size &-= UInt64(len)
        heap.p.pointee.fixed_size &-= UInt64(len)
        heap.unlock()
        let slot = Int(r.pointee.slot)
        r.pointee = eal_malloc_region()
        HeapSlots.release(s, slot)
        try? ExternalMemory.unregister(base: va, length: len)
        attached.withLock { $0.removeAll { $0 == base } }
    }

    static func attach(_ name: UnsafePointer<CChar>?, _ va: UnsafeMutableRawPointer?, _ len: Int,
                       detach: Bool) throws(Errno) {
        guard let name, let va, len > 0, validName(name) else { throw .EINVAL }
        let s = try shared()
        rte_rwlock_read_lock(&s.pointee.heaps_lock)
        defer { rte_rwlock_read_unlock(&s.pointee.heaps_lock) }
        let heap = try externalHeap(s, name)
        let base = UInt64(UInt(bitPattern: va))
        guard region(s, heap: heap, base: base, len: UInt64(len)) != nil else { throw .ENOENT }
        let have = attached.withLock { $0.contains(base) }
        if detach {
            guard have else { throw .ENOENT }
            try ExternalMemory.detach(base: va, length: len)
            attached.withLock { $0.removeAll { $0 == base } }
        } else {
            guard !have else { throw .EEXIST }
            try ExternalMemory.attach(base: va, length: len)
            attached.withLock { $0.append(base) }
        }
    }

    /// Spare slabs go back to their heap (before destroy, remove, cleanup).
    static func trim(_ heap: Heap) {
        for c in 0..<HeapLayout.classCount {
            let hc = HeapClass(heap, c)
            hc.lock()
            hc.trim()
            hc.unlock()
        }
    }

    /// rte_malloc_heap_get_socket.
    static func socket(of name: UnsafePointer<CChar>?) throws(Errno) -> Int32 {
        guard validName(name), let name else { throw .EINVAL }
        let s = try shared()
        rte_rwlock_read_lock(&s.pointee.heaps_lock)
        defer { rte_rwlock_read_unlock(&s.pointee.heaps_lock) }
        guard let heap = find(s, name) else { throw .ENOENT }
        return heap.socket
    }

    /// rte_malloc_heap_socket_is_external: 1, 0, or -1 for an id no heap has.
    static func isExternal(_ socket: Int32) -> Int32 {
        if socket == SOCKET_ID_ANY { return 0 }
        guard let s = MallocState.shared, let i = MallocState.heapIndex(socket: socket, in: s) else { return -1 }
        return Heap(s, i).isExternal ? 1 : 0
    }
}
