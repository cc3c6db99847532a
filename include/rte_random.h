/* SwiftEAL: fast, non-cryptographic pseudo-random numbers (one generator per lcore). */
#ifndef _RTE_RANDOM_H_
#define _RTE_RANDOM_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>

#include <rte_compat.h>

/* Reseed every lcore's generator (not thread-safe against rte_rand callers). */
void
rte_srand(uint64_t seedval);

/* 64 random bits. */
uint64_t
rte_rand(void);

/* Uniform in [0, upper_bound); 0 when upper_bound < 2. */
uint64_t
rte_rand_max(uint64_t upper_bound);

/* Uniform in [0.0, 1.0). */
__rte_experimental
double rte_drand(void);

#ifdef __cplusplus
}
#endif

#endif
