/* System headers the Glibc Swift module leaves out, and system calls glibc 2.36 has no
 * wrapper for (syscall(2) is variadic: Swift cannot call it). */
#ifndef EAL_SYSTEM_H
#define EAL_SYSTEM_H

#include <getopt.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/io.h>

/* The kernel's struct sched_attr (its uapi header clashes with glibc's sched.h). */
struct eal_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

/* Asks the scheduler (EEVDF, Linux 6.12 and later) for time slices of `slice_ns` for the
 * calling thread, keeping its policy (SCHED_OTHER) and nice value. A thread with a short
 * slice gets an early deadline when it wakes, so it preempts a busy thread on its CPU at
 * once instead of waiting for that one's slice to run out. Older kernels ignore the
 * slice. 0, or -1 with errno. */
static inline int eal_sched_set_slice(uint64_t slice_ns)
{
	struct eal_sched_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.sched_policy = 0; /* SCHED_OTHER */
	attr.sched_nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	attr.sched_runtime = slice_ns;
	return (int)syscall(SYS_sched_setattr, 0, &attr, 0);
}

#endif
