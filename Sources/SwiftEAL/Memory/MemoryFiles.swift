import CEALShared
import CSwiftEAL
import Glibc

/// The descriptor behind a mapped segment, as rte_memseg_get_fd(_offset) report it.
enum MemoryFiles {
    /// Throws EINVAL (not a segment of a list), ENOENT (not mapped), ENOTSUP (external
    /// memory), ENODEV (no descriptor).
    static func descriptor(of ms: UnsafePointer<rte_memseg>?) throws(Errno) -> (fd: Int32, offset: Int) {
        guard let ms, let mem = MemConfig.mem, let addr = ms.pointee.addr,
              let li = MemsegLists.index(of: addr, in: mem) else { throw .EINVAL }
        let msl = MemConfig.list(mem, li)
        let idx = rte_fbarray_find_idx(&msl.pointee.memseg_arr, ms)
        guard idx >= 0 else { throw .EINVAL }
        guard rte_fbarray_is_used(&msl.pointee.memseg_arr, UInt32(idx)) == 1 else { throw .ENOENT }
        guard msl.pointee.external == 0 else { throw .ENOTSUP }
        let size = Int(msl.pointee.page_sz)
        return try pageFiles.withLock { (t: inout PageFileTable) throws(Errno) -> (Int32, Int) in
            let lf = t.lists[li]
            if lf.listFd >= 0 { return (lf.listFd, Int(idx) * size) }
            guard Int(idx) < lf.fds.count, lf.fds[Int(idx)] >= 0 else { throw .ENODEV }
            return (lf.fds[Int(idx)], 0)
        }
    }
}
