/*
 * The C globals Swift 6 may not name: the exported thread-locals, stdio's streams,
 * getopt's state and the exported data symbols. Swift's complete data-race checking
 * refuses any reference to a mutable C global; these inline accessors say what each
 * access is (a thread-local read or write, an atomic store, a stream pointer glibc
 * never changes) and inline to the same plain load or store.
 */
#ifndef EAL_GLOBALS_H
#define EAL_GLOBALS_H

#include <stdio.h>
#include <getopt.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_eal.h>
#include <rte_cycles.h>
#include <rte_trace_point.h>

#pragma clang assume_nonnull begin

/* ---- the calling thread's own (thread-local: no other thread reads them) ---- */
static inline unsigned int eal_tls_lcore_id(void) { return RTE_PER_LCORE(_lcore_id); }
static inline void eal_tls_set_lcore_id(unsigned int id) { RTE_PER_LCORE(_lcore_id) = id; }
static inline int eal_tls_errno(void) { return RTE_PER_LCORE(_rte_errno); }
static inline void eal_tls_set_errno(int e) { RTE_PER_LCORE(_rte_errno) = e; }
static inline void eal_tls_set_thread_id(int tid) { RTE_PER_LCORE(_thread_id) = tid; }
static inline void *_Nullable eal_tls_trace_mem(void) { return RTE_PER_LCORE(trace_mem); }
static inline void eal_tls_set_trace_mem(void *_Nullable p) { RTE_PER_LCORE(trace_mem) = p; }

/* ---- stdio: glibc's stream pointers are set before main and never change ---- */
static inline FILE *eal_stdout(void) { return stdout; }
static inline FILE *eal_stderr(void) { return stderr; }

/* ---- getopt's process-wide scanner (rte_eal_init's parser runs it, not reentrant) ---- */
struct eal_getopt_state {
	int optind;
	int opterr;
	int optopt;
	char *_Nullable optarg;
};

static inline struct eal_getopt_state
eal_getopt_save(void)
{
	struct eal_getopt_state s = { optind, opterr, optopt, optarg };
	return s;
}

static inline void
eal_getopt_restore(struct eal_getopt_state s)
{
	optind = s.optind;
	opterr = s.opterr;
	optopt = s.optopt;
	optarg = s.optarg;
}

/* optind = 0 makes glibc reinitialise its scanner; opterr = 1: glibc names bad options. */
static inline void eal_getopt_reset(void) { optind = 0; opterr = 1; }
static inline int eal_getopt_optind(void) { return optind; }
static inline char *_Nullable eal_getopt_optarg(void) { return optarg; }

/* ---- exported data: programs read these with plain loads; stores are atomic ---- */
static inline void
eal_set_delay_us(void (*fn)(unsigned int))
{
	__atomic_store_n(&rte_delay_us, fn, __ATOMIC_RELEASE);
}

static inline void
eal_set_timer_source(enum timer_source s)
{
	__atomic_store_n(&eal_timer_source, s, __ATOMIC_RELEASE);
}

#pragma clang assume_nonnull end

#endif
