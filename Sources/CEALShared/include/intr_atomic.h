/*
 * SwiftEAL internal: atomic access to the uint32_t status word of a C
 * struct rte_epoll_event (shared with C callers), for the Swift epoll code.
 */
#ifndef SWIFTEAL_INTR_ATOMIC_H
#define SWIFTEAL_INTR_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>

static inline uint32_t seal_load_u32_relaxed(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void seal_store_u32_relaxed(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline void seal_store_u32_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Compare-and-swap with acquire ordering on success. */
static inline bool seal_cas_u32_acquire(uint32_t *p, uint32_t expected, uint32_t desired)
{
	return __atomic_compare_exchange_n(p, &expected, desired, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

#endif
