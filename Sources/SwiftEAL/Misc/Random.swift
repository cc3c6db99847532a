import CEALShared
import CSwiftEAL
import Glibc

// rte_random.h: L'Ecuyer's LFSR258, one generator per lcore plus one shared by non-EAL
// threads, seeded the way DPDK 22.11 seeds them so rte_srand(s) gives DPDK's stream.
// State is C static storage (eal_rand): valid before any constructor, no allocation.

@c @implementation
public func rte_srand(_ seedval: UInt64) {
    Random.seedAll(seedval)
}

@c @implementation
public func rte_rand() -> UInt64 {
    Random.next(Random.state())
}

@c @implementation
public func rte_rand_max(_ upper_bound: UInt64) -> UInt64 {
    guard upper_bound >= 2 else { return 0 }
    let s = Random.state()
    if upper_bound.nonzeroBitCount == 1 { return Random.next(s) & (upper_bound - 1) }
    // Rejection sampling under the next power of two: unbiased, < 2 draws on average.
    let mask = UInt64.max >> UInt64(upper_bound.leadingZeroBitCount)
    while true {
        let r = Random.next(s) & mask
        if r < upper_bound { return r }
    }
}

@c @implementation
public func rte_drand() -> Double {
    let bits: UInt64 = 1 << 53
    return Double(rte_rand() & (bits - 1)) / Double(bits)
}

enum Random {
    static let slots = Int(RTE_MAX_LCORE) + 1

    /// The calling thread's generator (the last slot off-lcore), seeded on first use.
    @inline(__always)
    static func state() -> UnsafeMutablePointer<eal_rand_state> {
        var idx = eal_rand_lcore_id()
        if idx >= UInt32(RTE_MAX_LCORE) { idx = UInt32(RTE_MAX_LCORE) }
        let s = eal_rand_slot(idx)!
        if _slowPath(s.pointee.z1 == 0) { seedLazily(s, index: idx) }
        return s
    }

    @inline(never)
    static func seedLazily(_ s: UnsafeMutablePointer<eal_rand_state>, index: UInt32) {
        let r = eal_rand_get()!
        if r.pointee.seeded == 0 {
            r.pointee.seed = initialSeed()
            r.pointee.seeded = 1
        }
        seed(s, r.pointee.seed &+ offset(index))
    }

    /// Lcore i's generator starts from seed + i; the shared one from seed itself (as
    /// DPDK 22.11: a non-EAL thread sees the same stream as lcore 0).
    @inline(__always)
    static func offset(_ index: UInt32) -> UInt64 {
        index < UInt32(RTE_MAX_LCORE) ? UInt64(index) : 0
    }

    static func seedAll(_ value: UInt64) {
        let r = eal_rand_get()!
        r.pointee.seed = value
        r.pointee.seeded = 1
        for i in 0..<UInt32(slots) { seed(eal_rand_slot(i), value &+ offset(i)) }
    }

    /// Each component from a 32-bit LCG, raised above the minimum LFSR258 needs.
    static func seed(_ s: UnsafeMutablePointer<eal_rand_state>, _ value: UInt64) {
        var lcg = UInt32(truncatingIfNeeded: value ^ (value >> 32))
        func lcg32() -> UInt64 {
            lcg = lcg &* 1103515245 &+ 12345
            return UInt64(lcg)
        }
        func component(_ minimum: UInt64) -> UInt64 {
            let low = lcg32()
            let v = low | (lcg32() << 32)
            return v < minimum ? v &+ minimum : v
        }
        s.pointee.z1 = component(2)
        s.pointee.z2 = component(512)
        s.pointee.z3 = component(4096)
        s.pointee.z4 = component(131072)
        s.pointee.z5 = component(8388608)
    }

    @inline(__always)
    static func step(_ z: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> UInt64 {
        ((z & c) << d) ^ (((z << a) ^ z) >> b)
    }

    @inline(__always)
    static func next(_ s: UnsafeMutablePointer<eal_rand_state>) -> UInt64 {
        s.pointee.z1 = step(s.pointee.z1, 1, 53, ~UInt64(1), 10)
        s.pointee.z2 = step(s.pointee.z2, 24, 50, ~UInt64(511), 5)
        s.pointee.z3 = step(s.pointee.z3, 3, 23, ~UInt64(4095), 29)
        s.pointee.z4 = step(s.pointee.z4, 5, 24, ~UInt64(131071), 23)
        s.pointee.z5 = step(s.pointee.z5, 3, 33, ~UInt64(8388607), 8)
        return s.pointee.z1 ^ s.pointee.z2 ^ s.pointee.z3 ^ s.pointee.z4 ^ s.pointee.z5
    }

    /// From the kernel's entropy, else the clock and pid.
    static func initialSeed() -> UInt64 {
        var v: UInt64 = 0
        if getrandom(&v, 8, UInt32(GRND_NONBLOCK)) == 8 { return v }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(truncatingIfNeeded: ts.tv_nsec) ^ (UInt64(truncatingIfNeeded: ts.tv_sec) << 30)
            ^ (UInt64(UInt32(bitPattern: getpid())) << 40)
    }
}
