import Glibc

/// Until the memory subsystem reserves the memory that `-m` / `--socket-mem` ask for,
/// init still refuses a request no machine can meet, as DPDK's memory init does:
/// `-m -5` or an overflowing `-m` (atoi makes them a negative int, so nearly 2^64
/// bytes) fail with ENOMEM and "Cannot init memory". The test is whether the
/// address space has room for it: a PROT_NONE, MAP_NORESERVE reservation that is
/// given back at once. The memory step replaces this when it lands.
enum MemoryRequest {
    static func check(_ config: InternalConfig) throws(Errno) {
        let mb = config.memoryMB
        guard mb != 0 else { return } // the default amount
        let (bytes, overflow) = mb.multipliedReportingOverflow(by: 1 << 20)
        // DPDK computes the byte count modulo 2^64 as well
        let size = overflow ? mb &<< 20 : bytes
        guard size > 0, size <= UInt64(Int.max),
              let p = mmap(nil, Int(size), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              p != MAP_FAILED else {
            let e = size <= UInt64(Int.max) ? Errno.current : Errno.EINVAL
            if config.noHuge {
                ealLog(4, "Cannot allocate memseg list: \(e)") // DPDK's words for this case
            } else {
                ealLog(4, "Not enough memory available! Requested: \(UInt32(truncatingIfNeeded: size >> 20))MB")
            }
            throw Errno.ENOMEM
        }
        munmap(p, Int(size))
    }
}
