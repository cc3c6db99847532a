// The C API of rte_service_component.h.
import CEALShared
import CSwiftEAL
import Glibc

/// The name is stored NUL-terminated (a 32-byte name loses its last byte), so
/// rte_service_get_name never returns an unterminated string.
@c @implementation
public func rte_service_component_register(_ spec: UnsafePointer<rte_service_spec>?, _ service_id: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let spec else { return -EINVAL }
    var copy = spec.pointee
    withUnsafeMutableBytes(of: &copy.name) { $0[$0.count - 1] = 0 }
    switch Services.register(copy) {
    case .success(let id):
        service_id?.pointee = id
        return 0
    case .failure(let e):
        return -e.rawValue
    }
}

@c @implementation
public func rte_service_component_unregister(_ id: UInt32) -> Int32 {
    Services.unregister(id).map { -$0.rawValue } ?? 0
}

@c @implementation
public func rte_service_component_runstate_set(_ id: UInt32, _ runstate: UInt32) -> Int32 {
    guard let s = Services.valid(id) else { return -EINVAL }
    eal_store_release(&s.pointee.comp_runstate, runstate != 0 ? 1 : 0)
    return 0
}

/// As DPDK: starts every service lcore, then maps services 0 to count-1 round-robin
/// onto them and sets each running (an unregistered id among them fails with
/// -ENODEV).
@c @implementation
public func rte_service_start_with_defaults() -> Int32 {
    let lcores = ServiceLcores.list()
    if lcores.isEmpty { return -ENOTSUP }
    for l in lcores { _ = ServiceLcores.start(l) }
    var next = 0
    for id in 0..<rte_service_get_count() {
        if rte_service_map_lcore_set(id, lcores[next], 1) != 0 { return -ENODEV }
        next = (next + 1) % lcores.count
        if rte_service_runstate_set(id, 1) != 0 { return -ENOEXEC }
    }
    return 0
}

@c @implementation
public func rte_service_finalize() {
    ServiceLcores.finalize()
}
