import CEALShared
import CSwiftEAL
import Glibc

// The C API of rte_memzone.h: DPDK 22.11's checks in its order (ENOSPC, ENAMETOOLONG,
// EEXIST, then EINVAL for alignment, socket, length, bound and flags, ENOMEM last);
// a NULL name gives EINVAL where DPDK would crash.

@c @implementation
public func rte_memzone_reserve(_ name: UnsafePointer<CChar>?, _ len: Int, _ socket_id: Int32,
                                _ flags: UInt32) -> UnsafePointer<rte_memzone>? {
    withRteErrno(nil) { () throws(Errno) -> UnsafePointer<rte_memzone>? in
        UnsafePointer(try Memzones.reserve(name, len, socket_id, flags, UInt32(RTE_CACHE_LINE_SIZE), 0))
    }
}

@c @implementation
public func rte_memzone_reserve_aligned(_ name: UnsafePointer<CChar>?, _ len: Int, _ socket_id: Int32,
                                        _ flags: UInt32, _ align: UInt32) -> UnsafePointer<rte_memzone>? {
    withRteErrno(nil) { () throws(Errno) -> UnsafePointer<rte_memzone>? in
        UnsafePointer(try Memzones.reserve(name, len, socket_id, flags, align, 0))
    }
}

@c @implementation
public func rte_memzone_reserve_bounded(_ name: UnsafePointer<CChar>?, _ len: Int, _ socket_id: Int32,
                                        _ flags: UInt32, _ align: UInt32,
                                        _ bound: UInt32) -> UnsafePointer<rte_memzone>? {
    withRteErrno(nil) { () throws(Errno) -> UnsafePointer<rte_memzone>? in
        UnsafePointer(try Memzones.reserve(name, len, socket_id, flags, align, bound))
    }
}

@c @implementation
public func rte_memzone_free(_ mz: UnsafePointer<rte_memzone>?) -> Int32 {
    Memzones.free(mz)
}

@c @implementation
public func rte_memzone_lookup(_ name: UnsafePointer<CChar>?) -> UnsafePointer<rte_memzone>? {
    withRteErrno(nil) { () throws(Errno) -> UnsafePointer<rte_memzone>? in
        UnsafePointer(try Memzones.lookup(name))
    }
}

@c @implementation
public func rte_memzone_dump(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f else { return }
    Memzones.dump(f)
}

@c @implementation
public func rte_memzone_walk(_ func: (@convention(c) (UnsafePointer<rte_memzone>?, UnsafeMutableRawPointer?) -> Void)?,
                             _ arg: UnsafeMutableRawPointer?) {
    guard let `func` else { return }
    Memzones.forEach { _, z in `func`(UnsafePointer(z), arg) }
}
