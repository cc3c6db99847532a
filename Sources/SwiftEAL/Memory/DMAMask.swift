import CEALShared
import CSwiftEAL

/// The narrowest DMA mask a device asked for: memory mapped later must fit it.
enum DMAMask {
    static let maxBits: UInt8 = 63

    /// 0 when every mapped segment's IO addresses fit in `bits` bits (the mask is then
    /// kept), 1 when one does not, -1 for a width over 63 (DPDK's answers).
    static func check(_ bits: UInt8) -> Int32 {
        guard bits <= maxBits else {
            ealLog(4, "wrong dma mask size \(bits) (Max: \(maxBits))")
            return -1
        }
        let mask = ~((UInt64(1) << UInt64(bits)) &- 1)
        let r = MemoryWalks.segments { _, ms in
            let last = ms.pointee.iova &+ UInt64(ms.pointee.len) &- 1
            return last & mask == 0 ? 0 : 1
        }
        if r != 0 { return 1 }
        narrow(to: bits)
        return 0
    }

    static func narrow(to bits: UInt8) {
        guard let mem = MemConfig.mem else { return }
        let cur = mem.pointee.dma_maskbits
        mem.pointee.dma_maskbits = cur == 0 ? UInt32(bits) : min(cur, UInt32(bits))
    }
}
