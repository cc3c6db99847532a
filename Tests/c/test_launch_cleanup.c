/*
 * rte_eal_cleanup while an lcore still runs a function and another thread waits
 * for it: cleanup returns (the worker is left to finish), and the waiter wakes
 * with the function's value, never reading the launch slots after they are freed.
 * (Cleanup first finalizes the service library, which waits for every lcore, as
 * DPDK's does; finalized beforehand, it does not wait: that is the case here.)
 * free() is interposed to poison every block it releases, so a read after free
 * shows up as a wrong value instead of passing by luck.
 */
#define ALLOW_EXPERIMENTAL_API
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_service_component.h>

#include "eal_test.h"

extern void __libc_free(void *);

void free(void *p)
{
	if (p)
		memset(p, 0x5a, malloc_usable_size(p));
	__libc_free(p);
}

static unsigned worker;
static volatile int started, finished;
static volatile int waiter_ret = -1, waiter_done;

static int slow(void *arg)
{
	__atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
	usleep(300000);
	__atomic_store_n(&finished, 1, __ATOMIC_SEQ_CST);
	return (int)(intptr_t)arg;
}

static void *waiter(void *arg)
{
	(void)arg;
	waiter_ret = rte_eal_wait_lcore(worker);
	__atomic_store_n(&waiter_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	(void)argc;
	if (test_eal_init(argv[0], "test_launch_cleanup") < 0)
		return check_report();
	rte_service_finalize();
	worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 1);
	CHECK_EQ(rte_eal_remote_launch(slow, (void *)77, worker), 0);
	while (!__atomic_load_n(&started, __ATOMIC_SEQ_CST))
		usleep(100);
	pthread_create(&t, NULL, waiter, NULL);
	usleep(50000); /* the waiter is asleep on the lcore's state */
	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK_EQ(finished, 0); /* cleanup did not wait for the function */
	pthread_join(t, NULL);
	CHECK_EQ(waiter_done, 1);
	CHECK_EQ(finished, 1);
	CHECK_EQ(waiter_ret, 77);
	usleep(20000); /* the worker thread leaves once its function returned */
	return check_report();
}
