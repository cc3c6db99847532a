/*
 * SwiftEAL: division by a run-time constant as a multiply and shifts
 * (Granlund and Montgomery's method).
 */
#ifndef _RTE_RECIPROCAL_H_
#define _RTE_RECIPROCAL_H_

#include <stdint.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_reciprocal {
	uint32_t m;
	uint8_t sh1, sh2;
};

struct rte_reciprocal_u64 {
	uint64_t m;
	uint8_t sh1, sh2;
};

/* a / d where R = rte_reciprocal_value(d). */
static inline uint32_t rte_reciprocal_divide(uint32_t a, struct rte_reciprocal R)
{
	uint32_t hi = (uint32_t)(((uint64_t)a * R.m) >> 32);

	return (hi + ((a - hi) >> R.sh1)) >> R.sh2;
}

/* The high 64 bits of x * y. */
static __rte_always_inline uint64_t
mullhi_u64(uint64_t x, uint64_t y)
{
	return (uint64_t)(((__uint128_t)x * y) >> 64);
}

static __rte_always_inline uint64_t
rte_reciprocal_divide_u64(uint64_t a, const struct rte_reciprocal_u64 *R)
{
	uint64_t hi = mullhi_u64(a, R->m);

	return (hi + ((a - hi) >> R->sh1)) >> R->sh2;
}

struct rte_reciprocal rte_reciprocal_value(uint32_t d);
struct rte_reciprocal_u64 rte_reciprocal_value_u64(uint64_t d);

#ifdef __cplusplus
}
#endif

#endif
