/* SwiftEAL: spinlocks. Process-shared by construction: a lock is one int in memory. */
#ifndef _RTE_SPINLOCK_H_
#define _RTE_SPINLOCK_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>
#include <rte_common.h>
#include <rte_pause.h>
#include <rte_branch_prediction.h>
#include <rte_eal.h>

typedef struct {
	volatile int locked; /* 0 free, 1 taken */
} rte_spinlock_t;

#define RTE_SPINLOCK_INITIALIZER { 0 }

/* Non-zero when the CPU has restricted transactional memory; SwiftEAL never elides locks. */
extern uint8_t rte_rtm_supported;

static inline void
rte_spinlock_init(rte_spinlock_t *sl)
{
	sl->locked = 0;
}

static inline void
rte_spinlock_lock(rte_spinlock_t *sl)
{
	int expected;
	for (;;) {
		expected = 0;
		if (__atomic_compare_exchange_n(&sl->locked, &expected, 1, 0,
				__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		while (__atomic_load_n(&sl->locked, __ATOMIC_RELAXED))
			rte_pause();
	}
}

static inline void
rte_spinlock_unlock(rte_spinlock_t *sl)
{
	__atomic_store_n(&sl->locked, 0, __ATOMIC_RELEASE);
}

static inline int
rte_spinlock_trylock(rte_spinlock_t *sl)
{
	int expected = 0;
	return __atomic_compare_exchange_n(&sl->locked, &expected, 1, 0,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline int
rte_spinlock_is_locked(rte_spinlock_t *sl)
{
	return __atomic_load_n(&sl->locked, __ATOMIC_ACQUIRE);
}

static inline int
rte_tm_supported(void)
{
	return 0;
}

static inline void rte_spinlock_lock_tm(rte_spinlock_t *sl) { rte_spinlock_lock(sl); }
static inline void rte_spinlock_unlock_tm(rte_spinlock_t *sl) { rte_spinlock_unlock(sl); }
static inline int rte_spinlock_trylock_tm(rte_spinlock_t *sl) { return rte_spinlock_trylock(sl); }

/* A spinlock the owning thread may take again; it is freed after as many unlocks. */
typedef struct {
	rte_spinlock_t sl;
	volatile int user;  /* owner's thread id, -1 when free */
	volatile int count; /* depth */
} rte_spinlock_recursive_t;

#define RTE_SPINLOCK_RECURSIVE_INITIALIZER { RTE_SPINLOCK_INITIALIZER, -1, 0 }


static inline void
rte_spinlock_recursive_init(rte_spinlock_recursive_t *slr)
{
	rte_spinlock_init(&slr->sl);
	slr->user = -1;
	slr->count = 0;
}

static inline void
rte_spinlock_recursive_lock(rte_spinlock_recursive_t *slr)
{
	int id = rte_gettid();
	if (slr->user != id) {
		rte_spinlock_lock(&slr->sl);
		slr->user = id;
	}
	slr->count++;
}

static inline void
rte_spinlock_recursive_unlock(rte_spinlock_recursive_t *slr)
{
	if (--(slr->count) == 0) {
		slr->user = -1;
		rte_spinlock_unlock(&slr->sl);
	}
}

static inline int
rte_spinlock_recursive_trylock(rte_spinlock_recursive_t *slr)
{
	int id = rte_gettid();
	if (slr->user != id) {
		if (rte_spinlock_trylock(&slr->sl) == 0)
			return 0;
		slr->user = id;
	}
	slr->count++;
	return 1;
}

static inline void rte_spinlock_recursive_lock_tm(rte_spinlock_recursive_t *slr) { rte_spinlock_recursive_lock(slr); }
static inline void rte_spinlock_recursive_unlock_tm(rte_spinlock_recursive_t *slr) { rte_spinlock_recursive_unlock(slr); }
static inline int rte_spinlock_recursive_trylock_tm(rte_spinlock_recursive_t *slr) { return rte_spinlock_recursive_trylock(slr); }

#ifdef __cplusplus
}
#endif

#endif
