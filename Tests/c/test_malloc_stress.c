/*
 * The heap under load: every lcore at once (and a non-EAL thread on the locked path)
 * makes 100,000 random allocations and frees: sizes 1 B to 64 KiB (log-uniform),
 * alignments 1 to 4096, through rte_malloc, rte_zmalloc (checked zero), rte_calloc,
 * rte_realloc and rte_malloc_socket; blocks are handed to other threads to free. Every
 * block carries a pattern of its own, checked before it is freed. After each of four
 * phases all threads stop and the main lcore checks every live block (rte_malloc_validate
 * and its pattern) and that the stats add up. At the end everything is freed and the
 * heap's allocation count is back where it started. Zero corruption is the pass mark.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "check.h"

#define OPS 100000
#define PHASES 4
#define SLOTS 1500
#define THREADS_MAX 8
#define MAILBOX 256

struct block {
	void *p;
	size_t size;
	uint64_t seed;
};

struct worker {
	struct block slot[SLOTS];
	uint64_t rng;
	long allocs, frees, zero_bad, pattern_bad, validate_bad, failed, handed, taken;
};

static struct worker workers[THREADS_MAX];
static int nthreads;
static atomic_int arrived, phase_go;
static _Atomic(struct block *) mailbox[MAILBOX];
static struct block mail_store[MAILBOX];
static atomic_int mail_lock;

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill(void *p, size_t n, uint64_t seed)
{
	uint64_t *w = p;
	size_t i;
	for (i = 0; i < n / 8; i++)
		w[i] = seed ^ (i * 0x100000001b3ULL);
	for (size_t j = i * 8; j < n; j++)
		((unsigned char *)p)[j] = (unsigned char)(seed >> (j % 8));
}

static int holds(const void *p, size_t n, uint64_t seed)
{
	const uint64_t *w = p;
	size_t i;
	for (i = 0; i < n / 8; i++)
		if (w[i] != (seed ^ (i * 0x100000001b3ULL)))
			return 0;
	for (size_t j = i * 8; j < n; j++)
		if (((const unsigned char *)p)[j] != (unsigned char)(seed >> (j % 8)))
			return 0;
	return 1;
}

static int zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void release(struct worker *w, struct block *b)
{
	if (!holds(b->p, b->size, b->seed))
		w->pattern_bad++;
	rte_free(b->p);
	w->frees++;
	b->p = NULL;
}

/* Hands a block to whichever thread takes it next from the mailbox. */
static int hand_over(struct worker *w, struct block *b)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong(&mail_lock, &expected, 1))
		return 0;
	int done = 0;
	for (int i = 0; i < MAILBOX && !done; i++) {
		if (atomic_load(&mailbox[i]) == NULL) {
			mail_store[i] = *b;
			atomic_store(&mailbox[i], &mail_store[i]);
			b->p = NULL;
			w->handed++;
			done = 1;
		}
	}
	atomic_store(&mail_lock, 0);
	return done;
}

static void take_one(struct worker *w)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong(&mail_lock, &expected, 1))
		return;
	int i = (int)(next(&w->rng) % MAILBOX);
	struct block *b = atomic_load(&mailbox[i]);
	if (b) {
		struct block copy = *b;
		atomic_store(&mailbox[i], NULL);
		atomic_store(&mail_lock, 0);
		release(w, &copy);
		w->taken++;
		return;
	}
	atomic_store(&mail_lock, 0);
}

static void one_op(struct worker *w)
{
	uint64_t r = next(&w->rng);
	struct block *b = &w->slot[r % SLOTS];
	unsigned choice = (unsigned)(r >> 40) % 100;
	if (choice < 3) {
		take_one(w);
		return;
	}
	if (b->p) {
		if (choice < 8 && hand_over(w, b))
			return;
		if (choice < 20) {
			/* realloc keeps min(old, new) bytes */
			size_t size = 1 + next(&w->rng) % ((size_t)1 << (next(&w->rng) % 17));
			size_t keep = size < b->size ? size : b->size;
			if (!holds(b->p, b->size, b->seed))
				w->pattern_bad++;
			void *q = rte_realloc(b->p, size, 0);
			if (!q) {
				w->failed++;
				return;
			}
			/* the words that were whole before (a shorter tail is bytes of a word) */
			if (!holds(q, keep < b->size ? keep & ~(size_t)7 : keep, b->seed))
				w->pattern_bad++;
			b->p = q;
			b->size = size;
			b->seed = next(&w->rng);
			fill(q, size, b->seed);
			return;
		}
		release(w, b);
		return;
	}
	size_t size = 1 + next(&w->rng) % ((size_t)1 << (next(&w->rng) % 17));
	unsigned align = (r >> 20) % 3 ? 0 : 1u << ((r >> 24) % 13);
	void *p;
	int zeroed = 0;
	switch ((r >> 30) % 5) {
	case 0: p = rte_zmalloc("stress", size, align); zeroed = 1; break;
	case 1: p = rte_calloc("stress", 1, size, align); zeroed = 1; break;
	case 2: p = rte_malloc_socket("stress", size, align, SOCKET_ID_ANY); break;
	case 3: p = rte_realloc(NULL, size, align); break;
	default: p = rte_malloc("stress", size, align); break;
	}
	if (!p) {
		w->failed++;
		return;
	}
	w->allocs++;
	if (align > 1 && ((uintptr_t)p & (align - 1)))
		w->validate_bad++;
	if (zeroed && !zero(p, size))
		w->zero_bad++;
	b->p = p;
	b->size = size;
	b->seed = next(&w->rng);
	fill(p, size, b->seed);
}

/* All threads meet here between phases; the main lcore checks while the rest wait. */
static void barrier(int gen)
{
	atomic_fetch_add(&arrived, 1);
	while (atomic_load(&phase_go) < gen)
		usleep(100);
}

static void run_worker(int idx)
{
	struct worker *w = &workers[idx];
	w->rng = 0x1234567ULL * (idx + 1);
	for (int phase = 1; phase <= PHASES; phase++) {
		for (int i = 0; i < OPS / PHASES; i++)
			one_op(w);
		barrier(phase);
	}
}

static int lcore_main(void *arg)
{
	run_worker((int)(intptr_t)arg);
	return 0;
}

static void *thread_main(void *arg)
{
	run_worker((int)(intptr_t)arg);
	return NULL;
}

static void check_all(int phase)
{
	long live = 0, bad_validate = 0, bad_pattern = 0;
	for (int t = 0; t < nthreads; t++) {
		for (int i = 0; i < SLOTS; i++) {
			struct block *b = &workers[t].slot[i];
			if (!b->p)
				continue;
			live++;
			size_t usable = 0;
			if (rte_malloc_validate(b->p, &usable) != 0 || usable < b->size)
				bad_validate++;
			if (!holds(b->p, b->size, b->seed))
				bad_pattern++;
		}
	}
	for (int i = 0; i < MAILBOX; i++) {
		struct block *b = atomic_load(&mailbox[i]);
		if (b && (rte_malloc_validate(b->p, NULL) != 0 || !holds(b->p, b->size, b->seed)))
			bad_validate++;
	}
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(0, &st);
	printf("phase %d: %ld live blocks, validate failures %ld, pattern failures %ld; heap %zu = %zu allocated + %zu free\n",
	       phase, live, bad_validate, bad_pattern, st.heap_totalsz_bytes, st.heap_allocsz_bytes, st.heap_freesz_bytes);
	CHECK_EQ(bad_validate, 0);
	CHECK_EQ(bad_pattern, 0);
	CHECK(st.heap_allocsz_bytes + st.heap_freesz_bytes == st.heap_totalsz_bytes);
	CHECK(st.alloc_count >= (unsigned)live);
}

int main(int argc, char **argv)
{
	(void)argc;
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long free_pages = 0;
	if (f) {
		if (fscanf(f, "%ld", &free_pages) != 1)
			free_pages = 0;
		fclose(f);
	}
	int hugepages = geteuid() == 0 && free_pages >= 128;
	char *with[] = { argv[0], "-l", "0-1", "--no-pci", "-m", "8", "--file-prefix", "test_malloc_stress", NULL };
	char *without[] = { argv[0], "-l", "0-1", "--no-pci", "--no-huge", "-m", "256", "--file-prefix", "test_malloc_stress", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("%s\n", hugepages ? "with 2 MB hugepages (-m 8: the heap grows and shrinks)" : "SKIP hugepages: not root or too few free; --no-huge");
	if ((hugepages ? rte_eal_init(8, with) : rte_eal_init(9, without)) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	struct rte_malloc_socket_stats start;
	rte_malloc_get_socket_stats(0, &start);

	/* thread 0: the main lcore; then every worker lcore; last a non-EAL thread */
	int lcore_of[THREADS_MAX];
	unsigned l;
	lcore_of[nthreads++] = (int)rte_get_main_lcore();
	RTE_LCORE_FOREACH_WORKER(l) {
		if (nthreads < THREADS_MAX - 1)
			lcore_of[nthreads++] = (int)l;
	}
	int lcores = nthreads;
	int non_eal = nthreads++;
	for (int t = 1; t < lcores; t++)
		rte_eal_remote_launch(lcore_main, (void *)(intptr_t)t, (unsigned)lcore_of[t]);
	pthread_t thr;
	pthread_create(&thr, NULL, thread_main, (void *)(intptr_t)non_eal);

	struct worker *me = &workers[0];
	me->rng = 0x1234567ULL;
	for (int phase = 1; phase <= PHASES; phase++) {
		for (int i = 0; i < OPS / PHASES; i++)
			one_op(me);
		atomic_fetch_add(&arrived, 1);
		while (atomic_load(&arrived) < nthreads * phase)
			usleep(100);
		check_all(phase);
		atomic_store(&phase_go, phase);
	}
	rte_eal_mp_wait_lcore();
	pthread_join(thr, NULL);

	long allocs = 0, frees = 0, handed = 0, taken = 0;
	for (int t = 0; t < nthreads; t++) {
		struct worker *w = &workers[t];
		allocs += w->allocs;
		frees += w->frees;
		handed += w->handed;
		taken += w->taken;
		CHECK_EQ(w->zero_bad, 0);
		CHECK_EQ(w->pattern_bad, 0);
		CHECK_EQ(w->validate_bad, 0);
		CHECK(w->failed < 10);
		for (int i = 0; i < SLOTS; i++)
			if (w->slot[i].p)
				release(w, &w->slot[i]);
		CHECK_EQ(w->pattern_bad, 0);
	}
	for (int i = 0; i < MAILBOX; i++) {
		struct block *b = atomic_load(&mailbox[i]);
		if (b)
			release(&workers[0], b);
	}
	CHECK_EQ(workers[0].pattern_bad, 0);
	printf("%d threads (%d lcores): %ld allocations, %ld frees, %ld blocks freed by another thread\n",
	       nthreads, lcores, allocs, frees, taken);
	CHECK(allocs > (long)nthreads * OPS / 3);
	CHECK(taken > 100);

	struct rte_malloc_socket_stats end;
	rte_malloc_get_socket_stats(0, &end);
	printf("at the end: heap %zu = %zu allocated + %zu free, %u allocations (%u at the start)\n",
	       end.heap_totalsz_bytes, end.heap_allocsz_bytes, end.heap_freesz_bytes, end.alloc_count, start.alloc_count);
	CHECK(end.heap_allocsz_bytes + end.heap_freesz_bytes == end.heap_totalsz_bytes);
	CHECK_EQ(end.alloc_count, start.alloc_count);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
