import CEALShared
import CSwiftEAL
import Glibc

/// The device class registry (a static C list, see Buses). DPDK verifies a class has a
/// name and panics otherwise; here a bad one is refused with rte_errno EINVAL.
enum Classes {
    static func isRegistered(_ cls: UnsafePointer<rte_class>) -> Bool {
        var c = eal_class_first()
        while let cur = c { if UnsafePointer(cur) == cls { return true }; c = eal_class_next(cur) }
        return false
    }

    static func register(_ cls: UnsafeMutablePointer<rte_class>?) {
        guard let cls, let name = cls.pointee.name, name.pointee != 0 else {
            ealLog(4, "Cannot register a device class without a name")
            RteErrno.set(.EINVAL)
            return
        }
        guard !isRegistered(cls) else {
            ealLog(4, "Cannot register device class \(String(cString: name)): registered already")
            RteErrno.set(.EINVAL)
            return
        }
        eal_class_append(cls)
        debug("Registered [\(String(cString: name))] device class.")
    }

    static func unregister(_ cls: UnsafeMutablePointer<rte_class>?) {
        guard let cls, isRegistered(cls) else { return }
        eal_class_remove(cls)
        debug("Unregistered [\(String(cString: cls.pointee.name ?? emptyCString))] device class.")
    }

    /// The first match after start (an unregistered start has no next class here).
    static func find(after start: UnsafePointer<rte_class>?, _ match: (UnsafeMutablePointer<rte_class>) -> Bool)
        -> UnsafeMutablePointer<rte_class>? {
        var c: UnsafeMutablePointer<rte_class>?
        if let start {
            guard isRegistered(start) else { return nil }
            c = eal_class_next(start)
        } else {
            c = eal_class_first()
        }
        while let cur = c {
            if match(cur) { return cur }
            c = eal_class_next(cur)
        }
        return nil
    }

    static func byName(_ name: UnsafePointer<CChar>) -> UnsafeMutablePointer<rte_class>? {
        find(after: nil) { strcmp($0.pointee.name ?? emptyCString, name) == 0 }
    }
}

@c @implementation
public func rte_class_register(_ cls: UnsafeMutablePointer<rte_class>?) {
    Classes.register(cls)
}

@c @implementation
public func rte_class_unregister(_ cls: UnsafeMutablePointer<rte_class>?) {
    Classes.unregister(cls)
}

@c @implementation
public func rte_class_find(_ start: UnsafePointer<rte_class>?, _ cmp: rte_class_cmp_t?,
                           _ data: UnsafeRawPointer?) -> UnsafeMutablePointer<rte_class>? {
    guard let cmp else { return nil }
    return Classes.find(after: start) { cmp($0, data) == 0 }
}

@c @implementation
public func rte_class_find_by_name(_ name: UnsafePointer<CChar>?) -> UnsafeMutablePointer<rte_class>? {
    guard let name else { return nil }
    return Classes.byName(name)
}
