/* The one call into librte_telemetry.so.23 that Swift cannot make (eal_telemetry.h). */
#include <rte_log.h>

#include "eal_telemetry.h"

typedef int (*eal_tel_log_fn)(uint32_t level, uint32_t logtype, const char *format, ...);
typedef int (*eal_tel_init_fn)(const char *runtime_dir, const char *rte_version,
			       rte_cpuset_t *cpuset, eal_tel_log_fn log_fn, uint32_t logtype);

int eal_telemetry_call_init(void *init_fn, const char *runtime_dir, const char *rte_version,
			    rte_cpuset_t *cpuset, uint32_t logtype)
{
	return ((eal_tel_init_fn)init_fn)(runtime_dir, rte_version, cpuset, rte_log, logtype);
}
