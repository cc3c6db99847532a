import CEALShared
import CSwiftEAL
import Glibc

/// The bus and class registries: static C lists (eal_driver.h) that bus and class
/// libraries fill from their ELF constructors, before rte_eal_init and possibly before
/// any constructor of ours. Like DPDK's, the lists take no lock: registration happens
/// while the process is single-threaded (constructors, plugin loading in init).
enum Buses {
    /// The registered buses, in registration order.
    static var all: CList<rte_bus> { CList(eal_bus_first()) { eal_bus_next($0) } }

    static func isRegistered(_ bus: UnsafePointer<rte_bus>) -> Bool {
        var b = eal_bus_first()
        while let cur = b { if UnsafePointer(cur) == bus { return true }; b = eal_bus_next(cur) }
        return false
    }

    /// DPDK verifies a bus (a name, scan, probe, find_device; unplug with plug) and
    /// panics on a bad one; here it is refused with a message and rte_errno EINVAL.
    static func register(_ bus: UnsafeMutablePointer<rte_bus>?) {
        guard let bus else { return refuse("NULL bus") }
        guard let name = bus.pointee.name, name.pointee != 0 else { return refuse("bus without a name") }
        guard bus.pointee.scan != nil, bus.pointee.probe != nil, bus.pointee.find_device != nil,
              bus.pointee.plug == nil || bus.pointee.unplug != nil else {
            return refuse("bus \(String(cString: name)) lacks scan, probe, find_device or unplug")
        }
        guard !isRegistered(bus) else { return refuse("bus \(String(cString: name)) is registered already") }
        eal_bus_append(bus)
        debug("Registered [\(String(cString: name))] bus.")
    }

    static func unregister(_ bus: UnsafeMutablePointer<rte_bus>?) {
        guard let bus, isRegistered(bus) else { return }
        eal_bus_remove(bus)
        debug("Unregistered [\(String(cString: name(bus)))] bus.")
    }

    /// DPDK's rte_bus_find: the first match after start (a start that is not registered
    /// has no next bus here; DPDK would follow its stale link).
    static func find(after start: UnsafePointer<rte_bus>?, _ match: (UnsafeMutablePointer<rte_bus>) -> Bool)
        -> UnsafeMutablePointer<rte_bus>? {
        var b: UnsafeMutablePointer<rte_bus>?
        if let start {
            guard isRegistered(start) else { return nil }
            b = eal_bus_next(start)
        } else {
            b = eal_bus_first()
        }
        while let cur = b {
            if match(cur) { return cur }
            b = eal_bus_next(cur)
        }
        return nil
    }

    static func byName(_ name: UnsafePointer<CChar>) -> UnsafeMutablePointer<rte_bus>? {
        find(after: nil) { strcmp(Buses.name($0), name) == 0 }
    }

    /// The first bus whose parse accepts the device name (up to its first ','), as
    /// DPDK's rte_bus_find_by_device_name.
    static func parsing(deviceName str: UnsafePointer<CChar>, after start: UnsafePointer<rte_bus>? = nil)
        -> UnsafeMutablePointer<rte_bus>? {
        var buf = [CChar](repeating: 0, count: Int(RTE_DEV_NAME_MAX_LEN))
        _ = strlcpyBytes(&buf, str)
        if let comma = buf.firstIndex(of: CChar(UInt8(ascii: ","))) { buf[comma] = 0 }
        return buf.withUnsafeBufferPointer { p in
            find(after: start) { bus in
                guard let parse = bus.pointee.parse else { return false }
                return parse(p.baseAddress!, nil) == 0
            }
        }
    }

    static func byDevice(_ dev: UnsafePointer<rte_device>) -> UnsafeMutablePointer<rte_bus>? {
        find(after: nil) { bus in
            bus.pointee.find_device?(nil, deviceIsData, UnsafeRawPointer(dev)) != nil
        }
    }

    static func name(_ bus: UnsafePointer<rte_bus>) -> UnsafePointer<CChar> {
        bus.pointee.name ?? emptyCString
    }

    /// Every bus lists its devices; a failing one is logged and the rest go on.
    static func scanAll() -> Int32 {
        for bus in all where bus.pointee.scan?() ?? 0 != 0 {
            ealLog(4, "Scan for (\(String(cString: name(bus)))) bus failed.")
        }
        return 0
    }

    /// Every bus probes its devices, the vdev bus last (its devices may stack on the
    /// others'); failures are logged.
    static func probeAll() -> Int32 {
        var vdev: UnsafeMutablePointer<rte_bus>?
        for bus in all {
            if strcmp(name(bus), "vdev") == 0 { vdev = bus; continue }
            if bus.pointee.probe?() ?? 0 != 0 { ealLog(4, "Bus (\(String(cString: name(bus)))) probe failed.") }
        }
        if let vdev, vdev.pointee.probe?() ?? 0 != 0 {
            ealLog(4, "Bus (\(String(cString: name(vdev)))) probe failed.")
        }
        return 0
    }

    /// rte_eal_cleanup: each bus's cleanup; -1 when one failed.
    static func cleanupAll() -> Int32 {
        var ret: Int32 = 0
        for bus in all { if let c = bus.pointee.cleanup, c() != 0 { ret = -1 } }
        return ret
    }

    /// What the buses' devices need: VA or PA when some ask and none asks the other,
    /// DC otherwise (warned when they disagree).
    static func iommuClass() -> rte_iova_mode {
        var wantVA = false, wantPA = false
        for bus in all {
            guard let get = bus.pointee.get_iommu_class else { continue }
            let mode = get()
            if LogRegistry.canLog(0, 8) {
                let word = mode == RTE_IOVA_DC ? "DC" : mode == RTE_IOVA_PA ? "PA" : "VA"
                ealLog(8, "Bus \(String(cString: name(bus))) wants IOVA as '\(word)'")
            }
            if mode == RTE_IOVA_PA { wantPA = true } else if mode == RTE_IOVA_VA { wantVA = true }
        }
        if wantVA && !wantPA { return RTE_IOVA_VA }
        if wantPA && !wantVA { return RTE_IOVA_PA }
        if wantVA {
            ealLog(5, "Some buses want 'VA' but forcing 'DC' because other buses want 'PA'.")
            ealLog(5, "Depending on the final decision by the EAL, not all buses may be able to initialize.")
        }
        return RTE_IOVA_DC
    }

    /// SIGBUS on a device's memory: 0 when a bus handled it, 1 when no bus knew the
    /// address, -1 when the bus that knew it failed (rte_errno is left as it was).
    static func sigbus(_ addr: UnsafeRawPointer?) -> Int32 {
        for bus in all {
            guard let handler = bus.pointee.sigbus_handler else { continue }
            let r = handler(addr)
            if r == 0 { return 0 }
            if r < 0 { return -1 }
        }
        return 1
    }

    static func dump(_ f: UnsafeMutablePointer<FILE>) {
        for bus in all {
            let ret = withVaList([Buses.name(bus)]) { vfprintf(f, " %s\n", $0) }
            if ret < 0 {
                ealLog(4, "Unable to write to stream (\(ret))")
                break
            }
        }
    }

    private static func refuse(_ why: String) {
        ealLog(4, "Cannot register a bus: \(why)")
        RteErrno.set(.EINVAL)
    }
}

/// find_device's comparison for rte_bus_find_by_device: the device itself.
private let deviceIsData: rte_dev_cmp_t = { dev, data in
    UnsafeRawPointer(dev) == data ? 0 : 1
}

/// rte_dev's name comparison (hotplug finds a device by name on its bus).
let deviceNameIs: rte_dev_cmp_t = { dev, data in
    guard let dev, let name = dev.pointee.name, let data else { return 1 }
    return strcmp(name, data.assumingMemoryBound(to: CChar.self))
}

/// "" for a NULL name: a literal's bytes live (read-only) for the whole process.
var emptyCString: UnsafePointer<CChar> {
    UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}

/// A debug message from code that may run in other libraries' constructors: nothing
/// is built unless it would be written.
@inline(__always)
func debug(_ message: @autoclosure () -> String) {
    if LogRegistry.canLog(0, 8) { ealLog(8, message()) }
}

/// strlcpy into a CChar array; returns strlen(src).
@discardableResult
func strlcpyBytes(_ dst: inout [CChar], _ src: UnsafePointer<CChar>) -> Int {
    let n = strlen(src)
    let copy = min(n, dst.count - 1)
    dst.withUnsafeMutableBufferPointer { d in
        memcpy(d.baseAddress!, src, copy)
        d[copy] = 0
    }
    return n
}

/// The elements of a C linked list. The next element is read before the current one is
/// handed out, so the loop body may unlink (and free) it.
struct CList<T>: Sequence, IteratorProtocol {
    private var cur: UnsafeMutablePointer<T>?
    private let step: (UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T>?

    init(_ first: UnsafeMutablePointer<T>?, _ step: @escaping (UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T>?) {
        cur = first
        self.step = step
    }

    mutating func next() -> UnsafeMutablePointer<T>? {
        guard let c = cur else { return nil }
        cur = step(c)
        return c
    }
}
