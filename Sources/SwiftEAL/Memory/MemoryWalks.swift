import CEALShared
import CSwiftEAL
import Glibc

/// The walks of rte_memory.h over the memseg lists (external memory included), without
/// the lock (the `_thread_unsafe` forms and the callers that hold it). A callback's
/// negative answer ends the walk with -1, a positive one with 1.
enum MemoryWalks {
    /// Every list in use that this process can read (another process's external memory
    /// only once attached: its segments are not mapped here before).
    static func lists(_ body: (UnsafeMutablePointer<rte_memseg_list>) -> Int32) -> Int32 {
        guard let mem = MemConfig.mem else { return 0 }
        for li in 0..<MemConfig.listCount {
            let msl = MemConfig.list(mem, li)
            guard msl.pointee.base_va != nil, LocalLists.contains(li) else { continue }
            let r = body(msl)
            if r < 0 { return -1 }
            if r > 0 { return 1 }
        }
        return 0
    }

    /// Every mapped segment.
    static func segments(_ body: (UnsafeMutablePointer<rte_memseg_list>, UnsafeMutablePointer<rte_memseg>) -> Int32) -> Int32 {
        lists { msl in
            var i = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, 0)
            while i >= 0 {
                let r = body(msl, MemsegLists.segment(msl, Int(i)))
                if r != 0 { return r }
                i = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, UInt32(i) + 1)
            }
            return 0
        }
    }

    /// Every run of segments contiguous in virtual memory: its first segment and length.
    static func runs(_ body: (UnsafeMutablePointer<rte_memseg_list>, UnsafeMutablePointer<rte_memseg>, Int) -> Int32) -> Int32 {
        lists { msl in
            var i = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, 0)
            while i >= 0 {
                let n = rte_fbarray_find_contig_used(&msl.pointee.memseg_arr, UInt32(i))
                let r = body(msl, MemsegLists.segment(msl, Int(i)), Int(n) * Int(msl.pointee.page_sz))
                if r != 0 { return r }
                i = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, UInt32(i) + UInt32(n))
            }
            return 0
        }
    }

    /// The list whose range holds `addr`, as rte_mem_virt2memseg_list.
    static func list(containing addr: UnsafeRawPointer?) -> UnsafeMutablePointer<rte_memseg_list>? {
        guard let addr, let mem = MemConfig.mem, let li = MemsegLists.index(of: addr, in: mem) else { return nil }
        return MemConfig.list(mem, li)
    }

    /// The entry of the segment slot holding `addr` in `msl` (mapped or not, as DPDK).
    static func segment(containing addr: UnsafeRawPointer?, in msl: UnsafePointer<rte_memseg_list>?) -> UnsafeMutablePointer<rte_memseg>? {
        guard let addr, let msl, let base = msl.pointee.base_va else { return nil }
        let a = UInt(bitPattern: addr), lo = UInt(bitPattern: base)
        guard a >= lo, a - lo < UInt(msl.pointee.len), msl.pointee.page_sz > 0 else { return nil }
        let idx = (a - lo) / UInt(msl.pointee.page_sz)
        return rte_fbarray_get(&UnsafeMutablePointer(mutating: msl).pointee.memseg_arr, UInt32(idx))?
            .assumingMemoryBound(to: rte_memseg.self)
    }
}
