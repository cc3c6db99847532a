/*
 * rte_fbarray searches on a 1,048,576-element array with every 7th element used.
 * Each figure walks the whole array the way a caller would, and is reported as the time
 * per call (ns), so the swifteal/dpdk ratio is the per-call speed ratio:
 *   next_free      find_next_free from 0, then from each answer + 1, to the end
 *   next_used      the same for used elements
 *   contig_free    find_contig_free at the start of every free run
 *   next_n_free16  find_next_n_free(n = 16) from 0: no such run, so one call scans it all
 *   next_n_free4   find_next_n_free(n = 4) from 0, then from each answer + 1, to the end
 *                  (short calls: most answers are a few elements on)
 *   biggest_free   find_biggest_free from 0 (one call over the whole array)
 * Prints "metric value" lines for bench/run.sh; the best of several repetitions counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>

#define LEN (1u << 20)
#define REPS 15

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile long sink;

static long walk_next(struct rte_fbarray *a, int used)
{
	long calls = 0;
	int i = 0;
	for (;;) {
		int r = used ? rte_fbarray_find_next_used(a, i) : rte_fbarray_find_next_free(a, i);
		calls++;
		if (r < 0 || (unsigned)r + 1 >= LEN)
			break;
		i = r + 1;
	}
	return calls;
}

static long walk_contig(struct rte_fbarray *a)
{
	long calls = 0;
	unsigned i = 0;
	while (i < LEN) {
		int c = rte_fbarray_find_contig_free(a, i);
		calls++;
		i += c + 1; /* past the run and the used element after it */
	}
	return calls;
}

static long walk_next_n4(struct rte_fbarray *a)
{
	long calls = 0;
	int i = 0;
	for (;;) {
		int r = rte_fbarray_find_next_n_free(a, i, 4);
		calls++;
		if (r < 0 || (unsigned)r + 1 >= LEN)
			break;
		i = r + 1;
	}
	return calls;
}

static long one_next_n(struct rte_fbarray *a)
{
	sink += rte_fbarray_find_next_n_free(a, 0, 16);
	return 1;
}

static long one_biggest(struct rte_fbarray *a)
{
	sink += rte_fbarray_find_biggest_free(a, 0);
	return 1;
}

static void measure(const char *metric, struct rte_fbarray *a, long (*fn)(struct rte_fbarray *))
{
	double best = 1e300;
	long calls = 0;
	for (int r = 0; r < REPS; r++) {
		double t0 = now_ns();
		calls = fn(a);
		double t = now_ns() - t0;
		if (t < best)
			best = t;
	}
	printf("%s_ns_per_call %.2f\n", metric, best / calls);
}

static long walk_free(struct rte_fbarray *a) { return walk_next(a, 0); }
static long walk_used(struct rte_fbarray *a) { return walk_next(a, 1); }

int main(void)
{
	char *args[] = { "bench_fbarray", "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "bench_fbarray", "--log-level", "3", NULL };
	if (rte_eal_init((int)(sizeof(args) / sizeof(args[0])) - 1, args) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	static struct rte_fbarray a;
	if (rte_fbarray_init(&a, "bench", LEN, 8) != 0) {
		fprintf(stderr, "rte_fbarray_init failed: %d\n", rte_errno);
		return 1;
	}
	for (unsigned i = 6; i < LEN; i += 7)
		rte_fbarray_set_used(&a, i);
	/* sanity: both libraries must agree on the answers being timed */
	if (rte_fbarray_find_biggest_free(&a, 0) != 0 || rte_fbarray_find_next_n_free(&a, 0, 16) != -1 ||
	    walk_next(&a, 1) != LEN / 7 + 1 || walk_contig(&a) != (LEN + 6) / 7 ||
	    walk_next_n4(&a) != 3 * (LEN / 7) + 2) { /* 3 answers per run of 6, the last run has 4 */
		fprintf(stderr, "unexpected answers\n");
		return 1;
	}
	measure("fbarray_find_next_free", &a, walk_free);
	measure("fbarray_find_next_used", &a, walk_used);
	measure("fbarray_find_contig_free", &a, walk_contig);
	measure("fbarray_find_next_n_free16", &a, one_next_n);
	measure("fbarray_find_next_n_free4", &a, walk_next_n4);
	measure("fbarray_find_biggest_free", &a, one_biggest);
	rte_fbarray_destroy(&a);
	rte_eal_cleanup();
	return 0;
}
