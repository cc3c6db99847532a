/*
 * SwiftEAL: CPU feature flags (x86_64), read with cpuid.
 */
#ifndef _RTE_CPUFLAGS_H_
#define _RTE_CPUFLAGS_H_

#include <stdint.h>
#include <errno.h>
#include <rte_common.h>
#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which CPU-specific power intrinsics rte_power_* may use. */
struct rte_cpu_intrinsics {
	uint32_t power_monitor : 1;       /* rte_power_monitor (UMONITOR/UMWAIT) */
	uint32_t power_pause : 1;         /* rte_power_pause (TPAUSE) */
	uint32_t power_monitor_multi : 1; /* rte_power_monitor_multi */
};

/* Fills intrinsics with what this CPU supports. */
__rte_experimental
void rte_cpu_get_intrinsics_support(struct rte_cpu_intrinsics *intrinsics);

/* The features, grouped by the cpuid leaf and register that reports them. */
enum rte_cpu_flag_t {
	/* leaf 1, ECX */
	RTE_CPUFLAG_SSE3 = 0,
	RTE_CPUFLAG_PCLMULQDQ,
	RTE_CPUFLAG_DTES64,
	RTE_CPUFLAG_MONITOR,
	RTE_CPUFLAG_DS_CPL,
	RTE_CPUFLAG_VMX,
	RTE_CPUFLAG_SMX,
	RTE_CPUFLAG_EIST,
	RTE_CPUFLAG_TM2,
	RTE_CPUFLAG_SSSE3,
	RTE_CPUFLAG_CNXT_ID,
	RTE_CPUFLAG_FMA,
	RTE_CPUFLAG_CMPXCHG16B,
	RTE_CPUFLAG_XTPR,
	RTE_CPUFLAG_PDCM,
	RTE_CPUFLAG_PCID,
	RTE_CPUFLAG_DCA,
	RTE_CPUFLAG_SSE4_1,
	RTE_CPUFLAG_SSE4_2,
	RTE_CPUFLAG_X2APIC,
	RTE_CPUFLAG_MOVBE,
	RTE_CPUFLAG_POPCNT,
	RTE_CPUFLAG_TSC_DEADLINE,
	RTE_CPUFLAG_AES,
	RTE_CPUFLAG_XSAVE,
	RTE_CPUFLAG_OSXSAVE,
	RTE_CPUFLAG_AVX,
	RTE_CPUFLAG_F16C,
	RTE_CPUFLAG_RDRAND,
	RTE_CPUFLAG_HYPERVISOR,
	/* leaf 1, EDX */
	RTE_CPUFLAG_FPU,
	RTE_CPUFLAG_VME,
	RTE_CPUFLAG_DE,
	RTE_CPUFLAG_PSE,
	RTE_CPUFLAG_TSC,
	RTE_CPUFLAG_MSR,
	RTE_CPUFLAG_PAE,
	RTE_CPUFLAG_MCE,
	RTE_CPUFLAG_CX8,
	RTE_CPUFLAG_APIC,
	RTE_CPUFLAG_SEP,
	RTE_CPUFLAG_MTRR,
	RTE_CPUFLAG_PGE,
	RTE_CPUFLAG_MCA,
	RTE_CPUFLAG_CMOV,
	RTE_CPUFLAG_PAT,
	RTE_CPUFLAG_PSE36,
	RTE_CPUFLAG_PSN,
	RTE_CPUFLAG_CLFSH,
	RTE_CPUFLAG_DS,
	RTE_CPUFLAG_ACPI,
	RTE_CPUFLAG_MMX,
	RTE_CPUFLAG_FXSR,
	RTE_CPUFLAG_SSE,
	RTE_CPUFLAG_SSE2,
	RTE_CPUFLAG_SS,
	RTE_CPUFLAG_HTT,
	RTE_CPUFLAG_TM,
	RTE_CPUFLAG_PBE,
	/* leaf 6 */
	RTE_CPUFLAG_DIGTEMP,
	RTE_CPUFLAG_TRBOBST,
	RTE_CPUFLAG_ARAT,
	RTE_CPUFLAG_PLN,
	RTE_CPUFLAG_ECMD,
	RTE_CPUFLAG_PTM,
	RTE_CPUFLAG_MPERF_APERF_MSR,
	RTE_CPUFLAG_ACNT2,
	RTE_CPUFLAG_ENERGY_EFF,
	/* leaf 7 */
	RTE_CPUFLAG_FSGSBASE,
	RTE_CPUFLAG_BMI1,
	RTE_CPUFLAG_HLE,
	RTE_CPUFLAG_AVX2,
	RTE_CPUFLAG_SMEP,
	RTE_CPUFLAG_BMI2,
	RTE_CPUFLAG_ERMS,
	RTE_CPUFLAG_INVPCID,
	RTE_CPUFLAG_RTM,
	RTE_CPUFLAG_AVX512F,
	RTE_CPUFLAG_RDSEED,
	/* leaves 0x80000001 and 0x80000007 */
	RTE_CPUFLAG_LAHF_SAHF,
	RTE_CPUFLAG_LZCNT,
	RTE_CPUFLAG_SYSCALL,
	RTE_CPUFLAG_XD,
	RTE_CPUFLAG_1GB_PG,
	RTE_CPUFLAG_RDTSCP,
	RTE_CPUFLAG_EM64T,
	RTE_CPUFLAG_INVTSC,
	/* leaf 7, more */
	RTE_CPUFLAG_AVX512DQ,
	RTE_CPUFLAG_AVX512IFMA,
	RTE_CPUFLAG_AVX512CD,
	RTE_CPUFLAG_AVX512BW,
	RTE_CPUFLAG_AVX512VL,
	RTE_CPUFLAG_AVX512VBMI,
	RTE_CPUFLAG_AVX512VBMI2,
	RTE_CPUFLAG_GFNI,
	RTE_CPUFLAG_VAES,
	RTE_CPUFLAG_VPCLMULQDQ,
	RTE_CPUFLAG_AVX512VNNI,
	RTE_CPUFLAG_AVX512BITALG,
	RTE_CPUFLAG_AVX512VPOPCNTDQ,
	RTE_CPUFLAG_CLDEMOTE,
	RTE_CPUFLAG_MOVDIRI,
	RTE_CPUFLAG_MOVDIR64B,
	RTE_CPUFLAG_AVX512VP2INTERSECT,
	RTE_CPUFLAG_WAITPKG,
	/* the number of flags; not a flag */
	RTE_CPUFLAG_NUMFLAGS,
};

/* The flag's name ("SSE3"), or NULL for a value that is not a flag. */
const char *rte_cpu_get_flag_name(enum rte_cpu_flag_t feature);

/* 1 if this CPU has the feature, 0 if not, -ENOENT for a value that is not a flag. */
int rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature);

/* 1 if this CPU has every feature the library was built to use, 0 otherwise. */
int rte_cpu_is_supported(void);

#ifdef __cplusplus
}
#endif

#endif
