import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The TSC frequency, calibrated once per process by `timersInit`.
enum TSC {
    /// Ticks per second; 0 until rte_eal_init calibrated it (as DPDK). Atomic: any
    /// thread asks (rte_get_tsc_hz), and a relaxed load is a plain load.
    static var hz: UInt64 {
        get { hzStorage.load(ordering: .relaxed) }
        set { hzStorage.store(newValue, ordering: .relaxed) }
    }
    private static let hzStorage = Atomic<UInt64>(0)
    /// The calibrated frequency, kept across init/cleanup cycles.
    static var calibrated: UInt64 {
        get { calibratedStorage.load(ordering: .relaxed) }
        set { calibratedStorage.store(newValue, ordering: .relaxed) }
    }
    private static let calibratedStorage = Atomic<UInt64>(0)

    /// cpuid leaf 0x15 (crystal clock times TSC ratio), when the CPU reports it.
    static func fromCPUID() -> UInt64 {
        var regs: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        let maxLeaf = withUnsafeMutableBytes(of: &regs) { raw -> UInt32 in
            let r = raw.bindMemory(to: UInt32.self).baseAddress!
            eal_cpuid(0, 0, r)
            return r[0]
        }
        guard maxLeaf >= 0x15 else { return 0 }
        return withUnsafeMutableBytes(of: &regs) { raw -> UInt64 in
            let r = raw.bindMemory(to: UInt32.self).baseAddress!
            eal_cpuid(0x15, 0, r)
            let (den, num, crystal) = (UInt64(r[0]), UInt64(r[1]), UInt64(r[2]))
            guard den != 0, num != 0, crystal != 0 else { return 0 }
            return crystal * num / den
        }
    }

    /// TSC ticks over `ms` milliseconds of CLOCK_MONOTONIC_RAW, rounded to the
    /// nearest 10 MHz (as DPDK does). Each end is a clock read bracketed by two TSC
    /// reads, so a preemption there cannot skew it: 10 ms then resolves the frequency
    /// far below the 10 MHz rounding, where DPDK sleeps 100 ms.
    static func measure(ms: Int = 10, from start: (UInt64, Int64)? = nil) -> UInt64 {
        guard let (c0, n0) = start ?? stamp() else { return 0 }
        // only what is left of the interval: init does other work after the first stamp
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC_RAW, &t)
        let left = Int64(ms) * 1_000_000 - (Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) - n0)
        if left > 0 {
            var nap = timespec(tv_sec: 0, tv_nsec: Int(left)), rest = timespec()
            while nanosleep(&nap, &rest) != 0 && errno == EINTR { nap = rest }
        }
        guard let (c1, n1) = stamp(), n1 > n0, c1 > c0 else { return 0 }
        let hz = Double(c1 - c0) * 1e9 / Double(n1 - n0)
        let step = 10_000_000.0
        return UInt64((hz / step).rounded()) * UInt64(step)
    }

    /// A (TSC, nanoseconds) pair taken as close together as the machine allows:
    /// the tightest of a few TSC-clock-TSC brackets.
    static func stamp() -> (UInt64, Int64)? {
        var best: (UInt64, Int64)? = nil
        var bestWidth = UInt64.max
        for _ in 0..<5 {
            var t = timespec()
            let a = rte_rdtsc()
            guard clock_gettime(CLOCK_MONOTONIC_RAW, &t) == 0 else { return nil }
            let b = rte_rdtsc()
            if b >= a, b - a < bestWidth {
                bestWidth = b - a
                best = (a + (b - a) / 2, Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec))
            }
        }
        return best
    }
}

/// Calibrates the TSC (once per process) and makes it the EAL timer. Called by
/// rte_eal_init; `start` is a stamp taken earlier in init (the memory was mapped
/// meanwhile), so the calibration interval costs init nothing when that took 10 ms.
func timersInit(start: (UInt64, Int64)? = nil) throws(Errno) {
    if Runtime.config.vmwareTscMap {
        // as DPDK 22.11 built without RTE_LIBRTE_EAL_VMWARE_TSC_MAP_SUPPORT (Debian's build)
        ealLog(5, "Ignoring --vmware-tsc-map because RTE_LIBRTE_EAL_VMWARE_TSC_MAP_SUPPORT is not set")
    }
    if TSC.calibrated == 0 {
        var hz = TSC.fromCPUID()
        if hz == 0 { hz = TSC.measure(from: start) }
        guard hz != 0 else {
            ealLog(4, "Cannot calibrate the TSC")
            throw .ENOTSUP
        }
        TSC.calibrated = hz
    }
    TSC.hz = TSC.calibrated
    ealLog(8, "TSC frequency is ~\(TSC.hz / 1000) KHz")
    eal_set_timer_source(EAL_TIMER_TSC)
}
