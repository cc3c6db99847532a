/*
 * DPDK's telemetry library (librte_telemetry.so.23) as the EAL reaches it: by dlopen and
 * dlsym, never linked, so init goes on without it. Its types are restated here with
 * DPDK 22.11's ABI (rte_telemetry.h is that library's header, not the EAL's).
 */
#ifndef EAL_TELEMETRY_H
#define EAL_TELEMETRY_H

#include <stdint.h>
#include <rte_os.h>

#pragma clang assume_nonnull begin

/* The reply a command callback fills (opaque: only the library's calls touch it). */
struct rte_tel_data;

/* enum rte_tel_value_type */
#define EAL_TEL_STRING_VAL 0
#define EAL_TEL_INT_VAL 1
#define EAL_TEL_U64_VAL 2

/* rte_telemetry_init@INTERNAL takes the EAL's rte_log (a variadic function, which
 * Swift cannot name) as its log function: this calls `init_fn` with it. */
int eal_telemetry_call_init(void *init_fn, const char *runtime_dir, const char *rte_version,
			    rte_cpuset_t *cpuset, uint32_t logtype);

#pragma clang assume_nonnull end

#endif
