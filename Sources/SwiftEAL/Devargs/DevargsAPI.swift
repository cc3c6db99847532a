// The C API of rte_devargs.h (rte_devargs_parsef, variadic, is C: it formats and calls
// rte_devargs_parse). DPDK dereferences NULL strings and pointers; here they get
// -EINVAL, -1 or nothing done.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_devargs_parse(_ da: UnsafeMutablePointer<rte_devargs>?, _ dev: UnsafePointer<CChar>?) -> Int32 {
    guard let da, let dev else { return -Errno.EINVAL.rawValue }
    return DevargsParser.parse(da, dev)
}

@c @implementation
public func rte_devargs_reset(_ da: UnsafeMutablePointer<rte_devargs>?) {
    guard let da else { return }
    DevargsParser.reset(da)
}

@c @implementation
public func rte_devargs_insert(_ da: UnsafeMutablePointer<UnsafeMutablePointer<rte_devargs>?>?) -> Int32 {
    guard let da else { return -1 }
    return Devargs.insert(da)
}

@c @implementation
public func rte_devargs_add(_ devtype: rte_devtype, _ devargs_str: UnsafePointer<CChar>?) -> Int32 {
    guard let devargs_str else { return -1 }
    return Devargs.add(devtype, devargs_str)
}

@c @implementation
public func rte_devargs_remove(_ devargs: UnsafeMutablePointer<rte_devargs>?) -> Int32 {
    Devargs.remove(devargs)
}

@c @implementation
public func rte_devargs_type_count(_ devtype: rte_devtype) -> UInt32 {
    Devargs.count(devtype)
}

@c @implementation
public func rte_devargs_dump(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f else { return }
    Devargs.dump(f)
}

@c @implementation
public func rte_devargs_next(_ busname: UnsafePointer<CChar>?, _ start: UnsafePointer<rte_devargs>?)
    -> UnsafeMutablePointer<rte_devargs>? {
    Devargs.next(busname, after: start)
}
