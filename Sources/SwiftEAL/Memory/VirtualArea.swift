import CEALShared
import Glibc

/// Address space reserved up front (PROT_NONE, MAP_NORESERVE) for memseg lists, so pages
/// can be mapped into it later and secondaries can reserve the same addresses.
enum VirtualArea {
    /// `length` bytes aligned to `alignment`, at `hint` when it is free, elsewhere if not.
    static func reserve(length: Int, alignment: Int, hint: UInt) throws(Errno) -> UnsafeMutableRawPointer {
        let aligned = (hint + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        if aligned != 0, let p = try? reserve(exactly: UnsafeMutableRawPointer(bitPattern: aligned)!, length: length) {
            return p
        }
        // Over-reserve by the alignment and trim both ends.
        let (total, ovf) = length.addingReportingOverflow(alignment)
        guard !ovf, let raw = Sys.mmap(nil, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              raw != MAP_FAILED else { throw .ENOMEM }
        let start = (UInt(bitPattern: raw) + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        let head = Int(start - UInt(bitPattern: raw))
        if head > 0 { munmap(raw, head) }
        let tail = total - head - length
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: start + UInt(length))!, tail) }
        return UnsafeMutableRawPointer(bitPattern: start)!
    }

    /// Exactly [addr, addr+length), or EEXIST when something is mapped there.
    static func reserve(exactly addr: UnsafeMutableRawPointer, length: Int) throws(Errno) -> UnsafeMutableRawPointer {
        guard let p = Sys.mmap(addr, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | EAL_MAP_FIXED_NOREPLACE,
                           -1, 0), p != MAP_FAILED else {
            let e = Errno.current
            throw e == .EEXIST ? .EEXIST : .ENOMEM
        }
        guard p == addr else { // a kernel without MAP_FIXED_NOREPLACE took it as a hint
            munmap(p, length)
            throw .EEXIST
        }
        return p
    }

    /// Puts the reservation back over pages that were mapped (replacing the mapping).
    /// When the kernel cannot make the new mapping (ENOMEM), the pages are unmapped and
    /// the range reserved anew: a page left mapped would stay allocated, in no list.
    static func restore(_ addr: UnsafeMutableRawPointer, length: Int) {
        let p = Sys.mmap(addr, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)
        if p == addr { return }
        munmap(addr, length)
        if (try? reserve(exactly: addr, length: length)) == nil {
            ealLog(4, "Cannot reserve [\(addr), +0x\(String(length, radix: 16))) again after unmapping its pages")
        }
    }

    static func release(_ addr: UnsafeMutableRawPointer, length: Int) {
        munmap(addr, length)
    }
}
