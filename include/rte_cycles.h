/*
 * SwiftEAL: the time-stamp counter and delays (x86_64).
 *
 * rte_get_tsc_hz() is calibrated by rte_eal_init (0 before it). The cycle counters
 * are inline reads of the TSC; rte_delay_us is a function pointer (default
 * rte_delay_us_block) that an application may replace.
 */
#ifndef _RTE_CYCLES_H_
#define _RTE_CYCLES_H_

#include <stdint.h>
#include <rte_config.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_atomic.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MS_PER_S 1000
#define US_PER_S 1000000
#define NS_PER_S 1000000000

enum timer_source {
	EAL_TIMER_TSC = 0,
	EAL_TIMER_HPET
};
extern enum timer_source eal_timer_source;

/* TSC ticks per second, as measured at init; 0 before rte_eal_init. */
uint64_t rte_get_tsc_hz(void);

/* The raw time-stamp counter. */
static inline uint64_t
rte_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return ((uint64_t)hi << 32) | lo;
}

/* The time-stamp counter after every earlier load and store has completed. */
static inline uint64_t
rte_rdtsc_precise(void)
{
	rte_mb();
	return rte_rdtsc();
}

static inline uint64_t
rte_get_tsc_cycles(void)
{
	return rte_rdtsc();
}

/* The EAL's timer is the TSC (no HPET support). */
static inline uint64_t
rte_get_timer_cycles(void)
{
	return rte_get_tsc_cycles();
}

static inline uint64_t
rte_get_timer_hz(void)
{
	return rte_get_tsc_hz();
}

/* Wait at least us microseconds, by whatever rte_delay_us_callback_register chose. */
extern void (*rte_delay_us)(unsigned int us);

static inline void
rte_delay_ms(unsigned ms)
{
	rte_delay_us(ms * 1000);
}

/* Busy-wait on the TSC for us microseconds. */
void rte_delay_us_block(unsigned int us);

/* Sleep (yielding the CPU) for us microseconds. */
void rte_delay_us_sleep(unsigned int us);

/* Make rte_delay_us call userfunc from now on. */
void rte_delay_us_callback_register(void (*userfunc)(unsigned int));

#ifdef __cplusplus
}
#endif

#endif
