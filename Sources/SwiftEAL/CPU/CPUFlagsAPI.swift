// The C API of rte_cpuflags.h, rte_hypervisor.h and rte_vect.h.
import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

@c @implementation
public func rte_cpu_get_flag_name(_ feature: rte_cpu_flag_t) -> UnsafePointer<CChar>? {
    guard feature.rawValue < UInt32(CPUFlags.table.count) else { return nil }
    return UnsafeRawPointer(CPUFlags.table[Int(feature.rawValue)].name.utf8Start)
        .assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func rte_cpu_get_flag_enabled(_ feature: rte_cpu_flag_t) -> Int32 {
    CPUFlags.enabled(feature.rawValue)
}

@c @implementation
public func rte_cpu_is_supported() -> Int32 {
    for flag in CPUFlags.required where CPUFlags.enabled(flag.rawValue) != 1 {
        let name = String(cString: rte_cpu_get_flag_name(flag)!)
        ealLog(4, "ERROR: This system does not support \"\(name)\".")
        ealLog(4, "Please check that RTE_MACHINE is set correctly.")
        return 0
    }
    return 1
}

@c @implementation
public func rte_cpu_get_intrinsics_support(_ intrinsics: UnsafeMutablePointer<rte_cpu_intrinsics>?) {
    guard let intrinsics else { return }
    intrinsics.pointee = rte_cpu_intrinsics()
    if CPUFlags.enabled(RTE_CPUFLAG_WAITPKG.rawValue) == 1 {
        intrinsics.pointee.power_monitor = 1
        intrinsics.pointee.power_pause = 1
        if CPUFlags.enabled(RTE_CPUFLAG_RTM.rawValue) == 1 {
            intrinsics.pointee.power_monitor_multi = 1
        }
    }
}

/// The hypervisor named by cpuid leaf 0x40000000's vendor string.
enum Hypervisor {
    static func detect() -> rte_hypervisor {
        guard CPUFlags.enabled(RTE_CPUFLAG_HYPERVISOR.rawValue) == 1 else { return RTE_HYPERVISOR_NONE }
        let r = CPUFlags.cpuid(0x4000_0000)
        var bytes: [UInt8] = []
        for w in [r.1, r.2, r.3] { for i in 0..<4 { bytes.append(UInt8((w >> (8 * UInt32(i))) & 0xff)) } }
        let vendor = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        switch vendor {
        case "KVMKVMKVM": return RTE_HYPERVISOR_KVM
        case "Microsoft Hv": return RTE_HYPERVISOR_HYPERV
        case "VMwareVMware": return RTE_HYPERVISOR_VMWARE
        default: return RTE_HYPERVISOR_UNKNOWN
        }
    }
}

@c @implementation
public func rte_hypervisor_get() -> rte_hypervisor {
    Hypervisor.detect()
}

@c @implementation
public func rte_hypervisor_get_name(_ id: rte_hypervisor) -> UnsafePointer<CChar>? {
    let name: StaticString
    switch id {
    case RTE_HYPERVISOR_NONE: name = "none"
    case RTE_HYPERVISOR_KVM: name = "KVM"
    case RTE_HYPERVISOR_HYPERV: name = "Hyper-V"
    case RTE_HYPERVISOR_VMWARE: name = "VMware"
    default: name = "unknown"
    }
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// The SIMD width limit: 0 before init, RTE_VECT_DEFAULT_SIMD_BITWIDTH after,
/// or what --force-max-simd-bitwidth fixed.
enum Vect {
    static var bitwidth: UInt16 {
        get { bitwidthStorage.load(ordering: .relaxed) }
        set { bitwidthStorage.store(newValue, ordering: .relaxed) }
    }
    private static let bitwidthStorage = Atomic<UInt16>(0)
    static var forced: Bool {
        get { forcedStorage.load(ordering: .relaxed) }
        set { forcedStorage.store(newValue, ordering: .relaxed) }
    }
    private static let forcedStorage = Atomic<Bool>(false)

    /// At init: the default, or the forced value (0 = not forced).
    static func reset(forced value: UInt16 = 0) {
        forced = value != 0
        bitwidth = forced ? value : UInt16(RTE_VECT_SIMD_256.rawValue) // RTE_VECT_DEFAULT_SIMD_BITWIDTH
    }
}

@c @implementation
public func rte_vect_get_max_simd_bitwidth() -> UInt16 {
    Vect.bitwidth
}

@c @implementation
public func rte_vect_set_max_simd_bitwidth(_ bitwidth: UInt16) -> Int32 {
    if Vect.forced {
        ealLog(4, "Cannot set max SIMD bitwidth - user runtime override enabled")
        return -EPERM
    }
    if bitwidth < UInt16(RTE_VECT_SIMD_DISABLED.rawValue) || bitwidth & (bitwidth &- 1) != 0 {
        ealLog(4, "Invalid bitwidth value!")
        return -EINVAL
    }
    Vect.bitwidth = bitwidth
    return 0
}
