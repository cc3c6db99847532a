// The C API of rte_bus.h and the bus part of the driver SDK (rte_bus_register,
// rte_bus_unregister). DPDK dereferences what it is given; here a NULL bus, device or
// name gets NULL (or nothing done) instead of a crash.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_bus_name(_ bus: UnsafePointer<rte_bus>?) -> UnsafePointer<CChar>? {
    bus?.pointee.name
}

@c @implementation
public func rte_bus_register(_ bus: UnsafeMutablePointer<rte_bus>?) {
    Buses.register(bus)
}

@c @implementation
public func rte_bus_unregister(_ bus: UnsafeMutablePointer<rte_bus>?) {
    Buses.unregister(bus)
}

@c @implementation
public func rte_bus_scan() -> Int32 {
    Buses.scanAll()
}

@c @implementation
public func rte_bus_probe() -> Int32 {
    Buses.probeAll()
}

@c @implementation
public func rte_bus_dump(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f else { return }
    Buses.dump(f)
}

@c @implementation
public func rte_bus_find(_ start: UnsafePointer<rte_bus>?, _ cmp: rte_bus_cmp_t?,
                         _ data: UnsafeRawPointer?) -> UnsafeMutablePointer<rte_bus>? {
    guard let cmp else { return nil }
    return Buses.find(after: start) { cmp($0, data) == 0 }
}

@c @implementation
public func rte_bus_find_by_device(_ dev: UnsafePointer<rte_device>?) -> UnsafeMutablePointer<rte_bus>? {
    guard let dev else { return nil }
    return Buses.byDevice(dev)
}

@c @implementation
public func rte_bus_find_by_name(_ busname: UnsafePointer<CChar>?) -> UnsafeMutablePointer<rte_bus>? {
    guard let busname else { return nil }
    return Buses.byName(busname)
}

@c @implementation
public func rte_bus_get_iommu_class() -> rte_iova_mode {
    Buses.iommuClass()
}
