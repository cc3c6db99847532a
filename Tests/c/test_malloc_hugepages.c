/*
 * Heap memory goes back to the kernel: with -m 16 on a private hugetlbfs mount (its own
 * page accounting, whatever else runs on the machine), allocating 100 MB in blocks of
 * every size, from both lcores, and in memzones maps more pages; freeing everything
 * gives every page beyond the 16 MB back, and free_hugepages in sysfs returns to what
 * -m took. After rte_eal_cleanup nothing is left at all. Needs root and 2 MB pages
 * (it waits a while for other programs to give some back); without them it says why
 * and checks the same workload on --no-huge memory, which never grows: the bytes in
 * use come back and the heap keeps its size.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "check.h"

static char hugedir[64];

static long free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* 2 MB pages held by files of our mount. */
static long mount_used(void)
{
	struct statfs s;
	if (statfs(hugedir, &s) != 0)
		return -1;
	return (long)(s.f_blocks - s.f_bfree);
}

/* free_hugepages back to `want`: another program may hold pages for a moment. */
static int free_back_to(long want)
{
	for (int i = 0; i < 60; i++) {
		if (free_hugepages() >= want)
			return 1;
		usleep(50000);
	}
	printf("free_hugepages %ld, expected at least %ld\n", free_hugepages(), want);
	return 0;
}

static int setup(void)
{
	if (geteuid() != 0) {
		printf("SKIP: not root (no private hugetlbfs mount)\n");
		return 0;
	}
	for (int i = 0; i < 100 && free_hugepages() < 110; i++)
		usleep(100000);	/* another test may hold pages for a moment */
	if (free_hugepages() < 110) {
		printf("SKIP: fewer than 110 free 2 MB hugepages (scripts/hugepages.sh reserves them)\n");
		return 0;
	}
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("SKIP: no private mount namespace (%s)\n", strerror(errno));
		return 0;
	}
	snprintf(hugedir, sizeof(hugedir), "/tmp/tmalloc-huge.%d", getpid());
	mkdir(hugedir, 0700);
	if (mount("nodev", hugedir, "hugetlbfs", 0, "pagesize=2M,size=216M") != 0) {
		printf("SKIP: cannot mount hugetlbfs (%s)\n", strerror(errno));
		rmdir(hugedir);
		return 0;
	}
	return 1;
}

#define N 2500
static void *blk[2][N];

/* Blocks of every size on one lcore: 1 B to 1 MB, about 50 MB in all. */
static int fill_heap(void *arg)
{
	void **b = arg;
	size_t total = 0;
	int failed = 0;
	for (int i = 0; i < N; i++) {
		size_t size = i % 50 == 0 ? (size_t)(i % 7 + 1) << 17 : (size_t)1 + (size_t)(i * 2654435761u) % 16384;
		b[i] = rte_malloc(NULL, size, i % 5 ? 0 : 4096);
		if (!b[i]) {
			failed++;
			continue;
		}
		memset(b[i], 0x77, size);
		total += size;
	}
	return failed ? -1 : (int)(total >> 20);
}

static int free_heap(void *arg)
{
	void **b = arg;
	for (int i = 0; i < N; i++)
		rte_free(b[i]);
	return 0;
}

/* Without hugepages: the same workload on --no-huge memory (which never grows). */
static int without_hugepages(char *prog)
{
	char *args[] = { prog, "-l", "0-1", "--no-pci", "--no-huge", "-m", "256", "--file-prefix", "tmalloc_nohuge", NULL };
	if (rte_eal_init(9, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	struct rte_malloc_socket_stats s0, s1;
	rte_malloc_get_socket_stats(0, &s0);
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	rte_eal_remote_launch(fill_heap, blk[1], worker);
	CHECK(fill_heap(blk[0]) > 0);
	CHECK(rte_eal_wait_lcore(worker) > 0);
	rte_eal_remote_launch(free_heap, blk[0], worker);
	free_heap(blk[1]);
	rte_eal_wait_lcore(worker);
	rte_malloc_get_socket_stats(0, &s1);
	CHECK_EQ(s1.heap_allocsz_bytes, s0.heap_allocsz_bytes);
	CHECK_EQ(s1.heap_totalsz_bytes, s0.heap_totalsz_bytes);
	CHECK_EQ(s1.alloc_count, s0.alloc_count);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!setup())
		return without_hugepages(argv[0]);
	long before = free_hugepages();
	char *args[] = { argv[0], "-l", "0-1", "--no-pci", "-m", "16", "--huge-dir", hugedir,
			 "--file-prefix", "tmalloc_huge", NULL };
	if (rte_eal_init(10, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		goto out;
	}
	long base = mount_used();
	CHECK_EQ(base, 8);                         /* -m 16: 8 pages of 2 MB */
	CHECK(free_back_to(before - 8) || 1);      /* (sysfs is shared: informative here) */

	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	rte_eal_remote_launch(fill_heap, blk[1], worker);
	int mb0 = fill_heap(blk[0]);
	int mb1 = rte_eal_wait_lcore(worker);
	CHECK(mb0 > 0 && mb1 > 0);
	const struct rte_memzone *z[10];
	char name[32];
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "grow%d", i);
		z[i] = rte_memzone_reserve(name, (size_t)(i + 1) << 19, 0, 0);
		CHECK(z[i] != NULL);
	}
	long grown = mount_used();
	printf("allocated %d + %d MB of blocks and 27 MB of zones: %ld pages in use (-m 16 gave %ld)\n",
	       mb0, mb1, grown, base);
	CHECK(grown > base + 30);

	/* everything back, freed on the other lcore than the one that allocated it */
	rte_eal_remote_launch(free_heap, blk[0], worker);
	free_heap(blk[1]);
	rte_eal_wait_lcore(worker);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(rte_memzone_free(z[i]), 0);
	long after = mount_used();
	printf("after freeing everything: %ld pages in use\n", after);
	CHECK_EQ(after, base);
	if (after != base)
		rte_malloc_dump_heaps(stdout);
	CHECK(free_back_to(before - base));
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(0, &st);
	CHECK_EQ(st.heap_totalsz_bytes, 16u << 20);

	/* a second round reuses and returns the same way */
	fill_heap(blk[0]);
	CHECK(mount_used() > base);
	free_heap(blk[0]);
	CHECK_EQ(mount_used(), base);

	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK_EQ(mount_used(), 0);
	CHECK(free_back_to(before));
out:
	umount(hugedir);
	rmdir(hugedir);
	return check_report();
}
