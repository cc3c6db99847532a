import CEALShared
import CSwiftEAL

/// Where things are in an fbarray's single mapping: `len * elt_sz` bytes of elements,
/// then (at the next 8-byte boundary) the mask header and the mask words, the whole
/// rounded up to pages.
enum FBArrayLayout {
    static let nameCapacity = Int(RTE_FBARRAY_NAME_LEN)

    @inline(__always)
    static func maskHeaderOffset(eltSize: Int, len: Int) -> Int { (eltSize &* len &+ 7) & ~7 }

    @inline(__always)
    static func wordCount(len: Int) -> Int { (len + 63) >> 6 }

    static func mapLength(eltSize: Int, len: Int, pageSize: Int) -> Int {
        let bytes = maskHeaderOffset(eltSize: eltSize, len: len)
            + MemoryLayout<fbarray_mask_header>.size + 8 * wordCount(len: len)
        return (bytes + pageSize - 1) / pageSize * pageSize
    }

    /// The mask of a set-up array (`data` non-nil, checked by the caller; `len` and
    /// `elt_sz` as created, both below 2^32, so the arithmetic cannot overflow).
    @inline(__always)
    static func mask(_ arr: UnsafePointer<rte_fbarray>) -> UsedMask {
        let len = Int(arr.pointee.len)
        let header = maskHeaderOffset(eltSize: Int(arr.pointee.elt_sz), len: len)
        let words = (arr.pointee.data.unsafelyUnwrapped + header + MemoryLayout<fbarray_mask_header>.size)
            .assumingMemoryBound(to: UInt64.self)
        return UsedMask(words: words, len: len)
    }

    /// The write sequence in the mask header (see fbarray_layout.h).
    @inline(__always)
    static func sequence(_ arr: UnsafePointer<rte_fbarray>) -> AtomicView {
        let header = maskHeaderOffset(eltSize: Int(arr.pointee.elt_sz), len: Int(arr.pointee.len))
        return AtomicView((arr.pointee.data.unsafelyUnwrapped + header + MemoryLayout<UInt32>.size)
            .assumingMemoryBound(to: UInt32.self))
    }

    /// Writes the mask header of freshly zeroed storage.
    static func writeHeader(data: UnsafeMutableRawPointer, eltSize: Int, len: Int) {
        let header = (data + maskHeaderOffset(eltSize: eltSize, len: len))
            .assumingMemoryBound(to: fbarray_mask_header.self)
        header.pointee.n_words = UInt32(wordCount(len: len))
    }
}

extension FBArrayLayout {
    /// Marks every element used at once (a memseg list mapped whole at init), before any
    /// other thread can see the array.
    static func markAllUsed(_ arr: UnsafeMutablePointer<rte_fbarray>) {
        let len = Int(arr.pointee.len)
        let m = mask(arr)
        for w in 0..<wordCount(len: len) {
            let bits = min(64, len - w * 64)
            m.words[w] = bits == 64 ? ~0 : (UInt64(1) << UInt64(bits)) - 1
        }
        arr.pointee.count = UInt32(len)
    }
}
