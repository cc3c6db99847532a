import CEALShared
import CSwiftEAL

/// Where cpuid reports each rte_cpu_flag_t, in enum order (Intel SDM vol. 2,
/// "CPUID"; AMD APM vol. 3 for the 0x8000000x leaves).
struct CPUFeature {
    let name: StaticString
    let leaf: UInt32
    let subleaf: UInt32
    let reg: Int      // 0 EAX, 1 EBX, 2 ECX, 3 EDX
    let bit: UInt32
}

enum CPUFlags {
    private static let eax = 0, ebx = 1, ecx = 2, edx = 3

    static let table: [CPUFeature] = [
        // leaf 1, ECX
        .init(name: "SSE3", leaf: 1, subleaf: 0, reg: ecx, bit: 0),
        .init(name: "PCLMULQDQ", leaf: 1, subleaf: 0, reg: ecx, bit: 1),
        .init(name: "DTES64", leaf: 1, subleaf: 0, reg: ecx, bit: 2),
        .init(name: "MONITOR", leaf: 1, subleaf: 0, reg: ecx, bit: 3),
        .init(name: "DS_CPL", leaf: 1, subleaf: 0, reg: ecx, bit: 4),
        .init(name: "VMX", leaf: 1, subleaf: 0, reg: ecx, bit: 5),
        .init(name: "SMX", leaf: 1, subleaf: 0, reg: ecx, bit: 6),
        .init(name: "EIST", leaf: 1, subleaf: 0, reg: ecx, bit: 7),
        .init(name: "TM2", leaf: 1, subleaf: 0, reg: ecx, bit: 8),
        .init(name: "SSSE3", leaf: 1, subleaf: 0, reg: ecx, bit: 9),
        .init(name: "CNXT_ID", leaf: 1, subleaf: 0, reg: ecx, bit: 10),
        .init(name: "FMA", leaf: 1, subleaf: 0, reg: ecx, bit: 12),
        .init(name: "CMPXCHG16B", leaf: 1, subleaf: 0, reg: ecx, bit: 13),
        .init(name: "XTPR", leaf: 1, subleaf: 0, reg: ecx, bit: 14),
        .init(name: "PDCM", leaf: 1, subleaf: 0, reg: ecx, bit: 15),
        .init(name: "PCID", leaf: 1, subleaf: 0, reg: ecx, bit: 17),
        .init(name: "DCA", leaf: 1, subleaf: 0, reg: ecx, bit: 18),
        .init(name: "SSE4_1", leaf: 1, subleaf: 0, reg: ecx, bit: 19),
        .init(name: "SSE4_2", leaf: 1, subleaf: 0, reg: ecx, bit: 20),
        .init(name: "X2APIC", leaf: 1, subleaf: 0, reg: ecx, bit: 21),
        .init(name: "MOVBE", leaf: 1, subleaf: 0, reg: ecx, bit: 22),
        .init(name: "POPCNT", leaf: 1, subleaf: 0, reg: ecx, bit: 23),
        .init(name: "TSC_DEADLINE", leaf: 1, subleaf: 0, reg: ecx, bit: 24),
        .init(name: "AES", leaf: 1, subleaf: 0, reg: ecx, bit: 25),
        .init(name: "XSAVE", leaf: 1, subleaf: 0, reg: ecx, bit: 26),
        .init(name: "OSXSAVE", leaf: 1, subleaf: 0, reg: ecx, bit: 27),
        .init(name: "AVX", leaf: 1, subleaf: 0, reg: ecx, bit: 28),
        .init(name: "F16C", leaf: 1, subleaf: 0, reg: ecx, bit: 29),
        .init(name: "RDRAND", leaf: 1, subleaf: 0, reg: ecx, bit: 30),
        .init(name: "HYPERVISOR", leaf: 1, subleaf: 0, reg: ecx, bit: 31),
        // leaf 1, EDX
        .init(name: "FPU", leaf: 1, subleaf: 0, reg: edx, bit: 0),
        .init(name: "VME", leaf: 1, subleaf: 0, reg: edx, bit: 1),
        .init(name: "DE", leaf: 1, subleaf: 0, reg: edx, bit: 2),
        .init(name: "PSE", leaf: 1, subleaf: 0, reg: edx, bit: 3),
        .init(name: "TSC", leaf: 1, subleaf: 0, reg: edx, bit: 4),
        .init(name: "MSR", leaf: 1, subleaf: 0, reg: edx, bit: 5),
        .init(name: "PAE", leaf: 1, subleaf: 0, reg: edx, bit: 6),
        .init(name: "MCE", leaf: 1, subleaf: 0, reg: edx, bit: 7),
        .init(name: "CX8", leaf: 1, subleaf: 0, reg: edx, bit: 8),
        .init(name: "APIC", leaf: 1, subleaf: 0, reg: edx, bit: 9),
        .init(name: "SEP", leaf: 1, subleaf: 0, reg: edx, bit: 11),
        .init(name: "MTRR", leaf: 1, subleaf: 0, reg: edx, bit: 12),
        .init(name: "PGE", leaf: 1, subleaf: 0, reg: edx, bit: 13),
        .init(name: "MCA", leaf: 1, subleaf: 0, reg: edx, bit: 14),
        .init(name: "CMOV", leaf: 1, subleaf: 0, reg: edx, bit: 15),
        .init(name: "PAT", leaf: 1, subleaf: 0, reg: edx, bit: 16),
        .init(name: "PSE36", leaf: 1, subleaf: 0, reg: edx, bit: 17),
        .init(name: "PSN", leaf: 1, subleaf: 0, reg: edx, bit: 18),
        .init(name: "CLFSH", leaf: 1, subleaf: 0, reg: edx, bit: 19),
        .init(name: "DS", leaf: 1, subleaf: 0, reg: edx, bit: 21),
        .init(name: "ACPI", leaf: 1, subleaf: 0, reg: edx, bit: 22),
        .init(name: "MMX", leaf: 1, subleaf: 0, reg: edx, bit: 23),
        .init(name: "FXSR", leaf: 1, subleaf: 0, reg: edx, bit: 24),
        .init(name: "SSE", leaf: 1, subleaf: 0, reg: edx, bit: 25),
        .init(name: "SSE2", leaf: 1, subleaf: 0, reg: edx, bit: 26),
        .init(name: "SS", leaf: 1, subleaf: 0, reg: edx, bit: 27),
        .init(name: "HTT", leaf: 1, subleaf: 0, reg: edx, bit: 28),
        .init(name: "TM", leaf: 1, subleaf: 0, reg: edx, bit: 29),
        .init(name: "PBE", leaf: 1, subleaf: 0, reg: edx, bit: 31),
        // leaf 6: thermal and power
        .init(name: "DIGTEMP", leaf: 6, subleaf: 0, reg: eax, bit: 0),
        .init(name: "TRBOBST", leaf: 6, subleaf: 0, reg: eax, bit: 1),
        .init(name: "ARAT", leaf: 6, subleaf: 0, reg: eax, bit: 2),
        .init(name: "PLN", leaf: 6, subleaf: 0, reg: eax, bit: 4),
        .init(name: "ECMD", leaf: 6, subleaf: 0, reg: eax, bit: 5),
        .init(name: "PTM", leaf: 6, subleaf: 0, reg: eax, bit: 6),
        .init(name: "MPERF_APERF_MSR", leaf: 6, subleaf: 0, reg: ecx, bit: 0),
        .init(name: "ACNT2", leaf: 6, subleaf: 0, reg: ecx, bit: 1),
        .init(name: "ENERGY_EFF", leaf: 6, subleaf: 0, reg: ecx, bit: 3),
        // leaf 7, subleaf 0, EBX
        .init(name: "FSGSBASE", leaf: 7, subleaf: 0, reg: ebx, bit: 0),
        .init(name: "BMI1", leaf: 7, subleaf: 0, reg: ebx, bit: 3),
        .init(name: "HLE", leaf: 7, subleaf: 0, reg: ebx, bit: 4),
        .init(name: "AVX2", leaf: 7, subleaf: 0, reg: ebx, bit: 5),
        .init(name: "SMEP", leaf: 7, subleaf: 0, reg: ebx, bit: 7),
        .init(name: "BMI2", leaf: 7, subleaf: 0, reg: ebx, bit: 8),
        .init(name: "ERMS", leaf: 7, subleaf: 0, reg: ebx, bit: 9),
        .init(name: "INVPCID", leaf: 7, subleaf: 0, reg: ebx, bit: 10),
        .init(name: "RTM", leaf: 7, subleaf: 0, reg: ebx, bit: 11),
        .init(name: "AVX512F", leaf: 7, subleaf: 0, reg: ebx, bit: 16),
        .init(name: "RDSEED", leaf: 7, subleaf: 0, reg: ebx, bit: 18),
        // extended leaves
        .init(name: "LAHF_SAHF", leaf: 0x8000_0001, subleaf: 0, reg: ecx, bit: 0),
        .init(name: "LZCNT", leaf: 0x8000_0001, subleaf: 0, reg: ecx, bit: 4),
        .init(name: "SYSCALL", leaf: 0x8000_0001, subleaf: 0, reg: edx, bit: 11),
        .init(name: "XD", leaf: 0x8000_0001, subleaf: 0, reg: edx, bit: 20),
        .init(name: "1GB_PG", leaf: 0x8000_0001, subleaf: 0, reg: edx, bit: 26),
        .init(name: "RDTSCP", leaf: 0x8000_0001, subleaf: 0, reg: edx, bit: 27),
        .init(name: "EM64T", leaf: 0x8000_0001, subleaf: 0, reg: edx, bit: 29),
        .init(name: "INVTSC", leaf: 0x8000_0007, subleaf: 0, reg: edx, bit: 8),
        // leaf 7, subleaf 0: AVX-512 and newer
        .init(name: "AVX512DQ", leaf: 7, subleaf: 0, reg: ebx, bit: 17),
        .init(name: "AVX512IFMA", leaf: 7, subleaf: 0, reg: ebx, bit: 21),
        .init(name: "AVX512CD", leaf: 7, subleaf: 0, reg: ebx, bit: 28),
        .init(name: "AVX512BW", leaf: 7, subleaf: 0, reg: ebx, bit: 30),
        .init(name: "AVX512VL", leaf: 7, subleaf: 0, reg: ebx, bit: 31),
        .init(name: "AVX512VBMI", leaf: 7, subleaf: 0, reg: ecx, bit: 1),
        .init(name: "AVX512VBMI2", leaf: 7, subleaf: 0, reg: ecx, bit: 6),
        .init(name: "GFNI", leaf: 7, subleaf: 0, reg: ecx, bit: 8),
        .init(name: "VAES", leaf: 7, subleaf: 0, reg: ecx, bit: 9),
        .init(name: "VPCLMULQDQ", leaf: 7, subleaf: 0, reg: ecx, bit: 10),
        .init(name: "AVX512VNNI", leaf: 7, subleaf: 0, reg: ecx, bit: 11),
        .init(name: "AVX512BITALG", leaf: 7, subleaf: 0, reg: ecx, bit: 12),
        .init(name: "AVX512VPOPCNTDQ", leaf: 7, subleaf: 0, reg: ecx, bit: 14),
        .init(name: "CLDEMOTE", leaf: 7, subleaf: 0, reg: ecx, bit: 25),
        .init(name: "MOVDIRI", leaf: 7, subleaf: 0, reg: ecx, bit: 27),
        .init(name: "MOVDIR64B", leaf: 7, subleaf: 0, reg: ecx, bit: 28),
        .init(name: "AVX512VP2INTERSECT", leaf: 7, subleaf: 0, reg: edx, bit: 8),
        .init(name: "WAITPKG", leaf: 7, subleaf: 0, reg: ecx, bit: 5),
    ]

    /// The four registers cpuid returns for (leaf, subleaf).
    static func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> (UInt32, UInt32, UInt32, UInt32) {
        var regs: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &regs) { raw in
            eal_cpuid(leaf, subleaf, raw.bindMemory(to: UInt32.self).baseAddress!)
        }
        return regs
    }

    /// 1 or 0 for a flag, -ENOENT for a value past the table.
    static func enabled(_ index: UInt32) -> Int32 {
        guard index < UInt32(table.count) else { return -ENOENT }
        let f = table[Int(index)]
        // the highest leaf of the flag's range (basic or extended)
        let maxLeaf = cpuid(f.leaf & 0x8000_0000).0
        if maxLeaf < f.leaf { return 0 }
        let r = cpuid(f.leaf, f.subleaf)
        let word: UInt32
        switch f.reg {
        case 0: word = r.0
        case 1: word = r.1
        case 2: word = r.2
        default: word = r.3
        }
        return Int32((word >> f.bit) & 1)
    }

    /// The features this library's build assumes (the x86-64 baseline DPDK 22.11
    /// is built for: up to SSE4.2).
    static let required: [rte_cpu_flag_t] = [
        RTE_CPUFLAG_SSE, RTE_CPUFLAG_SSE2, RTE_CPUFLAG_SSE3, RTE_CPUFLAG_SSSE3,
        RTE_CPUFLAG_SSE4_1, RTE_CPUFLAG_SSE4_2,
    ]
}
