/*
 * SwiftEAL: the x86 power-management intrinsics (DPDK 22.11 compatible,
 * experimental API). They need WAITPKG (UMONITOR/UMWAIT/TPAUSE), and
 * rte_power_monitor_multi also RTM; rte_cpu_get_intrinsics_support says which
 * this CPU has. Without them every call returns -ENOTSUP.
 */
#ifndef _RTE_POWER_INTRINSIC_H_
#define _RTE_POWER_INTRINSIC_H_

#include <inttypes.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rte_spinlock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How many words of callback data a monitor condition carries. */
#define RTE_POWER_MONITOR_OPAQUE_SZ 4

/* Decides, from the value read at the monitored address, whether to sleep:
 * 0 to go on, -1 to return at once. */
typedef int (*rte_power_monitor_clb_t)(const uint64_t val,
		const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ]);

/* What to watch. */
struct rte_power_monitor_cond {
	volatile void *addr;      /* the address whose write wakes the lcore */
	uint8_t size;             /* bytes read at addr for fn: 1, 2, 4 or 8 */
	rte_power_monitor_clb_t fn;  /* required */
	uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ];  /* fn's data */
};

/* Sleeps (UMWAIT, C0.2) until pmc->addr is written, the TSC reaches tsc_timestamp
 * or something else wakes the CPU, unless pmc->fn says not to. EAL threads only.
 * 0, -EINVAL for bad parameters, -ENOTSUP without WAITPKG. */
__rte_experimental
int rte_power_monitor(const struct rte_power_monitor_cond *pmc,
		const uint64_t tsc_timestamp);

/* Wakes the lcore if it sleeps in rte_power_monitor (not rte_power_pause).
 * 0, -EINVAL for a bad lcore id, -ENOTSUP without WAITPKG. */
__rte_experimental
int rte_power_monitor_wakeup(const unsigned int lcore_id);

/* Sleeps (TPAUSE, C0.2) until the TSC reaches tsc_timestamp.
 * 0, or -ENOTSUP without WAITPKG. */
__rte_experimental
int rte_power_pause(const uint64_t tsc_timestamp);

/* rte_power_monitor over num conditions at once (an RTM transaction watches them).
 * 0, -EINVAL for bad parameters, -ENOTSUP without WAITPKG and RTM. */
__rte_experimental
int rte_power_monitor_multi(const struct rte_power_monitor_cond pmc[],
		const uint32_t num, const uint64_t tsc_timestamp);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_POWER_INTRINSIC_H_ */
