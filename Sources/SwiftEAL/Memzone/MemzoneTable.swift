import CEALShared
import CSwiftEAL
import Glibc

/// The memzone table (the "memzone" fbarray) and its name index: open addressing over
/// EAL_MEMZONE_INDEX_SIZE slots holding table indexes, probed linearly from the name's
/// hash. Callers hold the table's lock (read for lookups, write for changes).
struct MemzoneTable {
    let m: UnsafeMutablePointer<eal_memzone_shared>

    static let nameSize = Int(RTE_MEMZONE_NAMESIZE)
    static let mask = Int(EAL_MEMZONE_INDEX_SIZE) - 1

    var table: UnsafeMutablePointer<rte_fbarray> {
        (UnsafeMutableRawPointer(m) + MemoryLayout<eal_memzone_shared>.offset(of: \.table)!)
            .assumingMemoryBound(to: rte_fbarray.self)
    }

    /// FNV-1a over the name's bytes (at most the field's size).
    static func hash(_ name: UnsafePointer<CChar>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        var i = 0
        while i < nameSize {
            let b = UInt8(bitPattern: name[i])
            if b == 0 { break }
            h = (h ^ UInt32(b)) &* 16_777_619
            i += 1
        }
        return h
    }

    func zone(_ idx: Int) -> UnsafeMutablePointer<rte_memzone> {
        (table.pointee.data! + idx * MemoryLayout<rte_memzone>.size).assumingMemoryBound(to: rte_memzone.self)
    }

    static func nameOf(_ z: UnsafeMutablePointer<rte_memzone>) -> UnsafeMutablePointer<CChar> {
        UnsafeMutableRawPointer(z).assumingMemoryBound(to: CChar.self) // name is the first field
    }

    /// The table index of the zone named `name`, or nil.
    func find(_ name: UnsafePointer<CChar>) -> Int? {
        guard strnlen(name, Self.nameSize) < Self.nameSize else { return nil }
        let h = Self.hash(name)
        var i = Int(h) & Self.mask
        for _ in 0..<Int(EAL_MEMZONE_INDEX_SIZE) {
            let slot = Int(eal_memzone_slot_at(m, UInt32(i)).pointee)
            if slot == Int(EAL_MEMZONE_SLOT_EMPTY) { return nil }
            if slot >= 0 && eal_memzone_hash_at(m, UInt32(i)).pointee == h
                && strncmp(Self.nameOf(zone(slot)), name, Self.nameSize) == 0 {
                return slot
            }
            i = (i + 1) & Self.mask
        }
        return nil
    }

    func insert(_ name: UnsafePointer<CChar>, index: Int) {
        let h = Self.hash(name)
        var i = Int(h) & Self.mask
        while Int(eal_memzone_slot_at(m, UInt32(i)).pointee) >= 0 { i = (i + 1) & Self.mask }
        if Int(eal_memzone_slot_at(m, UInt32(i)).pointee) == Int(EAL_MEMZONE_SLOT_DELETED) { m.pointee.tombstones -= 1 }
        eal_memzone_slot_at(m, UInt32(i)).pointee = Int16(index)
        eal_memzone_hash_at(m, UInt32(i)).pointee = h
    }

    func remove(_ name: UnsafePointer<CChar>, index: Int) {
        let h = Self.hash(name)
        var i = Int(h) & Self.mask
        for _ in 0..<Int(EAL_MEMZONE_INDEX_SIZE) {
            let slot = Int(eal_memzone_slot_at(m, UInt32(i)).pointee)
            if slot == Int(EAL_MEMZONE_SLOT_EMPTY) { return }
            if slot == index {
                eal_memzone_slot_at(m, UInt32(i)).pointee = Int16(EAL_MEMZONE_SLOT_DELETED)
                m.pointee.tombstones += 1
                break
            }
            i = (i + 1) & Self.mask
        }
        // many tombstones make misses long: rebuild from the table
        if m.pointee.tombstones > EAL_MEMZONE_INDEX_SIZE / 4 { rebuild() }
    }

    func rebuild() {
        for i in 0..<Int(EAL_MEMZONE_INDEX_SIZE) { eal_memzone_slot_at(m, UInt32(i)).pointee = Int16(EAL_MEMZONE_SLOT_EMPTY) }
        m.pointee.tombstones = 0
        var idx = rte_fbarray_find_next_used(table, 0)
        while idx >= 0 {
            insert(Self.nameOf(zone(Int(idx))), index: Int(idx))
            idx = rte_fbarray_find_next_used(table, UInt32(idx) + 1)
        }
    }

    /// rte_eal_init's step 5: the primary makes the table, a secondary attaches it.
    static func initStep() throws(Errno) {
        do throws(Errno) {
            try attachTable()
        } catch {
            MallocInit.detachBlock()
            throw error
        }
    }

    private static func attachTable() throws(Errno) {
        let s = try MallocInit.attachBlock()
        let m = (UnsafeMutableRawPointer(s) + MemoryLayout<eal_malloc_shared>.offset(of: \.memzone)!)
            .assumingMemoryBound(to: eal_memzone_shared.self)
        let t = MemzoneTable(m: m)
        if MallocState.local.pointee.primary != 0 {
            m.pointee.count = 0
            rte_rwlock_init(&m.pointee.lock)
            guard rte_fbarray_init(t.table, "memzone", UInt32(RTE_MAX_MEMZONE), UInt32(MemoryLayout<rte_memzone>.size)) == 0 else {
                ealLog(4, "Cannot allocate memzone list")
                throw Errno(RteErrno.value)
            }
            t.rebuild()
        } else {
            guard rte_fbarray_attach(t.table) == 0 else {
                ealLog(4, "Cannot attach to memzone list")
                throw Errno(RteErrno.value)
            }
        }
    }

    /// Step 5's undo: the primary destroys the table, a secondary detaches it.
    static func cleanupStep() {
        guard let s = MallocState.shared else { return }
        let m = (UnsafeMutableRawPointer(s) + MemoryLayout<eal_malloc_shared>.offset(of: \.memzone)!)
            .assumingMemoryBound(to: eal_memzone_shared.self)
        let t = MemzoneTable(m: m)
        if t.table.pointee.data != nil {
            if MallocState.local.pointee.primary != 0 {
                m.pointee.count = 0
                FBArray.destroyOrDetach(t.table)
            } else {
                _ = rte_fbarray_detach(t.table)
            }
        }
        MallocInit.detachBlock()
    }

    /// The table of this process's EAL, or nil before init.
    static func current() -> MemzoneTable? {
        guard let s = MallocState.shared else { return nil }
        let m = (UnsafeMutableRawPointer(s) + MemoryLayout<eal_malloc_shared>.offset(of: \.memzone)!)
            .assumingMemoryBound(to: eal_memzone_shared.self)
        guard m.pointee.table.data != nil else { return nil }
        return MemzoneTable(m: m)
    }
}
