/*
 * SwiftEAL: service cores (DPDK 22.11 compatible).
 *
 * A component that needs CPU time registers a service (rte_service_component.h);
 * the application maps services to service lcores (-s/-S or rte_service_lcore_add),
 * which call each mapped service in turn for as long as they are started. An
 * application may also run a service itself with rte_service_run_iter_on_app_lcore.
 * Services and service lcores belong to the process that registers them.
 */
#ifndef _RTE_SERVICE_H_
#define _RTE_SERVICE_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>
#include <stdint.h>

#include <rte_compat.h>
#include <rte_config.h>
#include <rte_lcore.h>

/* Longest service name, with its terminating NUL. */
#define RTE_SERVICE_NAME_MAX 32

/* Capability: several lcores may run the service at the same time. */
#define RTE_SERVICE_CAP_MT_SAFE (1 << 0)

/* How many services are registered. */
uint32_t rte_service_get_count(void);

/* The id of the service called name: 0, -EINVAL for a NULL service_id,
 * -ENODEV when no service has that name. */
int32_t rte_service_get_by_name(const char *name, uint32_t *service_id);

/* The service's name (owned by the service), or NULL for an unknown id. */
const char *rte_service_get_name(uint32_t id);

/* 1 when the service has any of the capability bits, 0 when not, -EINVAL for
 * an unknown id. */
int32_t rte_service_probe_capability(uint32_t id, uint32_t capability);

/* Maps (enable != 0) or unmaps the service on a service lcore. A service that is
 * not MT safe runs on one of its lcores at a time. 0, or -EINVAL for an unknown
 * service or an lcore that is not a service lcore. */
int32_t rte_service_map_lcore_set(uint32_t service_id, uint32_t lcore,
		uint32_t enable);

/* 1 when the service is mapped on the lcore, 0 when not, -EINVAL as above. */
int32_t rte_service_map_lcore_get(uint32_t service_id, uint32_t lcore);

/* The application's run state of the service (non-zero: run). 0, or -EINVAL. */
int32_t rte_service_runstate_set(uint32_t id, uint32_t runstate);

/* 1 when the service will get CPU time: both the application and the component
 * set it running, and a service lcore is mapped to it (or that check is off);
 * 0 otherwise; -EINVAL for an unknown id. */
int32_t rte_service_runstate_get(uint32_t id);

/* 1 when the service may still be executing on a service lcore, 0 when it is
 * certainly not, -EINVAL for an unknown id. */
int32_t
rte_service_may_be_active(uint32_t id);

/* Turns the "a service lcore is mapped" part of rte_service_runstate_get on or off,
 * for applications that run the service themselves. 0 (also for an unknown id). */
int32_t rte_service_set_runstate_mapped_check(uint32_t id, int32_t enable);

/* Runs one iteration of the service on the calling EAL thread. With
 * serialize_multithread_unsafe set, a service that is not MT safe and is running
 * elsewhere is not run (-EBUSY). 0, -ENOEXEC when it is not in a runnable state,
 * -EINVAL for an unknown id. */
int32_t rte_service_run_iter_on_app_lcore(uint32_t id,
		uint32_t serialize_multithread_unsafe);

/* Starts the service loop on a service lcore, which must be waiting for work.
 * 0, -EINVAL when the lcore is not a service lcore, -EALREADY when it is started,
 * or what rte_eal_remote_launch said. */
int32_t rte_service_lcore_start(uint32_t lcore_id);

/* Asks the service lcore to leave its loop (it may still be in a service on
 * return). 0, -EINVAL for a bad id, -EALREADY when stopped, -EBUSY when it is the
 * only lcore of a running service. */
int32_t rte_service_lcore_stop(uint32_t lcore_id);

/* 1 while the service lcore is in its loop, 0 once it has left it, -EINVAL for an
 * lcore that is not a service lcore. */
__rte_experimental
int32_t rte_service_lcore_may_be_active(uint32_t lcore_id);

/* Makes the lcore a service lcore (stopped, nothing mapped). 0, -EALREADY,
 * -EINVAL for a bad id. */
int32_t rte_service_lcore_add(uint32_t lcore);

/* Returns a stopped service lcore to ordinary duty. 0, -EBUSY when it is not
 * stopped, -EINVAL when it is not a service lcore. */
int32_t rte_service_lcore_del(uint32_t lcore);

/* How many service lcores there are. */
int32_t rte_service_lcore_count(void);

/* Unmaps every service, stops every service lcore and returns them to ordinary
 * duty. Service run states are kept. 0. */
int32_t rte_service_lcore_reset_all(void);

/* Per-lcore cycle and call statistics of the service on (non-zero) or off.
 * 0 (also for an unknown id). */
int32_t rte_service_set_stats_enable(uint32_t id, int32_t enable);

/* Writes the service lcore ids into array (n entries): how many, -ENOMEM when n
 * is too small, -EINVAL for a NULL array. */
int32_t rte_service_lcore_list(uint32_t array[], uint32_t n);

/* How many services are mapped on a service lcore: -EINVAL for a bad id,
 * -ENOTSUP when the lcore is not a service lcore. */
int32_t rte_service_lcore_count_services(uint32_t lcore);

/* Prints the statistics of one service, or of all services and service lcores
 * when id is UINT32_MAX. 0, or -EINVAL for an unknown id. */
int32_t rte_service_dump(FILE *f, uint32_t id);

/* rte_service_attr_get: cycles spent in the service (calls that did work). */
#define RTE_SERVICE_ATTR_CYCLES 0

/* rte_service_attr_get: how many times the service was called. */
#define RTE_SERVICE_ATTR_CALL_COUNT 1

/* A statistic of the service, summed over the service lcores. 0, or -EINVAL for an
 * unknown id or attribute or a NULL attr_value. */
int32_t rte_service_attr_get(uint32_t id, uint32_t attr_id,
		uint64_t *attr_value);

/* Zeroes the service's statistics. 0, or -EINVAL for an unknown id. */
int32_t rte_service_attr_reset_all(uint32_t id);

/* rte_service_lcore_attr_get: iterations of the service lcore's loop. */
#define RTE_SERVICE_LCORE_ATTR_LOOPS 0

/* rte_service_lcore_attr_get: cycles the lcore spent in services. */
#define RTE_SERVICE_LCORE_ATTR_CYCLES 1

/* A statistic of a service lcore. 0, -EINVAL for a bad lcore or attribute or a NULL
 * attr_value, -ENOTSUP when the lcore is not a service lcore. */
int32_t
rte_service_lcore_attr_get(uint32_t lcore, uint32_t attr_id,
			   uint64_t *attr_value);

/* Zeroes the loop count of a service lcore. 0, -EINVAL, -ENOTSUP as above. */
int32_t
rte_service_lcore_attr_reset_all(uint32_t lcore);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_SERVICE_H_ */
