/*
 * SwiftEAL: registering a service (DPDK 22.11 compatible). For components that
 * need CPU time from service lcores; applications use rte_service.h.
 */
#ifndef _SERVICE_PRIVATE_H_
#define _SERVICE_PRIVATE_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <rte_service.h>

/* One iteration of a service. Returning -EAGAIN says no work was done: those
 * cycles are not counted in the cycle statistics. */
typedef int32_t (*rte_service_func)(void *args);

/* What a component registers. */
struct rte_service_spec {
	char name[RTE_SERVICE_NAME_MAX];   /* non-empty, NUL-terminated */
	rte_service_func callback;         /* required */
	void *callback_userdata;           /* the callback's argument */
	uint32_t capabilities;             /* RTE_SERVICE_CAP_* */
	int socket_id;                     /* NUMA node the service prefers */
};

/* Registers a service (stopped for both the component and the application) and
 * stores its id in *service_id when that is not NULL. 0, -EINVAL for a missing
 * callback or name, -ENOSPC when every slot is taken. */
int32_t rte_service_component_register(const struct rte_service_spec *spec,
		uint32_t *service_id);

/* Removes a service, unmapping it from every lcore. 0, or -EINVAL for an unknown
 * id. Stop the service first. */
int32_t rte_service_component_unregister(uint32_t id);

/* Maps the registered services round-robin onto the service lcores, starts those
 * lcores and sets the services running (EAL init does this). 0, -ENOTSUP without
 * service lcores, -ENODEV when a service cannot be mapped, -ENOEXEC when it cannot
 * be started. */
int32_t rte_service_start_with_defaults(void);

/* The component's run state of the service (non-zero: ready). 0, or -EINVAL. */
int32_t rte_service_component_runstate_set(uint32_t id, uint32_t runstate);

/* Sets up the service library (EAL init calls it; not exported). */
int32_t rte_service_init(void);

/* Stops the service lcores and forgets every service (EAL cleanup calls it). */
void rte_service_finalize(void);

#ifdef __cplusplus
}
#endif

#endif /* _SERVICE_PRIVATE_H_ */
