// The accessors of rte_dev.h and device DMA mapping. DPDK dereferences what it is
// given; here a NULL device or driver gets NULL, 0 or an error instead of a crash.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_driver_name(_ driver: UnsafePointer<rte_driver>?) -> UnsafePointer<CChar>? {
    driver?.pointee.name
}

@c @implementation
public func rte_dev_bus(_ dev: UnsafePointer<rte_device>?) -> UnsafePointer<rte_bus>? {
    dev?.pointee.bus
}

@c @implementation
public func rte_dev_bus_info(_ dev: UnsafePointer<rte_device>?) -> UnsafePointer<CChar>? {
    dev?.pointee.bus_info
}

@c @implementation
public func rte_dev_devargs(_ dev: UnsafePointer<rte_device>?) -> UnsafePointer<rte_devargs>? {
    dev?.pointee.devargs.map { UnsafePointer($0) }
}

@c @implementation
public func rte_dev_driver(_ dev: UnsafePointer<rte_device>?) -> UnsafePointer<rte_driver>? {
    dev?.pointee.driver
}

@c @implementation
public func rte_dev_name(_ dev: UnsafePointer<rte_device>?) -> UnsafePointer<CChar>? {
    dev?.pointee.name
}

/// SOCKET_ID_ANY for a NULL device.
@c @implementation
public func rte_dev_numa_node(_ dev: UnsafePointer<rte_device>?) -> Int32 {
    dev?.pointee.numa_node ?? -1
}

/// A device counts as probed once a driver is set on it.
@c @implementation
public func rte_dev_is_probed(_ dev: UnsafePointer<rte_device>?) -> Int32 {
    dev?.pointee.driver != nil ? 1 : 0
}

/// -1 with rte_errno ENOTSUP when the device's bus cannot map (or len is 0), EINVAL
/// when addr is not in memory the EAL knows (rte_extmem_register'ed or its own).
@c @implementation
public func rte_dev_dma_map(_ dev: UnsafeMutablePointer<rte_device>?, _ addr: UnsafeMutableRawPointer?,
                            _ iova: UInt64, _ len: Int) -> Int32 {
    dmaMapping(dev, addr, len) { bus in bus.pointee.dma_map.map { f in { f(dev, addr, iova, len) } } }
}

@c @implementation
public func rte_dev_dma_unmap(_ dev: UnsafeMutablePointer<rte_device>?, _ addr: UnsafeMutableRawPointer?,
                              _ iova: UInt64, _ len: Int) -> Int32 {
    dmaMapping(dev, addr, len) { bus in bus.pointee.dma_unmap.map { f in { f(dev, addr, iova, len) } } }
}

/// `op` gives the bus's operation, bound to its arguments, or nil when the bus has none.
private func dmaMapping(_ dev: UnsafeMutablePointer<rte_device>?, _ addr: UnsafeMutableRawPointer?, _ len: Int,
                        _ op: (UnsafePointer<rte_bus>) -> (() -> Int32)?) -> Int32 {
    guard let dev else { RteErrno.set(.EINVAL); return -1 }
    guard let bus = dev.pointee.bus, len != 0, let call = op(bus) else {
        RteErrno.set(.ENOTSUP)
        return -1
    }
    guard rte_mem_virt2memseg_list(addr) != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    return call()
}
