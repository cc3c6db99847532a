/*
 * rte_memzone.h as DPDK 22.11 answers it: NULL or not and rte_errno for every bad
 * argument (names empty, too long, taken; flags, alignments, bounds, sockets, lengths),
 * the lengths, page sizes, sockets and flags of the zones it does reserve, lookups,
 * frees (NULL, twice), walks, and the table running full. Built against DPDK's
 * headers, run once linked to DPDK and once to SwiftEAL: the outputs must be
 * identical. A NULL name is left out: DPDK crashes on it (we answer EINVAL, tested
 * in test_memzone), and so are addresses and the heap's own figures.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

/* rte_errno is printed for failures only: DPDK leaves ENOENT behind on success. */
#define R(call) do { \
	rte_errno = 777; \
	const struct rte_memzone *_z = (call); \
	if (_z) \
		printf("%-84s -> zone len %zu page %llu socket %d flags %u, 64-aligned %d\n", #call, _z->len, \
		       (unsigned long long)_z->hugepage_sz, _z->socket_id, _z->flags, ((uintptr_t)_z->addr & 63) == 0); \
	else \
		printf("%-84s -> NULL, rte_errno %d\n", #call, rte_errno); \
} while (0)
#define I(call) do { \
	rte_errno = 777; \
	long _v = (long)(call); \
	printf("%-84s -> %ld, rte_errno %d\n", #call, _v, rte_errno); \
} while (0)

static void count_cb(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(int *)arg)++;
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "-l", "0-1", "--no-pci", "-m", "64", "--file-prefix", "diff_memzone",
			 "--log-level", "1", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(10, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return 1;
	}
	int before = 0;
	rte_memzone_walk(count_cb, &before);

	printf("== names\n");
	R(rte_memzone_reserve("", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("0123456789012345678901234567890", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("01234567890123456789012345678901", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("a", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("a", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("a", 64, 0, RTE_MEMZONE_2MB));

	printf("== flags\n");
	R(rte_memzone_reserve("f0", 64, SOCKET_ID_ANY, 0xdead0000));
	R(rte_memzone_reserve("f1", 64, SOCKET_ID_ANY, 0x8));
	R(rte_memzone_reserve("f2", 64, SOCKET_ID_ANY, 0x10));
	R(rte_memzone_reserve("f3", 64, SOCKET_ID_ANY, 0x200000));
	R(rte_memzone_reserve("f4", 64, SOCKET_ID_ANY, RTE_MEMZONE_1GB));
	R(rte_memzone_reserve("f5", 64, SOCKET_ID_ANY, RTE_MEMZONE_1GB | RTE_MEMZONE_SIZE_HINT_ONLY));
	R(rte_memzone_reserve("f6", 64, SOCKET_ID_ANY, RTE_MEMZONE_2MB));
	R(rte_memzone_reserve("f7", 64, SOCKET_ID_ANY, RTE_MEMZONE_2MB | RTE_MEMZONE_1GB));
	R(rte_memzone_reserve("f8", 64, SOCKET_ID_ANY, RTE_MEMZONE_256KB));
	R(rte_memzone_reserve("f9", 64, SOCKET_ID_ANY, RTE_MEMZONE_16MB | RTE_MEMZONE_16GB | RTE_MEMZONE_4GB));
	R(rte_memzone_reserve("f10", 64, SOCKET_ID_ANY, RTE_MEMZONE_256MB | RTE_MEMZONE_512MB | RTE_MEMZONE_SIZE_HINT_ONLY));
	R(rte_memzone_reserve("f11", 64, SOCKET_ID_ANY, RTE_MEMZONE_IOVA_CONTIG));
	R(rte_memzone_reserve("f13", 64, SOCKET_ID_ANY, RTE_MEMZONE_SIZE_HINT_ONLY));

	printf("== sockets and lengths\n");
	R(rte_memzone_reserve("s0", 64, 0, 0));
	R(rte_memzone_reserve("s1", 64, 1, 0));
	R(rte_memzone_reserve("s1", 64, 32, 0));
	R(rte_memzone_reserve("s1", 64, -2, 0));
	R(rte_memzone_reserve("s1", 64, 1000, 0));
	R(rte_memzone_reserve("s1", 0, 5, 0));
	R(rte_memzone_reserve("l0", SIZE_MAX, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("l0", SIZE_MAX - 62, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("l0", SIZE_MAX - 63, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("l0", SIZE_MAX - 4096, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("l1", 1, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("l2", 100, 0, 0));
	R(rte_memzone_reserve("l3", 5 << 20, 0, 0));

	printf("== alignment and bounds\n");
	R(rte_memzone_reserve_aligned("a0", 64, SOCKET_ID_ANY, 0, 3));
	R(rte_memzone_reserve_aligned("a0", 64, SOCKET_ID_ANY, 0, 0));
	R(rte_memzone_reserve_aligned("a1", 64, SOCKET_ID_ANY, 0, 1));
	R(rte_memzone_reserve_aligned("a2", 64, SOCKET_ID_ANY, 0, 4096));
	R(rte_memzone_reserve_aligned("a3", 100, SOCKET_ID_ANY, 0, 1 << 20));
	R(rte_memzone_reserve_aligned("a4", 64, SOCKET_ID_ANY, 0, 0x80000001));
	R(rte_memzone_reserve_bounded("b0", 128, SOCKET_ID_ANY, 0, 64, 64));
	R(rte_memzone_reserve_bounded("b0", 128, SOCKET_ID_ANY, 0, 64, 100));
	R(rte_memzone_reserve_bounded("b0", 128, SOCKET_ID_ANY, 0, 64, 128));
	R(rte_memzone_reserve_bounded("b1", 128, SOCKET_ID_ANY, 0, 64, 0));
	R(rte_memzone_reserve_bounded("b2", 100, SOCKET_ID_ANY, 0, 64, 64));
	R(rte_memzone_reserve_bounded("b3", 64, SOCKET_ID_ANY, 0, 128, 64));
	R(rte_memzone_reserve_bounded("b4", 0, SOCKET_ID_ANY, 0, 64, 4096));
	R(rte_memzone_reserve_bounded("b5", 3000, SOCKET_ID_ANY, 0, 2048, 4096));
	R(rte_memzone_reserve_bounded("b6", 4096, SOCKET_ID_ANY, 0, 4096, 4096));

	printf("== check order\n");
	R(rte_memzone_reserve("01234567890123456789012345678901", 64, SOCKET_ID_ANY, 0x8));
	R(rte_memzone_reserve_aligned("01234567890123456789012345678901", 64, -5, 0, 3));
	R(rte_memzone_reserve_aligned("a", 64, -5, 0x8, 3));
	R(rte_memzone_reserve_aligned("x", 64, -5, 0x8, 3));
	R(rte_memzone_reserve_aligned("x", SIZE_MAX, SOCKET_ID_ANY, 0x8, 64));
	R(rte_memzone_reserve_bounded("x", 128, SOCKET_ID_ANY, 0x8, 64, 64));
	R(rte_memzone_reserve_bounded("x", SIZE_MAX, SOCKET_ID_ANY, 0, 64, 64));
	R(rte_memzone_reserve_bounded("x", 64, -5, 0, 64, 100));
	R(rte_memzone_reserve_bounded("x", 64, 5, 0x8, 64, 64));

	printf("== lookup, free, walk\n");
	R(rte_memzone_lookup("nope"));
	R(rte_memzone_lookup(""));
	R(rte_memzone_lookup("a"));
	R(rte_memzone_lookup("a2"));
	R(rte_memzone_lookup("01234567890123456789012345678901"));
	R(rte_memzone_lookup("0123456789012345678901234567890"));
	const struct rte_memzone *a = rte_memzone_lookup("a");
	I(rte_memzone_free(NULL));
	I(rte_memzone_free(a));
	I(rte_memzone_free(a));
	R(rte_memzone_lookup("a"));
	R(rte_memzone_reserve("a", 128, SOCKET_ID_ANY, 0));
	R(rte_memzone_lookup("a"));
	int n = 0;
	rte_memzone_walk(count_cb, &n);
	printf("walk: %d zones more than at start\n", n - before);

	printf("== length 0: the biggest free block, nothing new mapped\n");
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(0, &st);
	const struct rte_memzone *max = rte_memzone_reserve("max", 0, 0, 0);
	printf("length-0 zone is greatest_free_size - 128: %d\n", max && max->len == st.greatest_free_size - 128);
	R(rte_memzone_reserve("z1", 0, SOCKET_ID_ANY, RTE_MEMZONE_1GB));
	R(rte_memzone_reserve_aligned("z2", 0, SOCKET_ID_ANY, 0, 1 << 30));
	R(rte_memzone_reserve_bounded("z3", 0, SOCKET_ID_ANY, 0, 64, 1u << 31));
	I(rte_memzone_free(max));

	printf("== the table runs full\n");
	char name[32];
	int made = 0;
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		if (!rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0)) {
			printf("refused: rte_errno %d\n", rte_errno);
			break;
		}
		made++;
	}
	n = 0;
	rte_memzone_walk(count_cb, &n);
	printf("the table holds RTE_MAX_MEMZONE zones: %d\n", n == RTE_MAX_MEMZONE);
	R(rte_memzone_reserve("01234567890123456789012345678901", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("a", 64, SOCKET_ID_ANY, 0));
	R(rte_memzone_reserve("fresh", 64, SOCKET_ID_ANY, 0x8));
	snprintf(name, sizeof(name), "t%d", made / 2);
	I(rte_memzone_free(rte_memzone_lookup(name)));
	R(rte_memzone_reserve("fresh", 64, SOCKET_ID_ANY, 0));
	for (int i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		rte_memzone_free(rte_memzone_lookup(name));
	}
	R(rte_memzone_lookup("t7"));

	rte_eal_cleanup();
	return 0;
}
