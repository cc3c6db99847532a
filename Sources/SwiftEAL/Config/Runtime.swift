import Synchronization

/// Process-local facts that the lower layers read once `rte_eal_init` has parsed its
/// options and made the runtime directory. Written only by Init (before the lcore
/// threads exist and after they are joined), read by everyone; never on a hot path.
enum Runtime {
    /// The options this process was started with.
    static var config = InternalConfig()

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
    static var sharesConfig: Bool { !config.noShconf && !config.inMemory }
}
