import CEALShared
import CSwiftEAL
import Glibc

/// rte_service_dump's text, line for line as DPDK 22.11 prints it.
enum ServiceDump {
    static func write(_ f: UnsafeMutablePointer<FILE>, _ id: UInt32) -> Int32 {
        if id != UInt32.max {
            guard let s = Services.valid(id) else { return -EINVAL }
            fputs("Service \(name(s)) Summary\n", f)
            one(f, id)
            return 0
        }
        fputs("Services Summary\n", f)
        let ids = (0..<Services.max).filter(Services.isRegistered)
        for id in ids { one(f, id) }
        fputs("Service Cores Summary\n", f)
        for l in 0..<UInt32(RTE_MAX_LCORE) where rte_eal_lcore_role(l) == ROLE_SERVICE {
            var line = l < 10 ? "0\(l)\t" : "\(l)\t"
            let ls = ServiceLcores.at(l)
            for id in ids { line += "\(eal_load64(&eal_service_lcore_stats(ls, id).pointee.calls))\t" }
            fputs(line + "\n", f)
        }
        return 0
    }

    /// "  name: stats S\tcalls C\tcycles Y\tavg: A"; no calls reads as one (DPDK's
    /// guard against dividing by zero shows).
    private static func one(_ f: UnsafeMutablePointer<FILE>, _ id: UInt32) {
        let s = Services.at(id)
        let calls = max(Services.sum(id, calls: true), 1)
        let cycles = Services.sum(id, calls: false)
        let stats = eal_load_acquire(&s.pointee.flags) & EAL_SERVICE_F_STATS != 0 ? 1 : 0
        fputs("  \(name(s)): stats \(stats)\tcalls \(calls)\tcycles \(cycles)\tavg: \(cycles / calls)\n", f)
    }

    private static func name(_ s: UnsafeMutablePointer<eal_service>) -> String {
        String(decoding: UnsafeRawBufferPointer(start: eal_service_name(s), count: strnlen(eal_service_name(s), Int(RTE_SERVICE_NAME_MAX))), as: UTF8.self)
    }
}
