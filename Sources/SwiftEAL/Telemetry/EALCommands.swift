import CEALShared
import CSwiftEAL
import Glibc

/// The EAL's telemetry commands, with DPDK 22.11's names, help texts and reply shapes
/// (its key names too, "Head_id" included). Parameters are read as DPDK reads them
/// ("abc" is 0, "1x" is 1); where DPDK reads past its tables (a memzone index of
/// RTE_MAX_MEMZONE or more, a heap id of RTE_MAX_HEAPS or more: it crashes or hangs)
/// the reply is null.
enum EALCommands {
    struct Command {
        let name: StaticString
        let help: StaticString
        let callback: TelemetryCallback
    }

    static let all: [Command] = [
        Command(name: "/eal/params", help: "Returns EAL commandline parameters used. Takes no parameters",
                callback: { cmd, _, d in arguments(cmd, d) }),
        Command(name: "/eal/app_params", help: "Returns app commandline parameters used. Takes no parameters",
                callback: { cmd, _, d in arguments(cmd, d) }),
        Command(name: "/eal/memzone_list", help: "List of memzone index reserved. Takes no parameters",
                callback: { _, _, d in memzoneList(d) }),
        Command(name: "/eal/memzone_info", help: "Returns memzone info. Parameters: int mz_id",
                callback: { _, params, d in memzoneInfo(params, d) }),
        Command(name: "/eal/heap_list", help: "List of heap index setup. Takes no parameters",
                callback: { _, _, d in heapList(d) }),
        Command(name: "/eal/heap_info", help: "Returns malloc heap stats. Parameters: int heap_id",
                callback: { _, params, d in heapInfo(params, d) }),
    ]

    /// `body` with the library while the EAL's memory may be read; -1 (a null reply)
    /// before init's end and after cleanup's start.
    private static func whileLive(_ body: (TelemetryLibrary) -> Int32) -> Int32 {
        Telemetry.state.withLock { st in
            guard st.live, let lib = st.library else { return -1 }
            return body(lib)
        }
    }

    /// The number in `params` as DPDK reads it (strtoul into an unsigned int: "-1" is
    /// 4294967295, 4294967296 is 0); nil without parameters.
    private static func index(_ params: UnsafePointer<CChar>?) -> UInt32? {
        guard let params, params.pointee != 0 else { return nil }
        return UInt32(truncatingIfNeeded: strtoul(params, nil, 10))
    }

    /// /eal/params and /eal/app_params: the saved arguments, as strings (these need no
    /// memory of the EAL's: they are answered after cleanup too, as DPDK does).
    private static func arguments(_ cmd: UnsafePointer<CChar>?, _ d: OpaquePointer?) -> Int32 {
        Telemetry.state.withLock { st in
            guard let lib = st.library else { return -1 }
            let app = cmd.map { strcmp($0, "/eal/app_params") == 0 } ?? false
            _ = lib.startArray(d, EAL_TEL_STRING_VAL)
            for a in app ? st.appParams : st.params {
                _ = a.withCString { lib.addArrayString(d, $0) }
            }
            return 0
        }
    }

    /// /eal/memzone_list: the table index of every reserved memzone.
    private static func memzoneList(_ d: OpaquePointer?) -> Int32 {
        whileLive { lib in
            _ = lib.startArray(d, EAL_TEL_INT_VAL)
            Memzones.forEach { i, _ in _ = lib.addArrayInt(d, Int32(i)) }
            return 0
        }
    }

    /// /eal/memzone_info,<index>: one memzone, with the page it starts in and how many
    /// pages its length covers (DPDK counts from the start of that page).
    private static func memzoneInfo(_ params: UnsafePointer<CChar>?, _ d: OpaquePointer?) -> Int32 {
        guard let idx = index(params), idx < UInt32(RTE_MAX_MEMZONE) else { return -1 }
        return whileLive { lib in
            var zone: rte_memzone? = nil
            Memzones.forEach { i, z in if i == Int(idx) { zone = z.pointee } }
            guard var mz = zone, let addr = mz.addr, rte_mem_virt2memseg_list(addr) != nil else { return -1 }
            let pg = Int(mz.hugepage_sz)
            let base = rte_mem_virt2memseg(addr, nil)?.pointee.addr
                ?? UnsafeMutableRawPointer(bitPattern: pg > 0 ? HeapLayout.roundDown(HeapLayout.addr(addr), pg) : 0)
            let pages = pg > 0 && mz.len > 0 ? (mz.len + pg - 1) / pg : 1
            _ = lib.startDict(d)
            _ = lib.addDictInt(d, "Zone", Int32(idx))
            withUnsafeBytes(of: &mz.name) { raw in
                var name = Array(raw.bindMemory(to: CChar.self).prefix(while: { $0 != 0 }))
                name.append(0)
                _ = lib.addDictString(d, "Name", name)
            }
            _ = lib.addDictU64(d, "Length", UInt64(mz.len))
            _ = lib.addDictString(d, "Address", hexPointer(addr))
            _ = lib.addDictInt(d, "Socket", mz.socket_id)
            _ = lib.addDictInt(d, "Flags", Int32(bitPattern: mz.flags))
            _ = lib.addDictU64(d, "Hugepage_size", mz.hugepage_sz)
            _ = lib.addDictString(d, "Hugepage_base", hexPointer(base))
            _ = lib.addDictInt(d, "Hugepage_used", Int32(truncatingIfNeeded: pages))
            return 0
        }
    }

    /// /eal/heap_list: the ids of the heaps that have memory.
    private static func heapList(_ d: OpaquePointer?) -> Int32 {
        whileLive { lib in
            _ = lib.startArray(d, EAL_TEL_INT_VAL)
            guard let s = MallocState.shared else { return 0 }
            for i in 0..<Int(RTE_MAX_HEAPS) {
                let heap = Heap(s, i)
                if heap.p.pointee.in_use != 0 && heap.p.pointee.total_size != 0 { _ = lib.addArrayInt(d, Int32(i)) }
            }
            return 0
        }
    }

    /// /eal/heap_info,<id>: one heap's name and rte_malloc_get_socket_stats figures
    /// (an unused id in range: an empty name and zeros, as DPDK).
    private static func heapInfo(_ params: UnsafePointer<CChar>?, _ d: OpaquePointer?) -> Int32 {
        guard let id = index(params), id < UInt32(RTE_MAX_HEAPS) else { return -1 }
        return whileLive { lib in
            guard let s = MallocState.shared else { return -1 }
            let heap = Heap(s, Int(id))
            let f = heap.p.pointee.in_use != 0 ? heap.figures() : HeapFigures()
            var name = withUnsafeBytes(of: heap.p.pointee.name) { raw in
                Array(raw.bindMemory(to: CChar.self).prefix(while: { $0 != 0 }))
            }
            name.append(0)
            _ = lib.startDict(d)
            _ = lib.addDictInt(d, "Head_id", Int32(id))
            _ = lib.addDictString(d, "Name", name)
            _ = lib.addDictU64(d, "Heap_size", UInt64(f.total))
            _ = lib.addDictU64(d, "Free_size", UInt64(f.free))
            _ = lib.addDictU64(d, "Alloc_size", UInt64(f.alloc))
            _ = lib.addDictU64(d, "Greatest_free_size", UInt64(f.greatest))
            _ = lib.addDictU64(d, "Alloc_count", UInt64(f.allocCount))
            _ = lib.addDictU64(d, "Free_count", UInt64(f.freeCount))
            return 0
        }
    }
}
