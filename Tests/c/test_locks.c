/*
 * The header-inline locks under contention (the fbarray's rwlock and the log's
 * spinlock rely on them): writers of an rte_rwlock_t keep readers and each other out,
 * readers share it; rte_spinlock_t and rte_spinlock_recursive_t serialize their
 * holders, and the recursive one nests in its owner and refuses other threads.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_eal.h>
#include <rte_pause.h>
#include <rte_rwlock.h>
#include <rte_spinlock.h>

#include "check.h"

#define THREADS 4
#define ROUNDS 20000

static rte_rwlock_t rw = RTE_RWLOCK_INITIALIZER;
static rte_spinlock_t sl = RTE_SPINLOCK_INITIALIZER;
static rte_spinlock_recursive_t rsl = RTE_SPINLOCK_RECURSIVE_INITIALIZER;
static volatile uint64_t a, b, spin_count, rec_count;
static int torn_reads, reader_overlap_seen;
static int active_readers;

static void *worker(void *arg)
{
	int writer = (int)(intptr_t)arg % 2 == 0;
	for (int i = 0; i < ROUNDS; i++) {
		if (writer || i % 8 == 0) {
			rte_rwlock_write_lock(&rw);
			a++;
			rte_pause();
			b++;
			rte_rwlock_write_unlock(&rw);
		} else {
			rte_rwlock_read_lock(&rw);
			if (__atomic_add_fetch(&active_readers, 1, __ATOMIC_RELAXED) > 1)
				__atomic_store_n(&reader_overlap_seen, 1, __ATOMIC_RELAXED);
			if (a != b)
				__atomic_add_fetch(&torn_reads, 1, __ATOMIC_RELAXED);
			__atomic_sub_fetch(&active_readers, 1, __ATOMIC_RELAXED);
			rte_rwlock_read_unlock(&rw);
		}
		rte_spinlock_lock(&sl);
		spin_count++;
		rte_spinlock_unlock(&sl);
		rte_spinlock_recursive_lock(&rsl);
		rte_spinlock_recursive_lock(&rsl);
		rec_count++;
		rte_spinlock_recursive_unlock(&rsl);
		rec_count++;
		rte_spinlock_recursive_unlock(&rsl);
	}
	return NULL;
}

static void *try_recursive(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)rte_spinlock_recursive_trylock(&rsl);
}

int main(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);

	uint64_t writes = 0;
	for (int i = 0; i < THREADS; i++)
		for (int r = 0; r < ROUNDS; r++)
			writes += (i % 2 == 0 || r % 8 == 0);
	CHECK_EQ(a, writes);
	CHECK_EQ(b, writes);
	CHECK_EQ(torn_reads, 0);
	CHECK_EQ(spin_count, (uint64_t)THREADS * ROUNDS);
	CHECK_EQ(rec_count, 2ULL * THREADS * ROUNDS);
	CHECK_EQ(rw.cnt, 0);
	CHECK_EQ(rte_spinlock_is_locked(&sl), 0);
	CHECK_EQ(rsl.count, 0);
	CHECK_EQ(rsl.user, -1);

	/* readers share: two read locks at once, and then a writer is refused */
	CHECK_EQ(rte_rwlock_read_trylock(&rw), 0);
	CHECK_EQ(rte_rwlock_read_trylock(&rw), 0);
	CHECK_EQ(rte_rwlock_write_trylock(&rw), -EBUSY);
	rte_rwlock_read_unlock(&rw);
	rte_rwlock_read_unlock(&rw);
	CHECK_EQ(rte_rwlock_write_trylock(&rw), 0);
	CHECK_EQ(rte_rwlock_read_trylock(&rw), -EBUSY);
	rte_rwlock_write_unlock(&rw);
	CHECK_EQ(rw.cnt, 0);

	/* the recursive lock nests in its owner and refuses another thread */
	CHECK_EQ(rte_spinlock_recursive_trylock(&rsl), 1);
	CHECK_EQ(rte_spinlock_recursive_trylock(&rsl), 1);
	CHECK_EQ(rsl.count, 2);
	pthread_t other;
	void *res = (void *)1;
	CHECK_EQ(pthread_create(&other, NULL, try_recursive, NULL), 0);
	pthread_join(other, &res);
	CHECK(res == NULL);
	rte_spinlock_recursive_unlock(&rsl);
	rte_spinlock_recursive_unlock(&rsl);
	CHECK_EQ(rte_spinlock_is_locked(&rsl.sl), 0);
	printf("readers overlapped: %s\n", reader_overlap_seen ? "yes" : "no (machine too busy to see it)");
	return check_report();
}
