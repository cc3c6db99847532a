import Synchronization

/// Process-local facts that the lower layers read once `rte_eal_init` has parsed its
/// options and made the runtime directory. Written only by Init (before the lcore
/// threads exist and after they are joined), read by everyone; never on a hot path.
enum Runtime {
    /// The options this process was started with. Behind a lock: a copy (a few
    /// retains) per read, on no hot path; init writes it while an application thread
    /// may already ask, say, rte_eal_has_hugepages.
    static var config: InternalConfig {
        get { configStorage.withLock { $0 } }
        set { configStorage.withLock { $0 = newValue } }
    }
    private static let configStorage = Mutex(InternalConfig())

    /// One fact of the options, read under the lock without copying them all.
    static func option<T: Sendable>(_ fact: (borrowing InternalConfig) -> T) -> T {
        configStorage.withLock { fact($0) }
    }

    /// `/var/run/dpdk/<prefix>` (or the non-root fallback); nil before init and after
    /// cleanup. Behind a lock: an application thread may be making an fbarray (which
    /// reads it) while rte_eal_cleanup clears it.
    static var directory: ByteString? {
        get { directoryStorage.withLock { $0 } }
        set { directoryStorage.withLock { $0 = newValue } }
    }
    private static let directoryStorage = Mutex<ByteString?>(nil)

    /// A file in the runtime directory, e.g. `fbarray_memzone`; nil when there is none.
    static func path(_ name: ByteString) -> ByteString? {
        guard let dir = directory else { return nil }
        return dir + "/" + name
    }

    /// Whether EAL files are shared with other processes (`--no-shconf` and
    /// `--in-memory` keep everything process-private).
    static var sharesConfig: Bool { option { !$0.noShconf && !$0.inMemory } }
}
