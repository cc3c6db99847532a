import Glibc

/// The CPUs this process may run on when it starts (its affinity), which bounds
/// every lcore option.
enum CPUDiscovery {
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
