import CEALShared
import CSwiftEAL
import Glibc

// The C API of rte_memory.h: argument checks and DPDK 22.11's answers; the walks and
// look-ups in MemoryWalks, the memory itself in MemoryPages/MemoryInit.

// MARK: walks

@c @implementation
public func rte_memseg_walk(_ func_: rte_memseg_walk_t?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    MemConfig.withReadLock { rte_memseg_walk_thread_unsafe(func_, arg) }
}

@c @implementation
public func rte_memseg_walk_thread_unsafe(_ func_: rte_memseg_walk_t?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let func_ else { RteErrno.set(.EINVAL); return -1 }
    return MemoryWalks.segments { msl, ms in func_(msl, ms, arg) }
}

@c @implementation
public func rte_memseg_contig_walk(_ func_: rte_memseg_contig_walk_t?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    MemConfig.withReadLock { rte_memseg_contig_walk_thread_unsafe(func_, arg) }
}

@c @implementation
public func rte_memseg_contig_walk_thread_unsafe(_ func_: rte_memseg_contig_walk_t?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let func_ else { RteErrno.set(.EINVAL); return -1 }
    return MemoryWalks.runs { msl, ms, len in func_(msl, ms, len, arg) }
}

@c @implementation
public func rte_memseg_list_walk(_ func_: rte_memseg_list_walk_t?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    MemConfig.withReadLock { rte_memseg_list_walk_thread_unsafe(func_, arg) }
}

@c @implementation
public func rte_memseg_list_walk_thread_unsafe(_ func_: rte_memseg_list_walk_t?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let func_ else { RteErrno.set(.EINVAL); return -1 }
    return MemoryWalks.lists { msl in func_(msl, arg) }
}

// MARK: look-ups

@c @implementation
public func rte_mem_virt2memseg_list(_ virt: UnsafeRawPointer?) -> UnsafeMutablePointer<rte_memseg_list>? {
    MemoryWalks.list(containing: virt)
}

@c @implementation
public func rte_mem_virt2memseg(_ virt: UnsafeRawPointer?, _ msl: UnsafePointer<rte_memseg_list>?) -> UnsafeMutablePointer<rte_memseg>? {
    let list = msl ?? MemoryWalks.list(containing: virt).map { UnsafePointer($0) }
    return MemoryWalks.segment(containing: virt, in: list)
}

@c @implementation
public func rte_mem_virt2phy(_ virt: UnsafeRawPointer?) -> phys_addr_t {
    guard let virt, IOVA.physicalAddressesUsable() else { return badIOVA }
    return IOVA.physicalAddress(of: virt) ?? badIOVA
}

@c @implementation
public func rte_mem_virt2iova(_ virt: UnsafeRawPointer?) -> rte_iova_t {
    if EALState.iovaMode == RTE_IOVA_VA { return rte_iova_t(UInt(bitPattern: virt)) }
    return rte_mem_virt2phy(virt)
}

@c @implementation
public func rte_mem_iova2virt(_ iova: rte_iova_t) -> UnsafeMutableRawPointer? {
    var found: UnsafeMutableRawPointer? = nil
    _ = MemConfig.withReadLock {
        MemoryWalks.segments { _, ms in
            let s = ms.pointee
            guard s.iova != badIOVA, iova >= s.iova, iova - s.iova < UInt64(s.len) else { return 0 }
            found = s.addr.map { $0 + Int(iova - s.iova) }
            return 1
        }
    }
    return found
}

@c @implementation
public func rte_mem_lock_page(_ virt: UnsafeRawPointer?) -> Int32 {
    let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
    let aligned = UInt(bitPattern: virt) & ~(page - 1)
    return rte_mem_lock(UnsafeRawPointer(bitPattern: aligned), Int(page))
}

// MARK: segment files

@c @implementation
public func rte_memseg_get_fd(_ ms: UnsafePointer<rte_memseg>?) -> Int32 {
    MemConfig.withReadLock { rte_memseg_get_fd_thread_unsafe(ms) }
}

@c @implementation
public func rte_memseg_get_fd_thread_unsafe(_ ms: UnsafePointer<rte_memseg>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in try MemoryFiles.descriptor(of: ms).fd }
}

@c @implementation
public func rte_memseg_get_fd_offset(_ ms: UnsafePointer<rte_memseg>?, _ offset: UnsafeMutablePointer<Int>?) -> Int32 {
    MemConfig.withReadLock { rte_memseg_get_fd_offset_thread_unsafe(ms, offset) }
}

@c @implementation
public func rte_memseg_get_fd_offset_thread_unsafe(_ ms: UnsafePointer<rte_memseg>?, _ offset: UnsafeMutablePointer<Int>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        guard let offset else { throw .EINVAL }
        offset.pointee = try MemoryFiles.descriptor(of: ms).offset
        return 0
    }
}

// MARK: sizes and facts

@c @implementation
public func rte_dump_physmem_layout(_ f: UnsafeMutablePointer<FILE>?) {
    guard let f else { return }
    MemConfig.withReadLock {
        guard let mem = MemConfig.mem else { return }
        for li in 0..<MemConfig.listCount {
            let msl = MemConfig.list(mem, li)
            guard msl.pointee.base_va != nil else { continue }
            var i = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, 0)
            while i >= 0 {
                let ms = MemsegLists.segment(msl, Int(i))
                let fd = (try? MemoryFiles.descriptor(of: ms).fd) ?? -1
                let s = ms.pointee
                let line = "Segment \(li)-\(i): IOVA:0x\(String(s.iova, radix: 16)), len:\(s.len), virt:\(hexPointer(s.addr)), "
                    + "socket_id:\(s.socket_id), hugepage_sz:\(s.hugepage_sz), nchannel:\(String(s.nchannel, radix: 16)), "
                    + "nrank:\(String(s.nrank, radix: 16)) fd:\(fd)\n"
                fputs(line, f)
                i = rte_fbarray_find_next_used(&msl.pointee.memseg_arr, UInt32(i) + 1)
            }
        }
    }
}

/// "%p": 0x-prefixed lowercase hex, "(nil)" for NULL.
func hexPointer(_ p: UnsafeRawPointer?) -> String {
    guard let p else { return "(nil)" }
    return "0x" + String(UInt(bitPattern: p), radix: 16)
}

@c @implementation
public func rte_eal_get_physmem_size() -> UInt64 {
    MemConfig.withReadLock {
        guard let mem = MemConfig.mem else { return 0 }
        var total: UInt64 = 0
        for li in 0..<MemConfig.listCount {
            let msl = MemConfig.list(mem, li)
            guard msl.pointee.base_va != nil, msl.pointee.external == 0 else { continue }
            total += UInt64(msl.pointee.memseg_arr.count) * msl.pointee.page_sz
        }
        return total
    }
}

@c @implementation
public func rte_memory_get_nchannel() -> UInt32 { MemConfig.mem?.pointee.nchannel ?? 0 }

@c @implementation
public func rte_memory_get_nrank() -> UInt32 { MemConfig.mem?.pointee.nrank ?? 0 }

@c @implementation
public func rte_eal_using_phys_addrs() -> Int32 { IOVA.physicalAddressesUsable() ? 1 : 0 }

// MARK: DMA mask

@c @implementation
public func rte_mem_check_dma_mask(_ maskbits: UInt8) -> Int32 {
    MemConfig.withReadLock { DMAMask.check(maskbits) }
}

@c @implementation
public func rte_mem_check_dma_mask_thread_unsafe(_ maskbits: UInt8) -> Int32 {
    DMAMask.check(maskbits)
}

@c @implementation
public func rte_mem_set_dma_mask(_ maskbits: UInt8) {
    DMAMask.narrow(to: maskbits)
}

// MARK: events and validators

@c @implementation
public func rte_mem_event_callback_register(_ name: UnsafePointer<CChar>?, _ clb: rte_mem_event_callback_t?,
                                            _ arg: UnsafeMutableRawPointer?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try MemoryEvents.register(name: name, function: clb, arg: arg)
        return 0
    }
}

@c @implementation
public func rte_mem_event_callback_unregister(_ name: UnsafePointer<CChar>?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try MemoryEvents.unregister(name: name, arg: arg)
        return 0
    }
}

@c @implementation
public func rte_mem_alloc_validator_register(_ name: UnsafePointer<CChar>?, _ clb: rte_mem_alloc_validator_t?,
                                             _ socket_id: Int32, _ limit: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try MemoryEvents.registerValidator(name: name, function: clb, socket: socket_id, limit: limit)
        return 0
    }
}

@c @implementation
public func rte_mem_alloc_validator_unregister(_ name: UnsafePointer<CChar>?, _ socket_id: Int32) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try MemoryEvents.unregisterValidator(name: name, socket: socket_id)
        return 0
    }
}
