/*
 * SwiftEAL internal: the process-local state of the log, the random generators and
 * the tailq registry. It is plain C storage with static initial values so it is valid
 * before any constructor runs: other libraries register log types and tailqs from
 * their ELF constructors, under LD_PRELOAD even before ours. Swift (Log/, Misc/)
 * holds all the logic and reaches this storage through the accessors below.
 */
#ifndef SWIFTEAL_EAL_LOG_STATE_H
#define SWIFTEAL_EAL_LOG_STATE_H

#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <regex.h>
#include <sys/queue.h>

#include <execinfo.h>
#include <dlfcn.h>
#include <fnmatch.h>
#include <sys/random.h>

#include <rte_config.h>
#include <rte_lcore.h>
#include <rte_spinlock.h>
#include <rte_tailq.h>

/* Log types live in chunks that never move, so readers need no lock. Chunk k holds
 * EAL_LOG_CHUNK << k types (64, 128, 256, ...): 27 of them cover every id a C int can
 * carry, so the table grows as far as memory allows, as DPDK's does. */
#define EAL_LOG_CHUNK_SHIFT 6
#define EAL_LOG_CHUNK (1u << EAL_LOG_CHUNK_SHIFT)
#define EAL_LOG_MAX_CHUNKS 27

struct eal_log_type {
	const char *name;   /* NULL for the unnamed ids 21..23 */
	uint32_t level;
	uint32_t name_owned; /* name was strdup'ed */
};

/* One saved --log-level type option, applied to types registered later. */
struct eal_log_opt {
	struct eal_log_opt *next;
	char *pattern;      /* glob, or the regex source */
	regex_t re;         /* compiled when is_regex */
	int is_regex;
	uint32_t level;
};

struct eal_log_state {
	rte_spinlock_t lock;          /* registration, option list, stream swaps */
	uint32_t global_level;
	uint32_t count;               /* ids in use, holes included */
	FILE *stream;                 /* rte_openlog_stream()'s, or NULL */
	FILE *default_stream;         /* set by the EAL at init; NULL means stderr */
	struct eal_log_opt *opts;     /* in the order given */
	struct eal_log_opt **opts_tail;
	struct eal_log_type *chunks[EAL_LOG_MAX_CHUNKS];
};

extern struct eal_log_state eal_log_state;

static inline struct eal_log_state *eal_log_state_get(void) { return &eal_log_state; }

static inline void eal_log_lock(void) { rte_spinlock_lock(&eal_log_state.lock); }
static inline void eal_log_unlock(void) { rte_spinlock_unlock(&eal_log_state.lock); }
static inline uint32_t eal_log_count(void) { return __atomic_load_n(&eal_log_state.count, __ATOMIC_ACQUIRE); }
static inline void eal_log_set_count(uint32_t n) { __atomic_store_n(&eal_log_state.count, n, __ATOMIC_RELEASE); }
static inline uint32_t eal_log_global_level(void) { return __atomic_load_n(&eal_log_state.global_level, __ATOMIC_RELAXED); }
static inline void eal_log_set_global_level(uint32_t l) { __atomic_store_n(&eal_log_state.global_level, l, __ATOMIC_RELAXED); }
static inline FILE *eal_log_user_stream(void) { return __atomic_load_n(&eal_log_state.stream, __ATOMIC_ACQUIRE); }
static inline void eal_log_set_user_stream(FILE *f) { __atomic_store_n(&eal_log_state.stream, f, __ATOMIC_RELEASE); }
static inline FILE *eal_log_default_stream(void) { return __atomic_load_n(&eal_log_state.default_stream, __ATOMIC_ACQUIRE); }
static inline void eal_log_set_default_stream(FILE *f) { __atomic_store_n(&eal_log_state.default_stream, f, __ATOMIC_RELEASE); }
static inline struct eal_log_opt *eal_log_opts_first(void) { return eal_log_state.opts; }
static inline void eal_log_opts_append(struct eal_log_opt *o) { o->next = NULL; *eal_log_state.opts_tail = o; eal_log_state.opts_tail = &o->next; }
/* Detaches and returns the whole option list. */
static inline struct eal_log_opt *eal_log_opts_take(void) {
	struct eal_log_opt *o = eal_log_state.opts;
	eal_log_state.opts = NULL;
	eal_log_state.opts_tail = &eal_log_state.opts;
	return o;
}
static inline uint32_t eal_log_type_level(const struct eal_log_type *t) { return __atomic_load_n(&t->level, __ATOMIC_RELAXED); }
static inline void eal_log_type_set_level(struct eal_log_type *t, uint32_t l) { __atomic_store_n(&t->level, l, __ATOMIC_RELAXED); }
static inline struct eal_log_type *eal_log_chunk(uint32_t i) {
	return __atomic_load_n(&eal_log_state.chunks[i], __ATOMIC_ACQUIRE);
}
static inline void eal_log_set_chunk(uint32_t i, struct eal_log_type *c) {
	__atomic_store_n(&eal_log_state.chunks[i], c, __ATOMIC_RELEASE);
}

/* The message being written, per thread (rte_log_cur_msg_*). */
/* Hidden: internal TLS would otherwise be exported despite the version script. */
#define EAL_INTERNAL __attribute__((visibility("hidden")))
extern EAL_INTERNAL __thread int eal_log_cur_level;
extern EAL_INTERNAL __thread int eal_log_cur_type;
static inline void eal_log_set_cur(int level, int type) { eal_log_cur_level = level; eal_log_cur_type = type; }
static inline int eal_log_get_cur_level(void) { return eal_log_cur_level; }
static inline int eal_log_get_cur_type(void) { return eal_log_cur_type; }

/* rte_strerror()'s per-thread buffer for messages libc does not keep. */
#define EAL_STRERROR_BUFSZ 256
extern EAL_INTERNAL __thread char eal_strerror_buf[EAL_STRERROR_BUFSZ];
static inline char *eal_strerror_buffer(void) { return eal_strerror_buf; }

/* rte_eal_cleanup() when the library has one (it is weak: the Init layer defines it). */
int swifteal_eal_cleanup_if_present(void);



/* The random generators: one per lcore, the last one for non-EAL threads. */
struct eal_rand_state {
	uint64_t z1, z2, z3, z4, z5;
	uint64_t pad[3]; /* one cache line each (the variable is line-aligned) */
};
_Static_assert(sizeof(struct eal_rand_state) == RTE_CACHE_LINE_SIZE, "one line per generator");

struct eal_rand {
	struct eal_rand_state states[RTE_MAX_LCORE + 1];
	uint64_t seed;   /* what slots not yet seeded derive from */
	uint32_t seeded; /* seed is set */
};
extern struct eal_rand eal_rand;
static inline struct eal_rand *eal_rand_get(void) { return &eal_rand; }
static inline struct eal_rand_state *eal_rand_slot(unsigned int i) { return &eal_rand.states[i]; }
static inline unsigned int eal_rand_lcore_id(void) { return RTE_PER_LCORE(_lcore_id); }

/* Tailqs: registered elements, and the heads they point into. */
RTE_TAILQ_HEAD(eal_tailq_elem_list, rte_tailq_elem);
struct eal_tailqs {
	struct eal_tailq_elem_list elems; /* registered, in order */
	struct rte_tailq_head *heads;     /* RTE_MAX_TAILQ heads; NULL until the EAL sets them */
	struct rte_tailq_head local[RTE_MAX_TAILQ]; /* process-local storage for heads */
};
extern struct eal_tailqs eal_tailqs;
static inline struct eal_tailqs *eal_tailqs_get(void) { return &eal_tailqs; }
static inline struct rte_tailq_elem *eal_tailq_first(void) { return TAILQ_FIRST(&eal_tailqs.elems); }
static inline struct rte_tailq_elem *eal_tailq_next(struct rte_tailq_elem *e) { return TAILQ_NEXT(e, next); }
static inline void eal_tailq_append(struct rte_tailq_elem *e) { TAILQ_INSERT_TAIL(&eal_tailqs.elems, e, next); }
static inline void eal_tailq_remove(struct rte_tailq_elem *e) { TAILQ_REMOVE(&eal_tailqs.elems, e, next); }
static inline void eal_tailq_head_init(struct rte_tailq_head *h) { TAILQ_INIT(&h->tailq_head); }
static inline struct rte_tailq_head *eal_tailq_heads(void) { return eal_tailqs.heads; }
static inline void eal_tailq_set_heads(struct rte_tailq_head *h) { eal_tailqs.heads = h; }
static inline struct rte_tailq_head *eal_tailq_local_heads(void) { return eal_tailqs.local; }
static inline const char *eal_tailq_elem_name(const struct rte_tailq_elem *e) { return e->name; }
static inline char *eal_tailq_head_name(struct rte_tailq_head *h) { return h->name; }
static inline void *eal_tailq_head_first(struct rte_tailq_head *h) { return h->tailq_head.tqh_first; }
static inline void *eal_tailq_head_last(struct rte_tailq_head *h) { return h->tailq_head.tqh_last; }

#endif
