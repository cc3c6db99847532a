/* SwiftEAL: which hypervisor, if any, this process runs under (cpuid leaf 0x40000000). */
#ifndef RTE_HYPERVISOR_H
#define RTE_HYPERVISOR_H

#ifdef __cplusplus
extern "C" {
#endif

enum rte_hypervisor {
	RTE_HYPERVISOR_NONE,
	RTE_HYPERVISOR_KVM,
	RTE_HYPERVISOR_HYPERV,
	RTE_HYPERVISOR_VMWARE,
	RTE_HYPERVISOR_UNKNOWN
};

enum rte_hypervisor rte_hypervisor_get(void);

/* "none", "KVM", "Hyper-V", "VMware" or "unknown". */
const char *rte_hypervisor_get_name(enum rte_hypervisor id);

#ifdef __cplusplus
}
#endif

#endif
