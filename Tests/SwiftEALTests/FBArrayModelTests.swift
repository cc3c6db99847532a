import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Testing
@testable import SwiftEAL

/// A seeded generator so a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Makes arrays file-backed in a fresh temporary directory for the duration of `body`,
/// as after rte_eal_init, through FBArray's test hook (Runtime is left alone: other
/// suites own it).
func withTemporaryRuntimeDir<T>(_ body: (String) throws -> T) rethrows -> T {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("swifteal-fbarray-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let saved = FBArray.testBacking
    FBArray.testBacking = .directory(ByteString(dir))
    defer {
        FBArray.testBacking = saved
        try? FileManager.default.removeItem(atPath: dir)
    }
    return try body(dir)
}

/// The plain model: one Bool per element; every answer computed the obvious way, with
/// DPDK 22.11's errno choices (EINVAL for bad input, ENOENT when no used element
/// qualifies, ENOSPC when no free one does). Results are value >= 0 or -errno.
struct BoolModel {
    var bits: UnsafeMutableBufferPointer<Bool>
    var count = 0
    var len: Int { bits.count }

    init(len: Int) {
        bits = .allocate(capacity: len)
        bits.initialize(repeating: false)
    }
    func free() { bits.deallocate() }

    mutating func set(_ i: Int, _ used: Bool) {
        if bits[i] != used { bits[i] = used; count += used ? 1 : -1 }
    }
    func missing(_ used: Bool) -> Int { used ? -Int(ENOENT) : -Int(ENOSPC) }

    func next(_ s: Int, _ used: Bool) -> Int {
        guard s < len else { return -Int(EINVAL) }
        var i = s
        while i < len { if bits[i] == used { return i }; i += 1 }
        return missing(used)
    }
    func prev(_ s: Int, _ used: Bool) -> Int {
        guard s < len else { return -Int(EINVAL) }
        var i = s
        while i >= 0 { if bits[i] == used { return i }; i -= 1 }
        return missing(used)
    }
    func nextN(_ s: Int, _ n: Int, _ used: Bool) -> Int {
        guard s < len, n > 0, n <= len else { return -Int(EINVAL) }
        var run = 0, i = s
        while i < len {
            run = bits[i] == used ? run + 1 : 0
            if run == n { return i - n + 1 }
            i += 1
        }
        return missing(used)
    }
    func prevN(_ s: Int, _ n: Int, _ used: Bool) -> Int {
        guard s < len, n > 0, n <= len else { return -Int(EINVAL) }
        var run = 0, i = s
        while i >= 0 {
            run = bits[i] == used ? run + 1 : 0
            if run == n { return i }
            i -= 1
        }
        return missing(used)
    }
    func contig(_ s: Int, _ used: Bool) -> Int {
        guard s < len else { return -Int(EINVAL) }
        var i = s
        while i < len && bits[i] == used { i += 1 }
        return i - s
    }
    func revContig(_ s: Int, _ used: Bool) -> Int {
        guard s < len else { return -Int(EINVAL) }
        var i = s
        while i >= 0 && bits[i] == used { i -= 1 }
        return s - i
    }
    /// Longest run from s upwards (clipped at s); the lowest wins a tie.
    func biggest(_ s: Int, _ used: Bool) -> Int {
        guard s < len else { return -Int(EINVAL) }
        var best = -1, bestLen = 0, run = 0, i = s
        while i <= len {
            if i < len && bits[i] == used { run += 1 } else {
                if run > bestLen { bestLen = run; best = i - run }
                run = 0
            }
            i += 1
        }
        return best >= 0 ? best : missing(used)
    }
    /// Longest run from s downwards (clipped at s); the highest wins a tie; answers the
    /// run's lowest index.
    func revBiggest(_ s: Int, _ used: Bool) -> Int {
        guard s < len else { return -Int(EINVAL) }
        var best = -1, bestLen = 0, run = 0, i = s
        while i >= -1 {
            if i >= 0 && bits[i] == used { run += 1 } else {
                if run > bestLen { bestLen = run; best = i + 1 }
                run = 0
            }
            i -= 1
        }
        return best >= 0 ? best : missing(used)
    }
}

/// A C call's answer in the model's form: value, or -rte_errno when it returned -1.
@inline(__always)
func answer(_ r: Int32) -> Int { r >= 0 ? Int(r) : -Int(eal_tls_errno()) }

/// Every fbarray test: one serialized suite, since they share FBArray's test hook.
@Suite(.serialized)
struct FBArrayTests {}

extension FBArrayTests {
@Suite(.serialized)
struct Model {
    static let lengths = [1, 63, 64, 65, 127, 128, 129, 1000, 4103, 1_048_576]

    /// Random operations on one array, every answer checked against the model.
    /// Returns the number of operations done.
    func exercise(len: Int, ops: Int, rng: inout SplitMix64) -> Int {
        var arr = rte_fbarray()
        #expect(rte_fbarray_init(&arr, "model_\(len)", UInt32(len), 8) == 0)
        var model = BoolModel(len: len)
        defer { model.free() }
        let big = len > 100_000

        func pickStart() -> Int {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return len                                   // at the end
            case 1: return len + Int.random(in: 1...3, using: &rng) // past it
            case 2: return Int(UInt32.max)
            case 3: return len - 1
            case 4: return 0
            case 5 where big: return len - Int.random(in: 1...5000, using: &rng)
            default: return Int.random(in: 0..<len, using: &rng)
            }
        }
        func pickN() -> Int {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return 0
            case 1: return len
            case 2: return len + Int.random(in: 1...2, using: &rng)
            case 3: return Int.random(in: 1...len, using: &rng)
            case 4: return min(len, 63 + Int.random(in: 0...2, using: &rng))
            case 5: return min(len, 120 + Int.random(in: 0...20, using: &rng))
            default: return Int.random(in: 1...min(len, 20), using: &rng)
            }
        }
        func fill(_ from: Int, _ count: Int, _ used: Bool) {
            var i = from
            while i < min(len, from + count) {
                #expect((used ? rte_fbarray_set_used(&arr, UInt32(i)) : rte_fbarray_set_free(&arr, UInt32(i))) == 0)
                model.set(i, used)
                i += 1
            }
        }
        var failures = 0
        func check(_ what: String, _ s: Int, _ n: Int, _ got: Int, _ want: Int) {
            if got != want {
                failures += 1
                if failures <= 20 {
                    Issue.record("len \(len): \(what)(\(s), \(n)) = \(got), model \(want)")
                }
            }
        }

        for _ in 0..<ops {
            let s = pickStart()
            let s32 = UInt32(truncatingIfNeeded: s)
            let op = Int.random(in: 0..<26, using: &rng)
            switch op {
            case 0, 1:
                let span = big ? Int.random(in: 1...3000, using: &rng) : Int.random(in: 1...(op == 0 ? 70 : len), using: &rng)
                fill(Int.random(in: 0..<len, using: &rng), span, Bool.random(using: &rng))
            case 2:
                // sprinkle: every k-th element, a pattern with many short runs
                let from = Int.random(in: 0..<len, using: &rng), k = Int.random(in: 2...9, using: &rng)
                let used = Bool.random(using: &rng)
                var i = from
                while i < min(len, from + (big ? 4000 : len)) { fill(i, 1, used); i += k }
            case 3:
                let used = Bool.random(using: &rng)
                let r = used ? rte_fbarray_set_used(&arr, s32) : rte_fbarray_set_free(&arr, s32)
                if s < len { model.set(s, used) }
                check("set", s, used ? 1 : 0, answer(r), s < len ? 0 : -Int(EINVAL))
            case 4:
                let r = rte_fbarray_is_used(&arr, s32)
                check("is_used", s, 0, answer(r), s < len ? (model.bits[s] ? 1 : 0) : -Int(EINVAL))
            case 5: check("next_free", s, 0, answer(rte_fbarray_find_next_free(&arr, s32)), model.next(s, false))
            case 6: check("next_used", s, 0, answer(rte_fbarray_find_next_used(&arr, s32)), model.next(s, true))
            case 7: check("prev_free", s, 0, answer(rte_fbarray_find_prev_free(&arr, s32)), model.prev(s, false))
            case 8: check("prev_used", s, 0, answer(rte_fbarray_find_prev_used(&arr, s32)), model.prev(s, true))
            case 9, 10:
                let n = pickN()
                check("next_n_free", s, n, answer(rte_fbarray_find_next_n_free(&arr, s32, UInt32(n))), model.nextN(s, n, false))
            case 11, 12:
                let n = pickN()
                check("next_n_used", s, n, answer(rte_fbarray_find_next_n_used(&arr, s32, UInt32(n))), model.nextN(s, n, true))
            case 13:
                let n = pickN()
                check("prev_n_free", s, n, answer(rte_fbarray_find_prev_n_free(&arr, s32, UInt32(n))), model.prevN(s, n, false))
            case 14:
                let n = pickN()
                check("prev_n_used", s, n, answer(rte_fbarray_find_prev_n_used(&arr, s32, UInt32(n))), model.prevN(s, n, true))
            case 15: check("contig_free", s, 0, answer(rte_fbarray_find_contig_free(&arr, s32)), model.contig(s, false))
            case 16: check("contig_used", s, 0, answer(rte_fbarray_find_contig_used(&arr, s32)), model.contig(s, true))
            case 17: check("rev_contig_free", s, 0, answer(rte_fbarray_find_rev_contig_free(&arr, s32)), model.revContig(s, false))
            case 18: check("rev_contig_used", s, 0, answer(rte_fbarray_find_rev_contig_used(&arr, s32)), model.revContig(s, true))
            case 19: check("biggest_free", s, 0, answer(rte_fbarray_find_biggest_free(&arr, s32)), model.biggest(s, false))
            case 20: check("biggest_used", s, 0, answer(rte_fbarray_find_biggest_used(&arr, s32)), model.biggest(s, true))
            case 21: check("rev_biggest_free", s, 0, answer(rte_fbarray_find_rev_biggest_free(&arr, s32)), model.revBiggest(s, false))
            case 22: check("rev_biggest_used", s, 0, answer(rte_fbarray_find_rev_biggest_used(&arr, s32)), model.revBiggest(s, true))
            case 23:
                let p = rte_fbarray_get(&arr, s32)
                if s < len {
                    p!.storeBytes(of: UInt64(s), as: UInt64.self)
                    check("find_idx", s, 0, answer(rte_fbarray_find_idx(&arr, p! + Int.random(in: 0..<8, using: &rng))), s)
                } else {
                    check("get", s, 0, p == nil ? -Int(eal_tls_errno()) : 0, -Int(EINVAL))
                }
            default:
                check("count", 0, 0, Int(arr.count), model.count)
            }
        }
        // the data written through get() is still there
        for i in stride(from: 0, to: len, by: max(1, len / 97)) {
            let v = rte_fbarray_get(&arr, UInt32(i))!.load(as: UInt64.self)
            #expect(v == 0 || v == UInt64(i))
        }
        #expect(rte_fbarray_destroy(&arr) == 0)
        return ops
    }

    @Test func randomOperationsMatchTheModel() {
        withTemporaryRuntimeDir { _ in
            var rng = SplitMix64(state: 0x5eed_fba7)
            var total = 0
            for len in Self.lengths {
                total += exercise(len: len, ops: len > 100_000 ? 400 : 11_500, rng: &rng)
            }
            #expect(total >= 100_000)
        }
    }

    /// Dense patterns the random walk rarely makes: every k-th element used or free,
    /// all used, all free; each search from every start.
    @Test(arguments: [1, 63, 64, 65, 127, 128, 129, 200])
    func exhaustiveStartsOnPatterns(len: Int) {
        withTemporaryRuntimeDir { _ in
            var arr = rte_fbarray()
            #expect(rte_fbarray_init(&arr, "pattern", UInt32(len), 1) == 0)
            var model = BoolModel(len: len)
            defer { model.free() }
            for k in [0, 1, 2, 3, 7, 64, 65] {
                for i in 0..<len {
                    let used = k == 0 ? false : k == 1 ? true : i % k == k - 1
                    _ = used ? rte_fbarray_set_used(&arr, UInt32(i)) : rte_fbarray_set_free(&arr, UInt32(i))
                    model.set(i, used)
                }
                for s in 0...len {
                    let s32 = UInt32(s)
                    for used in [false, true] {
                        let f = used ? rte_fbarray_find_next_used : rte_fbarray_find_next_free
                        #expect(answer(f(&arr, s32)) == model.next(s, used))
                        let p = used ? rte_fbarray_find_prev_used : rte_fbarray_find_prev_free
                        #expect(answer(p(&arr, s32)) == model.prev(s, used))
                        let c = used ? rte_fbarray_find_contig_used : rte_fbarray_find_contig_free
                        #expect(answer(c(&arr, s32)) == model.contig(s, used))
                        let rc = used ? rte_fbarray_find_rev_contig_used : rte_fbarray_find_rev_contig_free
                        #expect(answer(rc(&arr, s32)) == model.revContig(s, used))
                        let b = used ? rte_fbarray_find_biggest_used : rte_fbarray_find_biggest_free
                        #expect(answer(b(&arr, s32)) == model.biggest(s, used))
                        let rb = used ? rte_fbarray_find_rev_biggest_used : rte_fbarray_find_rev_biggest_free
                        #expect(answer(rb(&arr, s32)) == model.revBiggest(s, used))
                        for n in [0, 1, 2, 5, 6, 63, 64, 65, len, len + 1] {
                            let nf = used ? rte_fbarray_find_next_n_used : rte_fbarray_find_next_n_free
                            #expect(answer(nf(&arr, s32, UInt32(n))) == model.nextN(s, n, used), "next_n k=\(k) s=\(s) n=\(n) used=\(used)")
                            let pf = used ? rte_fbarray_find_prev_n_used : rte_fbarray_find_prev_n_free
                            #expect(answer(pf(&arr, s32, UInt32(n))) == model.prevN(s, n, used), "prev_n k=\(k) s=\(s) n=\(n) used=\(used)")
                        }
                    }
                }
            }
            #expect(rte_fbarray_destroy(&arr) == 0)
        }
    }
}
}
