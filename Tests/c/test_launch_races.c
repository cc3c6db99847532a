/*
 * Launch and wait from several threads at once, bounded in time: two threads race
 * to launch on one worker (exactly one wins each time, and every win runs once),
 * and several threads wait on one lcore together (all of them wake with the
 * function's value, whether they spun or slept).
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "eal_test.h"

static unsigned worker;
static volatile long runs;
static time_t deadline;

static int count_run(void *arg)
{
	__atomic_add_fetch(&runs, 1, __ATOMIC_SEQ_CST);
	return (int)(intptr_t)arg;
}

struct launcher { long wins, busy, wrong; };

/* Launches and waits until the deadline; the other thread does the same. */
static void *launch_loop(void *arg)
{
	struct launcher *l = arg;
	while (time(NULL) < deadline) {
		int r = rte_eal_remote_launch(count_run, (void *)5, worker);
		if (r == 0)
			l->wins++;
		else if (r == -EBUSY)
			l->busy++;
		else
			l->wrong++;
		if (rte_eal_wait_lcore(worker) != 5)
			l->wrong++;
	}
	return NULL;
}

static void test_racing_launchers(void)
{
	pthread_t t;
	struct launcher a = {0}, b = {0};
	runs = 0;
	deadline = time(NULL) + 2;
	pthread_create(&t, NULL, launch_loop, &b);
	launch_loop(&a);
	pthread_join(t, NULL);
	printf("racing launchers: %ld + %ld launches, %ld + %ld busy\n", a.wins, b.wins,
	       a.busy, b.busy);
	CHECK(a.wins > 0 && b.wins > 0);
	CHECK_EQ(a.wrong, 0);
	CHECK_EQ(b.wrong, 0);
	CHECK_EQ(runs, a.wins + b.wins);
	CHECK_EQ(rte_eal_get_lcore_state(worker), WAIT);
}

#define WAITERS 3
static volatile int waiters_done;
static int waiter_ret[WAITERS];

static void *waiter(void *arg)
{
	intptr_t i = (intptr_t)arg;
	waiter_ret[i] = rte_eal_wait_lcore(worker);
	__atomic_add_fetch(&waiters_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int sleeper(void *arg)
{
	usleep((useconds_t)(intptr_t)arg);
	return (int)(intptr_t)arg;
}

static void test_many_waiters(void)
{
	/* sleeping waiters (a long function), then spinning ones (a short one) */
	static const int us[] = { 100000, 20, 3000, 0, 50000 };
	for (unsigned k = 0; k < sizeof(us) / sizeof(us[0]); k++) {
		for (int round = 0; round < (us[k] > 10000 ? 2 : 200); round++) {
			pthread_t t[WAITERS];
			waiters_done = 0;
			CHECK_EQ(rte_eal_remote_launch(sleeper, (void *)(intptr_t)us[k], worker), 0);
			for (intptr_t i = 0; i < WAITERS; i++)
				pthread_create(&t[i], NULL, waiter, (void *)i);
			int mine = rte_eal_wait_lcore(worker);
			int bad = mine != us[k];
			for (int i = 0; i < WAITERS; i++) {
				pthread_join(t[i], NULL);
				bad += waiter_ret[i] != us[k];
			}
			if (bad)
				printf("round %d of %d us: %d wrong\n", round, us[k], bad);
			CHECK_EQ(bad, 0);
			CHECK_EQ(waiters_done, WAITERS);
		}
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	if (test_eal_init(argv[0], "test_launch_races") < 0)
		return check_report();
	worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 1);
	test_racing_launchers();
	test_many_waiters();
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
