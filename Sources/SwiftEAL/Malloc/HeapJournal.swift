import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The heap and size-class locks, tagged with their owner, and the undo journals that
/// let another process take over from a secondary killed while holding one (see
/// eal_malloc.h). The primary keeps no journal: its lock path is a compare-and-swap and
/// a branch on `journaling`, as before. Every waiter looks, now and then, whether the
/// owner it waits for is still alive.
enum HeapJournal {
    /// Pauses between two looks at whether a lock's owner lives (a few milliseconds).
    static let spinsBetweenChecks = 1 << 15

    static let headLength = MemoryLayout<eal_heap>.offset(of: \eal_heap.arena)!
    static let lockLength = MemoryLayout<rte_spinlock_t>.size
    static let headOffset = MemoryLayout<eal_malloc_journal>.offset(of: \eal_malloc_journal.head)!

    @inline(__always)
    static var journaling: Bool { eal_malloc_local_ptr().pointee.journaling != 0 }

    // MARK: locking

    @inline(__always)
    static func lock(heap h: Heap) {
        let l = lockWord(h.p)
        if !journaling {
            if eal_lock_try(l, Int32(EAL_LOCK_PRIMARY)) == 0 { spin(l, token: Int32(EAL_LOCK_PRIMARY)) }
            return
        }
        lockJournaled(l, h.shared) { j in
            guard j.pointee.heap < 0 else {
                if j.pointee.heap != Int32(h.index) { j.pointee.overflow = 1 }
                return
            }
            snapshotHeap(j, h.p, index: h.index)
        }
    }

    @inline(__always)
    static func unlock(heap h: Heap) {
        let l = lockWord(h.p)
        if !journaling { return eal_lock_release(l) }
        unlockJournaled(l, h.shared)
    }

    @inline(__always)
    static func lock(heapClass hc: HeapClass) {
        let l = lockWord(hc.p)
        if !journaling {
            if eal_lock_try(l, Int32(EAL_LOCK_PRIMARY)) == 0 { spin(l, token: Int32(EAL_LOCK_PRIMARY)) }
            return
        }
        lockJournaled(l, hc.heap.shared) { j in saveClass(j, hc.p, heap: hc.heap.index, cls: hc.c) }
    }

    @inline(__always)
    static func unlock(heapClass hc: HeapClass) {
        let l = lockWord(hc.p)
        if !journaling { return eal_lock_release(l) }
        unlockJournaled(l, hc.heap.shared)
    }

    /// A lock that guards no undoable state (the slot table): owner-tagged, so that a
    /// dead owner does not block it for ever; its release commits nothing.
    @inline(__always)
    static func lock(plain l: UnsafeMutablePointer<rte_spinlock_t>, _ s: UnsafeMutablePointer<eal_malloc_shared>) {
        if !journaling {
            if eal_lock_try(l, Int32(EAL_LOCK_PRIMARY)) == 0 { spin(l, token: Int32(EAL_LOCK_PRIMARY)) }
            return
        }
        lockJournaled(l, s) { _ in }
    }

    @inline(__always)
    static func unlock(plain l: UnsafeMutablePointer<rte_spinlock_t>, _ s: UnsafeMutablePointer<eal_malloc_shared>) {
        if !journaling { return eal_lock_release(l) }
        unlockJournaled(l, s, commit: false)
    }

    /// Saves the 64-byte line holding `addr` before its first change under the locks
    /// this thread holds (nothing outside a secondary).
    @inline(__always)
    static func save(_ addr: UnsafeRawPointer?) {
        guard journaling, let addr else { return }
        saveLine(addr)
    }

    /// Makes what this thread did so far under its locks final (a recovery no longer
    /// undoes it): before a step that cannot be undone, such as unmapping pages.
    static func commit() {
        guard journaling, let s = eal_malloc_local_ptr().pointee.shared else { return }
        let slot = eal_malloc_journal_slot().pointee
        guard slot >= 0 else { return }
        let j = eal_malloc_journal_at(s, UInt32(slot))
        guard j.pointee.nheld > 0 else { return }
        eal_store_release_u32(&j.pointee.nlines, 0)
        j.pointee.overflow = 0
        let hi = j.pointee.heap
        if hi >= 0 {
            j.pointee.heap = -1
            atomicMemoryFence(ordering: .sequentiallyConsistent)
            snapshotHeap(j, eal_malloc_heap_at(s, UInt32(hi)), index: Int(hi))
        }
        let ci = j.pointee.cls
        if ci >= 0 {
            let c = eal_heap_class_at(eal_malloc_heap_at(s, UInt32(j.pointee.cls_heap)), UInt32(ci))
            saveClass(j, c, heap: Int(j.pointee.cls_heap), cls: Int(ci))
        }
    }

    private static func snapshotHeap(_ j: UnsafeMutablePointer<eal_malloc_journal>, _ h: UnsafeMutablePointer<eal_heap>, index: Int) {
        let head = UnsafeMutableRawPointer(j) + headOffset
        head.copyMemory(from: UnsafeRawPointer(h), byteCount: headLength)
        withUnsafeMutablePointer(to: &j.pointee.arena) { a in
            UnsafeMutableRawPointer(a).copyMemory(from: UnsafeRawPointer(eal_heap_arena_at(h, 0)),
                                                  byteCount: MemoryLayout<eal_heap_arena>.stride * Int(EAL_HEAP_ARENAS))
        }
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        j.pointee.heap = Int32(index)
    }

    @inline(__always)
    private static func lockWord<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<rte_spinlock_t> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: rte_spinlock_t.self) // the lock is each one's first field
    }

    /// Pauses before a waiter claims the lock as next (a few hundred microseconds):
    /// short waits stay a free-for-all, long ones become first come, first served.
    static let spinsBeforeClaim = 1 << 12

    @inline(never)
    private static func spin(_ l: UnsafeMutablePointer<rte_spinlock_t>, token: Int32) {
        var n = 0
        while true {
            let w = eal_lock_word(l)
            let claimant = eal_lock_claimant(w)
            if eal_lock_owner(w) == 0 {
                if claimant == 0 || claimant == token,
                   eal_lock_swap(l, w, token) != 0 { return }
            } else if claimant == 0 && n >= spinsBeforeClaim {
                _ = eal_lock_swap(l, w, w | (token << Int32(EAL_LOCK_CLAIM_SHIFT)))
            }
            rte_pause()
            n &+= 1
            if n & (spinsBetweenChecks - 1) == 0 { recover(l) }
        }
    }

    @inline(never)
    private static func lockJournaled(_ l: UnsafeMutablePointer<rte_spinlock_t>,
                                      _ s: UnsafeMutablePointer<eal_malloc_shared>,
                                      _ snapshot: (UnsafeMutablePointer<eal_malloc_journal>) -> Void) {
        guard let (j, index) = mine(s), j.pointee.nheld < UInt32(EAL_MALLOC_JOURNAL_HELD) else {
            if eal_lock_try(l, Int32(EAL_LOCK_PRIMARY)) == 0 { spin(l, token: Int32(EAL_LOCK_PRIMARY)) }
            return
        }
        let token = Int32(EAL_LOCK_JOURNAL_BASE) + Int32(index)
        // the lock is noted before it is taken: whoever recovers frees it
        withUnsafeMutablePointer(to: &j.pointee.held) { h in
            UnsafeMutableRawPointer(h).storeBytes(of: UInt64(UInt(bitPattern: l)),
                                                  toByteOffset: Int(j.pointee.nheld) * 8, as: UInt64.self)
        }
        eal_store_release_u32(&j.pointee.nheld, j.pointee.nheld + 1)
        if eal_lock_try(l, token) == 0 { spin(l, token: token) }
        snapshot(j)
    }

    @inline(never)
    private static func unlockJournaled(_ l: UnsafeMutablePointer<rte_spinlock_t>,
                                        _ s: UnsafeMutablePointer<eal_malloc_shared>, commit: Bool = true) {
        let slot = eal_malloc_journal_slot().pointee
        guard slot >= 0, eal_lock_owner(eal_lock_word(l)) == Int32(EAL_LOCK_JOURNAL_BASE) + slot else {
            return eal_lock_release(l)
        }
        let j = eal_malloc_journal_at(s, UInt32(slot))
        if !commit {
            eal_lock_release(l)
            return eal_store_release_u32(&j.pointee.nheld, j.pointee.nheld &- 1)
        }
        // commit: what was done stays done
        eal_store_release_u32(&j.pointee.nlines, 0)
        j.pointee.heap = -1
        j.pointee.overflow = 0
        if j.pointee.nheld > 1, j.pointee.cls >= 0 {
            // a class lock is still held: its state from now on is what a recovery restores
            let h = Heap(s, Int(j.pointee.cls_heap))
            let c = eal_heap_class_at(h.p, UInt32(j.pointee.cls))
            saveClass(j, c, heap: Int(j.pointee.cls_heap), cls: Int(j.pointee.cls))
        } else {
            j.pointee.cls = -1
        }
        eal_lock_release(l)
        eal_store_release_u32(&j.pointee.nheld, j.pointee.nheld &- 1)
    }

    private static func saveClass(_ j: UnsafeMutablePointer<eal_malloc_journal>, _ c: UnsafeMutablePointer<eal_heap_class>,
                                  heap: Int, cls: Int) {
        j.pointee.cls = -1
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        j.pointee.cls_saved = c.pointee
        j.pointee.cls_heap = Int32(heap)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        j.pointee.cls = Int32(cls)
    }

    @inline(never)
    private static func saveLine(_ addr: UnsafeRawPointer) {
        let slot = eal_malloc_journal_slot().pointee
        guard slot >= 0, let s = eal_malloc_local_ptr().pointee.shared else { return }
        let j = eal_malloc_journal_at(s, UInt32(slot))
        guard j.pointee.nheld > 0 else { return }
        let line = UInt64(UInt(bitPattern: addr) & ~63)
        let n = Int(j.pointee.nlines)
        for i in 0..<n where eal_journal_line_at(j, UInt32(i)).pointee.addr == line { return }
        guard n < Int(EAL_MALLOC_JOURNAL_LINES) else {
            j.pointee.overflow = 1
            return
        }
        let e = eal_journal_line_at(j, UInt32(n))
        e.pointee.addr = line
        withUnsafeMutablePointer(to: &e.pointee.bytes) { b in
            UnsafeMutableRawPointer(b).copyMemory(from: UnsafeRawPointer(bitPattern: UInt(line))!, byteCount: 64)
        }
        eal_store_release_u32(&j.pointee.nlines, UInt32(n + 1))
    }

    // MARK: journals

    /// This thread's journal, claimed on first use (a free one, or a dead process's that
    /// holds nothing). Nil when all are taken: the thread then locks without one.
    private static func mine(_ s: UnsafeMutablePointer<eal_malloc_shared>) -> (UnsafeMutablePointer<eal_malloc_journal>, Int)? {
        let slot = eal_malloc_journal_slot()
        if slot.pointee >= 0 { return (eal_malloc_journal_at(s, UInt32(slot.pointee)), Int(slot.pointee)) }
        if slot.pointee == -2 { return nil }
        let me = getpid()
        for i in 0..<Int(EAL_MALLOC_JOURNALS) {
            let j = eal_malloc_journal_at(s, UInt32(i))
            let pid = j.pointee.pid
            let free = pid == 0 || (pid > 0 && pid != me && j.pointee.nheld == 0 && isDead(pid))
            guard free, eal_cas_i32(&j.pointee.pid, pid, me) != 0 else { continue }
            clear(j)
            slot.pointee = Int32(i)
            return (j, i)
        }
        slot.pointee = -2
        ealLog(5, "No malloc journal left for this thread: a kill while it holds a heap lock cannot be undone")
        return nil
    }

    private static func clear(_ j: UnsafeMutablePointer<eal_malloc_journal>) {
        j.pointee.nlines = 0
        j.pointee.nheld = 0
        j.pointee.heap = -1
        j.pointee.cls = -1
        j.pointee.cls_heap = -1
        j.pointee.overflow = 0
    }

    /// Lets go of this process's journals (cleanup of a secondary).
    static func releaseAll(_ s: UnsafeMutablePointer<eal_malloc_shared>) {
        let me = getpid()
        for i in 0..<Int(EAL_MALLOC_JOURNALS) {
            let j = eal_malloc_journal_at(s, UInt32(i))
            if j.pointee.pid == me && j.pointee.nheld == 0 { _ = eal_cas_i32(&j.pointee.pid, me, 0) }
        }
        eal_malloc_journal_slot().pointee = -1
    }

    /// When `l` is held by a journal whose process is dead: undoes its unfinished
    /// change and frees every lock it held (the waiter then takes `l` as usual). When
    /// `l` is free but claimed by a process that died waiting, the claim goes.
    @inline(never)
    static func recover(_ l: UnsafeMutablePointer<rte_spinlock_t>) {
        let word = eal_lock_word(l)
        let w = eal_lock_owner(word)
        if w == 0 {
            let c = eal_lock_claimant(word)
            if c == Int32(EAL_LOCK_PRIMARY) {
                if let cfg = MemConfig.config, isDead(cfg.pointee.primary_pid) { eal_lock_drop_claim(l, c) }
            } else if c != 0 {
                recoverJournal(c)
            }
            return
        }
        if w == Int32(EAL_LOCK_PRIMARY), journaling, let cfg = MemConfig.config,
           isDead(cfg.pointee.primary_pid), eal_lock_free_owner(l, w) != 0 {
            // nothing to undo with (the primary keeps no journal), and nothing will ever
            // release it: this secondary goes on, with the heap as the primary left it
            ealLog(4, "The primary process died holding a malloc heap lock: the lock is taken over as it is")
            return
        }
        recoverJournal(w)
    }

    /// Journal `w`'s process, if dead: its change undone, the locks it held freed, its
    /// claims dropped, the journal free again.
    private static func recoverJournal(_ w: Int32) {
        guard w >= Int32(EAL_LOCK_JOURNAL_BASE), w < Int32(EAL_LOCK_JOURNAL_BASE) + Int32(EAL_MALLOC_JOURNALS),
              let s = eal_malloc_local_ptr().pointee.shared else { return }
        let j = eal_malloc_journal_at(s, UInt32(w - Int32(EAL_LOCK_JOURNAL_BASE)))
        let pid = j.pointee.pid
        guard pid > 0, isDead(pid), eal_cas_i32(&j.pointee.pid, pid, -1) != 0 else { return }
        let undone = j.pointee.overflow == 0
        if undone { restore(j, s) }
        var freed: Int32 = 0
        let held = Int(min(j.pointee.nheld, UInt32(EAL_MALLOC_JOURNAL_HELD)))
        withUnsafeMutablePointer(to: &j.pointee.held) { h in
            let words = UnsafeMutableRawPointer(h).assumingMemoryBound(to: UInt64.self)
            for k in 0..<held {
                // each lock it held or was waiting for (noted before it spun)
                if let lw = UnsafeMutablePointer<rte_spinlock_t>(bitPattern: UInt(words[k])) {
                    freed += eal_lock_free_owner(lw, w)
                    eal_lock_drop_claim(lw, w)
                }
            }
        }
        clear(j)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        j.pointee.pid = 0
        if freed == 0 {
            ealLog(8, "Process \(pid) died waiting for a malloc heap lock: its place in line was dropped")
        } else {
            ealLog(undone ? 6 : 4, undone
                   ? "Process \(pid) died holding a malloc heap lock: its unfinished change was undone"
                   : "Process \(pid) died holding a malloc heap lock in a change too big to undo: the heap may be damaged")
        }
    }

    /// Puts back, newest first, what the journal saved.
    private static func restore(_ j: UnsafeMutablePointer<eal_malloc_journal>, _ s: UnsafeMutablePointer<eal_malloc_shared>) {
        var i = Int(min(j.pointee.nlines, UInt32(EAL_MALLOC_JOURNAL_LINES)))
        while i > 0 {
            i -= 1
            let e = eal_journal_line_at(j, UInt32(i))
            guard let dst = UnsafeMutableRawPointer(bitPattern: UInt(e.pointee.addr)) else { continue }
            withUnsafeMutablePointer(to: &e.pointee.bytes) { b in dst.copyMemory(from: UnsafeRawPointer(b), byteCount: 64) }
        }
        if j.pointee.heap >= 0, j.pointee.heap < Int32(RTE_MAX_HEAPS) {
            let h = eal_malloc_heap_at(s, UInt32(j.pointee.heap))
            let head = UnsafeRawPointer(j) + headOffset
            (UnsafeMutableRawPointer(h) + lockLength).copyMemory(from: head + lockLength, byteCount: headLength - lockLength)
            withUnsafeMutablePointer(to: &j.pointee.arena) { a in
                UnsafeMutableRawPointer(eal_heap_arena_at(h, 0)).copyMemory(
                    from: UnsafeRawPointer(a), byteCount: MemoryLayout<eal_heap_arena>.stride * Int(EAL_HEAP_ARENAS))
            }
        }
        if j.pointee.cls >= 0, j.pointee.cls < Int32(EAL_MALLOC_NUM_CLASSES),
           j.pointee.cls_heap >= 0, j.pointee.cls_heap < Int32(RTE_MAX_HEAPS) {
            let c = eal_heap_class_at(eal_malloc_heap_at(s, UInt32(j.pointee.cls_heap)), UInt32(j.pointee.cls))
            withUnsafeMutablePointer(to: &j.pointee.cls_saved) { saved in
                (UnsafeMutableRawPointer(c) + lockLength).copyMemory(from: UnsafeRawPointer(saved) + lockLength,
                                                                     byteCount: MemoryLayout<eal_heap_class>.size - lockLength)
            }
        }
    }

    /// Whether `pid` is gone (a zombie counts: it will never unlock anything).
    static func isDead(_ pid: Int32) -> Bool {
        if kill(pid, 0) == -1 && errno == ESRCH { return true }
        var buf = [UInt8](repeating: 0, count: 256)
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT }
        let n = read(fd, &buf, buf.count)
        close(fd)
        guard n > 0, let paren = buf[0..<n].lastIndex(of: UInt8(ascii: ")")), paren + 2 < n else { return false }
        let state = buf[paren + 2]
        return state == UInt8(ascii: "Z") || state == UInt8(ascii: "X")
    }
}
