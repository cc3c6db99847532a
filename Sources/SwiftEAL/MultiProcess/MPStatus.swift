import CEALShared
import CSwiftEAL
import Glibc

/// Whether this prefix accepts secondaries, in the shared config (DPDK's three
/// states): unknown until the first secondary attaches (enabled) or the primary
/// calls rte_mp_disable (disabled); the first of the two wins for good.
enum MPStatus {
    static let unknown: UInt32 = 0
    static let disabled: UInt32 = 1
    static let enabled: UInt32 = 2

    /// The word for a process with nothing shared (before init, --no-shconf): its own.
    // Safe: the pointer never changes; the word is only reached through AtomicView.
    nonisolated(unsafe) private static let localWord: UnsafeMutablePointer<UInt32> = {
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        p.initialize(to: unknown)
        return p
    }()

    private static var word: UnsafeMutablePointer<UInt32> {
        guard let m = EALState.shared else { return localWord }
        return (UnsafeMutableRawPointer(m.config) + MemoryLayout<eal_shared_config>.offset(of: \.mp_status)!)
            .assumingMemoryBound(to: UInt32.self)
    }

    /// Moves unknown to `status`; true when the state is `status` afterwards.
    private static func set(_ status: UInt32) -> Bool {
        let w = AtomicView(word)
        return w.compareExchange(expected: unknown, desired: status) || w.load() == status
    }

    /// rte_mp_disable.
    static func disable() -> Bool { set(disabled) }

    /// A secondary attaching; false when the primary has disabled multi-process.
    static func enable() -> Bool { set(enabled) }
}
