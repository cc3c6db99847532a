import Synchronization

/// An atomic view of a 32-bit word that lives in C-layout (often shared) memory.
/// `Atomic<UInt32>` has the layout of `UInt32`, so the storage is used in place.
/// Orderings are fixed (acquire loads, release stores, acq-rel updates), plus relaxed
/// ones for sequence counters that pair them with fences.
struct AtomicView {
    let atomic: UnsafeMutablePointer<Atomic<UInt32>>

    init(_ pointer: UnsafeMutablePointer<UInt32>) {
        atomic = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Atomic<UInt32>.self)
    }
    init(_ pointer: UnsafeMutablePointer<Int32>) {
        atomic = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    @inline(__always) func load() -> UInt32 { atomic.pointee.load(ordering: .acquiring) }
    @inline(__always) func loadRelaxed() -> UInt32 { atomic.pointee.load(ordering: .relaxed) }
    @inline(__always) func storeRelaxed(_ v: UInt32) { atomic.pointee.store(v, ordering: .relaxed) }
    @inline(__always) func store(_ v: UInt32) { atomic.pointee.store(v, ordering: .releasing) }
    @inline(__always) func compareExchange(expected: UInt32, desired: UInt32) -> Bool {
        atomic.pointee.compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing).exchanged
    }
    @inline(__always) @discardableResult func add(_ v: UInt32) -> UInt32 {
        atomic.pointee.wrappingAdd(v, ordering: .acquiringAndReleasing).newValue
    }
}
