/*
 * lcore_pipeline: the main lcore feeds the worker lcores through lock-free rings.
 *
 * Each worker gets a single-producer/single-consumer ring that lives in memory from
 * rte_zmalloc_socket on the worker's own NUMA socket. The main lcore pushes numbered
 * items round-robin into the rings, then a stop mark; each worker pops, counts and sums
 * its items into its own cache-line-sized slot of a per-lcore counter table (no sharing,
 * no locks), and returns. The main lcore collects the return values with
 * rte_eal_wait_lcore and checks that every item arrived exactly once.
 *
 * Needs at least two lcores.
 * Build: cc lcore_pipeline.c $(pkg-config --cflags --libs libswifteal) -o lcore_pipeline
 * Run:   ./lcore_pipeline -l 0-1 -m 64 --file-prefix pipe   (or --no-huge without hugepages)
 * Last line on success: "lcore_pipeline: OK"
 */
#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_pause.h>
#include <rte_malloc.h>

#define RING_SLOTS 1024		/* a power of two */
#define N_ITEMS 1000000u
#define STOP 0			/* items are numbered from 1; 0 ends a worker */

/* A single-producer/single-consumer ring. The producer only writes head, the consumer
 * only writes tail, each on its own cache line; release/acquire pairs publish slots. */
struct ring {
	uint32_t head __rte_cache_aligned;	/* next slot the producer fills */
	uint32_t tail __rte_cache_aligned;	/* next slot the consumer empties */
	uint64_t slot[RING_SLOTS] __rte_cache_aligned;
};

static void ring_push(struct ring *r, uint64_t v)
{
	uint32_t h = r->head;
	while (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RING_SLOTS)
		rte_pause();	/* full: wait for the consumer */
	r->slot[h & (RING_SLOTS - 1)] = v;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
}

static uint64_t ring_pop(struct ring *r)
{
	uint32_t t = r->tail;
	while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == t)
		rte_pause();	/* empty: wait for the producer */
	uint64_t v = r->slot[t & (RING_SLOTS - 1)];
	__atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
	return v;
}

/* Per-lcore counters: one cache line each, written only by their lcore. */
struct counters {
	uint64_t items;
	uint64_t sum;
} __rte_cache_aligned;

static struct ring *rings[RTE_MAX_LCORE];
static struct counters *counters;	/* RTE_MAX_LCORE entries, from rte_zmalloc */

static int worker(void *arg)
{
	(void)arg;
	unsigned int me = rte_lcore_id();
	struct counters *c = &counters[me];
	for (;;) {
		uint64_t v = ring_pop(rings[me]);
		if (v == STOP)
			break;
		c->items++;
		c->sum += v;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int lcore, workers[RTE_MAX_LCORE], n_workers = 0;
	int failures = 0;

	if (rte_eal_init(argc, argv) < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));
	RTE_LCORE_FOREACH_WORKER(lcore)
		workers[n_workers++] = lcore;
	if (n_workers == 0)
		rte_exit(1, "lcore_pipeline needs at least 2 lcores (for example -l 0-1)\n");

	counters = rte_zmalloc("ex_counters", sizeof(*counters) * RTE_MAX_LCORE, 0);
	if (counters == NULL)
		rte_exit(1, "rte_zmalloc of the counter table failed\n");
	for (unsigned int i = 0; i < n_workers; i++) {
		unsigned int w = workers[i];
		rings[w] = rte_zmalloc_socket("ex_ring", sizeof(struct ring), 0,
					      rte_lcore_to_socket_id(w));
		if (rings[w] == NULL)
			rte_exit(1, "rte_zmalloc_socket of a ring failed\n");
	}
	printf("main lcore %u feeds %u worker lcore(s), each through a %d-slot ring "
	       "on its own socket\n", rte_get_main_lcore(), n_workers, RING_SLOTS);

	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(worker, NULL, lcore);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t v = 1; v <= N_ITEMS; v++)
		ring_push(rings[workers[v % n_workers]], v);
	for (unsigned int i = 0; i < n_workers; i++)
		ring_push(rings[workers[i]], STOP);

	/* rte_eal_wait_lcore returns what the lcore function returned. */
	uint64_t items = 0, sum = 0;
	for (unsigned int i = 0; i < n_workers; i++) {
		unsigned int w = workers[i];
		int rc = rte_eal_wait_lcore(w);
		printf("  lcore %u (socket %u): %llu items, sum %llu, returned %d\n", w,
		       rte_lcore_to_socket_id(w), (unsigned long long)counters[w].items,
		       (unsigned long long)counters[w].sum, rc);
		items += counters[w].items;
		sum += counters[w].sum;
		if (rc != 0)
			failures++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;

	uint64_t want = (uint64_t)N_ITEMS * (N_ITEMS + 1) / 2;
	printf("total: %llu items, sum %llu (expected %u items, sum %llu), in %.1f ms\n",
	       (unsigned long long)items, (unsigned long long)sum, N_ITEMS,
	       (unsigned long long)want, ms);
	if (items != N_ITEMS || sum != want)
		failures++;

	for (unsigned int i = 0; i < n_workers; i++)
		rte_free(rings[workers[i]]);
	rte_free(counters);
	rte_eal_cleanup();
	printf("lcore_pipeline: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
