import CSwiftEAL
import Glibc

/// One hugepage size this process can use.
struct HugepageSize: Equatable {
    var pageSize: Int
    /// The hugetlbfs mount that holds this size's page files; nil when pages come from
    /// memfd (--in-memory needs no mount).
    var directory: ByteString?
    /// Free pages per NUMA node (index = node id) when discovered.
    var freePages: [UInt32]

    var totalFree: Int { freePages.reduce(0) { $0 + Int($1) } }
    var kilobytes: Int { pageSize >> 10 }
}

/// Step 4 of the init sequence: which hugepage sizes exist (sysfs), how many pages are
/// free on each node, and which hugetlbfs mount serves each size (/proc/mounts,
/// --huge-dir). Both roots are test hooks, so tests can describe any machine.
enum HugepageDiscovery {
    /// Test hook: the directory standing for /proc (mounts, meminfo).
    static let procRoot = "/proc"

    struct Request {
        /// Where sysfs and /proc are (test hooks by default).
        var sysfsRoot = Topology.sysfsRoot
        var procRoot = HugepageDiscovery.procRoot
        var hugeDir: ByteString? = nil
        var inMemory = false
        var legacy = false
        /// NUMA nodes with CPUs (rte_socket_id_by_idx order).
        var nodes: [UInt32] = [0]
    }

    /// The usable sizes, largest first. Throws EACCES (DPDK's errno) with a message
    /// saying what is missing and how to fix it when no size has free pages it can use.
    /// Messages go to `log` (level, text): the EAL log unless a test collects them.
    static func discover(_ request: Request,
                         log: (UInt32, String) -> Void = { ealLog($0, $1) }) throws(Errno) -> [HugepageSize] {
        let sysfs = request.sysfsRoot + "/kernel/mm/hugepages"
        let kernelSizes = sizesInSysfs(sysfs)
        guard !kernelSizes.isEmpty else {
            log(4, "No hugepage support: \(sysfs) lists no page sizes. Run with --no-huge for 4 kB pages.")
            throw .EACCES
        }
        let mounts = MountTable.hugetlbfsMounts(in: readFileBytes(request.procRoot + "/mounts") ?? [])
        let defaultSize = MountTable.defaultHugepageSize(meminfo: readFileBytes(request.procRoot + "/meminfo") ?? [])

        var usable: [HugepageSize] = []
        var reservedWithoutMount: [(Int, Int)] = []
        for size in kernelSizes {
            let available = globalAvailable(sysfs, size)
            let dir = mountPoint(for: size, in: mounts, defaultSize: defaultSize, hugeDir: request.hugeDir)
            if dir == nil && !request.inMemory {
                if available > 0 {
                    log(6, "\(available) hugepages of size \(size) reserved, but no mounted hugetlbfs found for that size")
                    reservedWithoutMount.append((size, available))
                }
                continue
            }
            var perNode = [UInt32](repeating: 0, count: Int(RTE_MAX_NUMA_NODES))
            var nodeTotal = 0
            for node in request.nodes where Int(node) < perNode.count {
                guard let n = nodeFree(request.sysfsRoot, node, size) else { continue }
                if n == 0 { log(7, "No free \(size >> 10) kB hugepages reported on node \(node)") }
                perNode[Int(node)] = UInt32(clamping: n)
                nodeTotal += n
            }
            if nodeTotal == 0 {
                // no per-node counts (or none free there): the global count, on node 0
                if available == 0 { log(7, "No available \(size >> 10) kB hugepages reported") }
                perNode[0] = UInt32(clamping: available)
            }
            usable.append(HugepageSize(pageSize: size, directory: request.inMemory ? nil : dir, freePages: perNode))
        }
        usable.sort { $0.pageSize > $1.pageSize }

        if usable.contains(where: { $0.totalFree > 0 }) { return usable }
        log(4, explainMissing(request: request, kernelSizes: kernelSizes, mounts: mounts,
                              reservedWithoutMount: reservedWithoutMount))
        throw .EACCES
    }

    /// The sizes of `hugepages-<N>kB` directories, in bytes.
    static func sizesInSysfs(_ dir: String) -> [Int] {
        guard let d = Sys.opendir(dir) else { return [] }
        defer { closedir(d) }
        var sizes: [Int] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            let prefix = Array("hugepages-".utf8), suffix = Array("kB".utf8)
            guard name.starts(with: prefix), name.count > prefix.count + suffix.count,
                  Array(name.suffix(2)) == suffix else { continue }
            let digits = name[prefix.count..<(name.count - 2)]
            guard digits.count < 16, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
            sizes.append(digits.reduce(0) { $0 * 10 + Int($1 - 48) } << 10)
        }
        return sizes.sorted(by: >)
    }

    /// free_hugepages minus resv_hugepages: what a new mapping can still get.
    static func globalAvailable(_ sysfs: String, _ size: Int) -> Int {
        let dir = sysfs + "/hugepages-\(size >> 10)kB/"
        let free = readNumber(dir + "free_hugepages") ?? 0
        let resv = readNumber(dir + "resv_hugepages") ?? 0
        return max(0, free - resv)
    }

    static func nodeFree(_ sysfsRoot: String, _ node: UInt32, _ size: Int) -> Int? {
        readNumber(sysfsRoot + "/devices/system/node/node\(node)/hugepages/hugepages-\(size >> 10)kB/free_hugepages")
    }

    /// The first hugetlbfs mount serving `size` (its pagesize= option, or the default size
    /// when it has none); with --huge-dir, only that directory qualifies.
    static func mountPoint(for size: Int, in mounts: [HugetlbfsMount], defaultSize: Int?,
                           hugeDir: ByteString?) -> ByteString? {
        for m in mounts {
            if let hugeDir, normalized(m.path) != normalized(hugeDir) { continue }
            if (m.pageSize ?? defaultSize) == size { return m.path }
        }
        return nil
    }

    /// "/dev/hugepages/" and "/dev/hugepages" name the same directory.
    private static func normalized(_ p: ByteString) -> [UInt8] {
        var b = p.bytes
        while b.count > 1 && b.last == UInt8(ascii: "/") { b.removeLast() }
        return b
    }

    /// What is missing, and how to fix it, in words a user can act on.
    private static func explainMissing(request: Request, kernelSizes: [Int], mounts: [HugetlbfsMount],
                                       reservedWithoutMount: [(Int, Int)]) -> String {
        let kb = (kernelSizes.last ?? 2 << 20) >> 10
        let reserve = "echo 512 > /sys/kernel/mm/hugepages/hugepages-\(kb)kB/nr_hugepages"
        if let dir = request.hugeDir, !mounts.contains(where: { normalized($0.path) == normalized(dir) }) {
            return "--huge-dir \(dir) is not a hugetlbfs mount point (mount -t hugetlbfs nodev \(dir))"
        } else if !reservedWithoutMount.isEmpty {
            return "No hugetlbfs mount for the reserved hugepages: mount one (mount -t hugetlbfs nodev /dev/hugepages), or run with --in-memory or --no-huge"
        }
        return "No free hugepages: reserve some (\(reserve)), or run with --no-huge"
    }

    private static func readNumber(_ path: String) -> Int? {
        guard let bytes = readFileBytes(path, limit: 64) else { return nil }
        let digits = bytes.prefix(while: { $0 >= 48 && $0 <= 57 })
        guard !digits.isEmpty, digits.count < 19 else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }
}
