import CEALShared
import CSwiftEAL
import Glibc

/// Hotplug: a device added by its devargs (parsed, listed, found by its bus's scan,
/// plugged) or removed (unplugged), in this process and then in the others.
///
/// The other processes are reached through rte_mp, which this library does not have
/// yet: until it does, a primary goes on as DPDK's does when IPC is not supported (as
/// if every secondary agreed), and a secondary, which cannot ask its primary, gets
/// -ENOMSG as DPDK's does when the request cannot be sent.
enum Hotplug {
    enum Request { case attach, detach, attachRollback, detachRollback }

    /// What the secondaries answered: 0 when all agreed, a negative errno otherwise;
    /// nil when they could not be asked.
    static let askSecondaries: @Sendable (Request, UnsafePointer<CChar>) -> Int32? = { _, _ in 0 }
    /// The primary's answer to a secondary's request, or nil when it cannot be asked.
    static let askPrimary: @Sendable (Request, UnsafePointer<CChar>) -> Int32? = { _, _ in nil }

    /// rte_dev_probe.
    static func probe(_ devargs: UnsafePointer<CChar>) -> Int32 {
        if EALState.processType != RTE_PROC_PRIMARY {
            guard let result = askPrimary(.attach, devargs) else {
                ealLog(4, "Failed to send hotplug request to primary")
                return -Errno(ENOMSG).rawValue
            }
            if result != 0 { ealLog(4, "Failed to hotplug add device") }
            return result
        }
        var dev: UnsafeMutablePointer<rte_device>?
        let ret = localProbe(devargs, &dev)
        if ret != 0 {
            ealLog(4, "Failed to attach device on primary process")
            // a secondary may lack a device the primary has: -EEXIST still syncs
            if ret != -EEXIST { return ret }
        }
        guard let result = askSecondaries(.attach, devargs) else {
            ealLog(4, "Failed to send hotplug add request to secondary")
            return rollbackProbe(devargs, dev, -Errno(ENOMSG).rawValue)
        }
        if result != 0 {
            ealLog(4, "Failed to attach device on secondary process")
            if result == -EEXIST { return result }
            return rollbackProbe(devargs, dev, result)
        }
        return 0
    }

    private static func rollbackProbe(_ devargs: UnsafePointer<CChar>, _ dev: UnsafeMutablePointer<rte_device>?,
                                      _ ret: Int32) -> Int32 {
        if askSecondaries(.attachRollback, devargs) != 0 {
            ealLog(5, "Failed to rollback device attach on secondary.Devices in secondary may not sync with primary")
        }
        if let dev, localRemove(dev) != 0 {
            ealLog(5, "Failed to rollback device attach on primary.Devices in secondary may not sync with primary")
        }
        return ret
    }

    /// Probes in this process: 0 or a negative errno; *newDev is the device when its
    /// bus found it and it is (or was already) probed.
    static func localProbe(_ devargs: UnsafePointer<CChar>, _ newDev: inout UnsafeMutablePointer<rte_device>?) -> Int32 {
        newDev = nil
        guard var da = calloc(1, MemoryLayout<rte_devargs>.size)?.assumingMemoryBound(to: rte_devargs.self) else {
            return -Errno.ENOMEM.rawValue
        }
        func dropDevargs(_ ret: Int32) -> Int32 {
            if Devargs.remove(da) != 0 {
                DevargsParser.reset(da)
                free(da)
            }
            return ret
        }
        var ret = DevargsParser.parse(da, devargs)
        if ret != 0 { return dropDevargs(ret) }
        // A devargs naming only a class has no bus to plug into (DPDK crashes on it).
        guard let bus = da.pointee.bus, bus.pointee.plug != nil else {
            let name = da.pointee.bus.map { String(cString: Buses.name($0)) } ?? "(none)"
            ealLog(4, "Function plug not supported by bus (\(name))")
            return dropDevargs(-Errno.ENOTSUP.rawValue)
        }
        var p: UnsafeMutablePointer<rte_devargs>? = da
        ret = Devargs.insert(&p)
        da = p!
        if ret != 0 { return dropDevargs(ret) }
        // the bus's scan finds the device and hands it the devargs
        ret = bus.pointee.scan?() ?? 0
        if ret != 0 { return dropDevargs(ret) }
        let name = DevargsParser.name(da)
        guard let dev = bus.pointee.find_device?(nil, deviceNameIs, name) else {
            ealLog(4, "Cannot find device (\(String(cString: name)))")
            return dropDevargs(-Errno.ENODEV.rawValue)
        }
        // from here the device owns the devargs
        let devBus = dev.pointee.bus ?? UnsafePointer(bus)
        ret = devBus.pointee.plug?(dev) ?? -Errno.ENOTSUP.rawValue
        if ret > 0 { ret = -Errno.ENOTSUP.rawValue }
        if ret != 0 && dev.pointee.driver == nil {
            ealLog(4, "Driver cannot attach the device (\(String(cString: dev.pointee.name ?? emptyCString)))")
            return ret
        }
        newDev = dev
        return ret
    }

    /// Unplugs in this process: 0 or a negative errno.
    static func localRemove(_ dev: UnsafeMutablePointer<rte_device>) -> Int32 {
        guard let bus = dev.pointee.bus, let unplug = bus.pointee.unplug else {
            let name = dev.pointee.bus.map { String(cString: Buses.name($0)) } ?? "(none)"
            ealLog(4, "Function unplug not supported by bus (\(name))")
            return -Errno.ENOTSUP.rawValue
        }
        let ret = unplug(dev)
        if ret != 0 {
            ealLog(4, "Driver cannot detach the device (\(String(cString: dev.pointee.name ?? emptyCString)))")
            return ret < 0 ? ret : -Errno.ENOENT.rawValue
        }
        return 0
    }

    /// rte_dev_remove.
    static func remove(_ dev: UnsafeMutablePointer<rte_device>) -> Int32 {
        guard dev.pointee.driver != nil else {
            ealLog(4, "Device is not probed")
            return -Errno.ENOENT.rawValue
        }
        guard let devargs = busDevargs(dev, "") else { return -Errno.ENOMEM.rawValue }
        defer { free(devargs) }
        if EALState.processType != RTE_PROC_PRIMARY {
            guard let result = askPrimary(.detach, devargs) else {
                ealLog(4, "Failed to send hotplug request to primary")
                return -Errno(ENOMSG).rawValue
            }
            if result != 0 { ealLog(4, "Failed to hotplug remove device") }
            return result
        }
        var ret: Int32
        if let result = askSecondaries(.detach, devargs) {
            ret = result
            if ret != 0 {
                ealLog(4, "Failed to detach device on secondary process")
                if ret != -ENOENT { return rollbackRemove(devargs, ret) }
            }
        } else {
            ealLog(4, "Failed to send device detach request to secondary")
            return rollbackRemove(devargs, -Errno(ENOMSG).rawValue)
        }
        ret = localRemove(dev)
        if ret != 0 {
            ealLog(4, "Failed to detach device on primary process")
            if ret == -ENOENT { return ret }
            return rollbackRemove(devargs, ret)
        }
        return 0
    }

    private static func rollbackRemove(_ devargs: UnsafePointer<CChar>, _ ret: Int32) -> Int32 {
        if askSecondaries(.detachRollback, devargs) != 0 {
            ealLog(5, "Failed to rollback device detach on secondary.Devices in secondary may not sync with primary")
        }
        return ret
    }

    /// "bus:name,args", malloc'ed.
    static func busDevargs(_ dev: UnsafePointer<rte_device>, _ args: String) -> UnsafeMutablePointer<CChar>? {
        guard let bus = dev.pointee.bus else { return nil }
        return buildDevargs(Buses.name(bus), dev.pointee.name ?? emptyCString, args)
    }

    static func buildDevargs(_ bus: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ args: String) -> UnsafeMutablePointer<CChar>? {
        args.withCString { a in buildDevargs(bus, name, a) }
    }

    static func buildDevargs(_ bus: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ args: UnsafePointer<CChar>)
        -> UnsafeMutablePointer<CChar>? {
        let n = strlen(bus) + 1 + strlen(name) + 1 + strlen(args)
        guard let s = malloc(n + 1)?.assumingMemoryBound(to: CChar.self) else { return nil }
        strcpy(s, bus); strcat(s, ":"); strcat(s, name); strcat(s, ","); strcat(s, args)
        return s
    }
}

@c @implementation
public func rte_eal_hotplug_add(_ busname: UnsafePointer<CChar>?, _ devname: UnsafePointer<CChar>?,
                                _ drvargs: UnsafePointer<CChar>?) -> Int32 {
    guard let busname, let devname else { return -Errno.EINVAL.rawValue }
    // a NULL drvargs reads "(null)", as DPDK's snprintf writes it
    guard let devargs = drvargs.map({ Hotplug.buildDevargs(busname, devname, $0) })
            ?? Hotplug.buildDevargs(busname, devname, "(null)") else {
        return -Errno.ENOMEM.rawValue
    }
    defer { free(devargs) }
    return Hotplug.probe(devargs)
}

@c @implementation
public func rte_dev_probe(_ devargs: UnsafePointer<CChar>?) -> Int32 {
    guard let devargs else { return -Errno.EINVAL.rawValue }
    return Hotplug.probe(devargs)
}

@c @implementation
public func rte_eal_hotplug_remove(_ busname: UnsafePointer<CChar>?, _ devname: UnsafePointer<CChar>?) -> Int32 {
    guard let busname, let bus = Buses.byName(busname) else {
        ealLog(4, "Cannot find bus (\(busname.map { String(cString: $0) } ?? "(null)"))")
        return -Errno.ENOENT.rawValue
    }
    guard let devname, let dev = bus.pointee.find_device?(nil, deviceNameIs, devname) else {
        ealLog(4, "Cannot find plugged device (\(devname.map { String(cString: $0) } ?? "(null)"))")
        return -Errno.EINVAL.rawValue
    }
    return Hotplug.remove(dev)
}

@c @implementation
public func rte_dev_remove(_ dev: UnsafeMutablePointer<rte_device>?) -> Int32 {
    guard let dev else {
        ealLog(4, "Device is not probed")
        return -Errno.ENOENT.rawValue
    }
    return Hotplug.remove(dev)
}
