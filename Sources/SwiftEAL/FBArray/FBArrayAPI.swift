import CSwiftEAL
import Glibc
import Synchronization

// The C API of rte_fbarray.h: argument checks with DPDK 22.11's rte_errno values, the
// array's rwlock around every change of the bits (searches read them consistently
// without it, see readConsistent), and the scans of `UsedMask`.

// MARK: lifecycle

@c @implementation
public func rte_fbarray_init(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ name: UnsafePointer<CChar>?,
                             _ len: UInt32, _ elt_sz: UInt32) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        guard let arr else { throw .EINVAL }
        try FBArray.create(arr, name: name, len: len, eltSize: elt_sz)
        return 0
    }
}

@c @implementation
public func rte_fbarray_attach(_ arr: UnsafeMutablePointer<rte_fbarray>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        guard let arr else { throw .EINVAL }
        try FBArray.attach(arr)
        return 0
    }
}

@c @implementation
public func rte_fbarray_destroy(_ arr: UnsafeMutablePointer<rte_fbarray>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        guard let arr else { throw .EINVAL }
        try FBArray.destroy(arr)
        return 0
    }
}

@c @implementation
public func rte_fbarray_detach(_ arr: UnsafeMutablePointer<rte_fbarray>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        guard let arr else { throw .EINVAL }
        try FBArray.detach(arr)
        return 0
    }
}

// MARK: elements

@c @implementation
public func rte_fbarray_get(_ arr: UnsafePointer<rte_fbarray>?, _ idx: UInt32) -> UnsafeMutableRawPointer? {
    guard let arr, idx < arr.pointee.len, let data = arr.pointee.data else {
        RteErrno.set(.EINVAL)
        return nil
    }
    return data + Int(idx) * Int(arr.pointee.elt_sz)
}

@c @implementation
public func rte_fbarray_find_idx(_ arr: UnsafePointer<rte_fbarray>?, _ elt: UnsafeRawPointer?) -> Int32 {
    guard let arr, let elt, let data = arr.pointee.data, arr.pointee.elt_sz != 0 else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let offset = UInt(bitPattern: elt) &- UInt(bitPattern: data)
    let size = UInt(arr.pointee.len) * UInt(arr.pointee.elt_sz)
    guard UInt(bitPattern: elt) >= UInt(bitPattern: data), offset < size else {
        RteErrno.set(.EINVAL)
        return -1
    }
    return Int32(truncatingIfNeeded: offset / UInt(arr.pointee.elt_sz))
}

// MARK: used bits

@inline(__always)
private func setState(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ idx: UInt32, _ used: Bool) -> Int32 {
    guard let arr, idx < arr.pointee.len, arr.pointee.data != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    rte_rwlock_write_lock(&arr.pointee.rwlock)
    let mask = FBArrayLayout.mask(arr)
    if mask.isSet(Int(idx)) != used {
        // odd while the bit and the count change: lock-free searches retry (readConsistent)
        let seq = FBArrayLayout.sequence(arr)
        let s = seq.loadRelaxed()
        seq.storeRelaxed(s &+ 1)
        atomicMemoryFence(ordering: .releasing)
        _ = mask.assign(Int(idx), used)
        if used { arr.pointee.count += 1 } else { arr.pointee.count -= 1 }
        seq.store(s &+ 2)
    }
    rte_rwlock_write_unlock(&arr.pointee.rwlock)
    return 0
}

@c @implementation
public func rte_fbarray_set_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ idx: UInt32) -> Int32 {
    setState(arr, idx, true)
}

@c @implementation
public func rte_fbarray_set_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ idx: UInt32) -> Int32 {
    setState(arr, idx, false)
}

@c @implementation
public func rte_fbarray_is_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ idx: UInt32) -> Int32 {
    guard let arr, idx < arr.pointee.len, arr.pointee.data != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let used = readConsistent(arr) { m, _ in m.isSet(Int(idx)) ? 1 : 0 }
    return Int32(used)
}

// MARK: searches

/// Runs `body` on a consistent view of the mask and the count. First without the
/// lock: when the write sequence is even and the same after the reads, no writer
/// changed anything meanwhile (a seqlock; readers write nothing shared, where the
/// rwlock costs two atomic read-modify-writes per call, most of a short search).
/// When a writer came by, `body` runs again under the read lock. `body` must only
/// compute: a torn view may give it any bits, never bounds (those come from `len`).
@inline(__always)
private func readConsistent(_ arr: UnsafeMutablePointer<rte_fbarray>,
                            _ body: (UsedMask, _ count: Int) -> Int) -> Int {
    // both from one look at the struct: loads after the acquire below are not reused
    let mask = FBArrayLayout.mask(arr)
    let seq = AtomicView((UnsafeMutableRawPointer(mask.words) - MemoryLayout<UInt32>.size)
        .assumingMemoryBound(to: UInt32.self))
    let before = seq.load()
    if before & 1 == 0 {
        let r = body(mask, Int(arr.pointee.count))
        atomicMemoryFence(ordering: .acquiring)
        if seq.loadRelaxed() == before { return r }
    }
    return readLocked(arr, body)
}

/// `body` under the read lock: readConsistent's way when a writer came by. Kept out of
/// line so the lock-free path stays short (fewer registers to save on every call).
@inline(never)
private func readLocked(_ arr: UnsafeMutablePointer<rte_fbarray>,
                        _ body: (UsedMask, _ count: Int) -> Int) -> Int {
    rte_rwlock_read_lock(&arr.pointee.rwlock)
    let r = body(FBArrayLayout.mask(arr), Int(arr.pointee.count))
    rte_rwlock_read_unlock(&arr.pointee.rwlock)
    return r
}

/// DPDK's "nothing there" errno: ENOENT looking for used elements, ENOSPC for free ones.
@inline(__always)
private func notFound(_ used: Bool) -> Int32 {
    RteErrno.set(used ? .ENOENT : .ENOSPC)
    return -1
}

@inline(__always)
private func findOne(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                     _ used: Bool, next: Bool) -> Int32 {
    guard let arr, start < arr.pointee.len, arr.pointee.data != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let len = Int(arr.pointee.len)
    let r = readConsistent(arr) { m, count in
        if count == (used ? 0 : len) { return -1 }
        return next ? m.next(Int(start), used) : m.prev(Int(start), used)
    }
    return r < 0 ? notFound(used) : Int32(r)
}

@inline(__always)
private func findN(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32, _ n: UInt32,
                   _ used: Bool, next: Bool) -> Int32 {
    guard let arr, start < arr.pointee.len, n != 0, n <= arr.pointee.len, arr.pointee.data != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let len = Int(arr.pointee.len), s = Int(start), want = Int(n)
    let r = readConsistent(arr) { m, count in
        if (used ? count : len - count) < want { return -1 }
        if next {
            if len - s < want { return -1 }
            return m.nextNInFirstWord(s, want, used) ?? m.nextN(s, want, used)
        }
        return s + 1 < want ? -1 : m.prevN(s, want, used)
    }
    return r < 0 ? notFound(used) : Int32(r)
}

@inline(__always)
private func contig(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                    _ used: Bool, reverse: Bool) -> Int32 {
    guard let arr, start < arr.pointee.len, arr.pointee.data != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    return Int32(readConsistent(arr) { m, _ in
        reverse ? m.revContig(Int(start), used) : m.contig(Int(start), used)
    })
}

@inline(__always)
private func biggest(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                     _ used: Bool, reverse: Bool) -> Int32 {
    guard let arr, start < arr.pointee.len, arr.pointee.data != nil else {
        RteErrno.set(.EINVAL)
        return -1
    }
    let last = Int(arr.pointee.len) - 1, s = Int(start)
    var zeroInState = false
    let r = readConsistent(arr) { m, _ in
        zeroInState = m.isSet(0) == used
        return reverse ? m.biggest(from: 0, through: s, used, laterWins: true)
                       : m.biggest(from: s, through: last, used, laterWins: false)
    }
    if r < 0 { return notFound(used) }
    // DPDK's chunk walk ends on a failed search and then clears rte_errno; walking down,
    // it stops without searching when the last chunk begins at element 0.
    if !reverse || !zeroInState { RteErrno.set(0) }
    return Int32(r)
}

@c @implementation
public func rte_fbarray_find_next_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    findOne(arr, start, false, next: true)
}

@c @implementation
public func rte_fbarray_find_next_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    findOne(arr, start, true, next: true)
}

@c @implementation
public func rte_fbarray_find_prev_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    findOne(arr, start, false, next: false)
}

@c @implementation
public func rte_fbarray_find_prev_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    findOne(arr, start, true, next: false)
}

@c @implementation
public func rte_fbarray_find_next_n_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                                         _ n: UInt32) -> Int32 {
    findN(arr, start, n, false, next: true)
}

@c @implementation
public func rte_fbarray_find_next_n_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                                         _ n: UInt32) -> Int32 {
    findN(arr, start, n, true, next: true)
}

@c @implementation
public func rte_fbarray_find_prev_n_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                                         _ n: UInt32) -> Int32 {
    findN(arr, start, n, false, next: false)
}

@c @implementation
public func rte_fbarray_find_prev_n_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32,
                                         _ n: UInt32) -> Int32 {
    findN(arr, start, n, true, next: false)
}

@c @implementation
public func rte_fbarray_find_contig_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    contig(arr, start, false, reverse: false)
}

@c @implementation
public func rte_fbarray_find_contig_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    contig(arr, start, true, reverse: false)
}

@c @implementation
public func rte_fbarray_find_rev_contig_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    contig(arr, start, false, reverse: true)
}

@c @implementation
public func rte_fbarray_find_rev_contig_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    contig(arr, start, true, reverse: true)
}

@c @implementation
public func rte_fbarray_find_biggest_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    biggest(arr, start, false, reverse: false)
}

@c @implementation
public func rte_fbarray_find_biggest_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    biggest(arr, start, true, reverse: false)
}

@c @implementation
public func rte_fbarray_find_rev_biggest_free(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    biggest(arr, start, false, reverse: true)
}

@c @implementation
public func rte_fbarray_find_rev_biggest_used(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ start: UInt32) -> Int32 {
    biggest(arr, start, true, reverse: true)
}

// MARK: dump

@c @implementation
public func rte_fbarray_dump_metadata(_ arr: UnsafeMutablePointer<rte_fbarray>?, _ f: UnsafeMutablePointer<FILE>?) {
    guard let arr, let f else {
        RteErrno.set(.EINVAL)
        return
    }
    do throws(Errno) {
        try FBArray.validate(name: FBArray.nameOf(arr), eltSize: arr.pointee.elt_sz, len: arr.pointee.len)
        // a described but unmapped array (filled in for attach): no mask to print
        if arr.pointee.data == nil { throw Errno.EINVAL }
    } catch {
        RteErrno.set(error)
        fputs("Invalid file-backed array\n", f)
        return
    }
    rte_rwlock_read_lock(&arr.pointee.rwlock)
    fputs("File-backed array: ", f)
    fputs(FBArray.nameOf(arr), f)
    fputs("\n", f)
    fputs("size: \(Int32(bitPattern: arr.pointee.len)) occupied: \(Int32(bitPattern: arr.pointee.count)) "
          + "elt_sz: \(Int32(bitPattern: arr.pointee.elt_sz))\n", f)
    let m = FBArrayLayout.mask(arr)
    for i in 0..<m.wordCount {
        let hex = String(m.words[i], radix: 16)
        fputs("msk idx \(i): 0x" + String(repeating: "0", count: 16 - hex.count) + hex + "\n", f)
    }
    rte_rwlock_read_unlock(&arr.pointee.rwlock)
}
