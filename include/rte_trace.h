/*
 * SwiftEAL: the trace subsystem (DPDK 22.11 compatible, experimental API).
 *
 * Trace points (rte_trace_point.h) record events into a buffer per thread while
 * they are enabled; rte_trace_save writes the buffers and their CTF metadata into
 * the trace directory (--trace-dir, else $HOME/dpdk-traces), in a session folder
 * named after the file prefix and the time.
 */
#ifndef _RTE_TRACE_H_
#define _RTE_TRACE_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdbool.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_compat.h>

/* True while at least one trace point is enabled. */
__rte_experimental
bool rte_trace_is_enabled(void);

/* What a full per-thread trace buffer does with the next event. */
enum rte_trace_mode {
	RTE_TRACE_MODE_OVERWRITE,   /* wrap around, overwriting the oldest events */
	RTE_TRACE_MODE_DISCARD,     /* drop it */
};

/* Sets the mode of every trace point (ignored while tracing is off). */
__rte_experimental
void rte_trace_mode_set(enum rte_trace_mode mode);

/* The current mode. */
__rte_experimental
enum rte_trace_mode rte_trace_mode_get(void);

/* Enables (or disables) the trace points whose names match the fnmatch(3) pattern.
 * 1 when one matched, 0 when none did, -ERANGE for a trace point that is not
 * registered. */
__rte_experimental
int rte_trace_pattern(const char *pattern, bool enable);

/* The same with a POSIX basic regular expression: also -EINVAL when it does not
 * compile. */
__rte_experimental
int rte_trace_regexp(const char *regex, bool enable);

/* Writes the metadata and every thread's buffer into the trace directory.
 * 0 (also when nothing was recorded), or a negative errno value. */
__rte_experimental
int rte_trace_save(void);

/* Prints the CTF metadata of the registered trace points. 0, or a negative value
 * (-EINVAL before rte_eal_init). */
__rte_experimental
int rte_trace_metadata_dump(FILE *f);

/* Prints the trace settings, the per-thread buffers and every trace point. */
__rte_experimental
void rte_trace_dump(FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TRACE_H_ */
