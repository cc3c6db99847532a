import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// A secondary process keeps its mappings in step with the primary's memseg lists:
/// pages the primary mapped since are mapped here (same file, same address), pages it
/// gave back are unmapped here, and this process's memory event callbacks hear of each.
/// Each list's `version` tells whether it changed since the last look.
enum MemorySync {
    struct ListState {
        var version: UInt32 = 0
        /// Segments mapped in this process.
        var mapped: [Bool] = []
    }

    static let state = Mutex([ListState](repeating: ListState(), count: Int(RTE_MAX_MEMSEG_LISTS)))

    /// Records what a secondary mapped at attach time.
    static func record(list li: Int, msl: UnsafeMutablePointer<rte_memseg_list>) {
        let n = Int(msl.pointee.memseg_arr.len)
        var s = ListState()
        s.version = msl.pointee.version
        s.mapped = (0..<n).map { MemsegLists.isUsed(msl, $0) }
        state.withLock { $0[li] = s }
    }

    static func forget(list li: Int) {
        state.withLock { $0[li] = ListState() }
    }

    /// One follow at a time in this process (rte_mp_handle's, and a thread's after its
    /// own request).
    private static let serial = Mutex(0)

    /// Maps and unmaps what changed in the primary's lists. The primary changes lists
    /// under the hotplug write lock: when it asks this process to follow it still holds
    /// it (`underPrimaryLock`), otherwise this takes the lock for reading, so either way a
    /// whole change or none is seen. Events fire after the lists are walked, in order.
    static func follow(underPrimaryLock: Bool) throws(Errno) {
        guard let mem = MemConfig.mem else { return }
        try serial.withLock { (_: inout Int) throws(Errno) in
            var events: [(rte_mem_event, UnsafeMutableRawPointer, Int)] = []
            let walk = { () throws(Errno) in
                for li in 0..<MemConfig.listCount where LocalLists.contains(li) {
                    let msl = MemConfig.list(mem, li)
                    guard msl.pointee.base_va != nil, msl.pointee.external == 0 else { continue }
                    let version = msl.pointee.version
                    let known = state.withLock { $0[li] }
                    if known.version == version && !known.mapped.isEmpty { continue }
                    try syncList(li, msl, known, &events)
                }
            }
            if underPrimaryLock { try walk() } else { try MemConfig.withReadLock(walk) }
            for (event, addr, len) in coalesced(events) { MemoryEvents.notify(event, addr, len) }
        }
    }

    /// Neighbouring pages of one kind as one event, as the primary announced them.
    static func coalesced(_ events: [(rte_mem_event, UnsafeMutableRawPointer, Int)]) -> [(rte_mem_event, UnsafeMutableRawPointer, Int)] {
        var out: [(rte_mem_event, UnsafeMutableRawPointer, Int)] = []
        for e in events {
            if let last = out.last, last.0 == e.0, last.1 + last.2 == e.1 {
                out[out.count - 1].2 += e.2
            } else {
                out.append(e)
            }
        }
        return out
    }

    private static func syncList(_ li: Int, _ msl: UnsafeMutablePointer<rte_memseg_list>, _ known: ListState,
                                 _ events: inout [(rte_mem_event, UnsafeMutableRawPointer, Int)]) throws(Errno) {
        let n = Int(msl.pointee.memseg_arr.len)
        let size = Int(msl.pointee.page_sz)
        let base = msl.pointee.base_va!
        var mapped = known.mapped.isEmpty ? [Bool](repeating: false, count: n) : known.mapped
        var failure: Errno? = nil
        pageFiles.withLock { t in
            for seg in 0..<n {
                let used = MemsegLists.isUsed(msl, seg)
                guard used != mapped[seg] else { continue }
                let addr = base + seg * size
                if used {
                    do throws(Errno) {
                        let (fd, offset) = try t.openExisting(list: li, segment: seg, pageSize: size, segments: n)
                        guard Sys.mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off_t(offset)) == addr else {
                            throw Errno.current
                        }
                        mapped[seg] = true
                        events.append((RTE_MEM_EVENT_ALLOC, addr, size))
                    } catch {
                        failure = error
                        return
                    }
                } else {
                    events.append((RTE_MEM_EVENT_FREE, addr, size))
                    VirtualArea.restore(addr, length: size)
                    t.closeSecondary(list: li, segment: seg)
                    mapped[seg] = false
                }
            }
        }
        let done = mapped
        state.withLock { $0[li] = ListState(version: failure == nil ? msl.pointee.version : known.version, mapped: done) }
        if let failure {
            ealLog(4, "Cannot map the primary's new memory in this secondary process: \(failure)")
            throw failure
        }
    }
}

extension PageFileTable {
    /// A secondary lets go of a page the primary freed: its descriptor only (the file,
    /// its name and its blocks are the primary's).
    mutating func closeSecondary(list: Int, segment seg: Int) {
        guard seg < lists[list].fds.count, lists[list].fds[seg] >= 0 else { return }
        Glibc.close(lists[list].fds[seg])
        lists[list].fds[seg] = -1
    }
}
