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

/* Start f(arg) on worker_id. 0, or -EBUSY when it is not waiting. Main lcore only. */
int rte_eal_remote_launch(lcore_function_t *f, void *arg, unsigned worker_id);

enum rte_rmt_call_main_t {
	SKIP_MAIN = 0, /* workers only */
	CALL_MAIN      /* workers, then the main lcore itself */
};

/* Start f(arg) on every worker (and the main lcore with CALL_MAIN). 0 or -EBUSY. */
int rte_eal_mp_remote_launch(lcore_function_t *f, void *arg,
		enum rte_rmt_call_main_t call_main);

enum rte_lcore_state_t rte_eal_get_lcore_state(unsigned int worker_id);

/* Wait for worker_id to finish; its function's return value, or 0 if it was idle. */
int rte_eal_wait_lcore(unsigned worker_id);

void rte_eal_mp_wait_lcore(void);

#ifdef __cplusplus
}
#endif

#endif
