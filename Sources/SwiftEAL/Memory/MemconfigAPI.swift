import CEALShared
import CSwiftEAL
import Glibc

// rte_eal_memconfig.h: the process-shared locks of the memory config. Before init and
// after cleanup (no config; DPDK would crash) they are process-local stand-ins.

private enum StandInLocks {
    // Safe: the pointer never changes; the rwlocks it points to are the synchronisation.
    nonisolated(unsafe) static let rw: UnsafeMutablePointer<rte_rwlock_t> = {
        let p = UnsafeMutablePointer<rte_rwlock_t>.allocate(capacity: 3)
        for i in 0..<3 { rte_rwlock_init(p + i) }
        return p
    }()
    // Safe: the pointer never changes; the spinlock it points to is the synchronisation.
    nonisolated(unsafe) static let spin: UnsafeMutablePointer<rte_spinlock_t> = {
        let p = UnsafeMutablePointer<rte_spinlock_t>.allocate(capacity: 1)
        rte_spinlock_init(p)
        return p
    }()
}

private func configLock<T>(_ path: KeyPath<eal_shared_config, T>) -> UnsafeMutablePointer<T>? {
    guard let c = eal_mcfg() else { return nil }
    return (UnsafeMutableRawPointer(c) + MemoryLayout<eal_shared_config>.offset(of: path)!).assumingMemoryBound(to: T.self)
}

private var tailqLock: UnsafeMutablePointer<rte_rwlock_t> { configLock(\.qlock) ?? StandInLocks.rw + 1 }
private var mempoolLock: UnsafeMutablePointer<rte_rwlock_t> {
    guard let mem = MemConfig.mem else { return StandInLocks.rw + 2 }
    return (UnsafeMutableRawPointer(mem) + MemoryLayout<eal_mem_config>.offset(of: \.mplock)!)
        .assumingMemoryBound(to: rte_rwlock_t.self)
}
private var timerLock: UnsafeMutablePointer<rte_spinlock_t> { configLock(\.tlock) ?? StandInLocks.spin }

@c @implementation
public func rte_mcfg_mem_read_lock() { rte_rwlock_read_lock(MemConfig.hotplugLock) }

@c @implementation
public func rte_mcfg_mem_read_unlock() { rte_rwlock_read_unlock(MemConfig.hotplugLock) }

@c @implementation
public func rte_mcfg_mem_write_lock() { rte_rwlock_write_lock(MemConfig.hotplugLock) }

@c @implementation
public func rte_mcfg_mem_write_unlock() { rte_rwlock_write_unlock(MemConfig.hotplugLock) }

@c @implementation
public func rte_mcfg_tailq_read_lock() { rte_rwlock_read_lock(tailqLock) }

@c @implementation
public func rte_mcfg_tailq_read_unlock() { rte_rwlock_read_unlock(tailqLock) }

@c @implementation
public func rte_mcfg_tailq_write_lock() { rte_rwlock_write_lock(tailqLock) }

@c @implementation
public func rte_mcfg_tailq_write_unlock() { rte_rwlock_write_unlock(tailqLock) }

@c @implementation
public func rte_mcfg_mempool_read_lock() { rte_rwlock_read_lock(mempoolLock) }

@c @implementation
public func rte_mcfg_mempool_read_unlock() { rte_rwlock_read_unlock(mempoolLock) }

@c @implementation
public func rte_mcfg_mempool_write_lock() { rte_rwlock_write_lock(mempoolLock) }

@c @implementation
public func rte_mcfg_mempool_write_unlock() { rte_rwlock_write_unlock(mempoolLock) }

@c @implementation
public func rte_mcfg_timer_lock() { rte_spinlock_lock(timerLock) }

@c @implementation
public func rte_mcfg_timer_unlock() { rte_spinlock_unlock(timerLock) }

@c @implementation
public func rte_mcfg_get_single_file_segments() -> Bool {
    (eal_mcfg()?.pointee.single_file_segments ?? 0) != 0
}
