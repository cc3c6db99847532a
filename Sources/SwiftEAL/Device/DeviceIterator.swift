import CEALShared
import CSwiftEAL
import Glibc

/// RTE_DEV_FOREACH: devices described by "bus=B,k=v/class=C,k=v", walked through the
/// buses' and classes' dev_iterate. The iterator holds no allocation; each step works on
/// copies of the layers' "k=v" parts (what follows the layer's key, up to the next '/').
/// The walk follows DPDK's, rte_errno included: init answers -rte_errno (so a stale
/// rte_errno shows through a successful init, as in DPDK), next restores the caller's
/// rte_errno at the end of the walk.
enum DeviceIterator {
    static func initialize(_ it: UnsafeMutablePointer<rte_dev_iterator>, _ str: UnsafePointer<CChar>) -> Int32 {
        it.pointee.bus_str = nil
        it.pointee.cls_str = nil
        var da = rte_devargs()
        // data == str: parsed where it is, nothing allocated
        da.data = UnsafeMutablePointer(mutating: str)
        if DevargsParser.parseLayers(&da, str) == 0 {
            if da.bus == nil && da.cls == nil {
                debug("Either bus or class must be specified.")
                RteErrno.set(.EINVAL)
            } else if let bus = da.bus, bus.pointee.dev_iterate == nil {
                debug("Bus \(String(cString: Buses.name(bus))) not supported")
                RteErrno.set(.ENOTSUP)
            } else if let cls = da.cls, cls.pointee.dev_iterate == nil {
                debug("Class \(String(cString: cls.pointee.name ?? emptyCString)) not supported")
                RteErrno.set(.ENOTSUP)
            } else {
                it.pointee.bus_str = da.bus_str
                it.pointee.cls_str = da.cls_str
                it.pointee.dev_str = str
                it.pointee.bus = da.bus
                it.pointee.cls = da.cls
                it.pointee.device = nil
                it.pointee.class_device = nil
            }
        }
        return -RteErrno.value
    }

    private struct Context {
        let it: UnsafeMutablePointer<rte_dev_iterator>
        let busStr: UnsafeMutablePointer<CChar>?
        let clsStr: UnsafeMutablePointer<CChar>?
    }

    static func next(_ it: UnsafeMutablePointer<rte_dev_iterator>) -> UnsafeMutablePointer<rte_device>? {
        let oldErrno = RteErrno.value
        RteErrno.set(0)
        guard it.pointee.bus_str != nil || it.pointee.cls_str != nil else {
            RteErrno.set(.EINVAL)   // not initialized, or init failed
            return nil
        }
        var busStr: UnsafeMutablePointer<CChar>? = nil
        var clsStr: UnsafeMutablePointer<CChar>? = nil
        defer { free(busStr); free(clsStr) }
        if let s = it.pointee.bus_str {
            busStr = saneCopy(s)
            if busStr == nil { return it.pointee.device }
        }
        if let s = it.pointee.cls_str {
            clsStr = saneCopy(s)
            if clsStr == nil { return it.pointee.device }
        }
        let ctx = Context(it: it, busStr: busStr, clsStr: clsStr)
        // resume on the bus of the current device (or from the first bus)
        var bus: UnsafeMutablePointer<rte_bus>? = it.pointee.bus.flatMap(previousBus)
        var fromStart = it.pointee.bus == nil || bus == nil
        while let found = fromStart ? Buses.find(after: nil, { busStep($0, ctx) })
                                    : Buses.find(after: bus, { busStep($0, ctx) }) {
            fromStart = false
            bus = found
            if it.pointee.device != nil {
                it.pointee.bus = found
                return it.pointee.device
            }
            if it.pointee.bus_str != nil || RteErrno.value != 0 { break }
        }
        if RteErrno.value == 0 { RteErrno.set(oldErrno) }
        return it.pointee.device
    }

    /// The bus registered just before `bus`, or nil when it is the first (or is not
    /// registered any more: the walk then starts over).
    private static func previousBus(_ bus: UnsafeMutablePointer<rte_bus>) -> UnsafeMutablePointer<rte_bus>? {
        var prev: UnsafeMutablePointer<rte_bus>? = nil
        for b in Buses.all {
            if b == bus { return prev }
            prev = b
        }
        return nil
    }

    private static func previousClass(_ cls: UnsafeMutablePointer<rte_class>) -> UnsafeMutablePointer<rte_class>? {
        var prev: UnsafeMutablePointer<rte_class>? = nil
        var c = eal_class_first()
        while let cur = c {
            if cur == cls { return prev }
            prev = cur
            c = eal_class_next(cur)
        }
        return nil
    }

    /// One bus's step: true when it yields the next device (it.device).
    private static func busStep(_ bus: UnsafeMutablePointer<rte_bus>, _ ctx: Context) -> Bool {
        guard let iterate = bus.pointee.dev_iterate else { return false }
        let it = ctx.it
        if it.pointee.bus_str != nil && bus != it.pointee.bus { return false }
        if RteErrno.value != 0 { return false }
        var dev = it.pointee.device
        if it.pointee.cls_str == nil {
            dev = iterate(dev, ctx.busStr, it)?.assumingMemoryBound(to: rte_device.self)
            it.pointee.device = dev
            return dev != nil
        }
        // a class too: the next device of this bus that the class also yields
        var fresh = dev == nil
        while true {
            if fresh {
                dev = iterate(dev, ctx.busStr, it)?.assumingMemoryBound(to: rte_device.self)
                it.pointee.device = dev
            }
            guard dev != nil else { return false }
            fresh = true
            let start: UnsafeMutablePointer<rte_class>? = it.pointee.cls.flatMap(previousClass)
            let fromFirst = it.pointee.cls == nil || start == nil
            let found = fromFirst ? Classes.find(after: nil, { classStep($0, ctx) })
                                  : Classes.find(after: start, { classStep($0, ctx) })
            if let found {
                it.pointee.cls = found
                it.pointee.device = dev
                return true
            }
        }
    }

    private static func classStep(_ cls: UnsafeMutablePointer<rte_class>, _ ctx: Context) -> Bool {
        guard let iterate = cls.pointee.dev_iterate else { return false }
        let it = ctx.it
        if it.pointee.cls_str != nil && cls != it.pointee.cls { return false }
        if RteErrno.value != 0 { return false }
        let dev = iterate(it.pointee.class_device, ctx.clsStr, it)
        it.pointee.class_device = dev
        return dev != nil
    }

    /// A layer's arguments: after its first ',' up to the next '/' ("" when it has none).
    private static func saneCopy(_ str: UnsafePointer<CChar>) -> UnsafeMutablePointer<CChar>? {
        let end = strcspn(str, ",/")
        let copy = str[end] == CChar(UInt8(ascii: ",")) ? strdup(str + end + 1) : strdup("")
        guard let copy else {
            RteErrno.set(.ENOMEM)
            return nil
        }
        if let slash = strchr(copy, Int32(UInt8(ascii: "/"))) { slash.pointee = 0 }
        return copy
    }
}

@c @implementation
public func rte_dev_iterator_init(_ it: UnsafeMutablePointer<rte_dev_iterator>?, _ str: UnsafePointer<CChar>?) -> Int32 {
    guard let it else { RteErrno.set(.EINVAL); return -Errno.EINVAL.rawValue }
    guard let str else {
        it.pointee.bus_str = nil
        it.pointee.cls_str = nil
        RteErrno.set(.EINVAL)
        return -Errno.EINVAL.rawValue
    }
    return DeviceIterator.initialize(it, str)
}

@c @implementation
public func rte_dev_iterator_next(_ it: UnsafeMutablePointer<rte_dev_iterator>?) -> UnsafeMutablePointer<rte_device>? {
    guard let it else { RteErrno.set(.EINVAL); return nil }
    return DeviceIterator.next(it)
}
