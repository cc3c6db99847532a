import CSwiftEAL
import Glibc
import Synchronization

/// Pages mapped contiguously in virtual memory inside one memseg list: the unit in
/// which the malloc heaps grow and shrink.
struct PageRun: Equatable {
    var base: UnsafeMutableRawPointer
    var length: Int
    var pageSize: Int
    var socket: Int32
    /// Index of the memseg list in the shared config (-1 while provisional).
    var list: Int32
}

/// What the memory subsystem offers the malloc heaps. Every call is made with the
/// heap's lock held; none is on a hot path.
///
/// PROVISIONAL (lead): until the memseg-list implementation lands, pages come from
/// anonymous shared memory and nothing is recorded in memseg lists. The signatures
/// are the contract; the implementation behind them will change.
enum MemoryPages {
    /// Page sizes the heaps can grow with, largest first.
    static func pageSizes() -> [Int] { [Int(getpagesize())] }

    /// Whether the heaps may grow and shrink at run time (false with --legacy-mem and
    /// --no-huge, where everything is mapped at init and stays).
    static var isDynamic: Bool { true }

    /// Maps `count` pages of `pageSize` on `socket`, contiguous in VA inside one memseg
    /// list, and IOVA-contiguous when asked. Runs the allocation validators first (a
    /// refusal throws ENOMEM) and fires RTE_MEM_EVENT_ALLOC once mapped.
    static func allocate(count: Int, pageSize: Int, socket: Int32, iovaContiguous: Bool) throws(Errno) -> PageRun {
        guard count > 0 else { throw .EINVAL }
        let (len, ovf) = count.multipliedReportingOverflow(by: pageSize)
        guard !ovf else { throw .ENOMEM }
        guard let p = mmap(nil, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw .ENOMEM
        }
        ProvisionalMap.add(UInt(bitPattern: p), len)
        return PageRun(base: p, length: len, pageSize: pageSize, socket: socket, list: -1)
    }

    /// Fires RTE_MEM_EVENT_FREE, then unmaps whole pages and gives them back to the
    /// kernel. `run` must lie inside memory returned by `allocate` (any whole-page part).
    static func free(_ run: PageRun) throws(Errno) {
        ProvisionalMap.remove(UInt(bitPattern: run.base), run.length)
        guard munmap(run.base, run.length) == 0 else { throw Errno.current }
    }

    /// The VA-contiguous runs mapped at init (-m / --socket-mem preallocation, legacy
    /// memory, --no-huge): the heaps take them in at init and never give them back.
    static func initialRuns() -> [PageRun] { [] }

    /// The IO address of `addr` (RTE_BAD_IOVA outside EAL memory).
    static func iova(of addr: UnsafeRawPointer) -> rte_iova_t { rte_iova_t(UInt(bitPattern: addr)) }

    /// Whether [addr, addr+length) is contiguous in IO addresses.
    static func isIovaContiguous(_ addr: UnsafeRawPointer, length: Int) -> Bool { true }

    /// Whether every byte of [addr, addr+length) lies in a page that is mapped in this
    /// process as EAL memory: a page of a memseg list that is in use (allocated at init or
    /// since), or registered external memory (rte_extmem_register, external heaps) that
    /// this process has attached. rte_free and rte_malloc_validate call it on every
    /// pointer before reading the bytes in front of it, so that a foreign, stale or
    /// unmapped pointer is reported instead of faulting. Hence it must be lock-free (it may
    /// run while another thread or process adds or removes pages: an answer for a page
    /// that changes at that moment may be either, but reading must never fault), O(1) or
    /// O(number of lists), allocate nothing and touch no class instance: a few ns.
    /// (Added by the malloc heaps; the lead implements it on the memseg lists.)
    @inline(__always)
    static func isMapped(_ addr: UnsafeRawPointer, length: Int) -> Bool {
        ProvisionalMap.contains(UInt(bitPattern: addr), length)
    }
}

/// PROVISIONAL: the ranges `allocate` mapped (and external memory), so that `isMapped`
/// can answer before memseg lists exist. Readers scan without a lock; a writer fills an
/// entry start first and empties it end first, so a half-written entry reads as empty.
enum ProvisionalMap {
    static let capacity = 4096
    /// The table of [start, end) pairs ((0, 0) is an empty entry), allocated by the first
    /// add; held as an address so that readers pay no lazy-initialisation check.
    static let table = Atomic<UInt>(0)
    static let used = Atomic<Int>(0)
    /// The entry that answered last: most lookups hit it first.
    static let lastHit = Atomic<Int>(0)
    static let writer = Mutex(())

    @inline(__always)
    static var ranges: UnsafeMutablePointer<(UInt, UInt)>? {
        UnsafeMutablePointer(bitPattern: table.load(ordering: .acquiring))
    }

    static func add(_ start: UInt, _ length: Int) {
        guard length > 0 else { return }
        writer.withLock { _ in
            if table.load(ordering: .acquiring) == 0 {
                let p = UnsafeMutablePointer<(UInt, UInt)>.allocate(capacity: capacity)
                p.initialize(repeating: (0, 0), count: capacity)
                table.store(UInt(bitPattern: p), ordering: .releasing)
            }
            addLocked(start, start + UInt(length), n: used.load(ordering: .acquiring))
        }
    }

    /// Takes [start, start+length) out, splitting the range that holds it.
    static func remove(_ start: UInt, _ length: Int) {
        let end = start + UInt(length)
        writer.withLock { _ in
            guard let ranges else { return }
            let n = used.load(ordering: .acquiring)
            for i in 0..<n {
                let (a, b) = ranges[i]
                guard a <= start, end <= b, a < b else { continue }
                ranges[i].1 = 0
                ranges[i].0 = 0
                if a < start { addLocked(a, start, n: n) }
                if end < b { addLocked(end, b, n: used.load(ordering: .acquiring)) }
                return
            }
        }
    }

    private static func addLocked(_ a: UInt, _ b: UInt, n: Int) {
        guard let ranges else { return }
        var i = 0
        while i < n && ranges[i] != (0, 0) { i += 1 }
        guard i < capacity else { return }
        ranges[i].0 = a
        ranges[i].1 = b
        if i == n { used.store(n + 1, ordering: .releasing) }
    }

    @inline(__always)
    static func contains(_ addr: UInt, _ length: Int) -> Bool {
        let (end, ovf) = addr.addingReportingOverflow(UInt(bitPattern: length))
        guard !ovf, let ranges else { return false }
        let last = lastHit.load(ordering: .relaxed)
        let r = ranges[last]
        if r.0 <= addr && end <= r.1 { return true }
        return containsSlow(ranges, addr, end)
    }

    @inline(never)
    static func containsSlow(_ ranges: UnsafeMutablePointer<(UInt, UInt)>, _ addr: UInt, _ end: UInt) -> Bool {
        let n = used.load(ordering: .acquiring)
        var i = 0
        while i < n {
            let r = ranges[i]
            if r.0 <= addr && end <= r.1 {
                lastHit.store(i, ordering: .relaxed)
                return true
            }
            i &+= 1
        }
        return false
    }
}
