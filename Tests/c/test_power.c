/*
 * The power intrinsics answer what the CPU allows: without WAITPKG (this VM) every
 * call is -ENOTSUP whatever its arguments, as DPDK's; with it, bad arguments are
 * -EINVAL, a pause whose deadline has passed returns at once, a monitor whose
 * callback says the value is already there does not sleep, and wakeups of idle lcores
 * are harmless. rte_power_monitor_multi also needs RTM.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_power_intrinsics.h>

#include "check.h"

static int abort_cb(const uint64_t val, const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	return val == opaque[0] ? -1 : 0;
}

static volatile uint64_t word = 5;

static void *plain(void *arg)
{
	return (void *)(intptr_t)rte_power_monitor(arg, rte_rdtsc());
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "test_power", NULL };
	if (rte_eal_init(9, eal) < 0) {
		CHECK(0);
		return check_report();
	}
	struct rte_cpu_intrinsics in;
	rte_cpu_get_intrinsics_support(&in);
	int waitpkg = rte_cpu_get_flag_enabled(RTE_CPUFLAG_WAITPKG) == 1;
	int rtm = rte_cpu_get_flag_enabled(RTE_CPUFLAG_RTM) == 1;
	CHECK_EQ(in.power_monitor, waitpkg);
	CHECK_EQ(in.power_pause, waitpkg);
	CHECK_EQ(in.power_monitor_multi, waitpkg && rtm);
	printf("WAITPKG %d RTM %d\n", waitpkg, rtm);

	struct rte_power_monitor_cond c, bad;
	memset(&c, 0, sizeof(c));
	c.addr = &word;
	c.size = 8;
	c.fn = abort_cb;
	c.opaque[0] = 5;               /* the value is already there: do not sleep */
	uint64_t now = rte_rdtsc();
	if (!waitpkg) {
		CHECK_EQ(rte_power_monitor(&c, now), -ENOTSUP);
		CHECK_EQ(rte_power_monitor(NULL, now), -ENOTSUP);
		CHECK_EQ(rte_power_pause(now), -ENOTSUP);
		CHECK_EQ(rte_power_pause(0), -ENOTSUP);
		CHECK_EQ(rte_power_monitor_wakeup(0), -ENOTSUP);
		CHECK_EQ(rte_power_monitor_wakeup(RTE_MAX_LCORE), -ENOTSUP);
	} else {
		CHECK_EQ(rte_power_monitor(&c, now), 0);
		CHECK_EQ(rte_power_monitor(NULL, now), -EINVAL);
		bad = c;
		bad.size = 3;
		CHECK_EQ(rte_power_monitor(&bad, now), -EINVAL);
		bad = c;
		bad.fn = NULL;
		CHECK_EQ(rte_power_monitor(&bad, now), -EINVAL);
		pthread_t t;
		void *r = NULL;
		pthread_create(&t, NULL, plain, &c);
		pthread_join(t, &r);
		CHECK_EQ((intptr_t)r, -EINVAL);           /* not an EAL thread */
		CHECK_EQ(rte_power_pause(now), 0);        /* the deadline has passed */
		uint64_t t0 = rte_rdtsc();
		CHECK_EQ(rte_power_pause(t0 + rte_get_tsc_hz() / 1000), 0);
		CHECK(rte_rdtsc() - t0 < rte_get_tsc_hz());
		CHECK_EQ(rte_power_monitor_wakeup(1), 0); /* not sleeping: no effect */
		CHECK_EQ(rte_power_monitor_wakeup(RTE_MAX_LCORE), -EINVAL);
	}
	if (!(waitpkg && rtm)) {
		CHECK_EQ(rte_power_monitor_multi(&c, 1, now), -ENOTSUP);
		CHECK_EQ(rte_power_monitor_multi(NULL, 0, now), -ENOTSUP);
	} else {
		CHECK_EQ(rte_power_monitor_multi(&c, 1, now), 0);
		CHECK_EQ(rte_power_monitor_multi(NULL, 1, now), -EINVAL);
		CHECK_EQ(rte_power_monitor_multi(&c, 0, now), -EINVAL);
	}
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
