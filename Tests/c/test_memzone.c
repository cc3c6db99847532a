/*
 * rte_memzone.h from the user's side: zones hold their bytes at aligned addresses,
 * within their bounds, with the page size and socket they were asked for; lookup finds
 * each of 2,000 zones by name (and none that was freed); walk and dump list them; a
 * zone of length 0 is greatest_free_size - 128 bytes, exactly, and so is a zone asked
 * for with that length (DPDK's own test_memzone relies on both); a NULL name gets
 * EINVAL (DPDK crashes); zones reserved and freed from two lcores at once stay sound;
 * rte_free refuses a zone's memory. With hugepages (-m 64) when the machine has them.
 */
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
#include <rte_memzone.h>

#include "check.h"

static int hugepages;

static int start_eal(char *prog)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long free_pages = 0;
	if (f) {
		if (fscanf(f, "%ld", &free_pages) != 1)
			free_pages = 0;
		fclose(f);
	}
	hugepages = geteuid() == 0 && free_pages >= 64;
	char *with[] = { prog, "-l", "0-1", "--no-pci", "-m", "64", "--file-prefix", "test_memzone", NULL };
	char *without[] = { prog, "-l", "0-1", "--no-pci", "--no-huge", "-m", "64", "--file-prefix", "test_memzone", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("%s\n", hugepages ? "with 2 MB hugepages (-m 64)" : "SKIP hugepages: not root or too few free; --no-huge");
	int r = hugepages ? rte_eal_init(8, with) : rte_eal_init(9, without);
	if (r < 0)
		printf("rte_eal_init failed: %d\n", rte_errno);
	return r;
}

static void walk_count(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(int *)arg)++;
}

static void basics(void)
{
	const struct rte_memzone *z = rte_memzone_reserve("basic", 10000, SOCKET_ID_ANY, 0);
	CHECK(z != NULL);
	if (!z)
		return;
	CHECK_EQ(z->len, 10048);                   /* rounded up to a cache line */
	CHECK(((uintptr_t)z->addr & 63) == 0);
	CHECK_EQ(z->socket_id, 0);
	CHECK_EQ(z->flags, 0);
	CHECK(z->hugepage_sz == (hugepages ? 2u << 20 : (uint64_t)sysconf(_SC_PAGESIZE)));
	CHECK(z->iova == rte_mem_virt2iova(z->addr));
	CHECK(strcmp(z->name, "basic") == 0);
	memset(z->addr, 0x6b, z->len);
	CHECK(rte_memzone_lookup("basic") == z);
	/* rte_free will not free a zone's memory, and validate says it is sound memory */
	rte_errno = 777;
	rte_free(z->addr);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK(rte_memzone_lookup("basic") == z);
	CHECK_EQ(((unsigned char *)z->addr)[z->len - 1], 0x6b);
	/* aligned and bounded */
	for (unsigned a = 64; a <= (1u << 21); a <<= 3) {
		char name[32];
		snprintf(name, sizeof(name), "al%u", a);
		const struct rte_memzone *za = rte_memzone_reserve_aligned(name, 3000, 0, 0, a);
		CHECK(za && ((uintptr_t)za->addr & (a - 1)) == 0);
		CHECK(za && rte_memzone_free(za) == 0);
	}
	for (unsigned b = 4096; b <= (1u << 20); b <<= 2) {
		char name[32];
		snprintf(name, sizeof(name), "bd%u", b);
		const struct rte_memzone *zb = rte_memzone_reserve_bounded(name, b - 64, 0, 0, 64, b);
		CHECK(zb != NULL);
		if (zb) {
			uintptr_t s = (uintptr_t)zb->addr, e = s + zb->len - 1;
			CHECK(s / b == e / b);
			CHECK_EQ(rte_memzone_free(zb), 0);
		}
	}
	const struct rte_memzone *c = rte_memzone_reserve("contig", 100000, SOCKET_ID_ANY, RTE_MEMZONE_IOVA_CONTIG);
	CHECK(c != NULL);
	if (c) {
		CHECK(rte_mem_virt2iova((char *)c->addr + c->len - 1) - c->iova == c->len - 1);
		rte_memzone_free(c);
	}
	if (hugepages) {
		const struct rte_memzone *h = rte_memzone_reserve("two_mb", 4096, 0, RTE_MEMZONE_2MB);
		CHECK(h && h->hugepage_sz == 2u << 20);
		rte_memzone_free(h);
	}
	CHECK_EQ(rte_memzone_free(z), 0);
	CHECK(rte_memzone_lookup("basic") == NULL);
	CHECK_EQ(rte_errno, ENOENT);
	/* a NULL name: EINVAL where DPDK crashes */
	rte_errno = 777;
	CHECK(rte_memzone_reserve(NULL, 64, SOCKET_ID_ANY, 0) == NULL);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK(rte_memzone_reserve_aligned(NULL, 64, SOCKET_ID_ANY, 0, 64) == NULL);
	CHECK(rte_memzone_reserve_bounded(NULL, 64, SOCKET_ID_ANY, 0, 64, 4096) == NULL);
	rte_errno = 777;
	CHECK(rte_memzone_lookup(NULL) == NULL);
	CHECK_EQ(rte_errno, EINVAL);
	/* freeing what is not a zone */
	struct rte_memzone fake;
	memset(&fake, 0, sizeof(fake));
	CHECK_EQ(rte_memzone_free(&fake), -EINVAL);
	CHECK_EQ(rte_memzone_free(NULL), -EINVAL);
	rte_memzone_walk(NULL, NULL);
	rte_memzone_dump(NULL);
}

/* DPDK's test_memzone reserves greatest_free_size less one element's overhead (128)
 * as one zone, and a zone of length 0 must be exactly that long. */
static void greatest_free(void)
{
	struct rte_malloc_socket_stats st;
	/* some holes first, so the biggest block is not the only one */
	void *hole[20];
	for (int i = 0; i < 20; i++)
		hole[i] = rte_malloc(NULL, 100000 + i * 5000, 0);
	for (int i = 0; i < 20; i += 2)
		rte_free(hole[i]);
	CHECK_EQ(rte_malloc_get_socket_stats(0, &st), 0);
	size_t maxlen = st.greatest_free_size - 128;
	const struct rte_memzone *z0 = rte_memzone_reserve("max_zone", 0, 0, 0);
	CHECK(z0 != NULL);
	if (z0)
		CHECK_EQ(z0->len, maxlen);
	CHECK_EQ(rte_memzone_free(z0), 0);
	CHECK_EQ(rte_malloc_get_socket_stats(0, &st), 0);
	CHECK_EQ(st.greatest_free_size - 128, maxlen);
	const struct rte_memzone *z1 = rte_memzone_reserve("max_zone", maxlen, 0, 0);
	CHECK(z1 != NULL);
	if (z1) {
		CHECK_EQ(z1->len, maxlen);
		memset(z1->addr, 1, z1->len);
	}
	/* with an alignment, as DPDK's test_memzone_reserve_max_aligned */
	CHECK_EQ(rte_memzone_free(z1), 0);
	CHECK_EQ(rte_malloc_get_socket_stats(0, &st), 0);
	const struct rte_memzone *z2 = rte_memzone_reserve_aligned("max_aligned", 0, 0, 0, 512);
	CHECK(z2 && ((uintptr_t)z2->addr & 511) == 0 && z2->len >= st.greatest_free_size - 128 - 512);
	rte_memzone_free(z2);
	for (int i = 1; i < 20; i += 2)
		rte_free(hole[i]);
	printf("greatest_free_size %zu: a zone of %zu\n", st.greatest_free_size, maxlen);
}

/* 2,000 zones: each found by name, the walk sees them all, the dump lists them. */
static void many(void)
{
	enum { N = 2000 };
	static const struct rte_memzone *z[N];
	char name[32];
	int made = 0;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many_%d", i);
		z[i] = rte_memzone_reserve(name, 64 + (i % 9) * 64, SOCKET_ID_ANY, 0);
		if (z[i]) {
			memset(z[i]->addr, i & 0xff, z[i]->len);
			made++;
		}
	}
	CHECK_EQ(made, N);
	int found = 0, intact = 1;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many_%d", i);
		found += rte_memzone_lookup(name) == z[i];
		intact &= z[i] && ((unsigned char *)z[i]->addr)[z[i]->len - 1] == (i & 0xff);
	}
	CHECK_EQ(found, N);
	CHECK(intact);
	int n = 0;
	rte_memzone_walk(walk_count, &n);
	CHECK_EQ(n, N);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_memzone_dump(f);
	fclose(f);
	CHECK(buf && strstr(buf, "name:<many_1999>") && strstr(buf, "physical segments used:"));
	free(buf);
	/* free every other one: the rest are still found, the freed ones are not */
	for (int i = 0; i < N; i += 2)
		CHECK_EQ(rte_memzone_free(z[i]), 0);
	found = 0;
	int gone = 0;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many_%d", i);
		const struct rte_memzone *l = rte_memzone_lookup(name);
		if (i % 2)
			found += l == z[i];
		else
			gone += l == NULL;
	}
	CHECK_EQ(found, N / 2);
	CHECK_EQ(gone, N / 2);
	/* names freed are free again (the index forgets them, tombstones and all) */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i += 2) {
			snprintf(name, sizeof(name), "many_%d", i);
			z[i] = rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0);
			CHECK(z[i] != NULL);
		}
		for (int i = 0; i < N; i += 2)
			rte_memzone_free(z[i]);
	}
	for (int i = 1; i < N; i += 2)
		CHECK_EQ(rte_memzone_free(z[i]), 0);
	n = 0;
	rte_memzone_walk(walk_count, &n);
	CHECK_EQ(n, 0);
}

/* Both lcores reserve, look up and free their own zones at once. */
static int zone_worker(void *arg)
{
	unsigned id = rte_lcore_id();
	int bad = 0;
	char name[32];
	for (int round = 0; round < 200; round++) {
		const struct rte_memzone *z[10];
		for (int i = 0; i < 10; i++) {
			snprintf(name, sizeof(name), "w%u_%d", id, i);
			z[i] = rte_memzone_reserve(name, 1000 * (i + 1), SOCKET_ID_ANY, 0);
			if (!z[i]) {
				bad++;
				continue;
			}
			memset(z[i]->addr, (int)id, z[i]->len);
		}
		for (int i = 0; i < 10; i++) {
			snprintf(name, sizeof(name), "w%u_%d", id, i);
			if (rte_memzone_lookup(name) != z[i] || (z[i] && ((unsigned char *)z[i]->addr)[0] != id))
				bad++;
			if (z[i] && rte_memzone_free(z[i]) != 0)
				bad++;
		}
	}
	*(int *)arg = bad;
	return 0;
}

static void concurrent(void)
{
	static int bad[RTE_MAX_LCORE];
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	rte_eal_remote_launch(zone_worker, &bad[worker], worker);
	zone_worker(&bad[rte_lcore_id()]);
	rte_eal_wait_lcore(worker);
	CHECK_EQ(bad[worker], 0);
	CHECK_EQ(bad[rte_lcore_id()], 0);
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(0, &st);
	CHECK(st.heap_allocsz_bytes + st.heap_freesz_bytes == st.heap_totalsz_bytes);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (start_eal(argv[0]) < 0) {
		CHECK(0);
		return check_report();
	}
	basics();
	greatest_free();
	many();
	concurrent();
	CHECK_EQ(rte_eal_cleanup(), 0);
	/* after cleanup: no table, no crash */
	rte_errno = 0;
	CHECK(rte_memzone_lookup("basic") == NULL);
	CHECK(rte_memzone_reserve("late", 64, SOCKET_ID_ANY, 0) == NULL);
	CHECK_EQ(rte_errno, E_RTE_NO_CONFIG);
	return check_report();
}
