import CEALShared
import CSwiftEAL
import Glibc

/// What a new thread needs from its creator, on the heap until the thread has
/// read it. The creator may wait on `done` (a futex word) for the thread's setup
/// result in `status`.
struct ThreadStart {
    var routine: (@convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?)?
    var threadFunc: rte_thread_func?
    var arg: UnsafeMutableRawPointer?
    var cpus: rte_cpuset_t
    var socket: UInt32 = UInt32.max
    var name: String? = nil
    var done: UInt32 = 0
    var status: Int32 = 0

    static func make(_ value: ThreadStart) -> UnsafeMutablePointer<ThreadStart> {
        let p = UnsafeMutablePointer<ThreadStart>.allocate(capacity: 1)
        p.initialize(to: value)
        return p
    }

    static func free(_ p: UnsafeMutablePointer<ThreadStart>) {
        p.deinitialize(count: 1)
        p.deallocate()
    }
}

/// Sleeps until `word` is no longer 0.
func futexWaitNonZero(_ word: UnsafeMutablePointer<UInt32>) {
    while eal_load_acquire(word) == 0 { eal_futex_wait(word, 0) }
}

/// Sets `word` to 1 and wakes its waiter.
func futexSignal(_ word: UnsafeMutablePointer<UInt32>) {
    eal_store_seq(word, 1)
    eal_futex_wake(word, 1)
}
