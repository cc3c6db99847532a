/*
 * SwiftEAL: the exported data and thread-local symbols. Swift cannot define these
 * with DPDK's exact sizes and initial values, and executables read the TLS ones
 * through initial-exec TLS and copy-relocate rte_delay_us.
 */
#include <stdint.h>
#include <rte_config.h>

__thread unsigned int per_lcore__lcore_id = UINT32_MAX; /* LCORE_ID_ANY off-lcore */
__thread int per_lcore__rte_errno;
__thread int per_lcore__thread_id = -1;                 /* filled by rte_gettid() */
__thread void *per_lcore_trace_mem;              /* this thread's trace buffer */
__thread volatile int per_lcore_trace_point_sz;   /* trace point registration */
/* the handles __rte_eal_trace_* are defined with the EAL's trace points
 * (CEALShared/trace_points.c) */

/* weak: the Lcore/timer code defines it; the pointer must start out pointing at it */
void rte_delay_us_block(unsigned int us) __attribute__((weak));
void (*rte_delay_us)(unsigned int) = rte_delay_us_block;

uint8_t rte_rtm_supported;          /* 0: locks are never elided */
int eal_timer_source;               /* EAL_TIMER_TSC */
int rte_cycles_vmware_tsc_map;

