/*
 * rte_malloc and rte_memzone, with glibc's malloc measured in the same process as the
 * yardstick (-l 0-1 --no-pci -m 256). Every figure is the best of several repetitions,
 * in ns per operation unless named otherwise; "_vs_glibc" figures are this library's
 * time over glibc's for the same loop in the same run (the swifteal column is ours, the
 * dpdk column DPDK's):
 *   pair<size>[_live]    rte_malloc + rte_free of one size, on a nearly empty heap and
 *                        with 5,000 live blocks (16 B - 4 KiB) around
 *   zmalloc4k            rte_zmalloc + rte_free of 4 KiB (glibc: calloc)
 *   realloc              rte_realloc of one block between 1 KiB and 8 KiB, per call
 *   batch                1,000 random 16 B - 4 KiB allocations, then their frees, per op
 *   batch_2lcores        the same on both lcores at once (per op, per lcore)
 *   pair64_2lcores       the 64 B pair on both lcores at once (per pair, per lcore)
 *   bytes_per_byte       bytes the heap has in use per byte asked for, once 10,000
 *                        random 16 B - 4 KiB blocks are half freed (lower is better)
 *   memzone_reserve / _lookup / _free   among 2,000 zones
 * Prints "metric value" lines for bench/run.sh.
 */
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#define REPS 5

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *gl_malloc(const char *t, size_t n, unsigned a) { (void)t; (void)a; return malloc(n); }
static void *gl_zmalloc(const char *t, size_t n, unsigned a) { (void)t; (void)a; return calloc(1, n); }
static void *gl_realloc(void *p, size_t n, unsigned a) { (void)a; return realloc(p, n); }

struct api {
	void *(*alloc)(const char *, size_t, unsigned);
	void *(*zalloc)(const char *, size_t, unsigned);
	void *(*re)(void *, size_t, unsigned);
	void (*release)(void *);
};
static const struct api rte = { rte_malloc, rte_zmalloc, rte_realloc, rte_free };
static const struct api glibc = { gl_malloc, gl_zmalloc, gl_realloc, free };

static volatile uintptr_t sink;

static double pairs(const struct api *a, size_t size, long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		void *p = a->alloc(NULL, size, 0);
		sink += (uintptr_t)p;
		a->release(p);
	}
	return (now_ns() - t0) / n;
}

static double zpairs(const struct api *a, size_t size, long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		void *p = a->zalloc(NULL, size, 0);
		sink += *(volatile char *)p;
		a->release(p);
	}
	return (now_ns() - t0) / n;
}

static double reallocs(const struct api *a, long n)
{
	void *p = a->alloc(NULL, 1024, 0);
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		p = a->re(p, i & 1 ? 1024 : 8192, 0);
		sink += (uintptr_t)p;
	}
	double t = (now_ns() - t0) / n;
	a->release(p);
	return t;
}

#define BATCH 1000
static size_t batch_size[BATCH];

static double batch(const struct api *a, int rounds)
{
	void *p[BATCH];
	double t0 = now_ns();
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < BATCH; i++)
			p[i] = a->alloc(NULL, batch_size[i], 0);
		for (int i = 0; i < BATCH; i++)
			a->release(p[i]);
	}
	return (now_ns() - t0) / (2.0 * BATCH * rounds);
}

/* Repetitions of about 20 ms each: DPDK is 50 times slower than glibc here. */
static long calibrate(double per_op_ns)
{
	long n = (long)(20e6 / (per_op_ns > 1 ? per_op_ns : 1));
	return n < 200 ? 200 : n;
}

/* Batch rounds (2,000 operations each) of about 20 ms. */
static long rounds_for(double per_op_ns)
{
	long n = (long)(20e6 / (2.0 * BATCH * (per_op_ns > 0.1 ? per_op_ns : 0.1)));
	return n < 2 ? 2 : n;
}

static double best(double (*f)(const struct api *, size_t, long), const struct api *a, size_t size, long n)
{
	double b = 1e300;
	n = calibrate(f(a, size, n));
	for (int r = 0; r < REPS; r++) {
		double t = f(a, size, n);
		if (t < b)
			b = t;
	}
	return b;
}

/* ---- both lcores at once */
struct job {
	const struct api *a;
	int kind;           /* 0: 64 B pairs, 1: batch */
	long n;             /* pairs, or batch rounds */
	double result;
};
static atomic_int ready, go;

static int run_job(void *arg)
{
	struct job *j = arg;
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		;
	j->result = j->kind == 0 ? pairs(j->a, 64, j->n) : batch(j->a, (int)j->n);
	return 0;
}

static double both_lcores(const struct api *a, int kind)
{
	double b = 1e300;
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	long n = kind == 0 ? calibrate(pairs(a, 64, 2000)) : rounds_for(batch(a, 2)) ;
	for (int r = 0; r < REPS; r++) {
		struct job w = { a, kind, n, 0 }, m = { a, kind, n, 0 };
		atomic_store(&ready, 0);
		atomic_store(&go, 0);
		rte_eal_remote_launch(run_job, &w, worker);
		while (atomic_load(&ready) < 1)
			;
		atomic_store(&go, 1);
		atomic_fetch_add(&ready, 1);
		run_job(&m);
		rte_eal_wait_lcore(worker);
		double t = (w.result + m.result) / 2;
		if (t < b)
			b = t;
	}
	return b;
}

/* ---- live blocks around */
#define LIVE 5000
static void *live[LIVE];

static void make_live(void)
{
	uint64_t s = 7;
	for (int i = 0; i < LIVE; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		live[i] = rte_malloc(NULL, 16 + (s >> 33) % 4081, 0);
	}
	/* a free block between some of them */
	for (int i = 0; i < LIVE; i += 10) {
		rte_free(live[i]);
		live[i] = NULL;
	}
}

static void free_live(void)
{
	for (int i = 0; i < LIVE; i++)
		rte_free(live[i]);
}

/* ---- heap bytes in use per byte asked for, batch half freed */
#define FRAG 10000
static double bytes_per_byte(int use_glibc)
{
	static void *p[FRAG];
	struct rte_malloc_socket_stats s0, s1;
	struct mallinfo2 m0, m1;
	uint64_t s = 12345;
	size_t asked = 0;
	rte_malloc_get_socket_stats(0, &s0);
	m0 = mallinfo2();
	for (int i = 0; i < FRAG; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t n = 16 + (s >> 33) % 4081;
		p[i] = use_glibc ? malloc(n) : rte_malloc(NULL, n, 0);
		if (i % 2)
			asked += n;
	}
	for (int i = 0; i < FRAG; i += 2)
		use_glibc ? free(p[i]) : rte_free(p[i]);
	rte_malloc_get_socket_stats(0, &s1);
	m1 = mallinfo2();
	double used = use_glibc ? (double)(m1.uordblks - m0.uordblks)
				: (double)(s1.heap_allocsz_bytes - s0.heap_allocsz_bytes);
	for (int i = 1; i < FRAG; i += 2)
		use_glibc ? free(p[i]) : rte_free(p[i]);
	return used / (double)asked;
}

/* ---- memzones */
#define ZONES 2000
static void memzones(void)
{
	char name[32];
	for (int i = 0; i < ZONES; i++) {
		snprintf(name, sizeof(name), "bench_zone_%d", i);
		if (!rte_memzone_reserve(name, 256, SOCKET_ID_ANY, 0)) {
			fprintf(stderr, "memzone %d: %d\n", i, rte_errno);
			exit(1);
		}
	}
	enum { EXTRA = 200, LOOKUPS = 20000 };
	static char names[LOOKUPS][32];
	uint64_t s = 99;
	for (int i = 0; i < LOOKUPS; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		snprintf(names[i], sizeof(names[i]), "bench_zone_%d", (int)((s >> 33) % ZONES));
	}
	double br = 1e300, bl = 1e300, bf = 1e300;
	for (int r = 0; r < REPS; r++) {
		double t1 = now_ns();
		for (int i = 0; i < LOOKUPS; i++)
			sink += (uintptr_t)rte_memzone_lookup(names[i]);
		double ll = (now_ns() - t1) / LOOKUPS;
		if (ll < bl) bl = ll;
	}
	/* reserve and free: new names, among the 2,000 */
	static char extra[EXTRA][32];
	for (int i = 0; i < EXTRA; i++)
		snprintf(extra[i], sizeof(extra[i]), "bench_extra_%d", i);
	for (int r = 0; r < REPS; r++) {
		const struct rte_memzone *z[EXTRA];
		double t0 = now_ns();
		for (int i = 0; i < EXTRA; i++)
			z[i] = rte_memzone_reserve(extra[i], 256, SOCKET_ID_ANY, 0);
		double t1 = now_ns();
		for (int i = 0; i < EXTRA; i++)
			rte_memzone_free(z[i]);
		double t2 = now_ns();
		double rr = (t1 - t0) / EXTRA, ff = (t2 - t1) / EXTRA;
		if (rr < br) br = rr;
		if (ff < bf) bf = ff;
	}
	printf("memzone_reserve_ns %.1f\n", br);
	printf("memzone_lookup_ns %.1f\n", bl);
	printf("memzone_free_ns %.1f\n", bf);
	for (int i = 0; i < ZONES; i++) {
		snprintf(name, sizeof(name), "bench_zone_%d", i);
		rte_memzone_free(rte_memzone_lookup(name));
	}
}

static void report(const char *metric, double ours, double theirs)
{
	printf("%s_ns %.1f\n", metric, ours);
	printf("%s_glibc_ns %.1f\n", metric, theirs);
	printf("%s_vs_glibc %.3f\n", metric, ours / theirs);
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0-1", "--no-pci", "-m", "256", "--no-telemetry",
			 "--file-prefix", "bench_malloc", "--log-level", "3", NULL };
	if (rte_eal_init((int)(sizeof(args) / sizeof(args[0])) - 1, args) < 0) {
		fprintf(stderr, "rte_eal_init failed: %d\n", rte_errno);
		return 1;
	}
	uint64_t s = 42;
	for (int i = 0; i < BATCH; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		batch_size[i] = 16 + (s >> 33) % 4081;
	}
	/* warm both allocators up */
	pairs(&rte, 64, 100000);
	pairs(&glibc, 64, 100000);
	batch(&rte, 5);
	batch(&glibc, 5);

	static const size_t sizes[] = { 64, 1024, 16384, 262144 };
	for (int live_blocks = 0; live_blocks < 2; live_blocks++) {
		if (live_blocks)
			make_live();
		for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			char metric[64];
			snprintf(metric, sizeof(metric), "pair%zu%s", sizes[i], live_blocks ? "_live" : "");
			report(metric, best(pairs, &rte, sizes[i], 2000), best(pairs, &glibc, sizes[i], 2000));
		}
		if (live_blocks)
			free_live();
	}
	report("zmalloc4k", best(zpairs, &rte, 4096, 2000), best(zpairs, &glibc, 4096, 2000));
	double rb = 1e300, gb = 1e300;
	long rn = calibrate(reallocs(&rte, 2000)), gn = calibrate(reallocs(&glibc, 2000));
	for (int r = 0; r < REPS; r++) {
		double t = reallocs(&rte, rn), g = reallocs(&glibc, gn);
		if (t < rb) rb = t;
		if (g < gb) gb = g;
	}
	report("realloc", rb, gb);
	rb = gb = 1e300;
	rn = rounds_for(batch(&rte, 2));
	gn = rounds_for(batch(&glibc, 2));
	for (int r = 0; r < REPS; r++) {
		double t = batch(&rte, (int)rn), g = batch(&glibc, (int)gn);
		if (t < rb) rb = t;
		if (g < gb) gb = g;
	}
	report("batch", rb, gb);
	report("batch_2lcores", both_lcores(&rte, 1), both_lcores(&glibc, 1));
	report("pair64_2lcores", both_lcores(&rte, 0), both_lcores(&glibc, 0));
	double ours = bytes_per_byte(0), theirs = bytes_per_byte(1);
	printf("bytes_per_byte %.3f\n", ours);
	printf("bytes_per_byte_glibc %.3f\n", theirs);
	memzones();
	rte_eal_cleanup();
	return 0;
}
