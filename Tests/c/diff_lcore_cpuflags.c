/*
 * CPU flags, intrinsics and the hypervisor on this machine, side by side with
 * DPDK 22.11's librte_eal: every flag's name and state must match.
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdio.h>
#include <rte_cpuflags.h>
#include <rte_hypervisor.h>

int main(void)
{
	for (int i = -1; i <= RTE_CPUFLAG_NUMFLAGS; i++) {
		const char *name = rte_cpu_get_flag_name((enum rte_cpu_flag_t)i);
		printf("%d %s %d\n", i, name ? name : "(null)",
			rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)i));
	}
	printf("supported %d\n", rte_cpu_is_supported());
	struct rte_cpu_intrinsics intr;
	rte_cpu_get_intrinsics_support(&intr);
	printf("intrinsics %u %u %u\n", intr.power_monitor, intr.power_pause,
		intr.power_monitor_multi);
	enum rte_hypervisor hv = rte_hypervisor_get();
	printf("hypervisor %d %s\n", hv, rte_hypervisor_get_name(hv));
	for (int i = 0; i <= 5; i++)
		printf("hypervisor name %d %s\n", i, rte_hypervisor_get_name((enum rte_hypervisor)i));
	return 0;
}
