/* SwiftEAL: the portable thread API (experimental in DPDK 22.11). */
#include <stdint.h>
#include <rte_os.h>
#include <rte_compat.h>

#ifndef _RTE_THREAD_H_
#define _RTE_THREAD_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	uintptr_t opaque_id; /* the pthread_t */
} rte_thread_t;

typedef uint32_t (*rte_thread_func)(void *arg);

enum rte_thread_priority {
	RTE_THREAD_PRIORITY_NORMAL = 0,
	RTE_THREAD_PRIORITY_REALTIME_CRITICAL = 1
};

typedef struct {
	enum rte_thread_priority priority;
#ifdef RTE_HAS_CPUSET
	rte_cpuset_t cpuset;
#endif
} rte_thread_attr_t;

typedef struct eal_tls_key *rte_thread_key;

__rte_experimental
int rte_thread_create(rte_thread_t *thread_id, const rte_thread_attr_t *thread_attr,
		rte_thread_func thread_func, void *arg);
__rte_experimental
int rte_thread_join(rte_thread_t thread_id, uint32_t *value_ptr);
__rte_experimental
int rte_thread_detach(rte_thread_t thread_id);
__rte_experimental
rte_thread_t rte_thread_self(void);
__rte_experimental
int rte_thread_equal(rte_thread_t t1, rte_thread_t t2);
__rte_experimental
int rte_thread_attr_init(rte_thread_attr_t *attr);
__rte_experimental
int rte_thread_attr_set_priority(rte_thread_attr_t *thread_attr,
		enum rte_thread_priority priority);

#ifdef RTE_HAS_CPUSET
__rte_experimental
int rte_thread_attr_set_affinity(rte_thread_attr_t *thread_attr, rte_cpuset_t *cpuset);
__rte_experimental
int rte_thread_attr_get_affinity(rte_thread_attr_t *thread_attr, rte_cpuset_t *cpuset);
__rte_experimental
int rte_thread_set_affinity_by_id(rte_thread_t thread_id, const rte_cpuset_t *cpuset);
__rte_experimental
int rte_thread_get_affinity_by_id(rte_thread_t thread_id, rte_cpuset_t *cpuset);
/* Pin the calling thread; 0 or -1. */
int rte_thread_set_affinity(rte_cpuset_t *cpusetp);
/* The calling thread's affinity as the EAL recorded it. */
void rte_thread_get_affinity(rte_cpuset_t *cpusetp);
#endif

__rte_experimental
int rte_thread_get_priority(rte_thread_t thread_id, enum rte_thread_priority *priority);
__rte_experimental
int rte_thread_set_priority(rte_thread_t thread_id, enum rte_thread_priority priority);
__rte_experimental
int rte_thread_key_create(rte_thread_key *key, void (*destructor)(void *));
__rte_experimental
int rte_thread_key_delete(rte_thread_key key);
__rte_experimental
int rte_thread_value_set(rte_thread_key key, const void *value);
__rte_experimental
void *rte_thread_value_get(rte_thread_key key);

#ifdef __cplusplus
}
#endif

#endif
