import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// VFIO's containers and IOMMU groups as DPDK 22.11 keeps them (64 containers, the
/// first the default one, 64 groups each), with DPDK's answers. The EAL probes VFIO at
/// init (rte_vfio_enable("vfio")): without the vfio module (no /sys/module/vfio, no
/// /dev/vfio) VFIO stays off, every device is "not managed by VFIO", and the calls
/// that need it fail as DPDK's do. SwiftEAL does not map devices through VFIO: where the
/// module is loaded it still reports VFIO as not initialized (rte_vfio_is_enabled 0),
/// so bus drivers leave VFIO alone. File descriptors are closed only when opened here.
enum VFIO {
    static let maxContainers = Int(RTE_MAX_VFIO_CONTAINERS)
    static let maxGroups = Int(RTE_MAX_VFIO_GROUPS)
    static let defaultContainerFD: Int32 = -1     // RTE_VFIO_DEFAULT_CONTAINER_FD
    static let containerPath = "/dev/vfio/vfio"
    static let noiommuModePath = "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

    struct Group { var num: Int32 = -1; var fd: Int32 = -1; var devices = 0 }
    struct Mapping { var vaddr: UInt64; var iova: UInt64; var len: UInt64 }
    struct Container {
        var fd: Int32 = -1
        var activeGroups: Int32 = 0
        var groups = [Group](repeating: Group(), count: VFIO.maxGroups)
        var iommuType: Int32? = nil     // set once a group is bound with DMA; never here
        var maps: [Mapping] = []
    }
    struct State {
        var containers = [Container](repeating: Container(), count: VFIO.maxContainers)
        var enabled = false
        var opened = Set<Int32>()       // fds this library opened
    }
    static let state = Mutex(State())

    /// /sys/module/<name>: 1 loaded (or built in), 0 not, -1 when sysfs cannot tell.
    static func moduleLoaded(_ name: UnsafePointer<CChar>) -> Int32 {
        var st = stat()
        guard stat("/sys/module", &st) == 0 else {
            debug("sysfs is not mounted! error \(errno) (\(String(cString: strerror(errno))))")
            return -1
        }
        let path = "/sys/module/" + String(cString: name)
        guard path.utf8.count < Int(PATH_MAX) else {
            debug("Could not format module path")
            return -1
        }
        guard stat(path, &st) == 0 else {
            debug("Module \(path) not found! error \(errno) (\(String(cString: strerror(errno))))")
            return 0
        }
        return 1
    }

    /// rte_eal_cleanup: what was opened here is closed, the bookkeeping starts over.
    static func cleanup() {
        state.withLock { s in
            for fd in s.opened { close(fd) }
            s = State()
        }
    }

    static func enable(_ modname: UnsafePointer<CChar>?) -> Int32 {
        state.withLock { s in
            for fd in s.opened { close(fd) }
            s = State()
        }
        debug("Probing VFIO support...")
        let available = modname.map(moduleLoaded) ?? -1
        if available == -1 {
            ealLog(6, "Could not get loaded module details!")
            return -1
        }
        if available == 0 {
            debug("VFIO modules not loaded, skipping VFIO support...")
            return 0
        }
        // The module is there; devices are not mapped through it by this library.
        ealLog(5, "VFIO support could not be initialized (SwiftEAL does not map devices through VFIO)")
        return 0
    }

    static func isEnabled(_ modname: UnsafePointer<CChar>?) -> Int32 {
        let loaded = modname.map(moduleLoaded) ?? -1
        return state.withLock { $0.enabled } && loaded > 0 ? 1 : 0
    }

    static func noiommuEnabled() -> Int32 {
        let fd = open(noiommuModePath, O_RDONLY)
        if fd < 0 {
            if errno != ENOENT {
                ealLog(4, "Cannot open VFIO noiommu file \(errno) (\(String(cString: strerror(errno))))")
                return -1
            }
            return 0   // no such parameter: no-IOMMU mode is off
        }
        var c: UInt8 = 0
        let n = read(fd, &c, 1)
        close(fd)
        if n != 1 {
            ealLog(4, "Unable to read from VFIO noiommu file \(errno) (\(String(cString: strerror(errno))))")
            return -1
        }
        return c == UInt8(ascii: "Y") ? 1 : 0
    }

    /// The IOMMU group of sysfs_base/dev_addr (its iommu_group link's last part): 1,
    /// 0 without a link, -1 when the link does not end in a number.
    static func groupNumber(_ base: UnsafePointer<CChar>, _ addr: UnsafePointer<CChar>, _ num: inout Int32) -> Int32 {
        let link = String(cString: base) + "/" + String(cString: addr) + "/iommu_group"
        var target = [CChar](repeating: 0, count: Int(PATH_MAX))
        let n = readlink(link, &target, target.count)
        if n < 0 { return 0 }
        let bytes = target.prefix(n).map { UInt8(bitPattern: $0) }
        guard let last = bytes.split(separator: UInt8(ascii: "/")).last else {
            ealLog(4, "\(String(cString: addr)) cannot get IOMMU group")
            return -1
        }
        // strtol's reading: digits up to the first other character, which must end it
        var tok = Array(last); tok.append(0)
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        let v = tok.withUnsafeBufferPointer { p -> Int in
            p.withMemoryRebound(to: CChar.self) { c in
                let r = strtol(c.baseAddress!, &end, 10)
                if let e = end, e != UnsafeMutablePointer(mutating: c.baseAddress!), e.pointee != 0 { errno = EINVAL }
                return r
            }
        }
        // the number is stored before it is checked, as DPDK's
        num = Int32(truncatingIfNeeded: v)
        if errno != 0 {
            ealLog(4, "\(String(cString: addr)) error parsing IOMMU number!")
            return -1
        }
        return 1
    }

    /// The container slot of an fd (-1: the default container), or nil.
    static func container(_ s: State, fd: Int32) -> Int? {
        if fd == defaultContainerFD { return 0 }
        return s.containers.firstIndex { $0.fd == fd }
    }

    /// The group's fd in container c, opened when needed: the fd, -ENOENT when VFIO does
    /// not manage the group, -1 on errors.
    static func groupFD(_ s: inout State, container c: Int, group num: Int32) -> Int32 {
        if let g = s.containers[c].groups.first(where: { $0.num == num }) { return g.fd }
        guard s.containers[c].activeGroups < Int32(maxGroups) else {
            ealLog(4, "Maximum number of VFIO groups reached!")
            return -1
        }
        guard let slot = s.containers[c].groups.firstIndex(where: { $0.num == -1 }) else {
            ealLog(4, "No VFIO group free slot found")
            return -1
        }
        let fd = openGroup(num)
        if fd < 0 {
            ealLog(4, "Failed to open VFIO group \(num)")
            return fd
        }
        s.opened.insert(fd)
        s.containers[c].groups[slot] = Group(num: num, fd: fd, devices: 0)
        s.containers[c].activeGroups += 1
        return fd
    }

    private static func openGroup(_ num: Int32) -> Int32 {
        guard EALState.processType == RTE_PROC_PRIMARY else {
            // a secondary asks its primary over rte_mp, which this library lacks
            ealLog(4, "Cannot request VFIO group fd")
            return -1
        }
        for path in ["/dev/vfio/\(UInt32(bitPattern: num))", "/dev/vfio/noiommu-\(UInt32(bitPattern: num))"] {
            let fd = open(path, O_RDWR)
            if fd >= 0 { return fd }
            if errno != ENOENT {
                ealLog(4, "Cannot open \(path): \(String(cString: strerror(errno)))")
                return -1
            }
        }
        return -Errno.ENOENT.rawValue
    }

    /// A new container fd: the VFIO API checked, one supported IOMMU type offered.
    static func openContainer() -> Int32 {
        guard EALState.processType == RTE_PROC_PRIMARY else {
            ealLog(4, "Cannot request VFIO container fd")
            return -1
        }
        let fd = open(containerPath, O_RDWR)
        if fd < 0 {
            ealLog(4, "Cannot open VFIO container \(containerPath), error \(errno) (\(String(cString: strerror(errno))))")
            return -1
        }
        let version = eal_vfio_ioctl(fd, 0x3B64, 0)      // VFIO_GET_API_VERSION
        if version != 0 {                                // VFIO_API_VERSION
            if version < 0 {
                ealLog(4, "Could not get VFIO API version, error \(errno) (\(String(cString: strerror(errno))))")
            } else {
                ealLog(4, "Unsupported VFIO API version!")
            }
            close(fd)
            return -1
        }
        // type 1, sPAPR v2, no-IOMMU
        let supported = [1, 7, 8].contains { eal_vfio_ioctl(fd, 0x3B65, $0) > 0 }   // VFIO_CHECK_EXTENSION
        if !supported {
            ealLog(4, "No supported IOMMU extensions found!")
            close(fd)
            return -1
        }
        state.withLock { _ = $0.opened.insert(fd) }
        return fd
    }
}
