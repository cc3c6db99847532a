import CEALShared
import CSwiftEAL
import FuzzSupport
import Glibc
@testable import SwiftEAL

// rte_malloc and rte_memzone call sequences on an initialised EAL (--no-huge
// --no-shconf, once per process, in this process). Every block and zone is filled with
// its own byte and checked before it goes; rte_malloc_validate must vouch for every
// live block and refuse pointers into their middle; the heaps' own consistency check
// runs every hundred operations and at the end; a bad free (inside a block, twice,
// foreign) changes nothing; at the end of an input everything is freed and the heap
// statistics are back where they started. A valid small request may not fail: the input never holds
// more than a quarter of the memory.

struct Block {
    var p: UnsafeMutableRawPointer
    var size: Int
    var fill: UInt8
    var zone: UnsafePointer<rte_memzone>?
    /// In the external heap's memory (a request for any socket may land there too).
    var external: Bool {
        let base = UInt(bitPattern: extMemory!)
        return UInt(bitPattern: p) >= base && UInt(bitPattern: p) < base + UInt(extLength)
    }
}

let memoryMB = 256
let liveLimit = (memoryMB << 20) / 4
let extLength = 4 << 20
var extMemory: UnsafeMutableRawPointer? = nil
var extSocket: Int32 = -1
var baseline = rte_malloc_socket_stats()

/// Whether `n` bytes at `p` all hold `v`.
func holds(_ p: UnsafeRawPointer, _ n: Int, _ v: UInt8) -> Bool {
    guard n > 0 else { return true }
    return p.load(as: UInt8.self) == v && (n == 1 || memcmp(p, p + 1, n - 1) == 0)
}

func heapProblems() -> [String] {
    guard let s = MallocState.shared else { return ["no heaps"] }
    var bad: [String] = []
    for i in 0..<Int(RTE_MAX_HEAPS) where eal_malloc_heap_at(s, UInt32(i)).pointee.in_use != 0 {
        let h = Heap(s, i)
        bad += h.verify() + h.verifySlabs()
    }
    return bad
}

func checkHeaps(_ when: @autoclosure () -> String) {
    let bad = heapProblems()
    fuzzCheck(bad.isEmpty, "heap check \(when()): \(bad.prefix(5))")
}

func errnoNow() -> Int32 { per_lcore__rte_errno }

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    var live: [Block] = []
    var liveBytes = 0
    var ops = 0
    var fill: UInt8 = 0

    func pickSize() -> Int {
        let k = input.u8()
        switch k >> 5 {
        case 0: return Int(k & 0x1f)                          // 0..31
        case 1, 2: return 1 + Int(input.u16()) % 16_384        // the slab classes
        case 3: return 16_320 + Int(input.u8())                // around the small limit
        case 4: return 1 + Int(input.u32() % (1 << 20))        // large
        case 5: return [4095, 4096, 4097, 65_536, 2 << 20, (2 << 20) + 1][Int(k) % 6]
        case 6: return Int.max - Int(k & 0x1f)                 // never
        default: return 1 + Int(input.u8()) * 64
        }
    }
    func pickAlign() -> UInt32 {
        let k = input.u8()
        switch k >> 6 {
        case 0: return 0
        case 1: return 1 << UInt32(k & 0x0f)                  // 1 .. 32 KiB
        case 2: return UInt32(k & 0x3f) * 3                     // mostly not a power of two
        default: return 64
        }
    }
    func adopt(_ p: UnsafeMutableRawPointer, _ size: Int, zone: UnsafePointer<rte_memzone>? = nil) {
        fill &+= 1
        if fill == 0 { fill = 1 }
        memset(p, Int32(fill), size)
        live.append(Block(p: p, size: size, fill: fill, zone: zone))
        liveBytes += size
    }
    func checkBlock(_ b: Block, _ what: String) {
        fuzzCheck(holds(b.p, b.size, b.fill), "\(what): block \(b.p) of \(b.size) lost its bytes")
        if b.zone == nil {
            var usable = 0
            fuzzCheck(rte_malloc_validate(b.p, &usable) == 0, "\(what): rte_malloc_validate refuses a live block")
            fuzzCheck(usable >= b.size, "\(what): usable \(usable) < \(b.size)")
        }
    }
    func release(_ i: Int) {
        let b = live.remove(at: i)
        liveBytes -= b.size
        checkBlock(b, "free")
        if let z = b.zone {
            fuzzCheck(rte_memzone_free(z) == 0, "rte_memzone_free: \(errnoNow())")
        } else {
            rte_free(b.p)
        }
    }
    func mayFail(_ size: Int, _ align: UInt32) -> Bool {
        size == 0 || size > 16_384 || Int(align) > 4096 || align & (align &- 1) != 0
            || liveBytes + size > liveLimit || live.count >= 512
    }

    while !input.isEmpty && ops < 400 {
        ops += 1
        let op = input.u8()
        let pick = live.isEmpty ? 0 : Int(input.u16()) % live.count
        switch op % 16 {
        case 0, 1, 2:
            // rte_malloc / rte_zmalloc / rte_malloc_socket
            let size = pickSize(), align = pickAlign()
            let zero = op & 0x10 != 0
            let socket: Int32 = op & 0x20 != 0 ? 0 : op & 0x40 != 0 ? Int32(input.u8()) - 128 : SOCKET_ID_ANY
            if liveBytes + min(size, liveLimit) > liveLimit || live.count >= 512 { continue }
            let p = zero ? rte_zmalloc_socket("fz", size, align, socket) : rte_malloc_socket("fz", size, align, socket)
            if size == 0 || align & (align &- 1) != 0 {
                fuzzCheck(p == nil, "malloc(\(size), \(align)) gave a block")
                continue
            }
            guard let p else {
                fuzzCheck(mayFail(size, align) || (socket != SOCKET_ID_ANY && socket != 0),
                          "malloc(\(size), \(align), socket \(socket)) failed")
                continue
            }
            let a = max(Int(align), 64)
            fuzzCheck(Int(bitPattern: p) % a == 0, "malloc(\(size), \(align)) = \(p): misaligned")
            if zero { fuzzCheck(holds(p, size, 0), "zmalloc(\(size)) not zeroed") }
            adopt(p, size)
        case 3:
            // rte_calloc, the product overflowing now and then
            let num = op & 0x80 != 0 ? Int.max / 2 + Int(input.u8()) : Int(input.u8())
            let each = Int(input.u16() % 512)
            let (total, overflow) = num.multipliedReportingOverflow(by: each)
            if !overflow && (total > liveLimit - liveBytes || live.count >= 512) { continue }
            let p = rte_calloc("fz", num, each, 0)
            if overflow || total == 0 { fuzzCheck(p == nil, "calloc(\(num), \(each)) gave a block"); continue }
            guard let p else { fuzzCheck(mayFail(total, 0), "calloc(\(num), \(each)) failed"); continue }
            fuzzCheck(holds(p, total, 0), "calloc not zeroed")
            adopt(p, total)
        case 4, 5:
            if !live.isEmpty { release(pick) }
        case 6:
            // rte_realloc: the old bytes stay, up to the smaller size
            guard !live.isEmpty, live[pick].zone == nil else { continue }
            let b = live[pick]
            let size = max(1, pickSize() % (1 << 22)), align = pickAlign()
            if liveBytes - b.size + size > liveLimit { continue }
            checkBlock(b, "realloc")
            guard let q = rte_realloc(b.p, size, align) else {
                fuzzCheck(mayFail(size, align) || b.external, "realloc(\(b.size) -> \(size), \(align)) failed")
                checkBlock(b, "failed realloc")
                continue
            }
            let a = HeapLayout.roundUp(Int(align), 64)
            fuzzCheck(Int(bitPattern: q) % max(a, 64) == 0 || a & (a - 1) != 0, "realloc misaligned")
            fuzzCheck(holds(q, min(b.size, size), b.fill), "realloc(\(b.size) -> \(size)) lost the bytes")
            live.remove(at: pick)
            liveBytes -= b.size
            adopt(q, size)
        case 7:
            // pointers the heaps must refuse: inside a block, just past it, foreign
            guard !live.isEmpty else { continue }
            let b = live[pick]
            let inside = b.p + 1 + Int(input.u8()) % max(1, b.size)
            var usable = 0
            fuzzCheck(rte_malloc_validate(inside, &usable) == -1, "validate took a pointer inside a block")
            if b.zone == nil && op & 0x10 != 0 && b.size >= 64 { rte_free(inside) }
            var local = 0
            fuzzCheck(rte_malloc_validate(&local, nil) == -1, "validate took a stack address")
            checkBlock(b, "bad free")
            checkHeaps("after a bad free")
        case 8:
            // a double free, at once: the block is in a cache or a free list now
            guard !live.isEmpty, live[pick].zone == nil else { continue }
            let p = live[pick].p
            release(pick)
            rte_free(p)
            var usable = 0
            fuzzCheck(rte_malloc_validate(p, &usable) == -1, "validate took a freed block")
            checkHeaps("after a double free")
        case 9, 10:
            // a memzone: names from a small set, so some exist already
            let name = "fz_mz_\(input.u8() & 15)"
            let len = pickSize() % (8 << 20)
            let align = pickAlign()
            let bound: UInt32 = op & 0x10 != 0 ? 1 << UInt32(12 + input.u8() % 12) : 0
            let flags: UInt32 = [0, UInt32(RTE_MEMZONE_SIZE_HINT_ONLY | RTE_MEMZONE_2MB),
                                 UInt32(RTE_MEMZONE_IOVA_CONTIG), 0x8000_0000][Int(op >> 5) % 4]
            let exists = rte_memzone_lookup(name) != nil
            if len == 0 || liveBytes + len > liveLimit || live.count >= 512 { continue }
            let z = rte_memzone_reserve_bounded(name, len, SOCKET_ID_ANY, flags, align, bound)
            let rounded = (len + 63) & ~63
            let invalid = (align != 0 && align & (align &- 1) != 0)
                || (bound != 0 && UInt(rounded) > UInt(bound)) || flags == 0x8000_0000
            if exists {
                fuzzCheck(z == nil && errnoNow() == EEXIST, "memzone \(name) twice: \(errnoNow())")
                continue
            }
            if invalid {
                fuzzCheck(z == nil && errnoNow() == EINVAL, "memzone(\(len), align \(align), bound \(bound), flags \(flags)): \(errnoNow())")
                continue
            }
            guard let z else {
                fuzzCheck(mayFail(len, align) || bound != 0 || flags == UInt32(RTE_MEMZONE_IOVA_CONTIG),
                          "memzone \(name) of \(len) failed: \(errnoNow())")
                continue
            }
            let addr = UInt(bitPattern: z.pointee.addr)
            fuzzCheck(z.pointee.len >= len, "memzone len \(z.pointee.len) < \(len)")
            fuzzCheck(addr % UInt(max(align, 64)) == 0, "memzone misaligned")
            if bound != 0 {
                fuzzCheck(addr / UInt(bound) == (addr + UInt(z.pointee.len) - 1) / UInt(bound), "memzone crosses its bound")
            }
            fuzzCheck(rte_memzone_lookup(name) == z, "lookup(\(name)) finds another zone")
            adopt(z.pointee.addr!, len, zone: z)
        case 11:
            // the external heap: made at start-up; blocks from it like any other
            let size = 1 + Int(input.u16()) % (extLength / 8)
            if live.count >= 512 { continue }
            guard let p = rte_malloc_socket("fz", size, 0, extSocket) else { continue }
            let base = UInt(bitPattern: extMemory!)
            fuzzCheck(UInt(bitPattern: p) >= base && UInt(bitPattern: p) + UInt(size) <= base + UInt(extLength),
                      "external block outside its memory")
            adopt(p, size)
        case 12:
            // the external memory cannot go while it is in use
            if live.contains(where: \.external) {
                fuzzCheck(rte_malloc_heap_memory_remove("fz_ext", extMemory, extLength) == -1 && errnoNow() == EBUSY,
                          "external memory removed while in use: \(errnoNow())")
            }
        case 13:
            // statistics add up
            var st = rte_malloc_socket_stats()
            fuzzCheck(rte_malloc_get_socket_stats(0, &st) == 0, "stats")
            fuzzCheck(st.heap_allocsz_bytes + st.heap_freesz_bytes == st.heap_totalsz_bytes, "stats do not add up")
            fuzzCheck(st.greatest_free_size <= st.heap_freesz_bytes, "greatest free above free")
        default:
            if let b = live.last { checkBlock(b, "check") }
        }
        if ops % 100 == 0 { checkHeaps("after \(ops) operations") }
    }
    for b in live { checkBlock(b, "end") }
    while !live.isEmpty { release(live.count - 1) }
    checkHeaps("at the end")
    var st = rte_malloc_socket_stats()
    _ = rte_malloc_get_socket_stats(0, &st)
    fuzzCheck(st.heap_allocsz_bytes == baseline.heap_allocsz_bytes && st.alloc_count == baseline.alloc_count,
              "in use after freeing everything: \(st.heap_allocsz_bytes) bytes in \(st.alloc_count), "
              + "\(baseline.heap_allocsz_bytes) in \(baseline.alloc_count) before")
    return 0
}

@main struct FuzzMalloc {
    static func main() {
        let args = ["fuzz_malloc", "--no-huge", "--no-shconf", "-m", "\(memoryMB)", "-l", "0", "--no-pci",
                    "--no-telemetry", "--file-prefix", "fuzz_malloc_\(getpid())", "--log-level", "1"]
        let argv = args.map { strdup($0) } + [nil]
        var cargv = argv
        guard rte_eal_init(Int32(args.count), &cargv) >= 0 else { fuzzFail("rte_eal_init: \(errnoNow())") }
        // the external heap, on memory of our own
        extMemory = mmap(nil, extLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        fuzzCheck(extMemory != MAP_FAILED, "mmap")
        fuzzCheck(rte_malloc_heap_create("fz_ext") == 0, "heap create: \(errnoNow())")
        fuzzCheck(rte_malloc_heap_memory_add("fz_ext", extMemory, extLength, nil, 0, 4096) == 0,
                  "heap memory add: \(errnoNow())")
        extSocket = rte_malloc_heap_get_socket("fz_ext")
        fuzzCheck(extSocket >= 0, "external heap socket")
        checkHeaps("after init")
        _ = rte_malloc_get_socket_stats(0, &baseline)
        // libFuzzer ends with exit(): the runtime directory goes with the EAL
        atexit { _ = rte_eal_cleanup() }
        // the arguments stay reachable until exit (the EAL may keep pointers into them):
        // otherwise the leak checker at exit reports the array
        withExtendedLifetime(cargv) { runLibFuzzer(testOneInput) }
    }
}
