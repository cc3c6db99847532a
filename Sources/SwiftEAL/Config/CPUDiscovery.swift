import Glibc

/// The CPUs this process may run on when it starts (its affinity), which bounds
/// every lcore option.
enum CPUDiscovery {
    /// The CPUs sysfs says exist (below RTE_MAX_LCORE), as DPDK's eal_cpu_detected;
    /// the affinity when sysfs shows none.
    static func detected() -> CPUSet {
        let t = Topology.read()
        let cpus = CPUSet((0..<t.detected.count).filter { t.detected[$0] })
        return cpus.isEmpty ? available() : cpus
    }

    static func available() -> CPUSet {
        var set = cpu_set_t()
        var out = CPUSet()
        if sched_getaffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0 {
            withUnsafeBytes(of: &set) { raw in
                for (i, byte) in raw.enumerated() where byte != 0 {
                    for b in 0..<8 where byte & (1 << b) != 0 { out.insert(i * 8 + b) }
                }
            }
        } else {
            for c in 0..<Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) { out.insert(c) }
        }
        return out
    }
}
