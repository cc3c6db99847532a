/*
 * The hot paths allocate nothing: this program interposes the allocator (an
 * executable's malloc family wins over libc's for every library) and counts calls
 * made by the main thread while it runs every fbarray search, set/is_used/get/find_idx,
 * filtered rte_log calls and rte_log_can_log, and rte_rand/rte_rand_max/rte_drand, a
 * second time (the first pass may set up lazily initialised runtime data).
 */
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>
#include <rte_log.h>
#include <rte_random.h>

#include "check.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static pthread_t counted;
static volatile int counting;
static unsigned long allocs;

static void note(void)
{
	if (counting && pthread_equal(pthread_self(), counted))
		allocs++;
}

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { note(); return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { note(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { note(); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n)
{
	note();
	*p = __libc_memalign(a, n);
	return *p ? 0 : 12;
}

#define LEN 100000

static uint64_t sink;

static void pass(struct rte_fbarray *a)
{
	for (unsigned s = 0; s < LEN; s += 997) {
		sink += rte_fbarray_find_next_free(a, s) + rte_fbarray_find_next_used(a, s);
		sink += rte_fbarray_find_prev_free(a, s) + rte_fbarray_find_prev_used(a, s);
		sink += rte_fbarray_find_next_n_free(a, s, 3) + rte_fbarray_find_next_n_used(a, s, 2);
		sink += rte_fbarray_find_prev_n_free(a, s, 3) + rte_fbarray_find_prev_n_used(a, s, 2);
		sink += rte_fbarray_find_contig_free(a, s) + rte_fbarray_find_contig_used(a, s);
		sink += rte_fbarray_find_rev_contig_free(a, s) + rte_fbarray_find_rev_contig_used(a, s);
		sink += rte_fbarray_find_biggest_free(a, s) + rte_fbarray_find_biggest_used(a, s);
		sink += rte_fbarray_find_rev_biggest_free(a, s) + rte_fbarray_find_rev_biggest_used(a, s);
		sink += rte_fbarray_is_used(a, s);
		sink += rte_fbarray_find_idx(a, rte_fbarray_get(a, s));
		rte_fbarray_set_used(a, s);
		rte_fbarray_set_free(a, s);
		/* out of range: the error path too */
		sink += rte_fbarray_find_next_free(a, LEN) + rte_fbarray_set_used(a, LEN);
	}
	for (int i = 0; i < 1000; i++) {
		sink += rte_log(RTE_LOG_DEBUG, RTE_LOGTYPE_EAL, "filtered %d\n", i);
		sink += rte_log(RTE_LOG_INFO, 100000, "unknown type %d\n", i);
		sink += rte_log_can_log(RTE_LOGTYPE_EAL, RTE_LOG_DEBUG);
		sink += rte_rand() + rte_rand_max(1000) + rte_rand_max(1ULL << 40) + (uint64_t)rte_drand();
	}
}

int main(int argc, char **argv)
{
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "test_hotpath_%d", (int)getpid());
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--file-prefix", prefix, "--log-level", "lib.eal:info", NULL };
	(void)argc;
	CHECK(rte_eal_init(12, eal) >= 0);

	struct rte_fbarray a;
	CHECK_EQ(rte_fbarray_init(&a, "hotpath", LEN, 8), 0);
	for (unsigned i = 0; i < LEN; i += 7)
		rte_fbarray_set_used(&a, i);
	for (unsigned i = 5000; i < 6000; i++)
		rte_fbarray_set_used(&a, i);

	counted = pthread_self();
	pass(&a);
	allocs = 0;
	counting = 1;
	pass(&a);
	counting = 0;
	if (allocs)
		fprintf(stderr, "%lu allocations on the hot paths\n", allocs);
	CHECK_EQ(allocs, 0);

	/* the counter itself works: a plain malloc is seen */
	void *volatile p;
	counting = 1;
	p = malloc(16);
	counting = 0;
	free(p);
	CHECK_EQ(allocs, 1);

	CHECK_EQ(rte_fbarray_destroy(&a), 0);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
