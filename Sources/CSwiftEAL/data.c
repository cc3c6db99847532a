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
__thread void *per_lcore_trace_mem;
__thread volatile int per_lcore_trace_point_sz;

/* weak: the Lcore/timer code defines it; the pointer must start out pointing at it */
void rte_delay_us_block(unsigned int us) __attribute__((weak));
void (*rte_delay_us)(unsigned int) = rte_delay_us_block;

uint8_t rte_rtm_supported;          /* 0: locks are never elided */
int eal_timer_source;               /* EAL_TIMER_TSC */
int rte_cycles_vmware_tsc_map;

/* Trace point handles: SwiftEAL has no tracer, so they stay disabled (0). */
uint64_t __rte_eal_trace_alarm_cancel;
uint64_t __rte_eal_trace_alarm_set;
uint64_t __rte_eal_trace_generic_double;
uint64_t __rte_eal_trace_generic_float;
uint64_t __rte_eal_trace_generic_func;
uint64_t __rte_eal_trace_generic_i16;
uint64_t __rte_eal_trace_generic_i32;
uint64_t __rte_eal_trace_generic_i64;
uint64_t __rte_eal_trace_generic_i8;
uint64_t __rte_eal_trace_generic_int;
uint64_t __rte_eal_trace_generic_long;
uint64_t __rte_eal_trace_generic_ptr;
uint64_t __rte_eal_trace_generic_size_t;
uint64_t __rte_eal_trace_generic_str;
uint64_t __rte_eal_trace_generic_u16;
uint64_t __rte_eal_trace_generic_u32;
uint64_t __rte_eal_trace_generic_u64;
uint64_t __rte_eal_trace_generic_u8;
uint64_t __rte_eal_trace_generic_void;
uint64_t __rte_eal_trace_intr_callback_register;
uint64_t __rte_eal_trace_intr_callback_unregister;
uint64_t __rte_eal_trace_intr_disable;
uint64_t __rte_eal_trace_intr_enable;
uint64_t __rte_eal_trace_mem_free;
uint64_t __rte_eal_trace_mem_malloc;
uint64_t __rte_eal_trace_mem_realloc;
uint64_t __rte_eal_trace_mem_zmalloc;
uint64_t __rte_eal_trace_memzone_free;
uint64_t __rte_eal_trace_memzone_lookup;
uint64_t __rte_eal_trace_memzone_reserve;
uint64_t __rte_eal_trace_thread_lcore_ready;
uint64_t __rte_eal_trace_thread_remote_launch;
