import CEALShared
import CSwiftEAL
import Glibc

/// The devargs list (a static C list, eal_driver.h): what -a, -b and --vdev added at
/// init, and what drivers and hotplug insert. Entries are calloc'ed and their strings
/// malloc'ed, as DPDK's: bus drivers built against DPDK free them with free(). No lock,
/// as DPDK's.
enum Devargs {
    static var all: CList<rte_devargs> { CList(eal_devargs_first()) { eal_devargs_next($0) } }

    static func isListed(_ da: UnsafePointer<rte_devargs>) -> Bool {
        all.contains { UnsafePointer($0) == da }
    }

    static func sameDevice(_ a: UnsafePointer<rte_devargs>, _ b: UnsafePointer<rte_devargs>) -> Bool {
        guard let ab = a.pointee.bus, let bb = b.pointee.bus else { return false }
        return strcmp(Buses.name(ab), Buses.name(bb)) == 0
            && strcmp(DevargsParser.name(UnsafeMutablePointer(mutating: a)),
                      DevargsParser.name(UnsafeMutablePointer(mutating: b))) == 0
    }

    /// rte_devargs_add: 0 or -1. The first allow or block entry of a bus sets its scan
    /// mode. A devargs naming only a class has no bus to go on: refused (DPDK crashes).
    static func add(_ type: rte_devtype, _ str: UnsafePointer<CChar>) -> Int32 {
        guard let da = calloc(1, MemoryLayout<rte_devargs>.size)?.assumingMemoryBound(to: rte_devargs.self) else {
            return -1
        }
        guard DevargsParser.parse(da, str) == 0, let bus = da.pointee.bus else {
            if da.pointee.bus == nil && da.pointee.cls != nil {
                ealLog(4, "Cannot add device \"\(String(cString: str))\": it names no bus")
            }
            DevargsParser.reset(da)
            free(da)
            return -1
        }
        da.pointee.type = type
        if type == RTE_DEVTYPE_BLOCKED { da.pointee.policy = RTE_DEV_BLOCKED }
        if bus.pointee.conf.scan_mode == RTE_BUS_SCAN_UNDEFINED {
            bus.pointee.conf.scan_mode = da.pointee.policy == RTE_DEV_ALLOWED
                ? RTE_BUS_SCAN_ALLOWLIST : RTE_BUS_SCAN_BLOCKLIST
        }
        eal_devargs_append(da)
        return 0
    }

    /// rte_devargs_insert: a listed devargs for the same device takes *pda's contents
    /// (keeping its place) and *pda, freed, is replaced by it.
    static func insert(_ pda: UnsafeMutablePointer<UnsafeMutablePointer<rte_devargs>?>) -> Int32 {
        guard let da = pda.pointee, da.pointee.bus != nil else { return -1 }
        for listed in all {
            if listed == da { return 0 }
            if sameDevice(listed, da) {
                DevargsParser.reset(listed)
                eal_devargs_take_contents(listed, da)
                free(da)
                pda.pointee = listed
                return 0
            }
        }
        eal_devargs_append(da)
        return 0
    }

    /// rte_devargs_remove: 0, 1 when none is listed for that device, -1 on bad input.
    static func remove(_ da: UnsafeMutablePointer<rte_devargs>?) -> Int32 {
        guard let da, da.pointee.bus != nil else { return -1 }
        guard let listed = all.first(where: { sameDevice($0, da) }) else { return 1 }
        eal_devargs_remove(listed)
        DevargsParser.reset(listed)
        free(listed)
        return 0
    }

    static func count(_ type: rte_devtype) -> UInt32 {
        UInt32(all.reduce(0) { $0 + ($1.pointee.type == type ? 1 : 0) })
    }

    /// rte_devargs_next: after start (which must be listed; DPDK follows its link
    /// whatever it is), the first on bus busname (any bus when NULL).
    static func next(_ busname: UnsafePointer<CChar>?, after start: UnsafePointer<rte_devargs>?)
        -> UnsafeMutablePointer<rte_devargs>? {
        var da: UnsafeMutablePointer<rte_devargs>?
        if let start {
            guard isListed(start) else { return nil }
            da = eal_devargs_next(start)
        } else {
            da = eal_devargs_first()
        }
        while let cur = da {
            guard let busname else { return cur }
            if let bus = cur.pointee.bus, strcmp(busname, Buses.name(bus)) == 0 { return cur }
            da = eal_devargs_next(cur)
        }
        return nil
    }

    static func dump(_ f: UnsafeMutablePointer<FILE>) {
        fputs("User device list:\n", f)
        for da in all {
            fputs("  [", f)
            if let bus = da.pointee.bus { fputs(Buses.name(bus), f) } else { fputs("??", f) }
            fputs("]: ", f)
            fputs(DevargsParser.name(da), f)
            fputs(" ", f)
            if let args = da.pointee.args { fputs(args, f) } else { fputs("(null)", f) }
            fputs("\n", f)
        }
    }

    /// rte_eal_cleanup: the list goes (DPDK keeps it; a later init would add the
    /// options' devices a second time).
    static func removeAll() {
        while let da = eal_devargs_first() {
            eal_devargs_remove(da)
            DevargsParser.reset(da)
            free(da)
        }
    }
}
