import CEALShared
import CSwiftEAL
import Glibc

// rte_eal.h: what a process can ask about the EAL it runs on.

@c @implementation
public func rte_eal_process_type() -> rte_proc_type_t {
    EALState.processType
}

/// Before init DPDK answers from its defaults: hugepages on.
@c @implementation
public func rte_eal_has_hugepages() -> Int32 {
    Runtime.option { $0.noHuge ? 0 : 1 }
}

@c @implementation
public func rte_eal_has_pci() -> Int32 {
    Runtime.option { $0.noPci ? 0 : 1 }
}

@c @implementation
public func rte_eal_create_uio_dev() -> Int32 {
    Runtime.option { $0.createUioDev ? 1 : 0 }
}

@c @implementation
public func rte_eal_vfio_intr_mode() -> rte_intr_mode {
    Runtime.option { $0.vfioIntrMode }
}

@c @implementation
public func rte_eal_vfio_get_vf_token(_ vf_token: UnsafeMutablePointer<UInt8>?) {
    guard let vf_token else { return }
    let bytes = Runtime.config.vfioVfToken.flatMap(OptionValues.uuidBytes) ?? [UInt8](repeating: 0, count: 16)
    for i in 0..<16 { vf_token[i] = bytes[i] }
}

@c @implementation
public func rte_eal_iova_mode() -> rte_iova_mode {
    EALState.iovaMode
}

/// "" before init and after cleanup, as DPDK.
@c @implementation
public func rte_eal_get_runtime_dir() -> UnsafePointer<CChar>? {
    UnsafePointer(EALState.runtimeDirBuffer)
}

@c @implementation
public func rte_eal_mbuf_user_pool_ops() -> UnsafePointer<CChar>? {
    UnsafePointer(EALState.mbufPoolOps)
}

@c @implementation
public func rte_eal_get_baseaddr() -> UInt64 {
    Runtime.option { $0.baseVirtaddr != 0 ? $0.baseVirtaddr : SharedConfig.defaultBaseAddress }
}

/// x86 I/O privilege for the calling thread: 0, or -1 where the kernel refuses it.
@c @implementation
public func rte_eal_iopl_init() -> Int32 {
    iopl(3) == 0 ? 0 : -1
}

/// 1 when a primary process holds the config file at `config_file_path`
/// (NULL: this process's prefix); never counts the caller itself.
@c @implementation
public func rte_eal_primary_proc_alive(_ config_file_path: UnsafePointer<CChar>?) -> Int32 {
    let path: ByteString
    if let config_file_path {
        path = ByteString(cString: config_file_path)
    } else {
        path = RuntimeDir.path(prefix: Runtime.config.filePrefix) + "/config"
    }
    return SharedConfig.primaryAlive(path: path) ? 1 : 0
}

@c @implementation
public func rte_set_application_usage_hook(_ usage_func: rte_usage_hook_t?) -> rte_usage_hook_t? {
    let old = Usage.applicationHook
    Usage.applicationHook = usage_func
    return old
}

/// Fills `cores[RTE_MAX_LCORE]` with each lcore's index in the mask (-1 when not
/// in it). 0, or -1 for a malformed mask or NULL arguments; as DPDK's, `cores` is all
/// -1 after a malformed mask.
@c @implementation
public func rte_eal_parse_coremask(_ coremask: UnsafePointer<CChar>?, _ cores: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let coremask, let cores else { return -1 }
    cores.update(repeating: -1, count: Int(RTE_MAX_LCORE))
    var all = CPUSet()
    for c in 0..<Int(RTE_MAX_LCORE) { all.insert(c) }
    switch CoreList.parseMask(String(cString: coremask), available: all) {
    case .failure(let e):
        if let m = e.messages.first { ealLog(4, m) }
        return -1
    case .success(let settings):
        var index: Int32 = 0
        for i in 0..<Int(RTE_MAX_LCORE) where settings[i].role == ROLE_RTE {
            cores[i] = index
            index += 1
        }
        return 0
    }
}
