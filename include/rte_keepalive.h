/*
 * SwiftEAL: lcore keepalive monitoring (DPDK 22.11 compatible).
 *
 * Each monitored lcore calls rte_keepalive_mark_alive from its main loop; a timer
 * (an alarm, say) calls rte_keepalive_dispatch_pings, which moves every registered
 * lcore one step: ALIVE -> MISSING -> DEAD -> GONE unless it marked itself alive in
 * between. Reaching DEAD calls the failure callback once; a relay callback, when
 * set, hears every registered lcore's state at every dispatch.
 */
#ifndef _KEEPALIVE_H_
#define _KEEPALIVE_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <rte_config.h>
#include <rte_memory.h>

#ifndef RTE_KEEPALIVE_MAXCORES
/* How many lcore ids are tracked (ids 0 to RTE_KEEPALIVE_MAXCORES - 1). */
#define RTE_KEEPALIVE_MAXCORES RTE_MAX_LCORE
#endif

/* What a dispatch knows of an lcore. */
enum rte_keepalive_state {
	RTE_KA_STATE_UNUSED = 0,   /* never marked alive */
	RTE_KA_STATE_ALIVE = 1,    /* marked alive since the last dispatch */
	RTE_KA_STATE_MISSING = 4,  /* not marked at the last dispatch */
	RTE_KA_STATE_DEAD = 2,     /* missed two dispatches: failure callback */
	RTE_KA_STATE_GONE = 3,     /* dead and reported */
	RTE_KA_STATE_DOZING = 5,   /* marked asleep since the last dispatch */
	RTE_KA_STATE_SLEEP = 6     /* asleep */
};

/* Called when an lcore is found dead: data from rte_keepalive_create. */
typedef void (*rte_keepalive_failure_callback_t)(
	void *data,
	const int id_core);

/* Called for every registered lcore at every dispatch, with its state and the TSC
 * of the dispatch that last saw it alive (or asleep). */
typedef void (*rte_keepalive_relay_callback_t)(
	void *data,
	const int id_core,
	enum rte_keepalive_state core_state,
	uint64_t last_seen
	);

/* The monitor (opaque). */
struct rte_keepalive;

/* A new monitor, zeroed, in the EAL's memory (free it with rte_free when the
 * malloc heaps are there); NULL when that memory cannot be had (before
 * rte_eal_init, say). */
struct rte_keepalive *rte_keepalive_create(
	rte_keepalive_failure_callback_t callback,
	void *data);

/* One check of every registered lcore; ptr_timer is unused, ptr_data the monitor,
 * so this can be an alarm or timer callback. */
void rte_keepalive_dispatch_pings(void *ptr_timer, void *ptr_data);

/* Starts monitoring an lcore id (ids outside 0 to RTE_KEEPALIVE_MAXCORES - 1 are
 * ignored). */
void rte_keepalive_register_core(struct rte_keepalive *keepcfg,
	const int id_core);

/* Marks the calling lcore alive: call it from the lcore's main loop. */
void
rte_keepalive_mark_alive(struct rte_keepalive *keepcfg);

/* Marks the calling lcore as going idle, so it is not taken for dead. */
void
rte_keepalive_mark_sleep(struct rte_keepalive *keepcfg);

/* Sets the relay callback and its data. */
void
rte_keepalive_register_relay_callback(struct rte_keepalive *keepcfg,
	rte_keepalive_relay_callback_t callback,
	void *data);

#ifdef __cplusplus
}
#endif

#endif /* _KEEPALIVE_H_ */
