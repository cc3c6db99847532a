/*
 * memory_walk: the hugepage layout seen through the memseg walks, and memory events as
 * the heap grows and shrinks.
 *
 * The EAL keeps its memory in memseg lists (one kind of page on one socket each); every
 * page in use is a memseg with a virtual address and an IOVA (the address a device
 * uses: physical in IOVA-as-PA mode, the virtual address in IOVA-as-VA mode). This
 * program walks the lists (rte_memseg_list_walk), the pages (rte_memseg_walk) and the
 * VA-contiguous areas (rte_memseg_contig_walk), checks that rte_mem_virt2iova agrees
 * with the walk, then registers a memory event callback and makes the heap grow by a
 * big rte_malloc and shrink again by its rte_free.
 *
 * Build: cc memory_walk.c $(pkg-config --cflags --libs libswifteal) -o memory_walk
 * Run:   ./memory_walk -l 0 -m 64 --file-prefix memwalk   (hugepages; with --no-huge
 *        there is one list of small pages and no memory events)
 * Last line on success: "memory_walk: OK"
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_fbarray.h>
#include <rte_memory.h>
#include <rte_malloc.h>

#define MB (1024.0 * 1024.0)
#define SHOW_SEGS 8		/* segments listed one by one; the rest are counted */
#define GROW (64u << 20)	/* one allocation bigger than what -m 64 leaves free */

static int failures;

static void check(int ok, const char *what)
{
	printf("  %-58s %s\n", what, ok ? "yes" : "NO");
	if (!ok)
		failures++;
}

static int list_walk(const struct rte_memseg_list *msl, void *arg)
{
	int *n = arg;
	printf("  list %d: socket %d, %4.0f kB pages, %s, %u of %u pages in use\n", (*n)++,
	       msl->socket_id, msl->page_sz / 1024.0, msl->external ? "external" : "EAL-managed",
	       msl->memseg_arr.count, msl->memseg_arr.len);
	return 0;
}

struct seg_stats {
	unsigned int n;
	uint64_t bytes;
};

static int seg_walk(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct seg_stats *s = arg;
	if (s->n < SHOW_SEGS)
		printf("  page %2d of its list: va %p  iova 0x%" PRIx64 "  %4.0f kB  socket %d\n",
		       rte_fbarray_find_idx(&msl->memseg_arr, ms), ms->addr, ms->iova,
		       ms->len / 1024.0, ms->socket_id);
	s->n++;
	s->bytes += ms->len;
	return 0;
}

static int contig_walk(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		       size_t len, void *arg)
{
	unsigned int *n = arg;
	(void)msl;
	printf("  area %u: va %p, %.0f MB, %zu pages\n", (*n)++, ms->addr, len / MB,
	       len / ms->len);
	return 0;
}

/* Memory events: called with the hotplug lock held, so it only records. */
static struct {
	unsigned int allocs, frees;
	uint64_t alloc_bytes, free_bytes;
} ev;

static void on_mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	(void)addr;
	(void)arg;
	if (type == RTE_MEM_EVENT_ALLOC) {
		ev.allocs++;
		ev.alloc_bytes += len;
	} else {
		ev.frees++;
		ev.free_bytes += len;
	}
}

static struct seg_stats pages_in_use(void)
{
	struct seg_stats s = { 0, 0 };
	rte_memseg_walk(seg_walk, &s);
	return s;
}

/* The same count, without printing (SHOW_SEGS already reached). */
static int count_walk(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl;
	((struct seg_stats *)arg)->n++;
	((struct seg_stats *)arg)->bytes += ms->len;
	return 0;
}

static struct seg_stats count_pages(void)
{
	struct seg_stats s = { 0, 0 };
	rte_memseg_walk(count_walk, &s);
	return s;
}

int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));

	printf("IOVA mode: %s\n", rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" :
	       rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" : "DC");

	int lists = 0;
	printf("memseg lists (rte_memseg_list_walk):\n");
	rte_memseg_list_walk(list_walk, &lists);

	printf("pages in use (rte_memseg_walk):\n");
	struct seg_stats used = pages_in_use();
	if (used.n > SHOW_SEGS)
		printf("  ... and %u more\n", used.n - SHOW_SEGS);
	printf("  %u pages, %.0f MB; rte_eal_get_physmem_size: %.0f MB\n", used.n,
	       used.bytes / MB, rte_eal_get_physmem_size() / MB);
	check(used.bytes == rte_eal_get_physmem_size(), "the walk and rte_eal_get_physmem_size agree");

	unsigned int areas = 0;
	printf("VA-contiguous areas (rte_memseg_contig_walk):\n");
	rte_memseg_contig_walk(contig_walk, &areas);

	/* A block from the heap: its IOVA is its page's IOVA plus the offset. */
	char *p = rte_malloc("ex_probe", 4096, 0);
	const struct rte_memseg *ms = p ? rte_mem_virt2memseg(p, NULL) : NULL;
	printf("a 4 kB rte_malloc block:\n");
	check(ms != NULL, "lies in a memseg (rte_mem_virt2memseg)");
	check(ms != NULL && rte_mem_virt2iova(p) == ms->iova + (uint64_t)(p - (char *)ms->addr),
	      "rte_mem_virt2iova = page IOVA + offset");
	check(ms != NULL && rte_malloc_virt2iova(p) == rte_mem_virt2iova(p),
	      "rte_malloc_virt2iova agrees");
	rte_free(p);

	/* Memory events: the heap asks for more pages when an allocation does not fit,
	 * and gives them back when it is freed. Not every mode has them (ENOTSUP). */
	printf("memory events while the heap grows by %u MB and shrinks:\n", GROW >> 20);
	if (rte_mem_event_callback_register("ex_memory_walk", on_mem_event, NULL) != 0) {
		printf("  not supported in this mode (rte_errno %s)\n",
		       rte_errno == ENOTSUP ? "ENOTSUP" : rte_strerror(rte_errno));
		if (rte_errno != ENOTSUP)
			failures++;
	} else {
		struct seg_stats pre = count_pages();
		void *big = rte_malloc("ex_grow", GROW, 0);
		struct seg_stats grown = count_pages();
		check(big != NULL, "the big rte_malloc succeeded");
		check(ev.allocs > 0 && ev.alloc_bytes >= GROW, "alloc events for at least its size");
		check(grown.bytes - pre.bytes == ev.alloc_bytes, "and the walk shows as many more pages");
		rte_free(big);
		struct seg_stats shrunk = count_pages();
		check(ev.frees > 0 && ev.free_bytes == ev.alloc_bytes, "free events give all of it back");
		check(shrunk.n == pre.n, "pages in use back to where they were");
		rte_mem_event_callback_unregister("ex_memory_walk", NULL);
	}

	rte_eal_cleanup();
	printf("memory_walk: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
