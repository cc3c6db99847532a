import CEALShared
import CSwiftEAL
import Glibc

// DPDK's internal paging helpers (rte_eal_paging.h): mmap/munmap/mlock with the EAL's
// flag names, errors in rte_errno.

@c @implementation
public func rte_mem_map(_ requested_addr: UnsafeMutableRawPointer?, _ size: Int, _ prot: Int32, _ flags: Int32,
                        _ fd: Int32, _ offset: UInt64) -> UnsafeMutableRawPointer? {
    var sysProt: Int32 = PROT_NONE
    if prot & Int32(RTE_PROT_READ.rawValue) != 0 { sysProt |= PROT_READ }
    if prot & Int32(RTE_PROT_WRITE.rawValue) != 0 { sysProt |= PROT_WRITE }
    if prot & Int32(RTE_PROT_EXECUTE.rawValue) != 0 { sysProt |= PROT_EXEC }
    var sysFlags: Int32 = 0
    if flags & Int32(RTE_MAP_SHARED.rawValue) != 0 { sysFlags |= MAP_SHARED }
    if flags & Int32(RTE_MAP_PRIVATE.rawValue) != 0 { sysFlags |= MAP_PRIVATE }
    if flags & Int32(RTE_MAP_ANONYMOUS.rawValue) != 0 { sysFlags |= MAP_ANONYMOUS }
    if flags & Int32(RTE_MAP_FORCE_ADDRESS.rawValue) != 0 { sysFlags |= MAP_FIXED }
    let p = mmap(requested_addr, size, sysProt, sysFlags, fd, off_t(truncatingIfNeeded: offset))
    guard let p, p != MAP_FAILED else {
        let e = Errno.current
        ealLog(4, "Cannot mmap(\(hexPointer(requested_addr)), 0x\(String(size, radix: 16)), 0x\(String(prot, radix: 16)), 0x\(String(flags, radix: 16)), \(fd), 0x\(String(offset, radix: 16))): \(e) (\(p.map { hexPointer($0) } ?? "(nil)"))")
        RteErrno.set(e)
        return nil
    }
    return p
}

@c @implementation
public func rte_mem_unmap(_ virt: UnsafeMutableRawPointer?, _ size: Int) -> Int32 {
    guard munmap(virt, size) == 0 else {
        let e = Errno.current
        ealLog(4, "munmap(\(hexPointer(virt)), 0x\(String(size, radix: 16))) failed: \(e)")
        RteErrno.set(e)
        return -1
    }
    return 0
}

@c @implementation
public func rte_mem_page_size() -> Int {
    Int(sysconf(Int32(_SC_PAGESIZE)))
}

@c @implementation
public func rte_mem_lock(_ virt: UnsafeRawPointer?, _ size: Int) -> Int32 {
    guard mlock(virt, size) == 0 else {
        RteErrno.set(Errno.current)
        return -1
    }
    return 0
}
