/*
 * SwiftEAL: one-shot alarms (DPDK 22.11 compatible).
 *
 * Callbacks run on the EAL interrupt thread, in deadline order, never before
 * their deadline. They are kept on a timerfd, so no HPET is needed.
 */
#ifndef _RTE_ALARM_H_
#define _RTE_ALARM_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>

/* What an alarm calls when it goes off. */
typedef void (*rte_eal_alarm_callback)(void *arg);

/*
 * Calls cb(cb_arg) once, no sooner than us microseconds from now. us must be
 * at least 1 and at most UINT64_MAX - 1000000, cb not NULL. 0, or a negative
 * errno value (-EINVAL for bad arguments).
 */
int rte_eal_alarm_set(uint64_t us, rte_eal_alarm_callback cb, void *cb_arg);

/*
 * Removes the pending alarms for cb_fn with cb_arg ((void *)-1: any argument).
 * Called from another thread, it first waits for a matching alarm that is
 * running. Returns how many were removed: with rte_errno ENOENT when that is 0
 * and nothing else matched, EINPROGRESS when the caller is itself the running
 * alarm (that one is not removed); -1 with rte_errno EINVAL for a NULL cb_fn.
 */
int rte_eal_alarm_cancel(rte_eal_alarm_callback cb_fn, void *cb_arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_ALARM_H_ */
