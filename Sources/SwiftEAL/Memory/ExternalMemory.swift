import CEALShared
import CSwiftEAL
import Glibc

/// Memory mapped by the application and handed to the EAL: rte_extmem_* and the
/// external malloc heaps (rte_malloc_heap_memory_add) both record it as a memseg list
/// of its own, marked external, whose fbarray other processes can attach.
enum ExternalMemory {
    /// Socket ids given to external memory start here, as DPDK's.
    static let firstSocketId: Int32 = 256

    /// Records [base, base+length) as an external memseg list of `pageSize` pages on
    /// `socket` (nil: the next external socket id, as rte_extmem_register). `iovas` holds
    /// one IO address per page (`pageCount` of them), or nil for RTE_BAD_IOVA throughout.
    /// Throws EINVAL (bad sizes/alignment), EEXIST (overlaps a list), ENOSPC (no free list).
    /// Returns the list index.
    @discardableResult
    static func register(base: UnsafeMutableRawPointer?, length: Int, iovas: UnsafePointer<rte_iova_t>?,
                         pageCount: Int, pageSize: Int, socket: Int32? = nil, heap: Bool = false,
                         name: String = "extmem") throws(Errno) -> Int32 {
        guard let base, length > 0, pageSize > 0, pageSize & (pageSize - 1) == 0, length % pageSize == 0,
              iovas == nil || length / pageSize == pageCount,
              UInt(bitPattern: base) % UInt(pageSize) == 0 else { throw .EINVAL }
        guard let mem = MemConfig.mem else { throw .EINVAL }
        return try MemConfig.withWriteLock { () throws(Errno) -> Int32 in
            let lo = UInt(bitPattern: base), hi = lo + UInt(length)
            for li in 0..<MemConfig.listCount {
                let msl = MemConfig.list(mem, li)
                guard let b = msl.pointee.base_va else { continue }
                let l = UInt(bitPattern: b)
                if lo < l + UInt(msl.pointee.len) && l < hi { throw .EEXIST }
            }
            guard let slot = MemsegLists.freeSlot(in: mem) else { throw .ENOSPC }
            let sock: Int32
            if let socket { sock = socket } else {
                sock = mem.pointee.next_socket_id < firstSocketId ? firstSocketId : mem.pointee.next_socket_id
                mem.pointee.next_socket_id = sock + 1
            }
            let pages = length / pageSize
            try MemsegLists.create(index: slot, in: mem, name: "\(name)_\(hexPointer(base))", pageSize: pageSize,
                                   socket: sock, segments: pages, hint: 0, base: base, external: true)
            let msl = MemConfig.list(mem, slot)
            msl.pointee.heap = heap ? 1 : 0
            for i in 0..<pages {
                let ms = MemsegLists.segment(msl, i)
                ms.pointee = rte_memseg()
                ms.pointee.addr = base + i * pageSize
                ms.pointee.iova = iovas.map { $0[i] } ?? badIOVA
                ms.pointee.len = pageSize
                ms.pointee.hugepage_sz = UInt64(pageSize)
                ms.pointee.socket_id = sock
            }
            FBArrayLayout.markAllUsed(&msl.pointee.memseg_arr)
            return Int32(slot)
        }
    }

    /// The external list of exactly [base, base+length), or ENOENT.
    private static func find(_ base: UnsafeMutableRawPointer?, _ length: Int,
                             _ mem: UnsafeMutablePointer<eal_mem_config>) throws(Errno) -> Int {
        guard let base, length > 0 else { throw .EINVAL }
        for li in 0..<MemConfig.listCount {
            let msl = MemConfig.list(mem, li)
            if msl.pointee.external != 0, msl.pointee.base_va == base, msl.pointee.len == length { return li }
        }
        throw .ENOENT
    }

    /// Removes the list that holds exactly [base, base+length).
    static func unregister(base: UnsafeMutableRawPointer?, length: Int) throws(Errno) {
        guard base != nil, length > 0 else { throw .EINVAL }
        guard let mem = MemConfig.mem else { throw .ENOENT }
        try MemConfig.withWriteLock { () throws(Errno) in
            let li = try find(base, length, mem)
            let msl = MemConfig.list(mem, li)
            try FBArray.destroy(&msl.pointee.memseg_arr)
            LocalLists.remove(li)
            UnsafeMutableRawPointer(msl).initializeMemory(as: UInt8.self, repeating: 0,
                                                          count: MemoryLayout<rte_memseg_list>.size)
        }
    }

    /// Attaches (in this process) the external list another process registered.
    static func attach(base: UnsafeMutableRawPointer?, length: Int) throws(Errno) {
        guard base != nil, length > 0 else { throw .EINVAL }
        guard let mem = MemConfig.mem else { throw .ENOENT }
        try MemConfig.withReadLock { () throws(Errno) in
            let li = try find(base, length, mem)
            try FBArray.attach(&MemConfig.list(mem, li).pointee.memseg_arr)
            LocalLists.add(li)
        }
    }

    /// Undoes `attach` in this process.
    static func detach(base: UnsafeMutableRawPointer?, length: Int) throws(Errno) {
        guard base != nil, length > 0 else { throw .EINVAL }
        guard let mem = MemConfig.mem else { throw .ENOENT }
        try MemConfig.withReadLock { () throws(Errno) in
            let li = try find(base, length, mem)
            try FBArray.detach(&MemConfig.list(mem, li).pointee.memseg_arr)
            LocalLists.remove(li)
        }
    }
}
