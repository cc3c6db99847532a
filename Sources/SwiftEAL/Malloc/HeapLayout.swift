import CEALShared
import CSwiftEAL

// Where things are inside heap memory (see eal_malloc.h for the picture), and the
// marks that let rte_free tell a live block from anything else. Everything here is
// @inline(__always) arithmetic on raw pointers: the fast path is built from it.

typealias ElemPtr = UnsafeMutablePointer<eal_heap_elem>
typealias SlabPtr = UnsafeMutablePointer<eal_heap_slab>

enum HeapLayout {
    static let line = 64
    static let overhead = 128
    static let minElem = 192
    static let smallMax = 16384
    static let classCount = 64
    /// Bytes a slab aims at (blocks of small classes); large classes get 8 blocks.
    static let slabTarget = 65536

    @inline(__always) static func roundUp(_ n: Int, _ a: Int) -> Int { (n &+ (a &- 1)) & ~(a &- 1) }
    @inline(__always) static func roundDown(_ n: Int, _ a: Int) -> Int { n & ~(a &- 1) }
    @inline(__always) static func isPowerOfTwo(_ n: Int) -> Bool { n > 0 && (n & (n &- 1)) == 0 }
    @inline(__always) static func addr(_ p: UnsafeRawPointer) -> Int { Int(bitPattern: UInt(bitPattern: p)) }
    @inline(__always) static func ptr(_ a: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: a).unsafelyUnwrapped
    }
}

/// Size classes: 64-byte steps up to 2 KiB (32 classes), 128-byte steps up to 4 KiB (16),
/// then 8 per power of two up to 16 KiB (16): a block of 2 KiB or less wastes under 64
/// bytes, one up to 4 KiB under 128, a bigger one under an eighth of itself.
enum SizeClass {
    /// The class of `n` bytes, 1 <= n <= 16384.
    @inline(__always)
    static func of(_ n: Int) -> Int {
        if n <= 2048 { return ((n &+ 63) >> 6) &- 1 }
        if n <= 4096 { return 32 &+ ((n &- 2049) >> 7) }
        let x = n &- 1
        let fl = 63 &- x.leadingZeroBitCount      // 12 or 13
        return 48 &+ ((fl &- 12) << 3) &+ ((x >> (fl &- 3)) & 7)
    }

    /// The usable bytes of a block of class `c`.
    @inline(__always)
    static func size(_ c: Int) -> Int {
        if c < 32 { return (c &+ 1) << 6 }
        if c < 48 { return 2048 &+ ((c &- 31) << 7) }
        let k = c &- 48
        return (9 &+ (k & 7)) << (9 &+ (k >> 3))
    }

    /// Block header line plus data.
    @inline(__always) static func stride(_ c: Int) -> Int { 64 &+ size(c) }

    /// Blocks in one slab of class `c`.
    static func capacity(_ c: Int) -> Int {
        max(8, (HeapLayout.slabTarget - 256) / stride(c))
    }

    /// Bytes a slab element asks for: slab header line, the blocks, the last trailer line.
    static func slabDataSize(_ c: Int) -> Int { 128 + capacity(c) * stride(c) }

    /// How many free blocks an lcore cache keeps of class `c` before giving half back:
    /// about 32 KiB, between 4 and 64 blocks.
    static func cacheLimit(_ c: Int) -> UInt32 {
        UInt32(max(4, min(64, 32768 / stride(c))) & ~1)
    }
}

/// The 16-byte tag before every data pointer. Word 0 packs back | lines << 16 | cls << 32
/// | heap << 48 | state << 56 (the C struct's fields, little-endian; back and lines in
/// 64-byte lines); word 1 is a check of word 0 and the address, so a pointer into
/// anything but a block start fails it.
enum Tag {
    static let magic: UInt64 = 0x5357_4946_5445_414C
    static let trailerMagic: UInt64 = 0x7472_6169_6C65_7221
    static let elemMagic: UInt64 = 0x656C_656D_6865_6164
    static let slabMagic: UInt64 = 0x736C_6162_6865_6164
    /// XOR of SMALL_FREE and SMALL_BUSY in the state byte: flips one into the other.
    static let smallFlip: UInt64 = UInt64(EAL_HEAP_ST_SMALL_FREE ^ EAL_HEAP_ST_SMALL_BUSY) << 56

    @inline(__always)
    static func word(back: Int, lines: Int = 0, cls: Int, heap: Int, state: UInt32) -> UInt64 {
        UInt64(UInt16(truncatingIfNeeded: back)) | UInt64(UInt16(truncatingIfNeeded: lines)) << 16
            | UInt64(UInt16(truncatingIfNeeded: cls)) << 32
            | UInt64(UInt8(truncatingIfNeeded: heap)) << 48 | UInt64(UInt8(truncatingIfNeeded: state)) << 56
    }

    @inline(__always)
    static func check(_ data: UnsafeRawPointer, _ w: UInt64) -> UInt64 {
        magic ^ UInt64(UInt(bitPattern: data)) ^ w
    }

    @inline(__always)
    static func write(_ data: UnsafeMutableRawPointer, _ w: UInt64) {
        (data - 16).storeBytes(of: w, as: UInt64.self)
        (data - 8).storeBytes(of: check(data, w), as: UInt64.self)
    }

    /// Word 0 when the tag is sound, else nil. `data` must be readable 16 bytes back.
    @inline(__always)
    static func read(_ data: UnsafeRawPointer) -> UInt64? {
        let w = (data - 16).load(as: UInt64.self)
        return (data - 8).load(as: UInt64.self) == check(data, w) ? w : nil
    }

    /// In 64-byte lines.
    @inline(__always) static func back(_ w: UInt64) -> Int { Int(UInt16(truncatingIfNeeded: w)) }
    /// A small block's usable bytes (its trailer's offset).
    @inline(__always) static func usable(_ w: UInt64) -> Int { Int(UInt16(truncatingIfNeeded: w >> 16)) << 6 }
    @inline(__always) static func cls(_ w: UInt64) -> Int { Int(UInt16(truncatingIfNeeded: w >> 32)) }
    @inline(__always) static func heap(_ w: UInt64) -> Int { Int(UInt8(truncatingIfNeeded: w >> 48)) }
    @inline(__always) static func stateByte(_ w: UInt64) -> UInt32 { UInt32(w >> 56) }
    @inline(__always) static func state(_ w: UInt64) -> UInt32 { UInt32(w >> 56) & EAL_HEAP_ST_MASK }
    @inline(__always) static func isDynamic(_ w: UInt64) -> Bool { UInt32(w >> 56) & EAL_HEAP_ST_DYNAMIC != 0 }

    /// The trailer cookie of the block or element whose data starts at `data`.
    @inline(__always)
    static func trailer(_ data: UnsafeRawPointer) -> UInt64 { trailerMagic ^ UInt64(UInt(bitPattern: data)) }
}

extension UnsafeMutablePointer where Pointee == eal_heap_elem {
    @inline(__always) var data: UnsafeMutableRawPointer { UnsafeMutableRawPointer(self) + 64 }
    @inline(__always) var tagWord: UInt64 { UnsafeRawPointer(self).load(fromByteOffset: 48, as: UInt64.self) }
    /// The element's first byte (header minus the alignment pad).
    @inline(__always) var start: Int { HeapLayout.addr(self) &- Tag.back(tagWord) << 6 }
    @inline(__always) var end: Int { start &+ Int(pointee.size) }
    @inline(__always) var state: UInt32 { Tag.state(tagWord) }
    @inline(__always) var isDynamic: Bool { Tag.isDynamic(tagWord) }
    @inline(__always) var slot: Int { Tag.cls(tagWord) }
    @inline(__always) var cookieOK: Bool { pointee.cookie == Tag.elemMagic ^ UInt64(UInt(bitPattern: self)) }
    /// Usable bytes of a busy element: between its header and its trailer line.
    @inline(__always) var usable: Int { Int(pointee.size) &- Tag.back(tagWord) << 6 &- HeapLayout.overhead }

    @inline(__always) static func at(_ a: Int) -> ElemPtr {
        HeapLayout.ptr(a).assumingMemoryBound(to: eal_heap_elem.self)
    }
    @inline(__always) static func of(data: UnsafeMutableRawPointer) -> ElemPtr {
        (data - 64).assumingMemoryBound(to: eal_heap_elem.self)
    }
}

extension UnsafeMutablePointer where Pointee == eal_heap_slab {
    @inline(__always) var cookieOK: Bool { pointee.cookie == Tag.slabMagic ^ UInt64(UInt(bitPattern: self)) }
    /// Data of block `k`: after the slab line, k strides, and the block's header line.
    @inline(__always) func blockData(_ k: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(self) + 128 + k &* Int(pointee.stride)
    }
}
