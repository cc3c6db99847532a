import CEALShared
import CSwiftEAL
import Glibc

// The C API of rte_malloc.h. Allocation calls answer bad arguments as DPDK 22.11 does:
// NULL and rte_errno untouched (size 0, alignment not a power of two, socket without a
// heap, no memory); rte_calloc whose product overflows gives NULL (DPDK wraps).

enum MallocAPI {
    @inline(__always)
    static func malloc(_ size: Int, _ align: UInt32, _ socket: Int32) -> UnsafeMutableRawPointer? {
        guard size > 0, align & (align &- 1) == 0 else { return nil }
        return Malloc.allocate(size, align: Int(align), socket: socket)
    }

    @inline(__always)
    static func zmalloc(_ size: Int, _ align: UInt32, _ socket: Int32) -> UnsafeMutableRawPointer? {
        guard let p = malloc(size, align, socket) else { return nil }
        memset(p, 0, HeapLayout.roundUp(size, 64))
        return p
    }

    static func calloc(_ num: Int, _ size: Int, _ align: UInt32, _ socket: Int32) -> UnsafeMutableRawPointer? {
        let (n, overflow) = UInt(bitPattern: num).multipliedReportingOverflow(by: UInt(bitPattern: size))
        guard !overflow, n <= UInt(Int.max) else { return nil }
        return zmalloc(Int(n), align, socket)
    }

    static func realloc(_ ptr: UnsafeMutableRawPointer?, _ size: Int, _ align: UInt32,
                        _ socket: Int32) -> UnsafeMutableRawPointer? {
        guard let ptr else { return malloc(size, align, socket) }
        if size == 0 {
            Malloc.free(ptr)
            return nil
        }
        // DPDK rounds the alignment up to a cache line before looking at it
        let a = HeapLayout.roundUp(Int(align), 64)
        guard size > 0, a == 0 || HeapLayout.isPowerOfTwo(a) else { return nil }
        return Malloc.reallocate(ptr, size: size, align: max(a, 64), socket: socket)
    }
}

@c @implementation
public func rte_malloc(_ type: UnsafePointer<CChar>?, _ size: Int, _ align: UInt32) -> UnsafeMutableRawPointer? {
    MallocAPI.malloc(size, align, SOCKET_ID_ANY)
}

@c @implementation
public func rte_zmalloc(_ type: UnsafePointer<CChar>?, _ size: Int, _ align: UInt32) -> UnsafeMutableRawPointer? {
    MallocAPI.zmalloc(size, align, SOCKET_ID_ANY)
}

@c @implementation
public func rte_calloc(_ type: UnsafePointer<CChar>?, _ num: Int, _ size: Int, _ align: UInt32) -> UnsafeMutableRawPointer? {
    MallocAPI.calloc(num, size, align, SOCKET_ID_ANY)
}

@c @implementation
public func rte_realloc(_ ptr: UnsafeMutableRawPointer?, _ size: Int, _ align: UInt32) -> UnsafeMutableRawPointer? {
    MallocAPI.realloc(ptr, size, align, SOCKET_ID_ANY)
}

@c @implementation
public func rte_realloc_socket(_ ptr: UnsafeMutableRawPointer?, _ size: Int, _ align: UInt32,
                               _ socket: Int32) -> UnsafeMutableRawPointer? {
    MallocAPI.realloc(ptr, size, align, socket)
}

@c @implementation
public func rte_malloc_socket(_ type: UnsafePointer<CChar>?, _ size: Int, _ align: UInt32,
                              _ socket: Int32) -> UnsafeMutableRawPointer? {
    MallocAPI.malloc(size, align, socket)
}

@c @implementation
public func rte_zmalloc_socket(_ type: UnsafePointer<CChar>?, _ size: Int, _ align: UInt32,
                               _ socket: Int32) -> UnsafeMutableRawPointer? {
    MallocAPI.zmalloc(size, align, socket)
}

@c @implementation
public func rte_calloc_socket(_ type: UnsafePointer<CChar>?, _ num: Int, _ size: Int, _ align: UInt32,
                              _ socket: Int32) -> UnsafeMutableRawPointer? {
    MallocAPI.calloc(num, size, align, socket)
}

@c @implementation
public func rte_free(_ ptr: UnsafeMutableRawPointer?) {
    guard let ptr else { return }
    Malloc.free(ptr)
}

@c @implementation
public func rte_malloc_validate(_ ptr: UnsafeRawPointer?, _ size: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let ptr, let usable = Malloc.usableSize(UnsafeMutableRawPointer(mutating: ptr)) else { return -1 }
    size?.pointee = usable
    return 0
}

@c @implementation
public func rte_malloc_get_socket_stats(_ socket: Int32,
                                        _ socket_stats: UnsafeMutablePointer<rte_malloc_socket_stats>?) -> Int32 {
    guard let s = MallocState.shared, let i = MallocState.heapIndex(socket: socket, in: s) else { return -1 }
    guard let socket_stats else {
        RteErrno.set(.EINVAL)
        return -1
    }
    socket_stats.pointee = Heap(s, i).stats
    return 0
}

@c @implementation
public func rte_malloc_heap_memory_add(_ heap_name: UnsafePointer<CChar>?, _ va_addr: UnsafeMutableRawPointer?,
                                       _ len: Int, _ iova_addrs: UnsafeMutablePointer<rte_iova_t>?,
                                       _ n_pages: UInt32, _ page_sz: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalHeaps.add(heap_name, va_addr, len, iova_addrs, n_pages, page_sz)
        return 0
    }
}

@c @implementation
public func rte_malloc_heap_memory_remove(_ heap_name: UnsafePointer<CChar>?, _ va_addr: UnsafeMutableRawPointer?,
                                          _ len: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalHeaps.remove(heap_name, va_addr, len)
        return 0
    }
}

@c @implementation
public func rte_malloc_heap_memory_attach(_ heap_name: UnsafePointer<CChar>?, _ va_addr: UnsafeMutableRawPointer?,
                                          _ len: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalHeaps.attach(heap_name, va_addr, len, detach: false)
        return 0
    }
}

@c @implementation
public func rte_malloc_heap_memory_detach(_ heap_name: UnsafePointer<CChar>?, _ va_addr: UnsafeMutableRawPointer?,
                                          _ len: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalHeaps.attach(heap_name, va_addr, len, detach: true)
        return 0
    }
}

@c @implementation
public func rte_malloc_heap_create(_ heap_name: UnsafePointer<CChar>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalHeaps.create(heap_name)
        return 0
    }
}

@c @implementation
public func rte_malloc_heap_destroy(_ heap_name: UnsafePointer<CChar>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalHeaps.destroy(heap_name)
        return 0
    }
}

@c @implementation
public func rte_malloc_heap_get_socket(_ name: UnsafePointer<CChar>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in try ExternalHeaps.socket(of: name) }
}

@c @implementation
public func rte_malloc_heap_socket_is_external(_ socket_id: Int32) -> Int32 {
    ExternalHeaps.isExternal(socket_id)
}

@c @implementation
public func rte_malloc_dump_stats(_ f: UnsafeMutablePointer<FILE>?, _ type: UnsafePointer<CChar>?) {
    guard let f, let s = MallocState.shared else { return }
    HeapDump.stats(f, s)
}

@c @implementation
public func rte_malloc_dump_heaps(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f, let s = MallocState.shared else { return }
    HeapDump.heaps(f, s)
}

@c @implementation
public func rte_malloc_virt2iova(_ addr: UnsafeRawPointer?) -> rte_iova_t {
    guard let addr, Malloc.usableSize(UnsafeMutableRawPointer(mutating: addr)) != nil else { return rte_iova_t.max } // RTE_BAD_IOVA
    return MemoryPages.iova(of: addr)
}
