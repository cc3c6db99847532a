/*
 * fbarray_walk: an rte_fbarray used as a slot allocator, walked with the find functions.
 *
 * An rte_fbarray is a fixed-size array of equal elements plus a "used" bitmap, kept in a
 * file under the EAL runtime directory so that another process of the same prefix can
 * attach to it. This program takes slots the way an allocator would (first free one,
 * then a run of N free ones), frees a few, and then walks what is left with the find
 * functions: used runs, holes, the biggest hole, searches backwards.
 *
 * Build: cc fbarray_walk.c $(pkg-config --cflags --libs libswifteal) -o fbarray_walk
 * Run:   ./fbarray_walk -l 0 --no-huge -m 64 --file-prefix fbwalk
 * Last line on success: "fbarray_walk: OK"
 */
#include <stdio.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_fbarray.h>

#define N_SLOTS 32

struct slot {
	unsigned int ticket;	/* what the "allocator" handed out */
	char owner[28];
};

/* Takes the first free slot, like a simple allocator. -1 when full. */
static int slot_take(struct rte_fbarray *arr, unsigned int ticket, const char *owner)
{
	int idx = rte_fbarray_find_next_free(arr, 0);
	if (idx < 0)
		return -1;
	struct slot *s = rte_fbarray_get(arr, idx);
	s->ticket = ticket;
	snprintf(s->owner, sizeof(s->owner), "%s", owner);
	rte_fbarray_set_used(arr, idx);
	return idx;
}

/* Prints the used slots as runs: "[0-1] [5] ..." found with next_used + contig_used. */
static void print_used_runs(struct rte_fbarray *arr)
{
	int i = rte_fbarray_find_next_used(arr, 0);
	printf("used runs:");
	while (i >= 0) {
		int n = rte_fbarray_find_contig_used(arr, i);
		if (n > 1)
			printf(" [%d-%d]", i, i + n - 1);
		else
			printf(" [%d]", i);
		if ((unsigned int)(i + n) >= arr->len)
			break;
		i = rte_fbarray_find_next_used(arr, i + n);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	struct rte_fbarray arr, peer;
	int failures = 0;

	if (rte_eal_init(argc, argv) < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));

	if (rte_fbarray_init(&arr, "ex_slots", N_SLOTS, sizeof(struct slot)) != 0)
		rte_exit(1, "rte_fbarray_init: %s\n", rte_strerror(rte_errno));
	printf("array \"%s\": %u slots of %u bytes, %u used\n",
	       arr.name, arr.len, arr.elt_sz, arr.count);

	/* Ten single slots, first free first. */
	for (unsigned int t = 0; t < 10; t++)
		slot_take(&arr, 100 + t, "single");
	printf("took 10 slots one by one: %u used\n", arr.count);

	/* Give some back: a hole of three and a hole of one. */
	rte_fbarray_set_free(&arr, 2);
	rte_fbarray_set_free(&arr, 3);
	rte_fbarray_set_free(&arr, 4);
	rte_fbarray_set_free(&arr, 7);
	printf("freed slots 2, 3, 4 and 7: %u used\n", arr.count);
	print_used_runs(&arr);

	/* A run of 3 free slots fits the first hole; a run of 4 goes after the last used. */
	int run3 = rte_fbarray_find_next_n_free(&arr, 0, 3);
	int run4 = rte_fbarray_find_next_n_free(&arr, 0, 4);
	printf("first run of 3 free slots starts at %d, of 4 at %d\n", run3, run4);

	int big = rte_fbarray_find_biggest_free(&arr, 0);
	printf("biggest hole starts at %d, %d slots long\n",
	       big, rte_fbarray_find_contig_free(&arr, big));
	printf("searching back from the end: last used slot %d, the hole before it ends at %d\n",
	       rte_fbarray_find_prev_used(&arr, N_SLOTS - 1),
	       rte_fbarray_find_prev_free(&arr, rte_fbarray_find_prev_used(&arr, N_SLOTS - 1)));
	printf("free slots at the end, counted backwards: %d\n",
	       rte_fbarray_find_rev_contig_free(&arr, N_SLOTS - 1));

	/* The first free slot is now the hole at 2: the allocator refills it. */
	int again = slot_take(&arr, 200, "refill");
	printf("next take reuses slot %d\n", again);
	if (again != 2)
		failures++;

	/* Pointers map back to indexes. */
	struct slot *s9 = rte_fbarray_get(&arr, 9);
	printf("slot 9 holds ticket %u from \"%s\"; find_idx(&slot 9) = %d\n",
	       s9->ticket, s9->owner, rte_fbarray_find_idx(&arr, s9));

	/* Bad input gets rte_errno, not a crash. */
	rte_errno = 0;
	int rc = rte_fbarray_set_used(&arr, N_SLOTS);
	printf("set_used(%d) on a %d-slot array: %d, rte_errno %s\n", N_SLOTS, N_SLOTS, rc,
	       rte_errno == EINVAL ? "EINVAL" : rte_strerror(rte_errno));
	if (rc != -1 || rte_errno != EINVAL)
		failures++;

	/* The array lives in a file of the runtime dir: another process of this prefix maps
	 * the same slots with rte_fbarray_attach() on a copy of this struct (found in shared
	 * memory). This process already has it mapped, so attaching here is refused. */
	peer = arr;
	rte_errno = 0;
	rc = rte_fbarray_attach(&peer);
	printf("attach from the process that created it: %d, rte_errno %s\n", rc,
	       rte_errno == EEXIST ? "EEXIST" : rte_strerror(rte_errno));
	if (rc != -1 || rte_errno != EEXIST)
		failures++;
	print_used_runs(&arr);

	/* The metadata dump: name, size, occupancy and the used bitmap, one 64-bit mask a line. */
	fflush(stdout);
	rte_fbarray_dump_metadata(&arr, stdout);

	if (rte_fbarray_destroy(&arr) != 0) {
		printf("destroy failed: %s\n", rte_strerror(rte_errno));
		failures++;
	}
	rte_eal_cleanup();
	printf("fbarray_walk: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
