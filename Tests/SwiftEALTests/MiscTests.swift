import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

@Suite("misc: reciprocal, random, uuid, strings, strerror", .serialized)
struct MiscTests {
    @Test("reciprocal division equals '/' for random and edge divisors")
    func reciprocal() {
        var g = SystemRandomNumberGenerator()
        let d32: [UInt32] = [1, 2, 3, 7, 641, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, .max]
            + (0..<300).map { _ in UInt32.random(in: 1...UInt32.max, using: &g) }
        for d in d32 {
            let r = rte_reciprocal_value(d)
            for a: UInt32 in [0, 1, d &- 1, d, d &+ 1, .max, .random(in: 0...UInt32.max, using: &g)] {
                #expect(rte_reciprocal_divide(a, r) == a / d, "a=\(a) d=\(d)")
            }
        }
        let d64: [UInt64] = [1, 2, 3, 10, 1 << 32, (1 << 63) - 1, 1 << 63, (1 << 63) + 1, .max]
            + (0..<300).map { _ in UInt64.random(in: 1...UInt64.max, using: &g) }
        for d in d64 {
            var r = rte_reciprocal_value_u64(d)
            for a: UInt64 in [0, 1, d &- 1, d, d &+ 1, .max, .random(in: 0...UInt64.max, using: &g)] {
                #expect(rte_reciprocal_divide_u64(a, &r) == a / d, "a=\(a) d=\(d)")
            }
        }
        _ = rte_reciprocal_value(0)      // no trap
        _ = rte_reciprocal_value_u64(0)
    }

    @Test("rte_rand_max stays below the bound and covers it evenly")
    func randMax() {
        #expect(rte_rand_max(0) == 0)
        #expect(rte_rand_max(1) == 0)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 {
            let v = rte_rand_max(6)
            #expect(v < 6)
            counts[Int(v)] += 1
        }
        #expect(counts.allSatisfy { $0 > 9_000 && $0 < 11_000 })
        for bound: UInt64 in [3, 1 << 40, (1 << 63) + 1, .max] {
            for _ in 0..<100 { #expect(rte_rand_max(bound) < bound) }
        }
        for _ in 0..<1000 {
            let d = rte_drand()
            #expect(d >= 0 && d < 1)
        }
    }

    @Test("srand gives a repeatable stream")
    func srand() {
        rte_srand(1234)
        let a = (0..<5).map { _ in rte_rand() }
        rte_srand(1234)
        let b = (0..<5).map { _ in rte_rand() }
        #expect(a == b)
        #expect(Set(a).count == 5)
    }

    @Test("uuid text round trip, bad text refused, NULLs tolerated")
    func uuid() {
        var u = [UInt8](repeating: 0xAA, count: 16)
        #expect(rte_uuid_parse("123e4567-E89B-12d3-a456-426614174000", &u) == 0)
        var out = [CChar](repeating: 0, count: 37)
        rte_uuid_unparse(u, &out, 37)
        #expect(out.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } == "123e4567-e89b-12d3-a456-426614174000")
        let before = u
        #expect(rte_uuid_parse("123e4567-e89b-12d3-a456-42661417400x", &u) == -1)
        #expect(u == before)
        #expect(rte_uuid_parse(nil, &u) == -1)
        #expect(rte_uuid_parse("x", nil) == -1)
        #expect(rte_uuid_is_null(nil))
        rte_uuid_unparse(nil, &out, 37)
        rte_uuid_unparse(u, nil, 37)
        rte_uuid_unparse(u, &out, 0)
        #expect(rte_uuid_compare(nil, nil) == 0)
    }

    @Test("strscpy and strsplit edges, NULLs refused")
    func strings() {
        var dst = [CChar](repeating: 0x5a, count: 8)
        #expect(rte_strscpy(&dst, "abc", 8) == 3)
        #expect(rte_strscpy(&dst, "abcdefgh", 8) == -Int(E2BIG))
        #expect(dst.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } == "abcdefg")
        #expect(rte_errno_value() == E2BIG)
        #expect(rte_strscpy(nil, "abc", 4) == -Int(EINVAL))
        #expect(rte_strscpy(&dst, nil, 4) == -Int(EINVAL))
        #expect(rte_strscpy(nil, nil, 0) == -Int(E2BIG))
        var toks = [UnsafeMutablePointer<CChar>?](repeating: nil, count: 4)
        #expect(rte_strsplit(nil, 4, &toks, 4, 44) == -1)
        #expect(errno == EINVAL)
    }

    @Test("rte_strerror is per thread for formatted messages")
    func strerrorThreads() async {
        #expect(String(cString: rte_strerror(1001)) == "Invalid call in secondary process")
        #expect(String(cString: rte_strerror(1002)) == "Missing rte_config structure")
        #expect(String(cString: rte_strerror(EINVAL)) == String(cString: strerror(EINVAL)))
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    let code = Int32(5000 + i)
                    for _ in 0..<2000 {
                        let p = rte_strerror(code)!
                        if String(cString: p) != "Unknown error \(code)" { return false }
                    }
                    return true
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test("str_to_size")
    func sizes() {
        #expect(rte_str_to_size("2M") == 2 << 20)
        #expect(rte_str_to_size(" 1 G") == 1 << 30)
        #expect(rte_str_to_size("-1") == 0)
        #expect(rte_str_to_size(nil) == 0)
        #expect(rte_str_to_size("99999999999999999999") == 0)
    }

    @Test("version")
    func version() {
        #expect(String(cString: rte_version()) == "\(RTE_VER_PREFIX) \(RTE_VER_YEAR).\(RTE_VER_MONTH).\(RTE_VER_MINOR)")
    }
}

private func rte_errno_value() -> Int32 { RteErrno.value }
