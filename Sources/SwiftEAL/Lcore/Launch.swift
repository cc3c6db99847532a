import CEALShared
import CSwiftEAL
import Glibc

/// The launch handoff. Per lcore, `state` (WAIT/RUNNING) is claimed by the launcher
/// with a compare-and-swap, so the lcore reads RUNNING as soon as
/// rte_eal_remote_launch returns; the worker sleeps on `cmd` after a short spin and
/// is woken by a futex only when it went to sleep. Waiters spin on `state`, then
/// sleep on it; the worker wakes them only when one is asleep.
enum LaunchBlock {
    /// How many pause instructions a worker or waiter spins before it sleeps
    /// (tens of microseconds).
    static let spinLimit = 2000

    static func allocate() throws(Errno) -> UnsafeMutablePointer<eal_launch_block> {
        var raw: UnsafeMutableRawPointer? = nil
        let size = MemoryLayout<eal_launch_block>.size
        let r = posix_memalign(&raw, Int(RTE_CACHE_LINE_SIZE), size)
        guard r == 0, let raw else { throw Errno(r == 0 ? ENOMEM : r) }
        memset(raw, 0, size)
        return raw.bindMemory(to: eal_launch_block.self, capacity: 1)
    }

    /// Drops one reference; the last one frees the slots.
    static func release(_ block: UnsafeMutablePointer<eal_launch_block>) {
        if eal_fetch_sub(&block.pointee.refs, 1) == 1 { free(block) }
    }
}

/// Starts the pinned, named worker thread of `lcore`.
/// `stackSize` (bytes, 0 = the system default) is --huge-worker-stack's size; the
/// stack itself comes from ordinary memory.
func startWorker(_ lcore: UInt32, block: UnsafeMutablePointer<eal_launch_block>,
                 stackSize: Int = 0) throws(Errno) -> pthread_t {
    let info = Lcores.info(lcore).pointee
    var cpus = info.cpuset
    let socket = info.socket_id
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    try pthreadCall { pthread_attr_setaffinity_np(&attr, MemoryLayout<rte_cpuset_t>.size, &cpus) }
    if stackSize > 0 { try pthreadCall { pthread_attr_setstacksize(&attr, stackSize) } }
    _ = eal_fetch_add(&block.pointee.refs, 1)   // the worker's own reference
    let slot = eal_launch_block_slot(block, lcore)
    let blockAddr = UInt(bitPattern: block)
    let cpusCopy = cpus
    do throws(Errno) {
        return try spawnThread(name: "rte-worker-\(lcore)", attr: &attr) {
            let b = UnsafeMutablePointer<eal_launch_block>(bitPattern: blockAddr)!
            setThreadName(pthread_self(), "rte-worker-\(lcore)")   // also before any launch
            threadInit(lcore: lcore, cpus: cpusCopy, socket: socket)
            logReady("lcore", lcore, CPUSet(cpusCopy))
            let (text, cut) = affinityString(CPUSet(cpusCopy))
            (text + (cut ? "..." : "")).withCString { rte_eal_trace_thread_lcore_ready(lcore, $0) }
            workerLoop(slot)
            LaunchBlock.release(b)
        }
    } catch {
        LaunchBlock.release(block)
        throw error
    }
}

/// Runs launched functions until told to stop.
private func workerLoop(_ slot: UnsafeMutablePointer<eal_launch_slot>) {
    while true {
        var spins = 0
        while true {
            if eal_load_acquire(&slot.pointee.stop) != 0 { return }
            let c = eal_load_acquire(&slot.pointee.cmd)
            if c == EAL_CMD_GO { break }
            if spins < LaunchBlock.spinLimit {
                spins += 1
                eal_cpu_relax()
                continue
            }
            if c == EAL_CMD_SLEEPING || eal_cas(&slot.pointee.cmd, EAL_CMD_IDLE, EAL_CMD_SLEEPING) != 0 {
                if eal_load_seq(&slot.pointee.stop) == 0 {
                    eal_futex_wait(&slot.pointee.cmd, EAL_CMD_SLEEPING)
                }
            }
        }
        _ = eal_exchange(&slot.pointee.cmd, EAL_CMD_IDLE)
        let f = slot.pointee.f
        let arg = slot.pointee.arg
        let ret = f.map { $0(arg) } ?? 0
        slot.pointee.ret = ret
        slot.pointee.f = nil
        slot.pointee.arg = nil
        eal_store_seq(&slot.pointee.state, UInt32(WAIT.rawValue))
        if eal_load_seq(&slot.pointee.waiters) != 0 {
            eal_futex_wake(&slot.pointee.state, Int32.max)
        }
    }
}

/// What rte_eal_remote_launch runs (C's lcore_function_t *).
public typealias LcoreFunction = @convention(c) (UnsafeMutableRawPointer?) -> Int32

/// Hands `f(arg)` to the worker of `lcore`; the lcore is RUNNING on return.
@inline(__always)
func launch(_ f: LcoreFunction?, _ arg: UnsafeMutableRawPointer?, on lcore: UInt32) -> Int32 {
    guard lcore < UInt32(RTE_MAX_LCORE), f != nil else { return -EINVAL }
    guard let slot = eal_launch_slot_at(lcore), slot.pointee.has_worker != 0 else { return -EPIPE }
    if eal_cas(&slot.pointee.state, UInt32(WAIT.rawValue), UInt32(RUNNING.rawValue)) == 0 {
        return -EBUSY
    }
    slot.pointee.f = f
    slot.pointee.arg = arg
    if eal_exchange(&slot.pointee.cmd, EAL_CMD_GO) == EAL_CMD_SLEEPING {
        eal_futex_wake(&slot.pointee.cmd, 1)
    }
    return 0
}

/// The lcore's state: RUNNING from launch until its function has returned.
@inline(__always)
func lcoreState(_ lcore: UInt32) -> rte_lcore_state_t {
    guard lcore < UInt32(RTE_MAX_LCORE), let slot = eal_launch_slot_at(lcore) else { return WAIT }
    return eal_load_acquire(&slot.pointee.state) == UInt32(RUNNING.rawValue) ? RUNNING : WAIT
}

/// Waits until the lcore is back in WAIT; the last function's return value.
func waitLcore(_ lcore: UInt32) -> Int32 {
    guard lcore < UInt32(RTE_MAX_LCORE), let slot = eal_launch_slot_at(lcore) else { return 0 }
    let running = UInt32(RUNNING.rawValue)
    var spins = 0
    while eal_load_acquire(&slot.pointee.state) == running {
        if spins < LaunchBlock.spinLimit {
            spins += 1
            eal_cpu_relax()
            continue
        }
        _ = eal_fetch_add(&slot.pointee.waiters, 1)
        while eal_load_seq(&slot.pointee.state) == running {
            eal_futex_wait(&slot.pointee.state, running)
        }
        _ = eal_fetch_sub(&slot.pointee.waiters, 1)
    }
    return slot.pointee.ret
}

/// Runs `f(arg)` on the calling (main) lcore and records its result like a worker's.
func runOnMain(_ f: LcoreFunction?, _ arg: UnsafeMutableRawPointer?) {
    let main = eal_lcore_table_ptr().pointee.main_lcore
    let ret = f.map { $0(arg) } ?? 0
    if let slot = eal_launch_slot_at(main) {
        slot.pointee.ret = ret
        eal_store_seq(&slot.pointee.state, UInt32(WAIT.rawValue))
    }
}
