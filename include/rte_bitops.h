/* SwiftEAL: single-bit helpers (DPDK 22.11 compatible). */
#ifndef _RTE_BITOPS_H_
#define _RTE_BITOPS_H_

#include <stdint.h>
#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A 64-bit or 32-bit value with only bit nr set. */
#define RTE_BIT64(nr) (UINT64_C(1) << (nr))
#define RTE_BIT32(nr) (UINT32_C(1) << (nr))

/*
 * Relaxed (non-atomic, no ordering) accessors for bit nr of *addr. The get and
 * test-and-* forms return the bit's previous value in place (0 or the mask).
 */
__rte_experimental
static inline uint32_t
rte_bit_relaxed_get32(unsigned int nr, volatile uint32_t *addr)
{
	return *addr & RTE_BIT32(nr);
}

__rte_experimental
static inline void
rte_bit_relaxed_set32(unsigned int nr, volatile uint32_t *addr)
{
	*addr = *addr | RTE_BIT32(nr);
}

__rte_experimental
static inline void
rte_bit_relaxed_clear32(unsigned int nr, volatile uint32_t *addr)
{
	*addr = *addr & ~RTE_BIT32(nr);
}

__rte_experimental
static inline uint32_t
rte_bit_relaxed_test_and_set32(unsigned int nr, volatile uint32_t *addr)
{
	uint32_t old = *addr & RTE_BIT32(nr);
	*addr = *addr | RTE_BIT32(nr);
	return old;
}

__rte_experimental
static inline uint32_t
rte_bit_relaxed_test_and_clear32(unsigned int nr, volatile uint32_t *addr)
{
	uint32_t old = *addr & RTE_BIT32(nr);
	*addr = *addr & ~RTE_BIT32(nr);
	return old;
}

__rte_experimental
static inline uint64_t
rte_bit_relaxed_get64(unsigned int nr, volatile uint64_t *addr)
{
	return *addr & RTE_BIT64(nr);
}

__rte_experimental
static inline void
rte_bit_relaxed_set64(unsigned int nr, volatile uint64_t *addr)
{
	*addr = *addr | RTE_BIT64(nr);
}

__rte_experimental
static inline void
rte_bit_relaxed_clear64(unsigned int nr, volatile uint64_t *addr)
{
	*addr = *addr & ~RTE_BIT64(nr);
}

__rte_experimental
static inline uint64_t
rte_bit_relaxed_test_and_set64(unsigned int nr, volatile uint64_t *addr)
{
	/* As DPDK 22.11: this one returns the whole previous word, not just the bit. */
	uint64_t old = *addr;
	*addr = old | RTE_BIT64(nr);
	return old;
}

__rte_experimental
static inline uint64_t
rte_bit_relaxed_test_and_clear64(unsigned int nr, volatile uint64_t *addr)
{
	uint64_t old = *addr & RTE_BIT64(nr);
	*addr = *addr & ~RTE_BIT64(nr);
	return old;
}

#ifdef __cplusplus
}
#endif

#endif
