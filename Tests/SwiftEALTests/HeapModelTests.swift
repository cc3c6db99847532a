import CEALShared
import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

/// A heap of its own: a private descriptor block and `length` bytes of memory given
/// to socket heap 0 as memory that stays (as -m preallocates it). Nothing here touches
/// the process's EAL state, so these suites run beside any other.
final class HeapHarness {
    let block: UnsafeMutablePointer<eal_malloc_shared>
    let blockLength: Int
    let memory: UnsafeMutableRawPointer
    let length: Int

    init(length: Int = 8 << 20) throws {
        blockLength = HeapLayout.roundUp(MemoryLayout<eal_malloc_shared>.size, 4096)
        let b = mmap(nil, blockLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        let m = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        block = b.bindMemory(to: eal_malloc_shared.self, capacity: 1)
        memory = m
        self.length = length
        let run = PageRun(base: m, length: length, pageSize: 4096, socket: 0, list: -1)
        try MallocInit.initHeaps(block, sockets: [0], initialRuns: [run], resizable: false)
    }

    deinit {
        munmap(memory, length)
        munmap(UnsafeMutableRawPointer(block), blockLength)
    }

    var heap: Heap { Heap(block, 0) }

    /// A large element of `size` bytes (DPDK's rules: align 0 = 64).
    func allocLarge(_ size: Int, align: Int = 0, bound: Int = 0) -> UnsafeMutableRawPointer? {
        heap.withLock {
            heap.alloc(FitRequest(usable: HeapLayout.roundUp(size, 64), align: max(align, 64), bound: bound),
                       state: EAL_HEAP_ST_BUSY, grow: false)?.data
        }
    }

    func freeLarge(_ p: UnsafeMutableRawPointer) {
        heap.withLock { heap.freeElement(ElemPtr.of(data: p)) }
    }

    func allocSmall(_ size: Int) -> UnsafeMutableRawPointer? {
        let hc = HeapClass(heap, SizeClass.of(size))
        hc.lock()
        let (b, _, _) = hc.take(1)
        hc.unlock()
        if let b { LcoreCache.flip(b) }
        return b
    }

    func freeSmall(_ p: UnsafeMutableRawPointer) {
        let w = Tag.read(p)!
        LcoreCache.flip(p)
        let hc = HeapClass(heap, Tag.cls(w))
        hc.lock()
        hc.give(p, back: Tag.back(w))
        hc.unlock()
    }

    func problems() -> [String] { heap.verify() + heap.verifySlabs() }
}

@Suite struct SizeClassTests {
    @Test func classesCoverEverySizeTightly() {
        var last = 0
        for c in 0..<HeapLayout.classCount {
            let s = SizeClass.size(c)
            #expect(s > last && s % 64 == 0)
            last = s
        }
        #expect(last == HeapLayout.smallMax)
        for n in 1...HeapLayout.smallMax {
            let c = SizeClass.of(n)
            #expect(c >= 0 && c < HeapLayout.classCount)
            #expect(SizeClass.size(c) >= n)
            if c > 0 { #expect(SizeClass.size(c - 1) < n) }
            // under 64 bytes of rounding up to 2 KiB, 128 up to 4 KiB, an eighth beyond
            #expect(SizeClass.size(c) - n < (n <= 2048 ? 64 : n <= 4096 ? 128 : SizeClass.size(c) / 8))
        }
    }

    @Test func slabsAndCachesHaveSaneShapes() {
        for c in 0..<HeapLayout.classCount {
            #expect(SizeClass.capacity(c) >= 8)
            #expect(SizeClass.slabDataSize(c) % 64 == 0)
            let limit = SizeClass.cacheLimit(c)
            #expect(limit >= 4 && limit <= 64 && limit % 2 == 0)
        }
    }
}

@Suite struct HeapEngineTests {
    @Test func aFreshHeapIsOneFreeElement() throws {
        let h = try HeapHarness()
        #expect(h.problems().isEmpty)
        let f = h.heap.figures()
        #expect(f.total == h.length && f.free == h.length && f.greatest == h.length)
        #expect(f.freeCount == 1 && f.allocCount == 0)
    }

    @Test func neighboursMergeInEveryOrder() throws {
        let h = try HeapHarness(length: 1 << 20)
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1], [1, 2, 0], [2, 0, 1]] {
            let blocks = (0..<3).map { _ in h.allocLarge(50_000)! }
            #expect(h.problems().isEmpty)
            for i in order {
                h.freeLarge(blocks[i])
                #expect(h.problems().isEmpty)
            }
            let f = h.heap.figures()
            #expect(f.freeCount == 1 && f.free == f.total, "order \(order)")
        }
    }

    @Test func anyPowerOfTwoAlignment() throws {
        let h = try HeapHarness(length: 16 << 20)
        var live: [UnsafeMutableRawPointer] = []
        for shift in 0...20 {
            let align = 1 << shift
            for size in [1, 63, 64, 65, 1000, 20_000] {
                let p = h.allocLarge(size, align: align)!
                #expect(UInt(bitPattern: p) % UInt(max(align, 64)) == 0)
                memset(p, 0x5a, size)
                live.append(p)
            }
        }
        #expect(h.problems().isEmpty)
        for p in live { h.freeLarge(p) }
        #expect(h.problems().isEmpty)
        #expect(h.heap.figures().freeCount == 1)
    }

    @Test func boundsAreNeverCrossed() throws {
        let h = try HeapHarness(length: 4 << 20)
        var live: [UnsafeMutableRawPointer] = []
        for i in 0..<200 {
            let bound = 1 << (12 + i % 5)
            let size = 64 + (i * 97) % (bound - 64)
            let p = h.allocLarge(size, bound: bound)!
            let start = UInt(bitPattern: p), end = start + UInt(size) - 1
            #expect(start / UInt(bound) == end / UInt(bound))
            live.append(p)
        }
        #expect(h.problems().isEmpty)
        for p in live { h.freeLarge(p) }
        #expect(h.problems().isEmpty)
    }

    @Test func theGreatestFreeBlockLessOverheadFitsExactly() throws {
        let h = try HeapHarness(length: 4 << 20)
        let a = h.allocLarge(100_000)!
        let b = h.allocLarge(300_000)!
        h.freeLarge(a)
        let g = h.heap.figures().greatest
        let p = h.allocLarge(g - HeapLayout.overhead)
        #expect(p != nil)
        #expect(h.allocLarge(g - HeapLayout.overhead) == nil)
        if let p { h.freeLarge(p) }
        h.freeLarge(b)
        #expect(h.problems().isEmpty)
    }

    @Test func resizeInPlaceShrinksAndGrows() throws {
        let h = try HeapHarness(length: 1 << 20)
        let p = h.allocLarge(100_000)!
        let e = ElemPtr.of(data: p)
        memset(p, 7, 100_000)
        #expect(h.heap.withLock { h.heap.resizeInPlace(e, usable: 20_032) })
        #expect(e.usable >= 20_032 && e.usable < 20_032 + HeapLayout.minElem)
        #expect(h.problems().isEmpty)
        // the freed tail is right above: growing takes it back
        #expect(h.heap.withLock { h.heap.resizeInPlace(e, usable: 90_048) })
        #expect(e.usable >= 90_048)
        #expect(UnsafeRawBufferPointer(start: p, count: 20_032).allSatisfy { $0 == 7 })
        #expect(h.problems().isEmpty)
        // a busy neighbour above: no room
        let q = h.allocLarge(500_000)!
        let r = h.allocLarge(1_000)!
        h.freeLarge(q)
        let er = ElemPtr.of(data: r)
        #expect(h.heap.withLock { h.heap.resizeInPlace(er, usable: 2_000_000) } == false)
        h.freeLarge(r)
        h.freeLarge(p)
        #expect(h.problems().isEmpty)
        #expect(h.heap.figures().freeCount == 1)
    }

    @Test func exhaustionFailsCleanly() throws {
        let h = try HeapHarness(length: 1 << 20)
        var live: [UnsafeMutableRawPointer] = []
        while let p = h.allocLarge(30_000) { live.append(p) }
        #expect(live.count >= 30)
        #expect(h.allocLarge(1 << 20) == nil)
        #expect(h.problems().isEmpty)
        for p in live { h.freeLarge(p) }
        #expect(h.heap.figures().free == h.length)
    }

    @Test func biggestIsWhatALengthZeroZoneGets() throws {
        let h = try HeapHarness(length: 2 << 20)
        let a = h.allocLarge(10_000)!
        let g = h.heap.figures().greatest
        let got = h.heap.withLock { h.heap.biggest(FitRequest(usable: 0)) }
        #expect(got?.usable == g - HeapLayout.overhead)
        h.freeLarge(a)
    }
}

/// Random allocations and frees, large and small, against the obvious model: a list of
/// live blocks, each filled with its own byte. After every step the heap verifies, no
/// two live blocks overlap, and every block still holds its byte.
@Suite struct HeapModelTests {
    struct Live { var p: UnsafeMutableRawPointer; var size: Int; var byte: UInt8; var small: Bool }

    @Test(arguments: [1, 2, 3])
    func randomOperationsKeepTheHeapSound(seed: UInt64) throws {
        let h = try HeapHarness(length: 48 << 20)
        var rng = SplitMix64(state: seed)
        var live: [Live] = []
        var failedAllocs = 0
        for step in 0..<6000 {
            if live.isEmpty || Int.random(in: 0..<100, using: &rng) < 55 {
                let small = Bool.random(using: &rng)
                let size = small ? Int.random(in: 1...HeapLayout.smallMax, using: &rng)
                                 : Int.random(in: 1...120_000, using: &rng)
                let align = small ? 0 : 1 << Int.random(in: 0...12, using: &rng)
                guard let p = small ? h.allocSmall(size) : h.allocLarge(size, align: align) else {
                    failedAllocs += 1
                    continue
                }
                #expect(UInt(bitPattern: p) % UInt(max(align, 64)) == 0)
                let byte = UInt8(truncatingIfNeeded: step)
                memset(p, Int32(byte), size)
                live.append(Live(p: p, size: size, byte: byte, small: small))
            } else {
                let i = Int.random(in: 0..<live.count, using: &rng)
                live.swapAt(i, live.count - 1)
                let b = live.removeLast()
                #expect(UnsafeRawBufferPointer(start: b.p, count: b.size).allSatisfy { $0 == b.byte })
                if b.small { h.freeSmall(b.p) } else { h.freeLarge(b.p) }
            }
            if step % 50 == 0 {
                let problems = h.problems()
                #expect(problems.isEmpty, "step \(step): \(problems.prefix(5))")
                if !problems.isEmpty { return }
                let sorted = live.sorted { UInt(bitPattern: $0.p) < UInt(bitPattern: $1.p) }
                for (a, b) in zip(sorted, sorted.dropFirst()) {
                    #expect(UInt(bitPattern: a.p) + UInt(a.size) <= UInt(bitPattern: b.p))
                }
                let f = h.heap.figures()
                #expect(f.alloc + f.free == f.total)
                #expect(f.allocCount >= live.count)
            }
        }
        #expect(failedAllocs < 100)
        for b in live {
            #expect(UnsafeRawBufferPointer(start: b.p, count: b.size).allSatisfy { $0 == b.byte })
            if b.small { h.freeSmall(b.p) } else { h.freeLarge(b.p) }
        }
        // spare slabs may stay, but nothing counts as in use any more
        let kept = h.heap.figures()
        #expect(kept.alloc == 0 && kept.allocCount == 0)
        ExternalHeaps.trim(h.heap)
        #expect(h.problems().isEmpty)
        let f = h.heap.figures()
        #expect(f.freeCount == 1 && f.free == h.length && f.allocCount == 0)
    }
}
