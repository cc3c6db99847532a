/*
 * The service-core tables, in C layout: registered services and what each lcore
 * does for them. Process-local (each process has its own services, as in DPDK),
 * static storage so that components may register before rte_eal_init. Swift reaches
 * fields through the typed accessors below and shared words through the atomics.
 */
#ifndef EAL_SERVICE_H
#define EAL_SERVICE_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_common.h>
#include <rte_spinlock.h>
#include <rte_service_component.h>

#pragma clang assume_nonnull begin

/* Service slots: a service lcore's map of services is one 64-bit mask. */
#define EAL_SERVICE_MAX 64

/* eal_service.flags */
#define EAL_SERVICE_F_REGISTERED 1u
#define EAL_SERVICE_F_STATS 2u        /* count calls and cycles */
#define EAL_SERVICE_F_START_CHECK 4u  /* running only with a mapped lcore */

/* Swift imports no over-aligned struct: each is padded to whole cache lines
 * instead, and the table itself is cache-line aligned. */
struct eal_service {
	struct rte_service_spec spec;
	rte_spinlock_t execute_lock;   /* held while an MT-unsafe service runs */
	uint32_t app_runstate;         /* 1: the application wants it run */
	uint32_t comp_runstate;        /* 1: the component is ready */
	uint32_t flags;                /* EAL_SERVICE_F_* */
	uint32_t mapped_lcores;        /* lcores that may run it now */
	uint8_t pad[2 * RTE_CACHE_LINE_SIZE - sizeof(struct rte_service_spec) - 20];
};

struct eal_service_stats {
	uint64_t calls;
	uint64_t cycles;
};

/* One lcore's side. Only the lcore's own thread writes the statistics and the
 * active flags. */
struct eal_service_lcore {
	uint64_t mask;                 /* bit i: service i is mapped here */
	uint64_t loops;
	uint64_t cycles;
	uint32_t runstate;             /* 1: the service loop should run */
	uint32_t thread_active;        /* 1: the thread is inside the loop */
	uint32_t is_service;           /* a service lcore */
	uint32_t pad0;
	uint8_t active[EAL_SERVICE_MAX]; /* service i was run in the last pass */
	uint8_t pad1[2 * RTE_CACHE_LINE_SIZE - 40 - EAL_SERVICE_MAX];
	struct eal_service_stats stats[EAL_SERVICE_MAX];
};

_Static_assert(sizeof(struct eal_service) % RTE_CACHE_LINE_SIZE == 0, "whole cache lines");
_Static_assert(sizeof(struct eal_service_lcore) % RTE_CACHE_LINE_SIZE == 0, "whole cache lines");

struct eal_service_table {
	struct eal_service service[EAL_SERVICE_MAX];
	/* every lcore id, and one last slot shared by threads without one */
	struct eal_service_lcore lcore[RTE_MAX_LCORE + 1];
	uint32_t count;                /* registered services */
	uint32_t initialized;          /* rte_service_init ran, finalize not yet */
	rte_spinlock_t lock;           /* registration and mapping changes */
};

extern struct eal_service_table eal_services;

static inline struct eal_service_table *eal_service_table_ptr(void) { return &eal_services; }
static inline struct eal_service *eal_service_at(uint32_t id) { return &eal_services.service[id]; }
static inline struct eal_service_lcore *eal_service_lcore_at(uint32_t lcore) { return &eal_services.lcore[lcore]; }
static inline struct eal_service_stats *
eal_service_lcore_stats(struct eal_service_lcore *l, uint32_t id) { return &l->stats[id]; }
static inline uint8_t *eal_service_lcore_active(struct eal_service_lcore *l, uint32_t id) { return &l->active[id]; }
static inline char *eal_service_name(struct eal_service *s) { return s->spec.name; }

/* Forgets every service and lcore state (lock kept). */
void eal_service_table_reset(void);
/* Forgets the lcore states only. */
void eal_service_lcores_reset(void);

/* ---- atomics on the fields above ---- */
static inline uint64_t eal_load64(uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void eal_store64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
static inline void eal_or64(uint64_t *p, uint64_t v) { __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }
static inline void eal_and64(uint64_t *p, uint64_t v) { __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }
static inline uint32_t eal_or32(uint32_t *p, uint32_t v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
static inline uint32_t eal_and32(uint32_t *p, uint32_t v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }
static inline void eal_store8(uint8_t *p, uint8_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
static inline uint8_t eal_load8(uint8_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

#pragma clang assume_nonnull end

#endif
