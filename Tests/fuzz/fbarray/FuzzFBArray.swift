import CSwiftEAL
import FuzzSupport
import Glibc
@testable import SwiftEAL

// rte_fbarray call sequences checked against a model (one Bool per element, every
// answer computed the obvious way, with DPDK 22.11's errno choices). The input: the
// array's length and element size, whether it is file-backed (then a second mapping
// attached as another process would attach it, and the file must be gone after
// destroy), then operations of four bytes each (what, start, count). Every answer,
// the count and the element data are compared; nothing may stay open or mapped.

/// Plain loops over plain memory: the model's answers are O(len) each, and they run
/// for every operation of every input.
struct Model {
    let bits: UnsafeMutableBufferPointer<Bool>
    var count = 0
    let len: Int
    init(len: Int) {
        self.len = len
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
    /// The longest run at or above s (the lowest wins a tie).
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
    /// The longest run at or below s (the highest wins a tie), by its lowest index.
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

/// A call's answer in the model's form: the value, or -rte_errno when it returned -1.
func answer(_ r: Int32) -> Int { r >= 0 ? Int(r) : -Int(rte_errno_value()) }
func rte_errno_value() -> Int32 { per_lcore__rte_errno }

let lengths: [Int] = [1, 2, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257, 1000, 4096, 4103]
let directory: ByteString = {
    var template = Array("/tmp/swifteal-fuzz-fbarray-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { fuzzFail("mkdtemp: \(errno)") }
    return ByteString(cString: template)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let shape = input.u8()
    let len = shape & 0x80 != 0 ? 1 + Int(input.u16()) % 9000 : lengths[Int(shape) % lengths.count]
    let eltSize = [1, 4, 8, 24, 64, 4096][Int(input.u8()) % 6]
    let fileBacked = shape & 0x40 != 0
    FBArray.testBacking = fileBacked ? .directory(directory) : .privateMemory
    let fdsBefore = openFileDescriptors()

    // two descriptors, as two processes would hold them (the second only file-backed)
    let arrays = UnsafeMutablePointer<rte_fbarray>.allocate(capacity: 2)
    arrays.initialize(repeating: rte_fbarray(), count: 2)
    defer { arrays.deallocate() }
    let arr = arrays, other = arrays + 1
    // the bad calls first: DPDK's errno for each
    fuzzCheck(answer(rte_fbarray_init(arr, "fz", 0, UInt32(eltSize))) == -Int(EINVAL), "init with len 0")
    fuzzCheck(answer(rte_fbarray_init(arr, "fz", UInt32(len), 0)) == -Int(EINVAL), "init with elt_sz 0")
    fuzzCheck(answer(rte_fbarray_init(arr, nil, UInt32(len), 1)) == -Int(EINVAL), "init without a name")
    fuzzCheck(answer(rte_fbarray_init(arr, "fz", UInt32(len), UInt32(eltSize))) == 0, "init: \(rte_errno_value())")
    var model = Model(len: len)
    defer { model.free() }
    var attached = false

    var ops = 0
    // bounded work per input: every model answer walks up to len elements
    while !input.isEmpty && ops < 2000 && ops * len < 1_000_000 {
        ops += 1
        let op = Int(input.u8())
        let raw = Int(input.u16())
        // starts cluster near the edges and the 64-bit word boundaries, some beyond
        let s: Int
        switch raw >> 13 {
        case 0: s = len - 1 - (raw & 0x3f)
        case 1: s = len + (raw & 3)
        case 2: s = Int(UInt32.max) - (raw & 1)
        case 3: s = (raw & 0xf) * 64 + (raw >> 4 & 3) - 1
        default: s = raw % len
        }
        let s32 = UInt32(truncatingIfNeeded: max(s, 0))
        let start = s < 0 ? 0 : s
        let nRaw = Int(input.u8())
        let n = nRaw < 200 ? nRaw : nRaw == 255 ? len + 1 : len - (255 - nRaw)
        // reads through the attached mapping now and then: it must see the same bits. The
        // descriptor is shared memory between processes (only the data is mapped by
        // each), so the copy here takes the count from the original, as a second
        // process would read it; changes go through the original.
        let viaOther = attached && op & 0x80 != 0 && op & 0x1f >= 3
        if viaOther { other.pointee.count = arr.pointee.count }
        let use = viaOther ? other : arr
        func check(_ what: String, _ got: Int, _ want: Int) {
            fuzzCheck(got == want, "len \(len): \(what)(\(start), \(n)) = \(got), model \(want)")
        }
        switch op & 0x1f {
        case 0, 1:
            let used = op & 0x20 != 0
            let r = used ? rte_fbarray_set_used(use, s32) : rte_fbarray_set_free(use, s32)
            if start < len { model.set(start, used) }
            check("set", answer(r), start < len ? 0 : -Int(EINVAL))
        case 2:
            // a run of n set at once
            let used = op & 0x20 != 0
            for i in start..<max(start, min(len, start + n)) {
                fuzzCheck((used ? rte_fbarray_set_used(use, UInt32(i)) : rte_fbarray_set_free(use, UInt32(i))) == 0, "set \(i)")
                model.set(i, used)
            }
        case 3: check("is_used", answer(rte_fbarray_is_used(use, s32)), start < len ? (model.bits[start] ? 1 : 0) : -Int(EINVAL))
        case 4: check("next_free", answer(rte_fbarray_find_next_free(use, s32)), model.next(start, false))
        case 5: check("next_used", answer(rte_fbarray_find_next_used(use, s32)), model.next(start, true))
        case 6: check("prev_free", answer(rte_fbarray_find_prev_free(use, s32)), model.prev(start, false))
        case 7: check("prev_used", answer(rte_fbarray_find_prev_used(use, s32)), model.prev(start, true))
        case 8: check("next_n_free", answer(rte_fbarray_find_next_n_free(use, s32, UInt32(max(n, 0)))), model.nextN(start, max(n, 0), false))
        case 9: check("next_n_used", answer(rte_fbarray_find_next_n_used(use, s32, UInt32(max(n, 0)))), model.nextN(start, max(n, 0), true))
        case 10: check("prev_n_free", answer(rte_fbarray_find_prev_n_free(use, s32, UInt32(max(n, 0)))), model.prevN(start, max(n, 0), false))
        case 11: check("prev_n_used", answer(rte_fbarray_find_prev_n_used(use, s32, UInt32(max(n, 0)))), model.prevN(start, max(n, 0), true))
        case 12: check("contig_free", answer(rte_fbarray_find_contig_free(use, s32)), model.contig(start, false))
        case 13: check("contig_used", answer(rte_fbarray_find_contig_used(use, s32)), model.contig(start, true))
        case 14: check("rev_contig_free", answer(rte_fbarray_find_rev_contig_free(use, s32)), model.revContig(start, false))
        case 15: check("rev_contig_used", answer(rte_fbarray_find_rev_contig_used(use, s32)), model.revContig(start, true))
        case 16: check("biggest_free", answer(rte_fbarray_find_biggest_free(use, s32)), model.biggest(start, false))
        case 17: check("biggest_used", answer(rte_fbarray_find_biggest_used(use, s32)), model.biggest(start, true))
        case 18: check("rev_biggest_free", answer(rte_fbarray_find_rev_biggest_free(use, s32)), model.revBiggest(start, false))
        case 19: check("rev_biggest_used", answer(rte_fbarray_find_rev_biggest_used(use, s32)), model.revBiggest(start, true))
        case 20:
            // element data: written through one mapping, found again by address
            let p = rte_fbarray_get(use, s32)
            if start < len {
                guard let p else { fuzzFail("get(\(start)) = NULL") }
                p.storeBytes(of: UInt8(truncatingIfNeeded: start), as: UInt8.self)
                let inside = eltSize > 1 ? nRaw % eltSize : 0
                check("find_idx", answer(rte_fbarray_find_idx(use, p + inside)), start)
                let q = rte_fbarray_get(arr, s32)!
                fuzzCheck(q.load(as: UInt8.self) == UInt8(truncatingIfNeeded: start), "element \(start) not shared")
            } else {
                check("get", p == nil ? -Int(rte_errno_value()) : 0, -Int(EINVAL))
            }
        case 21:
            let base = rte_fbarray_get(use, 0)!
            check("find_idx outside", answer(rte_fbarray_find_idx(use, base + len * eltSize + (nRaw & 7))), -Int(EINVAL))
            check("find_idx below", answer(rte_fbarray_find_idx(use, base - 1 - (nRaw & 7))), -Int(EINVAL))
        case 22:
            check("count", Int(use.pointee.count), model.count)
        case 23 where fileBacked:
            if attached {
                fuzzCheck(rte_fbarray_detach(other) == 0, "detach: \(rte_errno_value())")
                attached = false
            } else {
                // what another process finds in shared memory: the descriptor, not the mapping
                other.pointee = arr.pointee
                other.pointee.data = nil
                fuzzCheck(rte_fbarray_attach(other) == 0, "attach: \(rte_errno_value())")
                attached = true
            }
        default:
            check("count", Int(arr.pointee.count), model.count)
        }
    }
    // every bit: the array's runs, walked with its own scans, are the model's
    var i = 0
    while i < len {
        let used = model.bits[i]
        let run = answer(used ? rte_fbarray_find_contig_used(arr, UInt32(i)) : rte_fbarray_find_contig_free(arr, UInt32(i)))
        fuzzCheck(run == model.contig(i, used), "run at \(i) at the end: \(run), model \(model.contig(i, used))")
        i += max(run, 1)
    }
    fuzzCheck(Int(arr.pointee.count) == model.count, "count \(arr.pointee.count), model \(model.count)")
    if attached { fuzzCheck(rte_fbarray_detach(other) == 0, "detach at the end") }
    fuzzCheck(rte_fbarray_destroy(arr) == 0, "destroy: \(rte_errno_value())")
    fuzzCheck(openFileDescriptors() == fdsBefore, "file descriptors: \(fdsBefore) before, \(openFileDescriptors()) after")
    if fileBacked {
        let path = directory + "/fbarray_fz"
        fuzzCheck(path.withCString { access($0, F_OK) } != 0, "fbarray file left after destroy")
    }
    return 0
}

@main struct FuzzFBArray {
    static func main() {
        rte_log_set_global_level(1)
        _ = directory
        atexit { _ = directory.withCString { rmdir($0) } }
        runLibFuzzer(testOneInput)
    }
}
