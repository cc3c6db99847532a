import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The memseg lists this process can read: their fbarray is mapped here (every list it
/// created or attached; another process's external list only once attached). Lock-free
/// bits, so the malloc fast path can ask about any pointer without faulting.
enum LocalLists {
    private static let low = Atomic<UInt64>(0)
    private static let high = Atomic<UInt64>(0)
    /// One past the highest slot ever made local: scans stop there.
    static let end = Atomic<Int>(0)
    /// The list that answered the last look-up: most look-ups hit it again.
    static let lastHit = Atomic<Int>(0)

    @inline(__always)
    static func contains(_ i: Int) -> Bool {
        let bit = UInt64(1) << UInt64(i & 63)
        let word = i < 64 ? low.load(ordering: .acquiring) : high.load(ordering: .acquiring)
        return word & bit != 0
    }

    static func add(_ i: Int) {
        let bit = UInt64(1) << UInt64(i & 63)
        if i < 64 { low.bitwiseOr(bit, ordering: .releasing) } else { high.bitwiseOr(bit, ordering: .releasing) }
        var e = end.load(ordering: .relaxed)
        while e < i + 1 {
            let (done, now) = end.compareExchange(expected: e, desired: i + 1, ordering: .releasing)
            if done { break }
            e = now
        }
    }

    static func remove(_ i: Int) {
        let bit = UInt64(1) << UInt64(i & 63)
        if i < 64 { low.bitwiseAnd(~bit, ordering: .releasing) } else { high.bitwiseAnd(~bit, ordering: .releasing) }
    }
}

/// The memseg lists in the memory config: each an fbarray of `struct rte_memseg` plus a
/// reserved address range its pages are mapped into. Created at init (and for external
/// memory); their slots only change with the memory hotplug lock held for writing.
/// RTE_MEMSEG_FLAG_* (macros Swift cannot import).
let memsegFlagDoNotFree: UInt32 = 1 << 0
let memsegFlagDirty: UInt32 = 1 << 1

enum MemsegLists {
    static let segmentSize = UInt32(MemoryLayout<rte_memseg>.size)

    /// Fills slot `index`: the fbarray `name` of `segments` entries and, unless `base` is
    /// given (external memory: the caller's own mapping), a reserved range at or after
    /// `hint` aligned to the page size. Returns the end of the range.
    @discardableResult
    static func create(index: Int, in mem: UnsafeMutablePointer<eal_mem_config>, name: String, pageSize: Int,
                       socket: Int32, segments: Int, hint: UInt, base: UnsafeMutableRawPointer? = nil,
                       external: Bool = false) throws(Errno) -> UInt {
        let msl = MemConfig.list(mem, index)
        guard msl.pointee.base_va == nil else { throw .EEXIST }
        let (length, ovf) = pageSize.multipliedReportingOverflow(by: segments)
        guard !ovf, segments > 0, segments <= Int(Int32.max) else { throw .EINVAL }
        var failure: Errno? = nil
        name.withCString { n in
            do throws(Errno) { try FBArray.create(&msl.pointee.memseg_arr, name: n, len: UInt32(segments), eltSize: segmentSize) }
            catch { failure = error }
        }
        if let failure { throw failure }
        let area: UnsafeMutableRawPointer
        if let base {
            area = base
        } else {
            do {
                area = try VirtualArea.reserve(length: length, alignment: pageSize, hint: hint)
            } catch {
                ealLog(4, "Cannot reserve \(length >> 20) MB of address space for memseg list \(name)")
                FBArray.destroyOrDetach(&msl.pointee.memseg_arr)
                throw error
            }
        }
        LocalLists.add(index)
        msl.pointee.base_va = area
        msl.pointee.page_sz = UInt64(pageSize)
        msl.pointee.socket_id = socket
        msl.pointee.len = length
        msl.pointee.external = external ? 1 : 0
        msl.pointee.heap = external ? 0 : 1
        msl.pointee.version = 0
        return UInt(bitPattern: area) + UInt(length)
    }

    /// Empties slot `index`: its reserved range is released (not for external memory,
    /// which is the caller's) and its fbarray destroyed.
    static func destroy(index: Int, in mem: UnsafeMutablePointer<eal_mem_config>) {
        let msl = MemConfig.list(mem, index)
        guard let base = msl.pointee.base_va else { return }
        LocalLists.remove(index)
        if msl.pointee.external == 0 { VirtualArea.release(base, length: msl.pointee.len) }
        FBArray.destroyOrDetach(&msl.pointee.memseg_arr)
        UnsafeMutableRawPointer(msl).initializeMemory(as: UInt8.self, repeating: 0,
                                                      count: MemoryLayout<rte_memseg_list>.size)
    }

    /// The first empty slot, or nil when all RTE_MAX_MEMSEG_LISTS are taken.
    static func freeSlot(in mem: UnsafeMutablePointer<eal_mem_config>) -> Int? {
        (0..<MemConfig.listCount).first { MemConfig.list(mem, $0).pointee.base_va == nil }
    }

    /// The slot of a list this process can read whose range holds `addr`. Reads only
    /// fields that do not change while a list exists: safe without the lock.
    @inline(__always)
    static func index(of addr: UnsafeRawPointer, in mem: UnsafeMutablePointer<eal_mem_config>) -> Int? {
        let a = UInt(bitPattern: addr)
        let last = LocalLists.lastHit.load(ordering: .relaxed)
        if holds(a, last, mem) { return last }
        return search(a, mem)
    }

    @inline(__always)
    private static func holds(_ a: UInt, _ i: Int, _ mem: UnsafeMutablePointer<eal_mem_config>) -> Bool {
        let msl = MemConfig.list(mem, i)
        guard let base = msl.pointee.base_va, LocalLists.contains(i) else { return false }
        let lo = UInt(bitPattern: base)
        return a >= lo && a - lo < UInt(msl.pointee.len)
    }

    @inline(never)
    private static func search(_ a: UInt, _ mem: UnsafeMutablePointer<eal_mem_config>) -> Int? {
        for i in 0..<min(LocalLists.end.load(ordering: .acquiring), MemConfig.listCount) where holds(a, i, mem) {
            LocalLists.lastHit.store(i, ordering: .relaxed)
            return i
        }
        return nil
    }

    @inline(__always)
    static func segment(_ msl: UnsafeMutablePointer<rte_memseg_list>, _ i: Int) -> UnsafeMutablePointer<rte_memseg> {
        msl.pointee.memseg_arr.data.unsafelyUnwrapped.assumingMemoryBound(to: rte_memseg.self) + i
    }

    /// Whether segment `i` of the list is mapped (its fbarray bit).
    @inline(__always)
    static func isUsed(_ msl: UnsafeMutablePointer<rte_memseg_list>, _ i: Int) -> Bool {
        withUnsafePointer(to: &msl.pointee.memseg_arr) { FBArrayLayout.mask($0).isSet(i) }
    }

    static func bumpVersion(_ msl: UnsafeMutablePointer<rte_memseg_list>) {
        let v = withUnsafeMutablePointer(to: &msl.pointee.version) { $0 }
        eal_store_u32(v, eal_load_u32(v) &+ 1)
    }
}
