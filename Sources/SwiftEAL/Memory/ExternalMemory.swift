import CSwiftEAL
import Glibc

/// Memory mapped by the application and handed to the EAL: rte_extmem_* and the
/// external malloc heaps (rte_malloc_heap_memory_add) both record it as a memseg list
/// of its own, marked external.
///
/// PROVISIONAL (lead): the contract for the malloc heaps; the memseg-list-backed
/// implementation replaces the bodies.
enum ExternalMemory {
    /// Records [base, base+length) as an external memseg list of `pageSize` pages on
    /// `socket` (the external heap's socket id, or one of its own for rte_extmem_register).
    /// `iovas` holds one IO address per page, or nil for RTE_BAD_IOVA throughout.
    /// Throws EINVAL (bad sizes/alignment), EEXIST (overlaps a list), ENOSPC (no free list).
    static func register(base: UnsafeMutableRawPointer, length: Int, iovas: UnsafePointer<rte_iova_t>?,
                         pageCount: Int, pageSize: Int, socket: Int32, heap: Bool) throws(Errno) -> Int32 {
        guard length > 0, pageSize > 0, length % pageSize == 0, length / pageSize == pageCount else { throw .EINVAL }
        return -1
    }

    /// Removes the list that holds exactly [base, base+length). Throws ENOENT when none does.
    static func unregister(base: UnsafeMutableRawPointer, length: Int) throws(Errno) {}

    /// Attaches (in this process) the external list another process registered.
    static func attach(base: UnsafeMutableRawPointer, length: Int) throws(Errno) {}

    /// Undoes `attach` in this process.
    static func detach(base: UnsafeMutableRawPointer, length: Int) throws(Errno) {}
}
