import CEALShared
import CSwiftEAL
import Glibc

/// This process's way to the heaps: the C-layout `eal_malloc_local` (no Swift global on
/// the fast path), and the socket-to-heap mapping.
enum MallocState {
    @inline(__always) static var local: UnsafeMutablePointer<eal_malloc_local> { eal_malloc_local_ptr() }
    @inline(__always) static var shared: UnsafeMutablePointer<eal_malloc_shared>? { local.pointee.shared }

    /// The heap serving `socket` (a socket heap's or an external heap's id), if any.
    static func heapIndex(socket: Int32, in s: UnsafeMutablePointer<eal_malloc_shared>) -> Int? {
        for i in 0..<Int(RTE_MAX_HEAPS) {
            let h = eal_malloc_heap_at(s, UInt32(i))
            if h.pointee.in_use != 0 && h.pointee.socket_id == socket { return i }
        }
        return nil
    }

    /// The heap of the calling thread's socket; for threads without one (non-EAL), the
    /// first socket heap that has memory, as DPDK picks.
    static func currentHeapIndex(in s: UnsafeMutablePointer<eal_malloc_shared>) -> Int {
        let socket = eal_tls_socket()
        if socket != UInt32.max, let i = heapIndex(socket: Int32(bitPattern: socket), in: s),
           i < Int(s.pointee.nb_sockets) {
            return i
        }
        for i in 0..<Int(s.pointee.nb_sockets) where eal_malloc_heap_at(s, UInt32(i)).pointee.total_size > 0 {
            return i
        }
        return 0
    }

    /// Whether `socket` means "any socket": SOCKET_ID_ANY, or without hugepages any id
    /// that is not an external heap's (DPDK uses any memory then: a negative id, one past
    /// the sockets, INT_MAX, an external id no heap has).
    @inline(__always)
    static func meansAny(_ socket: Int32) -> Bool {
        if socket == SOCKET_ID_ANY { return true }
        guard local.pointee.any_socket != 0 else { return false }
        return socket < Int32(EAL_MALLOC_FIRST_EXT_SOCKET) || !isExternalHeap(socket)
    }

    /// Whether an external heap has `socket` for its id (ids from
    /// EAL_MALLOC_FIRST_EXT_SOCKET on are only ever theirs).
    @inline(never)
    static func isExternalHeap(_ socket: Int32) -> Bool {
        guard let s = shared, let i = heapIndex(socket: socket, in: s) else { return false }
        return eal_malloc_heap_at(s, UInt32(i)).pointee.external != 0
    }
}

/// How the heaps tell of a pointer they refuse or a block they find damaged: DPDK's log
/// line, the detail after it, and rte_errno EINVAL (rte_free returns nothing).
enum MallocReport {
    static func invalid(_ p: UnsafeRawPointer, _ why: String) {
        ealLog(4, "Error: Invalid memory")
        ealLog(4, "rte_free(\(p)): \(why)")
        RteErrno.set(.EINVAL)
    }

    static func corrupt(_ p: UnsafeRawPointer, _ why: String) {
        ealLog(4, "Error: Invalid memory")
        ealLog(4, "heap block \(p): \(why); the block is kept out of the free lists")
        RteErrno.set(.EINVAL)
    }
}
