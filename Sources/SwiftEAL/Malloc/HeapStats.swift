import CEALShared
import CSwiftEAL
import Glibc

/// rte_malloc_get_socket_stats' figures. Allocated bytes are what is handed out: busy
/// large elements and memzones, and the small blocks callers hold (each with its header
/// line). Everything else is free: free elements, and the slabs but for their blocks in
/// use (their free and cached blocks, and their own header lines, which go back with
/// them). So allocated + free = total always, and freeing every block brings the bytes
/// in use back to where they were. Lcore caches are read without their owners' help:
/// exact once those lcores are idle.
struct HeapFigures {
    var total = 0, free = 0, greatest = 0, freeCount = 0, allocCount = 0

    var alloc: Int { total - free }
}

extension Heap {
    func figures() -> HeapFigures {
        var f = HeapFigures()
        lock()
        f.total = Int(p.pointee.total_size)
        f.free = Int(p.pointee.free_size) + Int(p.pointee.slab_bytes)
        f.freeCount = Int(p.pointee.free_count)
        f.allocCount = Int(p.pointee.busy_count)
        f.greatest = greatestFree()
        unlock()
        var cached = [Int](repeating: 0, count: HeapLayout.classCount)
        for l in 0..<Int(RTE_MAX_LCORE) {
            let cache = eal_malloc_cache_at(shared, UInt32(l))
            guard cache.pointee.heap == Int32(index) else { continue }
            for c in 0..<HeapLayout.classCount { cached[c] += Int(eal_cache_bin_at(cache, UInt32(c)).pointee.count) }
        }
        for c in 0..<HeapLayout.classCount {
            let hc = HeapClass(self, c)
            hc.lock()
            let capacity = Int(hc.p.pointee.capacity), out = Int(hc.p.pointee.out)
            hc.unlock()
            let inUse = max(0, out - cached[c])
            f.free -= inUse * SizeClass.stride(c)
            f.freeCount += capacity - inUse
            f.allocCount += inUse
        }
        return f
    }

    /// The largest free element, with the lock held.
    func greatestFree() -> Int {
        var best = 0
        for dyn in 0..<2 {
            let a = arena(dyn == 1)
            let fl = 63 - a.pointee.fl_bitmap.leadingZeroBitCount
            guard fl >= 0 else { continue }
            let sl = 31 - UInt32(eal_heap_sl_at(a, UInt32(fl)).pointee).leadingZeroBitCount
            var e = listHead(a, fl, sl).pointee
            while let cur = e {
                best = max(best, Int(cur.pointee.size))
                e = cur.pointee.free_next
            }
        }
        return best
    }

    /// rte_malloc_get_socket_stats' struct.
    var stats: rte_malloc_socket_stats {
        let f = figures()
        var s = rte_malloc_socket_stats()
        s.heap_totalsz_bytes = f.total
        s.heap_freesz_bytes = f.free
        s.greatest_free_size = f.greatest
        s.free_count = UInt32(truncatingIfNeeded: f.freeCount)
        s.alloc_count = UInt32(truncatingIfNeeded: f.allocCount)
        s.heap_allocsz_bytes = f.alloc
        return s
    }
}

/// The dumps, in DPDK's text.
enum HeapDump {
    static func pointer(_ p: UnsafeRawPointer?) -> String {
        guard let p else { return "(nil)" }
        return "0x" + String(UInt(bitPattern: p), radix: 16)
    }

    static func hex(_ v: Int) -> String { "0x" + String(v, radix: 16) }

    static func stats(_ f: UnsafeMutablePointer<FILE>, _ s: UnsafeMutablePointer<eal_malloc_shared>) {
        for i in 0..<Int(RTE_MAX_HEAPS) {
            let heap = Heap(s, i)
            let fig = heap.p.pointee.in_use != 0 ? heap.figures() : HeapFigures()
            let name = withUnsafeBytes(of: heap.p.pointee.name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            fputs("Heap id:\(i)\n\tHeap name:\(name)\n\tHeap_size:\(fig.total),\n\tFree_size:\(fig.free),\n"
                  + "\tAlloc_size:\(fig.alloc),\n\tGreatest_free_size:\(fig.greatest),\n"
                  + "\tAlloc_count:\(fig.allocCount),\n\tFree_count:\(fig.freeCount),\n", f)
        }
    }

    static func heaps(_ f: UnsafeMutablePointer<FILE>, _ s: UnsafeMutablePointer<eal_malloc_shared>) {
        for i in 0..<Int(RTE_MAX_HEAPS) {
            let heap = Heap(s, i)
            let inUse = heap.p.pointee.in_use != 0
            let fig = inUse ? heap.figures() : HeapFigures()
            fputs("Heap id: \(i)\nHeap size: \(hex(fig.total))\nHeap alloc count: \(fig.allocCount)\n", f)
            guard inUse else { continue }
            heap.lock()
            var e = heap.p.pointee.first
            while let cur = e {
                let state: String
                switch cur.state {
                case EAL_HEAP_ST_FREE: state = "FREE"
                case EAL_HEAP_ST_SLAB: state = "BUSY, slab of \(SizeClass.size(Int(cur.data.assumingMemoryBound(to: eal_heap_slab.self).pointee.cls))) B blocks"
                case EAL_HEAP_ST_MEMZONE: state = "BUSY, memzone"
                default: state = "BUSY"
                }
                fputs("Malloc element at \(pointer(HeapLayout.ptr(cur.start))) (\(state))\n"
                      + "  len: \(hex(Int(cur.pointee.size))) pad: \(hex(Tag.back(cur.tagWord) << 6))\n"
                      + "  prev: \(pointer(cur.pointee.prev.map { HeapLayout.ptr($0.start) }))"
                      + " next: \(pointer(cur.pointee.next.map { HeapLayout.ptr($0.start) }))\n", f)
                e = cur.pointee.next
            }
            heap.unlock()
            // the heap's own consistency check (not in DPDK's dump): what a user who
            // suspects corruption wants to see
            let problems = heap.verify() + heap.verifySlabs()
            if problems.isEmpty {
                fputs("Heap check: sound\n", f)
            } else {
                fputs("Heap check: \(problems.count) problems: \(problems.prefix(8).joined(separator: "; "))\n", f)
            }
        }
    }
}
