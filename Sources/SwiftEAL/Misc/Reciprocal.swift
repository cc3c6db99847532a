import CSwiftEAL

// rte_reciprocal.h: for a divisor d, with l = ceil(log2 d),
//   m = floor(2^N * (2^l - d) / d) + 1,  sh1 = min(l, 1),  sh2 = max(l - 1, 0)
// (N = 32 or 64) so that a / d = (t + ((a - t) >> sh1)) >> sh2 with t = mulhi(a, m).
// d = 0 has no reciprocal; it yields the d = 1 values rather than trapping.

@c @implementation
public func rte_reciprocal_value(_ d: UInt32) -> rte_reciprocal {
    guard d > 1 else { return rte_reciprocal(m: 1, sh1: 0, sh2: 0) }
    let l = 32 - (d - 1).leadingZeroBitCount            // 1...32
    let excess = (UInt64(1) << l) - UInt64(d)            // < d
    let m = UInt32(truncatingIfNeeded: (excess << 32) / UInt64(d) &+ 1)
    return rte_reciprocal(m: m, sh1: UInt8(min(l, 1)), sh2: UInt8(max(l - 1, 0)))
}

@c @implementation
public func rte_reciprocal_value_u64(_ d: UInt64) -> rte_reciprocal_u64 {
    guard d > 1 else { return rte_reciprocal_u64(m: 1, sh1: 0, sh2: 0) }
    let l = 64 - (d - 1).leadingZeroBitCount             // 1...64
    let excess = l == 64 ? 0 &- d : (UInt64(1) << l) - d // 2^l - d, < d
    let q = d.dividingFullWidth((high: excess, low: 0)).quotient
    return rte_reciprocal_u64(m: q &+ 1, sh1: UInt8(min(l, 1)), sh2: UInt8(max(l - 1, 0)))
}
