import CEALShared
import CSwiftEAL
import Glibc

/// The storage behind an opaque `struct rte_intr_handle *` (see CEALShared's
/// intr_handle.h). A handle carries its fd, type, and the per-vector event fds and
/// epoll events a driver uses for datapath interrupts.
typealias IntrHandlePtr = UnsafeMutablePointer<seal_intr_handle>

enum IntrHandle {
    /// The flags rte_intr_instance_alloc understands.
    static let knownFlags: UInt32 = 1 // RTE_INTR_INSTANCE_F_SHARED

    @inline(__always)
    static func from(_ p: OpaquePointer?) -> IntrHandlePtr? {
        p.map { IntrHandlePtr($0) }
    }

    @inline(__always)
    static func opaque(_ h: IntrHandlePtr) -> OpaquePointer { OpaquePointer(h) }

    /// A zeroed handle with room for RTE_MAX_RXTX_INTR_VEC_ID vectors.
    /// Shared handles are kept in ordinary memory too: SwiftEAL's secondaries do not
    /// read a primary's interrupt handles.
    static func allocate(flags: UInt32) throws(Errno) -> IntrHandlePtr {
        if flags & ~knownFlags != 0 { throw .EINVAL }
        guard let raw = calloc(1, MemoryLayout<seal_intr_handle>.stride) else { throw .ENOMEM }
        let h = raw.bindMemory(to: seal_intr_handle.self, capacity: 1)
        h.pointee.alloc_flags = flags
        do {
            try resizeVectors(h, to: Int(RTE_MAX_RXTX_INTR_VEC_ID))
        } catch {
            free(raw)
            throw error
        }
        return h
    }

    static func release(_ h: IntrHandlePtr) {
        free(h.pointee.efds)
        free(h.pointee.elist)
        free(h.pointee.intr_vec)
        free(h)
    }

    /// A copy of src's fields and vectors (not its vector list), as DPDK does.
    static func duplicate(_ src: IntrHandlePtr) throws(Errno) -> IntrHandlePtr {
        let h = try allocate(flags: src.pointee.alloc_flags)
        h.pointee.fd = src.pointee.fd
        h.pointee.dev_fd = src.pointee.dev_fd
        h.pointee.type = src.pointee.type
        h.pointee.max_intr = src.pointee.max_intr
        h.pointee.nb_efd = src.pointee.nb_efd
        h.pointee.efd_counter_size = src.pointee.efd_counter_size
        let n = Int(src.pointee.nb_intr)
        if n != Int(h.pointee.nb_intr) {
            do { try resizeVectors(h, to: n) } catch { release(h); throw error }
        }
        if n > 0 {
            h.pointee.efds.update(from: src.pointee.efds, count: n)
            h.pointee.elist.update(from: src.pointee.elist, count: n)
        }
        return h
    }

    /// Grows or shrinks efds and elist to n entries (new ones zeroed); nb_intr = n.
    static func resizeVectors(_ h: IntrHandlePtr, to n: Int) throws(Errno) {
        guard n > 0, n <= Int(UInt16.max) else { throw .EINVAL }
        let old = Int(h.pointee.nb_intr)
        guard let efds = realloc(h.pointee.efds, n * MemoryLayout<Int32>.stride) else { throw .ENOMEM }
        h.pointee.efds = efds.assumingMemoryBound(to: Int32.self)
        guard let elist = realloc(h.pointee.elist, n * MemoryLayout<rte_epoll_event>.stride) else {
            throw .ENOMEM
        }
        h.pointee.elist = elist.assumingMemoryBound(to: rte_epoll_event.self)
        if n > old {
            memset(efds + old * MemoryLayout<Int32>.stride, 0, (n - old) * MemoryLayout<Int32>.stride)
            memset(elist + old * MemoryLayout<rte_epoll_event>.stride, 0,
                   (n - old) * MemoryLayout<rte_epoll_event>.stride)
        }
        h.pointee.nb_intr = UInt16(n)
    }

    static func allocateVectorList(_ h: IntrHandlePtr, size: Int32) throws(Errno) {
        if h.pointee.intr_vec != nil { return } // already there: kept as it is
        if size > Int32(h.pointee.nb_intr) {
            ealLog(8, "Invalid size \(size), max limit \(h.pointee.nb_intr)")
            throw .ERANGE
        }
        guard size >= 0, let v = calloc(Int(size), MemoryLayout<Int32>.stride) else {
            ealLog(4, "Failed to allocate \(size) intr_vec")
            throw .ENOMEM
        }
        h.pointee.intr_vec = v.assumingMemoryBound(to: Int32.self)
        h.pointee.vec_list_size = UInt16(size)
    }

    static func freeVectorList(_ h: IntrHandlePtr) {
        free(h.pointee.intr_vec)
        h.pointee.intr_vec = nil
        h.pointee.vec_list_size = 0
    }

    @inline(__always)
    static func vectorIndexValid(_ h: IntrHandlePtr, _ index: Int32) -> Bool {
        index >= 0 && index < Int32(h.pointee.nb_intr)
    }
}
