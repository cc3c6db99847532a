/*
 * SwiftEAL: reader-writer locks. The lock word is shared with Swift (called from Swift as these same inlines)
 * and between processes, so both sides keep to one protocol: bit 0 a writer waits,
 * bit 1 a writer holds it, each reader adds 4.
 */
#ifndef _RTE_RWLOCK_H_
#define _RTE_RWLOCK_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <errno.h>
#include <stdint.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_pause.h>

#define RTE_RWLOCK_WAIT 0x1
#define RTE_RWLOCK_WRITE 0x2
#define RTE_RWLOCK_MASK (RTE_RWLOCK_WAIT | RTE_RWLOCK_WRITE)
#define RTE_RWLOCK_READ 0x4

typedef struct {
	int32_t cnt;
} rte_rwlock_t;

#define RTE_RWLOCK_INITIALIZER { 0 }

static inline void
rte_rwlock_init(rte_rwlock_t *rwl)
{
	rwl->cnt = 0;
}

static inline void
rte_rwlock_read_lock(rte_rwlock_t *rwl)
{
	for (;;) {
		/* writers first: a waiting writer keeps new readers out */
		while (__atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED) & RTE_RWLOCK_MASK)
			rte_pause();
		if (likely(!(__atomic_add_fetch(&rwl->cnt, RTE_RWLOCK_READ,
				__ATOMIC_ACQUIRE) & RTE_RWLOCK_MASK)))
			return;
		__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_RELAXED);
	}
}

/* 0 when taken, -EBUSY otherwise. */
static inline int
rte_rwlock_read_trylock(rte_rwlock_t *rwl)
{
	if (__atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED) & RTE_RWLOCK_MASK)
		return -EBUSY;
	if (__atomic_add_fetch(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_ACQUIRE) & RTE_RWLOCK_MASK) {
		__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_RELAXED);
		return -EBUSY;
	}
	return 0;
}

static inline void
rte_rwlock_read_unlock(rte_rwlock_t *rwl)
{
	__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_RELEASE);
}

/* 0 when taken, -EBUSY otherwise. */
static inline int
rte_rwlock_write_trylock(rte_rwlock_t *rwl)
{
	int32_t x = __atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED);
	if (x < RTE_RWLOCK_WRITE &&
	    __atomic_compare_exchange_n(&rwl->cnt, &x, x + RTE_RWLOCK_WRITE, 1,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	return -EBUSY;
}

static inline void
rte_rwlock_write_lock(rte_rwlock_t *rwl)
{
	int32_t x;
	for (;;) {
		x = __atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED);
		if (x < RTE_RWLOCK_WRITE) {
			/* free, or only our own wait bit: try to take it */
			if (__atomic_compare_exchange_n(&rwl->cnt, &x, RTE_RWLOCK_WRITE, 1,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return;
		} else if (!(x & RTE_RWLOCK_WAIT)) {
			__atomic_fetch_or(&rwl->cnt, RTE_RWLOCK_WAIT, __ATOMIC_RELAXED);
		}
		while (__atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED) > RTE_RWLOCK_WAIT)
			rte_pause();
	}
}

static inline void
rte_rwlock_write_unlock(rte_rwlock_t *rwl)
{
	__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_WRITE, __ATOMIC_RELEASE);
}

static inline void rte_rwlock_read_lock_tm(rte_rwlock_t *rwl) { rte_rwlock_read_lock(rwl); }
static inline void rte_rwlock_read_unlock_tm(rte_rwlock_t *rwl) { rte_rwlock_read_unlock(rwl); }
static inline void rte_rwlock_write_lock_tm(rte_rwlock_t *rwl) { rte_rwlock_write_lock(rwl); }
static inline void rte_rwlock_write_unlock_tm(rte_rwlock_t *rwl) { rte_rwlock_write_unlock(rwl); }

#ifdef __cplusplus
}
#endif

#endif
