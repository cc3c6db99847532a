import CEALShared
import CSwiftEAL
import Glibc

/// The memory configuration of this init: the memseg lists and memory facts in the
/// shared `config` (or in a private copy of the same layout when nothing is shared,
/// --in-memory and --no-shconf). Reached through the C pointer `eal_mcfg()`, which
/// the malloc hot path reads without a lock.
enum MemConfig {
    static var config: UnsafeMutablePointer<eal_shared_config>? { eal_mcfg() }

    /// The memory part, or nil outside init.
    static var mem: UnsafeMutablePointer<eal_mem_config>? {
        guard let c = eal_mcfg() else { return nil }
        return (UnsafeMutableRawPointer(c) + MemoryLayout<eal_shared_config>.offset(of: \.mem)!)
            .assumingMemoryBound(to: eal_mem_config.self)
    }

    static let listCount = Int(RTE_MAX_MEMSEG_LISTS)

    /// Memseg list `i` (0 ..< RTE_MAX_MEMSEG_LISTS) of a memory config.
    @inline(__always)
    static func list(_ mem: UnsafeMutablePointer<eal_mem_config>, _ i: Int) -> UnsafeMutablePointer<rte_memseg_list> {
        (UnsafeMutableRawPointer(mem) + MemoryLayout<eal_mem_config>.offset(of: \.memsegs)!
            + i * MemoryLayout<rte_memseg_list>.stride).assumingMemoryBound(to: rte_memseg_list.self)
    }

    /// Makes `shared` (the mapped `config`) this process's memory config, or, when there
    /// is none, a private zeroed one. Returns the undo.
    static func install(shared: UnsafeMutablePointer<eal_shared_config>?) throws(Errno) -> () -> Void {
        if let shared {
            eal_mcfg_publish(shared)
            return { eal_mcfg_publish(nil) }
        }
        let len = MemoryLayout<eal_shared_config>.size
        guard let p = Sys.mmap(nil, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw Errno.current
        }
        let cfg = p.bindMemory(to: eal_shared_config.self, capacity: 1)
        eal_mcfg_publish(cfg)
        return {
            eal_mcfg_publish(nil)
            munmap(p, len)
        }
    }

    // MARK: the memory hotplug lock (process-shared, in the config)

    /// Used before init and after cleanup, when there is no config: DPDK would crash.
    // Safe: the pointer never changes; the rwlock it points to is the synchronisation.
    nonisolated(unsafe) private static let fallback: UnsafeMutablePointer<rte_rwlock_t> = {
        let p = UnsafeMutablePointer<rte_rwlock_t>.allocate(capacity: 1)
        rte_rwlock_init(p)
        return p
    }()

    static var hotplugLock: UnsafeMutablePointer<rte_rwlock_t> {
        guard let c = eal_mcfg() else { return fallback }
        return (UnsafeMutableRawPointer(c) + MemoryLayout<eal_shared_config>.offset(of: \.mlock)!)
            .assumingMemoryBound(to: rte_rwlock_t.self)
    }

    @inline(__always)
    static func withReadLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let l = hotplugLock
        rte_rwlock_read_lock(l)
        defer { rte_rwlock_read_unlock(l) }
        return try body()
    }

    @inline(__always)
    static func withWriteLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let l = hotplugLock
        rte_rwlock_write_lock(l)
        defer { rte_rwlock_write_unlock(l) }
        return try body()
    }
}
