import CSwiftEAL
import Glibc
import Synchronization

/// What sysfs says about the CPUs: which exist, their core ids and NUMA nodes.
/// Read once per init (and lazily for calls that come before it); tests point
/// `sysfsRoot` at a fake tree.
struct Topology {
    static var sysfsRoot: String {
        get { sysfsRootStorage.withLock { $0 } }
        set { sysfsRootStorage.withLock { $0 = newValue } }
    }
    private static let sysfsRootStorage = Mutex("/sys")

    /// Per CPU (index < RTE_MAX_LCORE): present, topology core id, NUMA node.
    var detected = [Bool](repeating: false, count: Int(RTE_MAX_LCORE))
    var coreId = [UInt32](repeating: 0, count: Int(RTE_MAX_LCORE))
    /// Per CPU up to CPUSet.capacity: the node, 0 when sysfs names none.
    var socketOfCPU = [UInt32](repeating: 0, count: CPUSet.capacity)
    /// Sorted distinct nodes of the detected CPUs.
    var sockets: [UInt32] = []

    static func read(root: String = sysfsRoot) -> Topology {
        var t = Topology()
        let nodeRoot = root + "/devices/system/node"
        // node<N>/cpu<M> entries: scan each node directory once
        for node in 0..<Int(RTE_MAX_NUMA_NODES) {
            guard let dir = Sys.opendir(nodeRoot + "/node\(node)") else { continue }
            defer { closedir(dir) }
            while let ent = readdir(dir) {
                let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                guard name.hasPrefix("cpu"), let cpu = Int(name.dropFirst(3)),
                      cpu >= 0, cpu < CPUSet.capacity else { continue }
                t.socketOfCPU[cpu] = UInt32(node)
            }
        }
        var seen = Set<UInt32>()
        for cpu in 0..<Int(RTE_MAX_LCORE) {
            guard let text = readSmallFile(root + "/devices/system/cpu/cpu\(cpu)/topology/core_id")
            else { continue }
            t.detected[cpu] = true
            t.coreId[cpu] = UInt32(text.filter { $0.isNumber }) ?? 0
            seen.insert(t.socketOfCPU[cpu])
        }
        t.sockets = seen.sorted()
        return t
    }

    /// The node shared by every CPU of `set`, or SOCKET_ID_ANY (all ones) when the
    /// set is empty or spans nodes.
    func socket(of set: CPUSet) -> UInt32 {
        var found: UInt32? = nil
        for cpu in set.members {
            let s = socketOfCPU[cpu]
            if let f = found, f != s { return UInt32.max }
            found = s
        }
        return found ?? UInt32.max
    }
}

/// A whole small text file, or nil when it cannot be read.
func readSmallFile(_ path: String, file: StaticString = #fileID, line: UInt = #line) -> String? {
    let fd = Sys.open(path, O_RDONLY | O_CLOEXEC, file: file, line: line)
    if fd < 0 { return nil }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 4096)
    var total = 0
    while total < buf.count {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        total += n
    }
    return String(decoding: buf[0..<total], as: UTF8.self)
}

extension CPUSet {
    /// From a C `rte_cpuset_t` (glibc cpu_set_t: 16 words of 64 bits).
    init(_ c: rte_cpuset_t) {
        self.init()
        withUnsafeBytes(of: c) { raw in
            for i in 0..<Self.capacity / 64 { words[i] = raw.load(fromByteOffset: i * 8, as: UInt64.self) }
        }
    }

    /// As a C `rte_cpuset_t`.
    var cpuset: rte_cpuset_t {
        var c = rte_cpuset_t()
        withUnsafeMutableBytes(of: &c) { raw in
            for i in 0..<Self.capacity / 64 { raw.storeBytes(of: words[i], toByteOffset: i * 8, as: UInt64.self) }
        }
        return c
    }

    /// The CPUs the calling thread may run on.
    static func currentAffinity() -> CPUSet {
        var c = rte_cpuset_t()
        if pthread_getaffinity_np(pthread_self(), MemoryLayout<rte_cpuset_t>.size, &c) != 0 { return CPUSet() }
        return CPUSet(c)
    }
}
