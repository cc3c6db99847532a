/*
 * memzone_table: named memzones reserved with alignment and bounds, looked up by name,
 * walked, dumped and freed.
 *
 * A memzone is a named, physically backed block of hugepage memory that every process
 * of the same prefix can find by name (the usual way to share a table between a primary
 * and its secondaries). This program reserves a plain zone, a zone aligned to 64 KB and
 * a zone that must not cross a 16 KB boundary, checks what it got, refuses a duplicate
 * name, finds each zone again by name, walks the table, dumps it and frees the zones.
 *
 * Build: cc memzone_table.c $(pkg-config --cflags --libs libswifteal) -o memzone_table
 * Run:   ./memzone_table -l 0 -m 64 --file-prefix mz   (or --no-huge without hugepages)
 * Last line on success: "memzone_table: OK"
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* open_memstream */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#define PLAIN "ex_mz_plain"
#define ALIGNED "ex_mz_aligned"
#define BOUNDED "ex_mz_bounded"

static int failures;

static void check(int ok, const char *what)
{
	printf("  %-56s %s\n", what, ok ? "yes" : "NO");
	if (!ok)
		failures++;
}

/* Called once per memzone in the table; counts and lists this program's zones
 * (the EAL or drivers may have zones of their own). */
static void walk_one(const struct rte_memzone *mz, void *arg)
{
	unsigned int *ours = arg;
	if (strncmp(mz->name, "ex_mz_", 6) != 0)
		return;
	(*ours)++;
	printf("  %-14s len %6zu  socket %d  %s pages\n", mz->name, mz->len, mz->socket_id,
	       mz->hugepage_sz >= (1 << 20) ? "huge" : "small");
}

int main(int argc, char **argv)
{
	char line[96];

	if (rte_eal_init(argc, argv) < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));

	/* A plain zone: any socket, no flags. */
	const struct rte_memzone *plain = rte_memzone_reserve(PLAIN, 1000, SOCKET_ID_ANY, 0);
	printf("reserve \"%s\", 1000 bytes:\n", PLAIN);
	check(plain != NULL && plain->len >= 1000, "reserved, at least 1000 bytes long");
	check(plain != NULL && ((uintptr_t)plain->addr % RTE_CACHE_LINE_SIZE) == 0,
	      "starts on a cache line");
	if (plain != NULL)
		memset(plain->addr, 0xab, 1000);

	/* Aligned: the start address and its IOVA are multiples of 64 KB. */
	const struct rte_memzone *aligned =
		rte_memzone_reserve_aligned(ALIGNED, 4096, SOCKET_ID_ANY, 0, 65536);
	printf("reserve_aligned \"%s\", 4096 bytes, align 65536:\n", ALIGNED);
	check(aligned != NULL, "reserved");
	check(aligned != NULL && ((uintptr_t)aligned->addr % 65536) == 0,
	      "address is a multiple of 65536");
	check(aligned != NULL && (aligned->iova == RTE_BAD_IOVA || aligned->iova % 65536 == 0),
	      "IOVA is a multiple of 65536");

	/* Bounded: the zone must not cross a 16 KB boundary (a device that cannot DMA
	 * across one, say). */
	const struct rte_memzone *bounded =
		rte_memzone_reserve_bounded(BOUNDED, 10000, SOCKET_ID_ANY, 0, 64, 16384);
	printf("reserve_bounded \"%s\", 10000 bytes, align 64, bound 16384:\n", BOUNDED);
	check(bounded != NULL, "reserved");
	if (bounded != NULL) {
		uintptr_t start = (uintptr_t)bounded->addr;
		uintptr_t last = start + bounded->len - 1;
		check(start / 16384 == last / 16384, "does not cross a 16384 boundary (address)");
		check(bounded->iova == RTE_BAD_IOVA ||
		      bounded->iova / 16384 == (bounded->iova + bounded->len - 1) / 16384,
		      "does not cross a 16384 boundary (IOVA)");
	}

	/* Names are unique in the table; bad sizes and flags are refused. */
	printf("requests that fail:\n");
	rte_errno = 0;
	const struct rte_memzone *dup = rte_memzone_reserve(PLAIN, 64, SOCKET_ID_ANY, 0);
	check(dup == NULL && rte_errno == EEXIST, "a second \"ex_mz_plain\": NULL, rte_errno EEXIST");
	rte_errno = 0;
	const struct rte_memzone *odd =
		rte_memzone_reserve_aligned("ex_mz_odd", 64, SOCKET_ID_ANY, 0, 48);
	check(odd == NULL && rte_errno == EINVAL, "align 48 (not a power of 2): NULL, rte_errno EINVAL");
	rte_errno = 0;
	const struct rte_memzone *small_bound =
		rte_memzone_reserve_bounded("ex_mz_small_bound", 8192, SOCKET_ID_ANY, 0, 64, 4096);
	check(small_bound == NULL && rte_errno == EINVAL,
	      "8192 bytes within a 4096 bound: NULL, rte_errno EINVAL");

	/* Any code of this prefix finds a zone by name. */
	printf("lookups:\n");
	check(rte_memzone_lookup(PLAIN) == plain && plain != NULL,
	      "lookup(\"ex_mz_plain\") returns the same zone");
	check(plain != NULL && ((unsigned char *)rte_memzone_lookup(PLAIN)->addr)[999] == 0xab,
	      "and its memory holds what was written");
	check(rte_memzone_lookup("ex_mz_nothing") == NULL, "lookup of an unknown name: NULL");

	/* The table, walked. */
	unsigned int ours = 0;
	printf("rte_memzone_walk, this program's zones:\n");
	rte_memzone_walk(walk_one, &ours);
	snprintf(line, sizeof(line), "walk saw the 3 zones reserved here");
	check(ours == 3, line);

	/* The dump lists every zone with its address: here it is checked to mention ours,
	 * and written to stderr for the curious. */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f != NULL) {
		rte_memzone_dump(f);
		fclose(f);
		check(text != NULL && strstr(text, PLAIN) && strstr(text, ALIGNED) &&
		      strstr(text, BOUNDED), "rte_memzone_dump lists the 3 zones (full dump on stderr)");
		fputs(text, stderr);
		free(text);
	}

	/* Free them: the names become available again. */
	printf("freeing:\n");
	int rc = rte_memzone_free(plain) | rte_memzone_free(aligned) | rte_memzone_free(bounded);
	check(rc == 0, "rte_memzone_free of the 3 zones returns 0");
	check(rte_memzone_lookup(PLAIN) == NULL, "lookup(\"ex_mz_plain\") now: NULL");
	const struct rte_memzone *again = rte_memzone_reserve(PLAIN, 1000, SOCKET_ID_ANY, 0);
	check(again != NULL, "the name can be reserved again");
	check(rte_memzone_free(NULL) == -EINVAL, "rte_memzone_free(NULL) returns -EINVAL");
	rte_memzone_free(again);

	rte_eal_cleanup();
	printf("memzone_table: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
