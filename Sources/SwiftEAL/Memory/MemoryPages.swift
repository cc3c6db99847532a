import CSwiftEAL
import Glibc

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
    static func pageSizes() -> [Int] { [Int(sysconf(Int32(_SC_PAGESIZE)))] }

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
        return PageRun(base: p, length: len, pageSize: pageSize, socket: socket, list: -1)
    }

    /// Fires RTE_MEM_EVENT_FREE, then unmaps whole pages and gives them back to the
    /// kernel. `run` must lie inside memory returned by `allocate` (any whole-page part).
    static func free(_ run: PageRun) throws(Errno) {
        guard munmap(run.base, run.length) == 0 else { throw Errno.current }
    }

    /// The VA-contiguous runs mapped at init (-m / --socket-mem preallocation, legacy
    /// memory, --no-huge): the heaps take them in at init and never give them back.
    static func initialRuns() -> [PageRun] { [] }

    /// The IO address of `addr` (RTE_BAD_IOVA outside EAL memory).
    static func iova(of addr: UnsafeRawPointer) -> rte_iova_t { rte_iova_t(UInt(bitPattern: addr)) }

    /// Whether [addr, addr+length) is contiguous in IO addresses.
    static func isIovaContiguous(_ addr: UnsafeRawPointer, length: Int) -> Bool { true }
}
