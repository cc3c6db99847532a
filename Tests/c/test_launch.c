/*
 * rte_eal_remote_launch / rte_eal_wait_lcore / rte_eal_mp_remote_launch as DPDK 22.11
 * behaves (probed against its librte_eal): the lcore is RUNNING as soon as the
 * launch returns, -EBUSY while it runs, back in WAIT when the function returns,
 * wait returns the function's value (again on a second wait), the main lcore and
 * lcores without a thread answer -EPIPE, and launches are handed over correctly
 * many times in a row.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "check.h"

static volatile int release_flag;
static volatile int started;

static int blocker(void *arg)
{
	__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&release_flag, __ATOMIC_ACQUIRE))
		rte_pause();
	return (int)(long)arg;
}

static int echo(void *arg)
{
	return (int)(long)arg;
}

static unsigned seen_lcore[RTE_MAX_LCORE];
static int hello(void *arg)
{
	(void)arg;
	unsigned id = rte_lcore_id();
	if (id < RTE_MAX_LCORE)
		__atomic_fetch_add(&seen_lcore[id], 1, __ATOMIC_RELAXED);
	return (int)id + 100;
}

struct worker_view {
	unsigned lcore;
	unsigned socket;
	int launch_self;
	int launch_main;
	int tid;
	char name[32];
	int cpu_count;
	int has_cpu;
};

static int look_around(void *arg)
{
	struct worker_view *v = arg;
	cpu_set_t set;

	v->lcore = rte_lcore_id();
	v->socket = rte_socket_id();
	v->launch_self = rte_eal_remote_launch(echo, NULL, rte_lcore_id());
	v->launch_main = rte_eal_remote_launch(echo, NULL, rte_get_main_lcore());
	v->tid = rte_gettid();
	pthread_getname_np(pthread_self(), v->name, sizeof(v->name));
	pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
	v->cpu_count = CPU_COUNT(&set);
	rte_cpuset_t mine = rte_lcore_cpuset(rte_lcore_id());
	v->has_cpu = CPU_EQUAL(&set, &mine);
	return 0;
}

/* rte_errno is per thread: a worker sets its own and sees it, the main thread's stays. */
static int errno_worker(void *arg)
{
	(void)arg;
	rte_errno = 4242;
	usleep(20000);
	return rte_errno;
}

static int slow(void *arg)
{
	usleep(200000); /* long enough that the waiter goes to sleep */
	return (int)(long)arg;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--file-prefix", "swifteal_test_launch", NULL };
	int n = (int)(sizeof(args) / sizeof(args[0])) - 1;

	/* before init: nothing is running and nothing can be launched */
	CHECK_EQ(rte_eal_get_lcore_state(1), WAIT);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);

	int ret = rte_eal_init(n, args);
	CHECK(ret >= 0);
	if (ret < 0)
		return check_report();
	CHECK_EQ(rte_lcore_count(), 2);
	unsigned main_lcore = rte_get_main_lcore();
	unsigned worker = rte_get_next_lcore(main_lcore, 1, 1);
	CHECK_EQ(main_lcore, 0);
	CHECK_EQ(worker, 1);
	CHECK_EQ(rte_lcore_id(), main_lcore);

	/* idle workers */
	CHECK_EQ(rte_eal_get_lcore_state(worker), WAIT);
	CHECK_EQ(rte_eal_get_lcore_state(main_lcore), WAIT);
	CHECK_EQ(rte_eal_wait_lcore(worker), 0);
	CHECK_EQ(rte_eal_wait_lcore(main_lcore), 0);

	/* a busy worker */
	CHECK_EQ(rte_eal_remote_launch(blocker, (void *)7L, worker), 0);
	CHECK_EQ(rte_eal_get_lcore_state(worker), RUNNING);
	CHECK_EQ(rte_eal_remote_launch(echo, (void *)8L, worker), -EBUSY);
	CHECK_EQ(rte_eal_mp_remote_launch(echo, (void *)8L, SKIP_MAIN), -EBUSY);
	CHECK_EQ(rte_eal_mp_remote_launch(echo, (void *)8L, CALL_MAIN), -EBUSY);
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		rte_pause();
	__atomic_store_n(&release_flag, 1, __ATOMIC_RELEASE);
	/* back to WAIT by itself once the function returned, before anyone waits */
	double t0 = now();
	while (rte_eal_get_lcore_state(worker) != WAIT && now() - t0 < 5)
		rte_pause();
	CHECK_EQ(rte_eal_get_lcore_state(worker), WAIT);
	CHECK_EQ(rte_eal_wait_lcore(worker), 7);
	CHECK_EQ(rte_eal_wait_lcore(worker), 7);   /* the value stays */
	CHECK_EQ(rte_eal_get_lcore_state(worker), WAIT);

	/* lcores without an EAL thread, bad ids, no function */
	CHECK_EQ(rte_eal_remote_launch(echo, NULL, main_lcore), -EPIPE);
	CHECK_EQ(rte_eal_remote_launch(echo, NULL, 5), -EPIPE);
	CHECK_EQ(rte_eal_get_lcore_state(5), WAIT);
	CHECK_EQ(rte_eal_wait_lcore(5), 0);
	CHECK_EQ(rte_eal_remote_launch(echo, NULL, RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_eal_remote_launch(echo, NULL, 100000), -EINVAL);
	CHECK_EQ(rte_eal_remote_launch(NULL, NULL, worker), -EINVAL);
	CHECK_EQ(rte_eal_mp_remote_launch(NULL, NULL, CALL_MAIN), -EINVAL);
	CHECK_EQ(rte_eal_get_lcore_state(RTE_MAX_LCORE), WAIT);
	CHECK_EQ(rte_eal_wait_lcore(RTE_MAX_LCORE + 5), 0);

	/* hello on every lcore, main included */
	CHECK_EQ(rte_eal_mp_remote_launch(hello, NULL, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	unsigned id;
	RTE_LCORE_FOREACH(id) {
		CHECK_EQ(seen_lcore[id], 1);
		CHECK_EQ(rte_eal_wait_lcore(id), (int)id + 100);
		CHECK_EQ(rte_eal_get_lcore_state(id), WAIT);
	}
	/* SKIP_MAIN leaves the main lcore alone */
	CHECK_EQ(rte_eal_mp_remote_launch(hello, NULL, SKIP_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CHECK_EQ(seen_lcore[main_lcore], 1);
	CHECK_EQ(seen_lcore[worker], 2);

	/* what a worker sees of itself */
	struct worker_view v;
	memset(&v, 0, sizeof(v));
	CHECK_EQ(rte_eal_remote_launch(look_around, &v, worker), 0);
	CHECK_EQ(rte_eal_wait_lcore(worker), 0);
	CHECK_EQ(v.lcore, worker);
	CHECK_EQ(v.socket, rte_lcore_to_socket_id(worker));
	CHECK_EQ(v.launch_self, -EBUSY);
	CHECK_EQ(v.launch_main, -EPIPE);
	CHECK(v.tid > 0 && v.tid != rte_gettid());
	CHECK(strcmp(v.name, "rte-worker-1") == 0);
	CHECK_EQ(v.cpu_count, 1);
	CHECK_EQ(v.has_cpu, 1);

	/* rte_errno is the caller's own */
	rte_errno = 17;
	CHECK_EQ(rte_eal_remote_launch(errno_worker, NULL, worker), 0);
	CHECK_EQ(rte_eal_wait_lcore(worker), 4242);
	CHECK_EQ(rte_errno, 17);

	/* a waiter that must sleep is woken when the function returns */
	t0 = now();
	CHECK_EQ(rte_eal_remote_launch(slow, (void *)33L, worker), 0);
	CHECK_EQ(rte_eal_wait_lcore(worker), 33);
	CHECK(now() - t0 >= 0.19);
	/* a worker that went to sleep between launches still picks up the next one */
	usleep(50000);
	CHECK_EQ(rte_eal_remote_launch(echo, (void *)44L, worker), 0);
	CHECK_EQ(rte_eal_wait_lcore(worker), 44);

	/* many handoffs in a row, each value seen exactly once */
	int bad = 0;
	t0 = now();
	for (long i = 0; i < 20000; i++) {
		if (rte_eal_remote_launch(echo, (void *)i, worker) != 0 ||
		    rte_eal_wait_lcore(worker) != (int)i)
			bad++;
	}
	double per = (now() - t0) / 20000 * 1e6;
	CHECK_EQ(bad, 0);
	printf("launch+wait round trip: %.2f us\n", per);

	/* mp launch and wait many times with CALL_MAIN */
	bad = 0;
	for (long i = 0; i < 2000; i++) {
		if (rte_eal_mp_remote_launch(echo, (void *)i, CALL_MAIN) != 0)
			bad++;
		rte_eal_mp_wait_lcore();
		if (rte_eal_wait_lcore(worker) != (int)i || rte_eal_wait_lcore(main_lcore) != (int)i)
			bad++;
	}
	CHECK_EQ(bad, 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
