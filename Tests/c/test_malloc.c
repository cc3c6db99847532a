/*
 * rte_malloc.h from the user's side: blocks of every size and alignment hold their
 * bytes and do not overlap; rte_zmalloc memory is zero every time (fresh, reused and
 * cached blocks); rte_realloc keeps contents, in place when it can; every bad input
 * the issue lists gets DPDK's answer (or ours where DPDK crashes or wraps: rte_calloc
 * overflow, foreign and stale pointers); overruns and double frees are reported and
 * kept out of the heap; stats add up; external heaps; non-EAL threads; blocks freed
 * on another lcore than the one that allocated them. With hugepages (-m 64) when the
 * machine has them, --no-huge otherwise.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>

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
	char *with[] = { prog, "-l", "0-1", "--no-pci", "-m", "64", "--file-prefix", "test_malloc", NULL };
	char *without[] = { prog, "-l", "0-1", "--no-pci", "--no-huge", "-m", "64", "--file-prefix", "test_malloc", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("%s\n", hugepages ? "with 2 MB hugepages (-m 64)" : "SKIP hugepages: not root or too few free; --no-huge");
	int r = hugepages ? rte_eal_init(8, with) : rte_eal_init(9, without);
	if (r < 0)
		printf("rte_eal_init failed: %d\n", rte_errno);
	return r;
}

static void fill(void *p, size_t n, unsigned seed)
{
	unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + i * 31);
}

static int holds(const void *p, size_t n, unsigned seed)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != (unsigned char)(seed + i * 31))
			return 0;
	return 1;
}

static int is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static int stats_add_up(int socket)
{
	struct rte_malloc_socket_stats s;
	if (rte_malloc_get_socket_stats(socket, &s) != 0)
		return 0;
	return s.heap_allocsz_bytes + s.heap_freesz_bytes == s.heap_totalsz_bytes &&
	       s.greatest_free_size <= s.heap_freesz_bytes;
}

/* Every size from 1 B to 64 KiB in steps, several alignments: aligned, usable size at
 * least what was asked, bytes kept, no two live blocks overlapping. */
static void sizes_and_alignments(void)
{
	enum { N = 600 };
	static void *blk[N];
	static size_t len[N];
	int n = 0, aligned = 1, big_enough = 1;
	for (size_t size = 1; size <= 65536 && n < N; size = size < 256 ? size + 7 : size * 5 / 4) {
		for (unsigned align = 0; align <= 4096 && n < N; align = align ? align * 8 : 1) {
			void *p = rte_malloc("test", size, align);
			CHECK(p != NULL);
			if (!p)
				continue;
			size_t usable = 0;
			aligned &= ((uintptr_t)p % (align > 64 ? align : 64)) == 0;
			big_enough &= rte_malloc_validate(p, &usable) == 0 && usable >= size;
			fill(p, size, (unsigned)n);
			blk[n] = p;
			len[n++] = size;
		}
	}
	CHECK(aligned);
	CHECK(big_enough);
	int kept = 1, apart = 1;
	for (int i = 0; i < n; i++) {
		kept &= holds(blk[i], len[i], (unsigned)i);
		for (int j = i + 1; j < n; j++) {
			uintptr_t a = (uintptr_t)blk[i], b = (uintptr_t)blk[j];
			if (a < b + len[j] && b < a + len[i])
				apart = 0;
		}
	}
	CHECK(kept);
	CHECK(apart);
	CHECK(stats_add_up(0));
	for (int i = 0; i < n; i++)
		rte_free(blk[i]);
	/* huge alignments */
	void *p = rte_malloc(NULL, 100, 1 << 20);
	CHECK(p && ((uintptr_t)p & ((1 << 20) - 1)) == 0);
	rte_free(p);
	printf("sizes and alignments: %d blocks\n", n);
}

/* rte_zmalloc, rte_calloc: zero whatever the block was used for before. */
static void zeroed_every_time(void)
{
	int all_zero = 1;
	for (int round = 0; round < 3; round++) {
		for (size_t size = 1; size <= 70000; size = size * 3 / 2 + 1) {
			void *d = rte_malloc(NULL, size, 0);
			if (d) {
				memset(d, 0xff, size);
				rte_free(d);      /* most often the next zmalloc gets it back */
			}
			void *z = rte_zmalloc(NULL, size, 0);
			CHECK(z != NULL);
			if (z) {
				all_zero &= is_zero(z, size);
				memset(z, 0xee, size);
				rte_free(z);
			}
			void *c = rte_calloc(NULL, 3, size, 64);
			if (c) {
				all_zero &= is_zero(c, 3 * size);
				memset(c, 0xdd, 3 * size);
				rte_free(c);
			}
		}
	}
	/* many at once: the lcore cache hands back what it kept */
	void *keep[200];
	for (int i = 0; i < 200; i++) {
		keep[i] = rte_malloc(NULL, 100, 0);
		memset(keep[i], 0xab, 100);
	}
	for (int i = 0; i < 200; i++)
		rte_free(keep[i]);
	for (int i = 0; i < 200; i++) {
		keep[i] = rte_zmalloc_socket(NULL, 100, 0, SOCKET_ID_ANY);
		all_zero &= keep[i] && is_zero(keep[i], 100);
	}
	for (int i = 0; i < 200; i++)
		rte_free(keep[i]);
	CHECK(all_zero);
}

static void reallocation(void)
{
	char *p = rte_malloc(NULL, 1000, 0);
	fill(p, 1000, 9);
	char *q = rte_realloc(p, 50000, 0);
	CHECK(q && holds(q, 1000, 9));
	fill(q, 50000, 4);
	/* shrinking stays in place and keeps the start */
	char *r = rte_realloc(q, 20000, 0);
	CHECK(r == q && holds(r, 20000, 4));
	/* growing back into the room it just gave up stays in place too */
	char *s = rte_realloc(r, 40000, 0);
	CHECK(s == r && holds(s, 20000, 4));
	/* a new alignment moves it */
	char *t = rte_realloc(s, 40000, 1 << 16);
	CHECK(t && ((uintptr_t)t & 0xffff) == 0 && holds(t, 20000, 4));
	/* small blocks: within the class in place, beyond it moved */
	char *u = rte_malloc(NULL, 100, 0);
	fill(u, 100, 1);
	CHECK(rte_realloc(u, 120, 0) == u);
	char *v = rte_realloc(u, 3000, 0);
	CHECK(v && holds(v, 100, 1));
	/* NULL allocates, 0 frees */
	char *w = rte_realloc(NULL, 64, 0);
	CHECK(w != NULL);
	CHECK(rte_realloc(w, 0, 0) == NULL);
	CHECK(rte_malloc_validate(w, NULL) == -1);
	/* failure leaves the old block as it was */
	CHECK(rte_realloc(v, SIZE_MAX / 2, 0) == NULL);
	CHECK(rte_realloc_socket(v, 200, 0, 1000) == NULL);
	CHECK(rte_malloc_validate(v, NULL) == 0 && holds(v, 100, 1));
	rte_free(v);
	rte_free(t);
	CHECK(stats_add_up(0));
}

/* Each case the issue lists, with DPDK 22.11's answer (probed) or ours where DPDK has
 * none. */
static void bad_input(void)
{
#define NULL_UNTOUCHED(call) do { rte_errno = 777; CHECK((call) == NULL); CHECK_EQ(rte_errno, 777); } while (0)
	NULL_UNTOUCHED(rte_malloc(NULL, 0, 0));
	NULL_UNTOUCHED(rte_zmalloc(NULL, 0, 0));
	NULL_UNTOUCHED(rte_calloc(NULL, 0, 16, 0));
	NULL_UNTOUCHED(rte_malloc(NULL, 64, 3));
	NULL_UNTOUCHED(rte_malloc(NULL, 64, 96));
	NULL_UNTOUCHED(rte_malloc_socket(NULL, 64, 0x80000001u, 0));
	NULL_UNTOUCHED(rte_malloc(NULL, SIZE_MAX, 0));
	NULL_UNTOUCHED(rte_malloc(NULL, SIZE_MAX - 64, 64));
	NULL_UNTOUCHED(rte_zmalloc(NULL, SIZE_MAX / 2, 0));
	/* DPDK wraps the product and returns a small block: we refuse */
	NULL_UNTOUCHED(rte_calloc(NULL, SIZE_MAX / 2 + 2, 2, 0));
	NULL_UNTOUCHED(rte_calloc_socket(NULL, (size_t)1 << 33, (size_t)1 << 33, 0, SOCKET_ID_ANY));
	/* a socket without a heap; without hugepages DPDK takes any socket's memory */
	if (hugepages) {
		NULL_UNTOUCHED(rte_malloc_socket(NULL, 64, 0, 1));
		NULL_UNTOUCHED(rte_malloc_socket(NULL, 64, 0, 1000));
		NULL_UNTOUCHED(rte_malloc_socket(NULL, 64, 0, -2));
	} else {
		void *p = rte_malloc_socket(NULL, 64, 0, 1000);
		CHECK(p != NULL);
		rte_free(p);
	}
	/* NULL: nothing happens */
	rte_errno = 777;
	rte_free(NULL);
	CHECK_EQ(rte_errno, 777);
	CHECK_EQ(rte_malloc_validate(NULL, NULL), -1);
	/* rte_realloc(NULL, n) allocates; (p, 0) frees and answers NULL */
	void *r = rte_realloc(NULL, 200, 0);
	CHECK(r != NULL && rte_malloc_validate(r, NULL) == 0);
	CHECK(rte_realloc(r, 0, 0) == NULL);
	CHECK_EQ(rte_malloc_validate(r, NULL), -1);
	NULL_UNTOUCHED(rte_realloc(NULL, 0, 0));

	/* pointers that are not ours: reported, nothing changes */
	struct rte_malloc_socket_stats before, after;
	void *live = rte_malloc(NULL, 300, 0);
	fill(live, 300, 5);
	rte_malloc_get_socket_stats(0, &before);
	char on_stack[256] __attribute__((aligned(64)));
	void *from_libc = malloc(256);
	void *unmapped = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *foreign[] = { on_stack + 64, from_libc, (char *)live + 64, (char *)live + 1, (void *)0x1000,
			    (char *)unmapped + 4096, (void *)(uintptr_t)-64 };
	for (unsigned i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		rte_errno = 777;
		rte_free(foreign[i]);
		CHECK_EQ(rte_errno, EINVAL);
		CHECK_EQ(rte_malloc_validate(foreign[i], NULL), -1);
		CHECK(rte_realloc(foreign[i], 100, 0) == NULL);
		CHECK(rte_malloc_virt2iova(foreign[i]) == RTE_BAD_IOVA);
	}
	free(from_libc);
	munmap(unmapped, 8192);
	rte_malloc_get_socket_stats(0, &after);
	CHECK_EQ(after.alloc_count, before.alloc_count);
	CHECK_EQ(after.heap_allocsz_bytes, before.heap_allocsz_bytes);
	CHECK(holds(live, 300, 5));

	/* freed twice: the second is reported and the heap stays whole; small and large */
	for (size_t size = 48; size <= 200000; size *= 50) {
		void *p = rte_malloc(NULL, size, 0);
		rte_free(p);
		rte_errno = 777;
		rte_free(p);
		CHECK_EQ(rte_errno, EINVAL);
		CHECK_EQ(rte_malloc_validate(p, NULL), -1);
		/* the next two blocks are different blocks: nothing was put back twice */
		void *a = rte_malloc(NULL, size, 0), *b = rte_malloc(NULL, size, 0);
		CHECK(a && b && a != b);
		rte_free(a);
		rte_free(b);
	}
	rte_free(live);
	CHECK(stats_add_up(0));
	printf("bad input: done\n");
}

/* Writing past the end: caught at free (and by validate), the block never reused. */
static void overruns(void)
{
	for (size_t size = 64; size <= 100000; size *= 10) {
		size_t usable = 0;
		unsigned char *p = rte_malloc(NULL, size, 0);
		CHECK(rte_malloc_validate(p, &usable) == 0);
		p[usable] ^= 0x55;                    /* one byte past what the block holds */
		CHECK_EQ(rte_malloc_validate(p, NULL), -1);
		rte_errno = 777;
		rte_free(p);
		CHECK_EQ(rte_errno, EINVAL);
		int reused = 0;
		void *q[64];
		for (int i = 0; i < 64; i++) {
			q[i] = rte_malloc(NULL, size, 0);
			reused |= q[i] == p;
		}
		CHECK(!reused);
		for (int i = 0; i < 64; i++)
			rte_free(q[i]);
	}
	CHECK(stats_add_up(0));
}

static void stats(void)
{
	struct rte_malloc_socket_stats s0, s1, s2;
	CHECK_EQ(rte_malloc_get_socket_stats(0, &s0), 0);
	CHECK(s0.heap_totalsz_bytes >= (hugepages ? 64u << 20 : 0));
	void *big = rte_malloc(NULL, 1 << 20, 0);
	void *small[100];
	for (int i = 0; i < 100; i++)
		small[i] = rte_malloc(NULL, 200, 0);
	CHECK_EQ(rte_malloc_get_socket_stats(0, &s1), 0);
	CHECK_EQ(s1.alloc_count, s0.alloc_count + 101);
	CHECK(s1.heap_allocsz_bytes >= s0.heap_allocsz_bytes + (1 << 20) + 100 * 200);
	CHECK(s1.heap_allocsz_bytes + s1.heap_freesz_bytes == s1.heap_totalsz_bytes);
	for (int i = 0; i < 100; i++)
		rte_free(small[i]);
	rte_free(big);
	CHECK_EQ(rte_malloc_get_socket_stats(0, &s2), 0);
	CHECK_EQ(s2.alloc_count, s0.alloc_count);
	CHECK_EQ(s2.heap_allocsz_bytes, s0.heap_allocsz_bytes);   /* all back, slabs kept or not */
	CHECK(s2.heap_allocsz_bytes + s2.heap_freesz_bytes == s2.heap_totalsz_bytes);
	CHECK_EQ(rte_malloc_get_socket_stats(0, NULL), -1);
	CHECK_EQ(rte_malloc_get_socket_stats(7, &s2), -1);
	/* the dumps name every heap */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_malloc_dump_stats(f, NULL);
	rte_malloc_dump_heaps(f);
	fclose(f);
	CHECK(buf && strstr(buf, "Heap name:socket_0") && strstr(buf, "Heap id: 31") && strstr(buf, "Malloc element at"));
	free(buf);
	rte_malloc_dump_stats(NULL, NULL);
	rte_malloc_dump_heaps(NULL);
}

static void external_heap(void)
{
	size_t pg = 4096, len = 128 * pg;
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_EQ(rte_malloc_heap_create("test_ext"), 0);
	int sock = rte_malloc_heap_get_socket("test_ext");
	CHECK(sock >= 256);
	CHECK_EQ(rte_malloc_heap_socket_is_external(sock), 1);
	CHECK_EQ(rte_malloc_heap_memory_add("test_ext", va, len, NULL, 0, pg), 0);
	void *blk[300];
	int n = 0, inside = 1;
	while (n < 300 && (blk[n] = rte_malloc_socket(NULL, (n % 7 + 1) * 500, 0, sock)) != NULL) {
		inside &= (char *)blk[n] >= (char *)va && (char *)blk[n] < (char *)va + len;
		fill(blk[n], (n % 7 + 1) * 500, n);
		n++;
	}
	CHECK(n > 50 && n < 300);    /* the memory runs out: external heaps never grow */
	CHECK(inside);
	CHECK(stats_add_up(sock));
	rte_errno = 0;
	CHECK_EQ(rte_malloc_heap_memory_remove("test_ext", va, len), -1);
	CHECK_EQ(rte_errno, EBUSY);
	CHECK_EQ(rte_malloc_heap_destroy("test_ext"), -1);
	CHECK_EQ(rte_errno, EBUSY);
	int kept = 1;
	for (int i = 0; i < n; i++) {
		kept &= holds(blk[i], (i % 7 + 1) * 500, i);
		rte_free(blk[i]);
	}
	CHECK(kept);
	CHECK_EQ(rte_malloc_heap_memory_remove("test_ext", va, len), 0);
	CHECK_EQ(rte_malloc_heap_destroy("test_ext"), 0);
	CHECK_EQ(rte_malloc_heap_socket_is_external(sock), -1);
	munmap(va, len);
}

static void *non_eal_thread(void *arg)
{
	(void)arg;
	int ok = rte_lcore_id() == LCORE_ID_ANY;
	void *p[500];
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 500; i++) {
			p[i] = rte_malloc(NULL, (i * 37) % 5000 + 1, 0);
			ok &= p[i] != NULL;
			if (p[i])
				fill(p[i], (i * 37) % 5000 + 1, i);
		}
		for (int i = 0; i < 500; i++) {
			ok &= holds(p[i], (i * 37) % 5000 + 1, i);
			rte_free(p[i]);
		}
	}
	return (void *)(uintptr_t)ok;
}

/* Blocks allocated on one lcore, freed on the other, and the reverse. */
static void *handoff[1000];
static int worker_frees(void *arg)
{
	(void)arg;
	int ok = 1;
	for (int i = 0; i < 1000; i++) {
		ok &= holds(handoff[i], 100 + i, i);
		rte_free(handoff[i]);
		handoff[i] = rte_malloc(NULL, 2000 - i, 0);
		fill(handoff[i], 2000 - i, i);
	}
	return ok ? 0 : -1;
}

static void threads(void)
{
	pthread_t t;
	void *ok = NULL;
	CHECK_EQ(pthread_create(&t, NULL, non_eal_thread, NULL), 0);
	pthread_join(t, &ok);
	CHECK(ok != NULL);
	for (int i = 0; i < 1000; i++) {
		handoff[i] = rte_malloc(NULL, 100 + i, 0);
		fill(handoff[i], 100 + i, i);
	}
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	CHECK_EQ(rte_eal_remote_launch(worker_frees, NULL, worker), 0);
	CHECK_EQ(rte_eal_wait_lcore(worker), 0);
	int kept = 1;
	for (int i = 0; i < 1000; i++) {
		kept &= holds(handoff[i], 2000 - i, i);
		rte_free(handoff[i]);
	}
	CHECK(kept);
	CHECK(stats_add_up(0));
}

static void iova(void)
{
	void *p = rte_malloc(NULL, 64, 0);
	CHECK(rte_malloc_virt2iova(p) == rte_mem_virt2iova(p));
	CHECK(rte_malloc_virt2iova(p) != RTE_BAD_IOVA);
	CHECK(rte_malloc_virt2iova(NULL) == RTE_BAD_IOVA);
	rte_free(p);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (start_eal(argv[0]) < 0) {
		CHECK(0);
		return check_report();
	}
	sizes_and_alignments();
	zeroed_every_time();
	reallocation();
	bad_input();
	overruns();
	stats();
	external_heap();
	threads();
	iova();
	CHECK_EQ(rte_eal_cleanup(), 0);
	/* after cleanup: no heap, no crash */
	CHECK(rte_malloc(NULL, 64, 0) == NULL);
	rte_free((void *)0x1000);
	return check_report();
}
