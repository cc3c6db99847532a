/*
 * The power intrinsics side by side with DPDK 22.11's librte_eal: what the CPU offers
 * and each call's answer for arguments both libraries judge the same way on any CPU
 * (without WAITPKG: -ENOTSUP for all).
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_power_intrinsics.h>

#define P(x) printf("%s = %lld\n", #x, (long long)(x))

static int stop(const uint64_t val, const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	(void)val;
	(void)opaque;
	return -1;
}

static volatile uint64_t word;

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	struct rte_power_monitor_cond c, none;
	memset(&c, 0, sizeof(c));
	memset(&none, 0, sizeof(none));
	c.addr = &word;
	c.size = 8;
	c.fn = stop;
	none.addr = &word;
	none.size = 3;
	P(rte_power_monitor_wakeup(RTE_MAX_LCORE));
	P(rte_power_monitor_multi(NULL, 0, 0));
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "diff_power", NULL };
	if (rte_eal_init(9, eal) < 0)
		return 1;
	struct rte_cpu_intrinsics in;
	rte_cpu_get_intrinsics_support(&in);
	printf("monitor %d pause %d multi %d\n", in.power_monitor, in.power_pause, in.power_monitor_multi);
	P(rte_power_monitor(NULL, 0));
	P(rte_power_monitor(&none, 0));
	P(rte_power_monitor(&c, 0));
	P(rte_power_pause(0));
	P(rte_power_monitor_wakeup(0));
	P(rte_power_monitor_wakeup(1));
	P(rte_power_monitor_wakeup(RTE_MAX_LCORE));
	P(rte_power_monitor_multi(NULL, 0, 0));
	P(rte_power_monitor_multi(&c, 0, 0));
	P(rte_power_monitor_multi(&c, 1, 0));
	printf("cleanup %d\n", rte_eal_cleanup());
	return 0;
}
