/*
 * What struct rte_keepalive (opaque in rte_keepalive.h) holds, in C layout: the
 * monitor lives in EAL memory that the application may hand to rte_free.
 */
#ifndef EAL_KEEPALIVE_H
#define EAL_KEEPALIVE_H

#include <stddef.h>
#include <stdint.h>
#include <rte_config.h>
#include <rte_keepalive.h>

#pragma clang assume_nonnull begin

/* Each lcore writes its own state word: one cache line each, no false sharing. */
struct eal_keepalive_state {
	uint32_t state;                  /* enum rte_keepalive_state */
	uint8_t pad[RTE_CACHE_LINE_SIZE - 4];
};

struct eal_keepalive {
	struct eal_keepalive_state live[RTE_KEEPALIVE_MAXCORES];
	uint64_t last_alive[RTE_KEEPALIVE_MAXCORES]; /* TSC of the dispatch that last saw it */
	uint8_t registered[RTE_KEEPALIVE_MAXCORES];
	rte_keepalive_failure_callback_t _Nullable callback;
	void *_Nullable callback_data;
	rte_keepalive_relay_callback_t _Nullable relay_callback;
	void *_Nullable relay_callback_data;
	uint64_t tsc_initial;
};

static inline uint32_t *
eal_keepalive_state_at(struct eal_keepalive *k, uint32_t lcore) { return &k->live[lcore].state; }
static inline uint64_t *
eal_keepalive_last_alive(struct eal_keepalive *k, uint32_t lcore) { return &k->last_alive[lcore]; }
static inline uint8_t *
eal_keepalive_registered(struct eal_keepalive *k, uint32_t lcore) { return &k->registered[lcore]; }

/* Zeroed memory for a monitor: rte_zmalloc's when the library has the malloc heaps
 * (the application may rte_free it, as with DPDK), else ordinary memory. NULL when
 * neither can give it. */
struct eal_keepalive *_Nullable eal_keepalive_alloc(void);

#pragma clang assume_nonnull end

#endif
