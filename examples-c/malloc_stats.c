/*
 * malloc_stats: rte_malloc, rte_zmalloc, rte_realloc and rte_free, watched through the
 * heap statistics.
 *
 * Hugepage memory is handed out by one malloc heap per NUMA socket. This program
 * allocates a few blocks (any socket, and then one on each socket that has memory),
 * checks alignment and zeroing, grows one block with rte_realloc, frees everything and
 * reads rte_malloc_get_socket_stats before, during and after. It reports what changed
 * (elements and bytes in use), which is what a program can rely on: the absolute heap
 * sizes depend on what the EAL itself has allocated. rte_malloc_dump_stats prints the
 * full figures at the end.
 *
 * Build: cc malloc_stats.c $(pkg-config --cflags --libs libswifteal) -o malloc_stats
 * Run:   ./malloc_stats -l 0 -m 64 --file-prefix mstats   (or --no-huge without hugepages)
 * Last line on success: "malloc_stats: OK"
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_malloc.h>

#define MAX_BLOCKS 16

static int failures;

/* Elements and bytes in use, summed over every socket's heap. */
struct usage {
	unsigned long elements;
	size_t bytes;
};

static struct usage heap_usage(void)
{
	struct usage u = { 0, 0 };
	for (unsigned int i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0) {
			u.elements += st.alloc_count;
			u.bytes += st.heap_allocsz_bytes;
		}
	}
	return u;
}

static void check(int ok, const char *what)
{
	printf("  %-58s %s\n", what, ok ? "yes" : "NO");
	if (!ok)
		failures++;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* rte_malloc_dump_stats, less the heaps that have no memory (most of RTE_MAX_HEAPS). */
static void print_heaps_with_memory(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return;
	rte_malloc_dump_stats(f, NULL);
	fclose(f);
	printf("rte_malloc_dump_stats, heaps with memory:\n");
	char *heap = strstr(text, "Heap id:");
	if (heap == NULL)
		fputs(text, stdout);	/* not the layout expected: show it all */
	while (heap != NULL) {
		char *next = strstr(heap + 1, "Heap id:");
		size_t n = next ? (size_t)(next - heap) : strlen(heap);
		if (memmem(heap, n, "Heap_size:0,", 12) == NULL)
			fwrite(heap, 1, n, stdout);
		heap = next;
	}
	free(text);
}

int main(int argc, char **argv)
{
	void *blocks[MAX_BLOCKS];
	unsigned int nblocks = 0;
	size_t asked = 0;

	if (rte_eal_init(argc, argv) < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));

	printf("sockets with memory: %u\n", rte_socket_count());
	struct usage before = heap_usage();

	/* rte_malloc: any socket, cache-line aligned when align is 0. */
	unsigned char *a = rte_malloc("ex_plain", 1000, 0);
	blocks[nblocks++] = a;
	asked += 1000;
	printf("rte_malloc(1000, align 0):\n");
	check(a != NULL && ((uintptr_t)a % RTE_CACHE_LINE_SIZE) == 0,
	      "returned a cache-line aligned block");

	/* rte_zmalloc with a page alignment. */
	unsigned char *z = rte_zmalloc("ex_zeroed", 8192, 4096);
	blocks[nblocks++] = z;
	asked += 8192;
	printf("rte_zmalloc(8192, align 4096):\n");
	check(z != NULL && ((uintptr_t)z % 4096) == 0, "returned a 4096-aligned block");
	check(z != NULL && all_zero(z, 8192), "all 8192 bytes are zero");

	/* One block on each socket that has memory. */
	for (unsigned int i = 0; i < rte_socket_count() && nblocks < MAX_BLOCKS; i++) {
		int sid = rte_socket_id_by_idx(i);
		void *p = rte_malloc_socket("ex_socket", 256, 64, sid);
		blocks[nblocks++] = p;
		asked += 256;
		printf("rte_malloc_socket(256, align 64, socket %d):\n", sid);
		check(p != NULL, "returned a block");
	}

	struct usage during = heap_usage();
	printf("after %u allocations:\n", nblocks);
	char line[96];
	snprintf(line, sizeof(line), "elements in use rose by %u", nblocks);
	check(during.elements - before.elements == nblocks, line);
	snprintf(line, sizeof(line), "bytes in use rose by at least the %zu asked for", asked);
	check(during.bytes - before.bytes >= asked, line);

	/* rte_realloc keeps the contents; the block may move. */
	for (int i = 0; i < 1000; i++)
		a[i] = (unsigned char)i;
	unsigned char *grown = rte_realloc(a, 65536, 0);
	printf("rte_realloc(block of 1000, 65536):\n");
	int kept = grown != NULL;
	for (int i = 0; kept && i < 1000; i++)
		kept = grown[i] == (unsigned char)i;
	check(kept, "the first 1000 bytes were kept");
	if (grown != NULL)
		blocks[0] = grown;
	struct usage regrown = heap_usage();
	check(regrown.elements == during.elements, "elements in use unchanged (one replaced another)");
	check(regrown.bytes - before.bytes >= 65536 + 8192 + 256,
	      "bytes in use above the start by at least the blocks' sizes");

	/* Requests the API refuses: NULL, nothing allocated. */
	struct usage pre_bad = heap_usage();
	printf("requests that fail:\n");
	check(rte_malloc("ex_bad", 0, 0) == NULL, "rte_malloc of 0 bytes returns NULL");
	check(rte_malloc("ex_bad", 64, 3) == NULL, "rte_malloc with align 3 (not a power of 2) returns NULL");
	struct rte_malloc_socket_stats st;
	check(rte_malloc_get_socket_stats(-1, &st) < 0, "stats of socket -1 return an error");
	struct usage post_bad = heap_usage();
	check(pre_bad.elements == post_bad.elements, "nothing was allocated by them");
	rte_free(NULL);	/* documented as doing nothing */

	for (unsigned int i = 0; i < nblocks; i++)
		rte_free(blocks[i]);
	struct usage after = heap_usage();
	printf("after rte_free of every block:\n");
	check(after.elements == before.elements, "elements in use back to where they started");
	check(after.bytes == before.bytes, "bytes in use back to where they started");

	/* The full figures (implementation-defined, masked when outputs are compared).
	 * The dump lists every possible heap; only the ones with memory are shown here. */
	print_heaps_with_memory();

	rte_eal_cleanup();
	printf("malloc_stats: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
