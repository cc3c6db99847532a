/* SwiftEAL: running a function on a worker lcore and waiting for it. */
#ifndef _RTE_LAUNCH_H_
#define _RTE_LAUNCH_H_

#ifdef __cplusplus
extern "C" {
#endif

enum rte_lcore_state_t {
	WAIT,    /* idle, ready for a function */
	RUNNING  /* running a function */
};

typedef int (lcore_function_t)(void *);

/*
 * Start f(arg) on worker_id and return at once (the lcore is then RUNNING).
 * 0, -EBUSY when it is not in WAIT, -EPIPE when no EAL thread serves it.
 */
int rte_eal_remote_launch(lcore_function_t *f, void *arg, unsigned worker_id);

enum rte_rmt_call_main_t {
	SKIP_MAIN = 0, /* workers only */
	CALL_MAIN      /* workers, then the main lcore itself */
};

/* Start f(arg) on every worker (and the main lcore with CALL_MAIN). 0 or -EBUSY. */
int rte_eal_mp_remote_launch(lcore_function_t *f, void *arg,
		enum rte_rmt_call_main_t call_main);

enum rte_lcore_state_t rte_eal_get_lcore_state(unsigned int worker_id);

/*
 * Wait until worker_id is back in WAIT (it goes back by itself when its function
 * returns); the last function's return value, 0 if none ran yet.
 */
int rte_eal_wait_lcore(unsigned worker_id);

void rte_eal_mp_wait_lcore(void);

#ifdef __cplusplus
}
#endif

#endif
