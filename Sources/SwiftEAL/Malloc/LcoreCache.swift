import CEALShared
import CSwiftEAL

/// The per-lcore caches of free small blocks (jemalloc's tcache shape): each lcore of the
/// primary pops and pushes blocks of its own socket's heap without a lock, and trades
/// with the heap's size classes in batches of half a bin. Lcore ids of different processes
/// collide, so secondaries (and non-EAL threads, lcore id LCORE_ID_ANY) never get here.
enum LcoreCache {
    /// The calling lcore's cache, or nil when this thread takes the locked path.
    @inline(__always)
    static func current() -> UnsafeMutablePointer<eal_lcore_cache>? {
        let lcore = eal_malloc_lcore_id()
        guard lcore < UInt32(RTE_MAX_LCORE), let caches = eal_malloc_local_ptr().pointee.caches else { return nil }
        return caches + Int(lcore)
    }

    /// Flips a cached block's tag between SMALL_FREE and SMALL_BUSY (both words, so the
    /// check still holds).
    @inline(__always)
    static func flip(_ b: UnsafeMutableRawPointer) {
        let w = (b - 16).load(as: UInt64.self), chk = (b - 8).load(as: UInt64.self)
        (b - 16).storeBytes(of: w ^ Tag.smallFlip, as: UInt64.self)
        (b - 8).storeBytes(of: chk ^ Tag.smallFlip, as: UInt64.self)
    }

    /// A block of `size` (1...16384) bytes from the calling lcore's cache, refilled from
    /// the heap when empty; nil sends the caller down the locked path.
    @inline(__always)
    static func alloc(_ size: Int, socket: Int32) -> UnsafeMutableRawPointer? {
        guard let cache = current() else { return nil }
        if socket != SOCKET_ID_ANY && socket != cache.pointee.socket && !MallocState.meansAny(socket) { return nil }
        let c = SizeClass.of(size)
        let bin = eal_cache_bin_at(cache, UInt32(c))
        if let b = bin.pointee.head {
            bin.pointee.head = b.load(as: UnsafeMutableRawPointer?.self)
            bin.pointee.count &-= 1
            flip(b)
            return b
        }
        return refill(cache, c)
    }

    /// Takes busy small block `p` (tag word `w`, checked) into the calling lcore's cache.
    /// False when it is not for this cache (no cache, another heap's block).
    @inline(__always)
    static func free(_ p: UnsafeMutableRawPointer, _ w: UInt64) -> Bool {
        guard let cache = current(), Tag.heap(w) == Int(cache.pointee.heap) else { return false }
        let c = Tag.cls(w)
        guard c < HeapLayout.classCount else { return false }
        if (p + Tag.usable(w)).load(as: UInt64.self) != Tag.trailer(p) {
            MallocReport.corrupt(p, "written past its end (trailer overwritten)")
            return true
        }
        flip(p)
        let bin = eal_cache_bin_at(cache, UInt32(c))
        p.storeBytes(of: bin.pointee.head, as: UnsafeMutableRawPointer?.self)
        bin.pointee.head = p
        bin.pointee.count &+= 1
        if bin.pointee.count > bin.pointee.limit { flush(cache, c, keep: Int(bin.pointee.limit / 2)) }
        return true
    }

    /// An empty bin: half a bin's worth of blocks from the heap, one of them returned.
    @inline(never)
    static func refill(_ cache: UnsafeMutablePointer<eal_lcore_cache>, _ c: Int) -> UnsafeMutableRawPointer? {
        guard let s = MallocState.shared else { return nil }
        if cache.pointee.heap < 0 { bind(cache, s) }
        let hc = HeapClass(Heap(s, Int(cache.pointee.heap)), c)
        let bin = eal_cache_bin_at(cache, UInt32(c))
        hc.lock()
        let (head, n, cacheable) = hc.take(Int(bin.pointee.limit / 2) &+ 1)
        hc.unlock()
        guard let first = head else { return nil }
        if cacheable && n > 1 {
            bin.pointee.head = first.load(as: UnsafeMutableRawPointer?.self)
            bin.pointee.count = UInt32(n &- 1)
        }
        flip(first)
        return first
    }

    /// Gives all but the `keep` most recently freed blocks of bin `c` back to the heap.
    @inline(never)
    static func flush(_ cache: UnsafeMutablePointer<eal_lcore_cache>, _ c: Int, keep: Int) {
        guard let s = MallocState.shared, cache.pointee.heap >= 0 else { return }
        let bin = eal_cache_bin_at(cache, UInt32(c))
        var rest: UnsafeMutableRawPointer?
        if keep == 0 {
            rest = bin.pointee.head
            bin.pointee.head = nil
        } else {
            guard var cut = bin.pointee.head else { return }
            for _ in 1..<keep {
                guard let n = cut.load(as: UnsafeMutableRawPointer?.self) else { break }
                cut = n
            }
            rest = cut.load(as: UnsafeMutableRawPointer?.self)
            cut.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        }
        let hc = HeapClass(Heap(s, Int(cache.pointee.heap)), c)
        hc.lock()
        var given: UInt32 = 0
        while let b = rest {
            rest = b.load(as: UnsafeMutableRawPointer?.self)
            hc.give(b, back: Tag.back((b - 16).load(as: UInt64.self)))
            given &+= 1
        }
        hc.unlock()
        bin.pointee.count &-= given
    }

    /// Empties a whole cache into the heap (cleanup, a non-EAL thread giving its lcore id
    /// back). Only its owner, or anyone once its owner is gone, may call this.
    static func flushAll(_ cache: UnsafeMutablePointer<eal_lcore_cache>) {
        for c in 0..<HeapLayout.classCount where eal_cache_bin_at(cache, UInt32(c)).pointee.count > 0 {
            flush(cache, c, keep: 0)
        }
        cache.pointee.heap = -1
        cache.pointee.socket = -1
    }

    /// The calling lcore's cache serves its socket's heap.
    private static func bind(_ cache: UnsafeMutablePointer<eal_lcore_cache>, _ s: UnsafeMutablePointer<eal_malloc_shared>) {
        let i = MallocState.currentHeapIndex(in: s)
        cache.pointee.heap = Int32(i)
        cache.pointee.socket = eal_malloc_heap_at(s, UInt32(i)).pointee.socket_id
    }

    /// Sets a cache to empty and unbound, with its bins' limits.
    static func reset(_ cache: UnsafeMutablePointer<eal_lcore_cache>) {
        cache.pointee.heap = -1
        cache.pointee.socket = -1
        for c in 0..<HeapLayout.classCount {
            let bin = eal_cache_bin_at(cache, UInt32(c))
            bin.pointee.head = nil
            bin.pointee.count = 0
            bin.pointee.limit = SizeClass.cacheLimit(c)
        }
    }
}
