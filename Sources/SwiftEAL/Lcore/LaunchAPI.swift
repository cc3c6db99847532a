// The C API of rte_launch.h.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_eal_remote_launch(_ f: LcoreFunction?, _ arg: UnsafeMutableRawPointer?,
                                  _ worker_id: UInt32) -> Int32 {
    let rc = launch(f, arg, on: worker_id)
    rte_eal_trace_thread_remote_launch(f.map { unsafeBitCast($0, to: UnsafeRawPointer.self) }, arg, worker_id, rc)
    return rc
}

@c @implementation
public func rte_eal_mp_remote_launch(_ f: LcoreFunction?, _ arg: UnsafeMutableRawPointer?,
                                     _ call_main: rte_rmt_call_main_t) -> Int32 {
    guard f != nil else { return -EINVAL }
    var id = rte_get_next_lcore(UInt32.max, 1, 0)
    while id < UInt32(RTE_MAX_LCORE) {
        if lcoreState(id) != WAIT { return -EBUSY }
        id = rte_get_next_lcore(id, 1, 0)
    }
    id = rte_get_next_lcore(UInt32.max, 1, 0)
    while id < UInt32(RTE_MAX_LCORE) {
        _ = rte_eal_remote_launch(f, arg, id)   // one launch event per lcore, as DPDK's
        id = rte_get_next_lcore(id, 1, 0)
    }
    if call_main == CALL_MAIN { runOnMain(f, arg) }
    return 0
}

@c @implementation
public func rte_eal_get_lcore_state(_ worker_id: UInt32) -> rte_lcore_state_t {
    lcoreState(worker_id)
}

@c @implementation
public func rte_eal_wait_lcore(_ worker_id: UInt32) -> Int32 {
    waitLcore(worker_id)
}

@c @implementation
public func rte_eal_mp_wait_lcore() {
    var id = rte_get_next_lcore(UInt32.max, 1, 0)
    while id < UInt32(RTE_MAX_LCORE) {
        _ = waitLcore(id)
        id = rte_get_next_lcore(id, 1, 0)
    }
}
