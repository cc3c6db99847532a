/*
 * fbarray searches racing a writer must answer from one state of the array, never
 * from a mix of two (searches read the mask without the rwlock and check the writer's
 * sequence instead). The writer moves a single used element from one end of a
 * 65,536-element array to the other and back, freeing the old place before it takes
 * the new one: never are both ends used at once. Two readers keep asking questions
 * whose only right answers follow from that. A whole-array scan that read the first
 * mask word before a hop and the last one after it would see both ends used.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "eal_test.h"

#define LEN 65536
#define MOVES 2000000

static struct rte_fbarray arr;
static volatile int done;
static long bad[3], asked[3];

/* arg: the reader's slot in bad[] and asked[] */
static int reader(void *arg)
{
	uintptr_t me = (uintptr_t)arg;
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
		/* one element at most is used, at an end: a free run of LEN - 1 is always
		 * there, seen from either end (a scan that read the first word before a
		 * hop and the last one after it would see both ends used, and no such run) */
		if (rte_fbarray_find_next_n_free(&arr, 0, LEN - 1) < 0)
			bad[me]++;
		if (rte_fbarray_find_prev_n_free(&arr, LEN - 1, LEN - 1) < 0)
			bad[me]++;
		/* nothing used but the ends */
		int u = rte_fbarray_find_next_used(&arr, 0);
		if (u != -1 && u != 0 && u != LEN - 1)
			bad[me]++;
		u = rte_fbarray_find_prev_used(&arr, LEN - 1);
		if (u != -1 && u != 0 && u != LEN - 1)
			bad[me]++;
		/* the biggest free run is LEN - 1 long (LEN when the element is in flight) */
		int b = rte_fbarray_find_biggest_free(&arr, 0);
		if (b != 0 && b != 1)
			bad[me]++;
		asked[me]++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (test_eal_init(argv[0], "test_fbarray_readers") < 0)
		return check_report();
	CHECK_EQ(rte_fbarray_init(&arr, "readers", LEN, 8), 0);
	unsigned pos = 0;
	CHECK_EQ(rte_fbarray_set_used(&arr, pos), 0);
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	CHECK_EQ(rte_eal_remote_launch(reader, (void *)1, worker), 0);
	/* the main thread writes; the worker lcore and a plain thread read */
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, (void *(*)(void *))reader, (void *)2), 0);
	for (int m = 0; m < MOVES; m++) {
		unsigned next = LEN - 1 - pos;
		rte_fbarray_set_free(&arr, pos);
		rte_fbarray_set_used(&arr, next);
		pos = next;
	}
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	pthread_join(t, NULL);
	long total_bad = 0, total = 0;
	for (int i = 0; i < 3; i++) {
		total_bad += bad[i];
		total += asked[i];
	}
	printf("%ld rounds of questions, %ld wrong answers\n", total, total_bad);
	CHECK(total > 100);
	CHECK_EQ(total_bad, 0);
	CHECK_EQ(arr.count, 1);
	CHECK_EQ(rte_fbarray_find_next_used(&arr, 0), (int)pos);
	CHECK_EQ(rte_fbarray_destroy(&arr), 0);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
