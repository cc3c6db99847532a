/*
 * The x86 power-management instructions behind rte_power_intrinsics.h (UMONITOR,
 * UMWAIT, TPAUSE from WAITPKG; XBEGIN/XEND/XTEST from RTM), spelled as bytes so no
 * compiler flag is needed, and the per-lcore record of the address each lcore
 * monitors (rte_power_monitor_wakeup writes to it). Callers check the CPU first.
 */
#ifndef EAL_POWER_H
#define EAL_POWER_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_spinlock.h>
#include <rte_power_intrinsics.h>

#pragma clang assume_nonnull begin

struct eal_power_wait {
	rte_spinlock_t lock;
	uint32_t pad0;
	volatile void *_Nullable addr;   /* what the lcore monitors, NULL when none */
	uint8_t pad[RTE_CACHE_LINE_SIZE - 16];
};

extern struct eal_power_wait eal_power_waits[RTE_MAX_LCORE];

static inline struct eal_power_wait *eal_power_wait_at(unsigned int lcore) { return &eal_power_waits[lcore]; }

/* UMONITOR addr: arm the monitor on addr's cache line. */
static inline void eal_umonitor(volatile void *addr)
{
	asm volatile(".byte 0xf3, 0x0f, 0xae, 0xf7" : : "D"(addr) : "memory");
}

/* UMWAIT in C0.2 until the TSC reaches tsc (or the monitored line is written). */
static inline void eal_umwait(uint64_t tsc)
{
	asm volatile(".byte 0xf2, 0x0f, 0xae, 0xf7"
		: : "D"(0), "a"((uint32_t)tsc), "d"((uint32_t)(tsc >> 32)) : "cc", "memory");
}

/* TPAUSE in C0.2 until the TSC reaches tsc. */
static inline void eal_tpause(uint64_t tsc)
{
	asm volatile(".byte 0x66, 0x0f, 0xae, 0xf7"
		: : "D"(0), "a"((uint32_t)tsc), "d"((uint32_t)(tsc >> 32)) : "cc", "memory");
}

/* XBEGIN: ~0u when the transaction started, its abort status otherwise. */
static inline unsigned int eal_xbegin(void)
{
	unsigned int status = ~0u;
	asm volatile(".byte 0xc7, 0xf8; .long 0" : "+a"(status) : : "memory");
	return status;
}

static inline void eal_xend(void)
{
	asm volatile(".byte 0x0f, 0x01, 0xd5" : : : "memory");
}

/* XTEST: 1 inside a transaction. */
static inline int eal_xtest(void)
{
	unsigned char inside;
	asm volatile(".byte 0x0f, 0x01, 0xd6; setnz %0" : "=r"(inside) : : "memory");
	return inside;
}

/* Reads the condition's value (size 1, 2, 4 or 8, checked by the caller) and asks
 * its callback: non-zero means do not sleep. */
static inline int eal_power_cond_abort(const struct rte_power_monitor_cond *c)
{
	uint64_t v;
	switch (c->size) {
	case 1: v = *(const volatile uint8_t *)c->addr; break;
	case 2: v = *(const volatile uint16_t *)c->addr; break;
	case 4: v = *(const volatile uint32_t *)c->addr; break;
	default: v = *(const volatile uint64_t *)c->addr; break;
	}
	return c->fn(v, c->opaque);
}

/* Writes the monitored word back unchanged: a store that wakes UMWAIT. */
static inline void eal_power_touch(volatile void *addr)
{
	uint64_t v = __atomic_load_n((volatile uint64_t *)addr, __ATOMIC_RELAXED);
	__atomic_compare_exchange_n((volatile uint64_t *)addr, &v, v, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

#pragma clang assume_nonnull end

#endif
