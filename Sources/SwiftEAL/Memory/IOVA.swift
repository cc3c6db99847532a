import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// IO addresses: physical addresses from /proc/self/pagemap (PA mode, root only) or the
/// virtual address itself (VA mode), and the choice between them.
enum IOVA {
    /// Whether physical addresses can be read: decided once per init, as DPDK's
    /// rte_eal_using_phys_addrs (hugepages in use and pagemap shows frame numbers).
    static var physAddrsAvailable: Bool? {
        get { physAddrsStorage.withLock { $0 } }
        set { physAddrsStorage.withLock { $0 = newValue } }
    }
    private static let physAddrsStorage = Mutex<Bool?>(nil)

    /// rte_eal_using_phys_addrs: decided at init, or on first use before it (root with
    /// hugepages reads frame numbers).
    static func physicalAddressesUsable() -> Bool {
        if let known = physAddrsAvailable { return known }
        var probe: UInt64 = 0
        let ok = !Runtime.config.noHuge && withUnsafePointer(to: &probe) { physicalAddress(of: $0) } != nil
        physAddrsAvailable = ok
        return ok
    }

    /// DPDK's rule for a machine with no devices asking for a mode: PA when physical
    /// addresses can be read and there is no IOMMU, VA otherwise; an explicit
    /// --iova-mode=pa without physical addresses also falls back to VA.
    /// `buses` asks the buses what their devices need (rte_bus_get_iommu_class), which
    /// counts as a request when none was made; DPDK asks them after it has looked for
    /// physical addresses, and so does this.
    static func chooseMode(requested: rte_iova_mode, noHuge: Bool,
                           buses: () -> rte_iova_mode = { RTE_IOVA_DC }) -> rte_iova_mode {
        var probe: UInt64 = 0
        physAddrsAvailable = !noHuge && withUnsafePointer(to: &probe) { physicalAddress(of: $0) } != nil
        // said even when VA was asked for, as DPDK does
        if physAddrsAvailable != true {
            ealLog(7, "Physical addresses are unavailable, selecting IOVA as VA mode.")
            if requested == RTE_IOVA_DC { _ = buses() }
            return RTE_IOVA_VA
        }
        var requested = requested
        if requested == RTE_IOVA_DC {
            requested = buses()
            if requested == RTE_IOVA_DC { ealLog(8, "Buses did not request a specific IOVA mode.") }
        }
        if requested == RTE_IOVA_VA { return RTE_IOVA_VA }
        if requested == RTE_IOVA_PA { return RTE_IOVA_PA }
        if iommuPresent() {
            ealLog(8, "IOMMU is available, selecting IOVA as VA mode.")
            return RTE_IOVA_VA
        }
        ealLog(8, "IOMMU is not available, selecting IOVA as PA mode.")
        return RTE_IOVA_PA
    }

    /// An IOMMU shows as groups in /sys/kernel/iommu_groups.
    static func iommuPresent() -> Bool {
        guard let d = Sys.opendir(Topology.sysfsRoot + "/kernel/iommu_groups") else { return false }
        defer { closedir(d) }
        while let e = readdir(d) {
            if e.pointee.d_name.0 != UInt8(ascii: ".") { return true }
        }
        return false
    }

    /// The physical address of `addr` (its page must be mapped), or nil when pagemap
    /// shows no frame (not root, not present).
    static func physicalAddress(of addr: UnsafeRawPointer) -> UInt64? {
        var reader = Pagemap()
        defer { reader.close() }
        return reader.physicalAddress(of: addr)
    }
}

/// /proc/self/pagemap, opened once for a batch of look-ups.
struct Pagemap {
    private var fd: Int32 = -2

    mutating func physicalAddress(of addr: UnsafeRawPointer) -> UInt64? {
        if fd == -2 { fd = Sys.open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let va = UInt(bitPattern: addr)
        var entry: UInt64 = 0
        let off = off_t(truncatingIfNeeded: (va / page) &* 8)
        let n = withUnsafeMutableBytes(of: &entry) { pread(fd, $0.baseAddress!, 8, off) }
        guard n == 8 else { return nil }
        let pfn = entry & 0x7f_ffff_ffff_ffff
        guard pfn != 0 else { return nil }
        return pfn * UInt64(page) + UInt64(va % page)
    }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -2
    }
}

/// RTE_BAD_IOVA / RTE_BAD_PHYS_ADDR (a cast Swift cannot import).
let badIOVA: rte_iova_t = .max
