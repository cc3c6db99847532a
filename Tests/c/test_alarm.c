/*
 * Alarms seen from C: bad input, deadline order, once each and never early,
 * cancel (count, from another thread while one runs, from inside a callback),
 * an alarm set from its own callback, and 1,000 alarms set and cancelled
 * concurrently from two lcores leaving none behind.
 */
#define ALLOW_EXPERIMENTAL_API
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_log.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "eal_test.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int wait_for(volatile int *v, int want, int ms)
{
	uint64_t end = now_ns() + (uint64_t)ms * 1000000;
	while (now_ns() < end) {
		if (__atomic_load_n(v, __ATOMIC_SEQ_CST) >= want)
			return 1;
		usleep(200);
	}
	return __atomic_load_n(v, __ATOMIC_SEQ_CST) >= want;
}

static void nothing(void *arg) { (void)arg; }

static void test_bad_input(void)
{
	rte_errno = 0;
	CHECK_EQ(rte_eal_alarm_set(0, nothing, NULL), -EINVAL);
	CHECK_EQ(rte_eal_alarm_set(1, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_eal_alarm_set(UINT64_MAX, nothing, NULL), -EINVAL);
	CHECK_EQ(rte_eal_alarm_set(UINT64_MAX - 1000000 + 1, nothing, NULL), -EINVAL);
	CHECK_EQ(rte_errno, 0);
	CHECK_EQ(rte_eal_alarm_cancel(NULL, NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK_EQ(rte_eal_alarm_cancel(nothing, NULL), 0);
	CHECK_EQ(rte_errno, ENOENT);
	/* the longest alarm accepted, and a far one: both pending, both cancelled */
	CHECK_EQ(rte_eal_alarm_set(UINT64_MAX - 1000000, nothing, NULL), 0);
	CHECK_EQ(rte_eal_alarm_set(UINT64_MAX / 2, nothing, NULL), 0);
	CHECK_EQ(rte_eal_alarm_set(3600ull * 1000000, nothing, (void *)5), 0);
	rte_errno = 0;
	CHECK_EQ(rte_eal_alarm_cancel(nothing, NULL), 2);
	CHECK_EQ(rte_errno, 0);
	CHECK_EQ(rte_eal_alarm_cancel(nothing, (void *)5), 1);
	CHECK_EQ(rte_eal_alarm_cancel(nothing, (void *)-1), 0);
}

#define N_ORDER 12
static struct fired {
	uint64_t earliest; /* time before rte_eal_alarm_set + us: the deadline is no earlier */
	uint64_t latest;   /* time after it + us: the deadline is no later */
	uint64_t at;
	volatile int count;
} fired[N_ORDER];
static int fire_seq[64];
static volatile int nfired;

static void noting(void *arg)
{
	int i = (int)(intptr_t)arg;
	fired[i].at = now_ns();
	fired[i].count++;
	fire_seq[__atomic_fetch_add(&nfired, 1, __ATOMIC_SEQ_CST) % 64] = i;
}

/* Whether alarm a's deadline is surely before b's, from the bounds recorded around each
 * rte_eal_alarm_set (a stall between two calls moves the deadlines, not the delays);
 * equal deadlines go in the order they were set. */
static int due_before(int a, int b)
{
	return fired[a].latest < fired[b].earliest ||
	       (a < b && fired[a].latest <= fired[b].earliest);
}

static void test_order_once_not_early(void)
{
	/* delays in microseconds, set out of order; 3 and 4 share a delay */
	static const uint64_t us[N_ORDER] = { 40000, 5000, 30000, 12000, 12000, 1000,
					      35000, 20000, 2500, 25000, 8000, 15000 };
	int i, j;
	for (i = 0; i < N_ORDER; i++) {
		if (i == 5)
			usleep(6000); /* a stall: alarm 5 (1 ms) is now due after alarm 1 (5 ms) */
		fired[i].earliest = now_ns() + us[i] * 1000;
		CHECK_EQ(rte_eal_alarm_set(us[i], noting, (void *)(intptr_t)i), 0);
		fired[i].latest = now_ns() + us[i] * 1000;
	}
	CHECK(wait_for(&nfired, N_ORDER, 3000));
	usleep(100000);
	CHECK_EQ(nfired, N_ORDER);
	for (i = 0; i < N_ORDER; i++) {
		CHECK_EQ(fired[i].count, 1);
		if (fired[i].at < fired[i].earliest)
			fprintf(stderr, "alarm %d fired %llu ns early\n", i,
				(unsigned long long)(fired[i].earliest - fired[i].at));
		CHECK(fired[i].at >= fired[i].earliest);
	}
	/* by deadline: no alarm fired before one whose deadline was surely earlier */
	int ordered = 1;
	for (i = 0; i < N_ORDER; i++)
		for (j = i + 1; j < N_ORDER; j++)
			if (due_before(fire_seq[j], fire_seq[i])) {
				fprintf(stderr, "alarm %d fired before alarm %d, due earlier\n",
					fire_seq[i], fire_seq[j]);
				ordered = 0;
			}
	CHECK(ordered);
	CHECK_EQ(rte_eal_alarm_cancel(noting, (void *)-1), 0);
}

/* The timer stays armed for a cancelled alarm (re-arming for every set costs a system
 * call): what is set after must still fire on time, neither early nor lost, whether it
 * falls due after the stale expiry or before it. */
static void test_after_cancelled(void)
{
	memset(fired, 0, sizeof(fired));
	nfired = 0;
	uint64_t t0 = now_ns();
	CHECK_EQ(rte_eal_alarm_set(20000, noting, (void *)0), 0);
	CHECK_EQ(rte_eal_alarm_cancel(noting, (void *)0), 1);
	/* later than the stale expiry at 20 ms */
	fired[1].earliest = t0 + 60000000;
	CHECK_EQ(rte_eal_alarm_set(60000, noting, (void *)1), 0);
	/* and earlier than it */
	fired[2].earliest = now_ns() + 5000000;
	CHECK_EQ(rte_eal_alarm_set(5000, noting, (void *)2), 0);
	CHECK(wait_for(&nfired, 2, 2000));
	usleep(30000);
	CHECK_EQ(nfired, 2);
	CHECK_EQ(fired[0].count, 0);
	CHECK_EQ(fire_seq[0], 2);
	CHECK_EQ(fire_seq[1], 1);
	for (int i = 1; i <= 2; i++) {
		CHECK_EQ(fired[i].count, 1);
		CHECK(fired[i].at >= fired[i].earliest);
		CHECK(fired[i].at < fired[i].earliest + 100000000); /* not lost until a later wake */
	}
	/* a thousand set/cancel pairs, then one that must fire */
	for (uintptr_t i = 0; i < 1000; i++) {
		CHECK_EQ(rte_eal_alarm_set(1000 + i, nothing, (void *)i), 0);
		CHECK_EQ(rte_eal_alarm_cancel(nothing, (void *)i), 1);
	}
	fired[3].earliest = now_ns() + 3000000;
	CHECK_EQ(rte_eal_alarm_set(3000, noting, (void *)3), 0);
	CHECK(wait_for(&nfired, 3, 2000));
	CHECK(fired[3].at >= fired[3].earliest && fired[3].at < fired[3].earliest + 100000000);
}

/* The interrupt thread asks for 100 us time slices, so that with every CPU running an
 * lcore it preempts the one on its CPU when an alarm is due instead of waiting out that
 * one's slice. Kernels with EEVDF custom slices (6.12+) show it as se.slice in
 * /proc/<pid>/task/<tid>/sched; older ones have no such line and nothing to check. */
static void test_intr_thread_slice(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)) != NULL) {
		char path[300], line[256] = "";
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int is_intr = fgets(line, sizeof(line), f) && strncmp(line, "eal-intr-thread", 15) == 0;
		fclose(f);
		if (!is_intr)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/sched", e->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			unsigned long long slice;
			if (sscanf(line, "se.slice : %llu", &slice) == 1) {
				found = 1;
				CHECK_EQ(slice, 100000);
			}
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	if (!found)
		printf("no se.slice for eal-intr-thread (kernel without EEVDF slices): nothing to check\n");
}

static volatile int slow_state;
static void slow(void *arg)
{
	(void)arg;
	__atomic_store_n(&slow_state, 1, __ATOMIC_SEQ_CST);
	usleep(50000);
	__atomic_store_n(&slow_state, 2, __ATOMIC_SEQ_CST);
}

static volatile int self_done;
static int self_ret, self_errno;
static void self_cancel(void *arg)
{
	rte_errno = 0;
	self_ret = rte_eal_alarm_cancel(self_cancel, arg);
	self_errno = rte_errno;
	__atomic_store_n(&self_done, 1, __ATOMIC_SEQ_CST);
}

static void test_cancel(void)
{
	int i;
	/* from another thread: the count removed, none fires */
	for (i = 0; i < 3; i++)
		CHECK_EQ(rte_eal_alarm_set(100000, nothing, (void *)1), 0);
	CHECK_EQ(rte_eal_alarm_set(100000, nothing, (void *)2), 0);
	CHECK_EQ(rte_eal_alarm_set(100000, slow, NULL), 0);
	CHECK_EQ(rte_eal_alarm_cancel(nothing, (void *)1), 3);
	CHECK_EQ(rte_eal_alarm_cancel(nothing, (void *)-1), 1);
	CHECK_EQ(rte_eal_alarm_cancel(slow, (void *)-1), 1);

	/* while its callback runs on the interrupt thread: waits for it to finish */
	slow_state = 0;
	CHECK_EQ(rte_eal_alarm_set(1000, slow, NULL), 0);
	CHECK(wait_for(&slow_state, 1, 2000));
	rte_errno = 0;
	CHECK_EQ(rte_eal_alarm_cancel(slow, NULL), 0);
	CHECK_EQ(slow_state, 2);
	CHECK_EQ(rte_errno, ENOENT);

	/* from inside its own callback: EINPROGRESS, and its pending twin is removed */
	self_done = 0;
	CHECK_EQ(rte_eal_alarm_set(1000, self_cancel, (void *)7), 0);
	CHECK_EQ(rte_eal_alarm_set(200000, self_cancel, (void *)7), 0);
	CHECK(wait_for(&self_done, 1, 2000));
	CHECK_EQ(self_ret, 1);
	CHECK_EQ(self_errno, EINPROGRESS);
	self_done = 0;
	usleep(250000);
	CHECK_EQ(self_done, 0);
}

static volatile int chain_count;
static uint64_t chain_at[2];
static void chained(void *arg)
{
	int n = __atomic_add_fetch(&chain_count, 1, __ATOMIC_SEQ_CST);
	chain_at[n - 1] = now_ns();
	if (arg)
		CHECK_EQ(rte_eal_alarm_set(5000, chained, NULL), 0);
}

static void test_set_from_callback(void)
{
	CHECK_EQ(rte_eal_alarm_set(1000, chained, (void *)1), 0);
	CHECK(wait_for(&chain_count, 2, 2000));
	usleep(20000);
	CHECK_EQ(chain_count, 2);
	CHECK(chain_at[1] - chain_at[0] >= 5000000);
}

/* Two lcores each set 500 alarms with their own arguments and cancel each one
 * right after setting the next, so sets and cancels of both interleave. */
#define PER_LCORE 500
static volatile int start_flag;
static long lcore_result[RTE_MAX_LCORE];

static int set_and_cancel(void *arg)
{
	unsigned int lcore = rte_lcore_id();
	uintptr_t base = 0x100000 * (uintptr_t)(lcore + 1);
	long removed = 0, bad = 0;
	(void)arg;
	__atomic_add_fetch(&start_flag, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&start_flag, __ATOMIC_SEQ_CST) < 2)
		;
	for (uintptr_t i = 1; i <= PER_LCORE; i++) {
		if (rte_eal_alarm_set(100000 + (i % 7) * 1000, nothing, (void *)(base + i)) != 0)
			bad++;
		if (i > 1)
			removed += rte_eal_alarm_cancel(nothing, (void *)(base + i - 1));
	}
	removed += rte_eal_alarm_cancel(nothing, (void *)(base + PER_LCORE));
	lcore_result[lcore] = removed - bad * 1000000;
	return 0;
}

static void test_concurrent_thousand(void)
{
	start_flag = 0;
	CHECK_EQ(rte_lcore_count(), 2);
	CHECK_EQ(rte_eal_mp_remote_launch(set_and_cancel, NULL, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CHECK_EQ(lcore_result[0], PER_LCORE);
	CHECK_EQ(lcore_result[1], PER_LCORE);
	/* none left behind: nothing to cancel, nothing fires */
	rte_errno = 0;
	CHECK_EQ(rte_eal_alarm_cancel(nothing, (void *)-1), 0);
	CHECK_EQ(rte_errno, ENOENT);
}

/* After cleanup every set is refused, and said so once, not once per call (a caller
 * that loops on it would flood the log). */
static void test_after_cleanup(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *log = open_memstream(&text, &size);
	CHECK_EQ(rte_openlog_stream(log), 0);
	int refused = 0;
	for (int i = 0; i < 1000; i++)
		refused += rte_eal_alarm_set(1000, nothing, NULL) < 0;
	CHECK_EQ(refused, 1000);
	fflush(log);
	int lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	CHECK_EQ(lines, 1);
	rte_openlog_stream(NULL);
	fclose(log);
	free(text);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (test_eal_init(argv[0], "test_alarm") < 0)
		return check_report();
	test_bad_input();
	test_order_once_not_early();
	test_after_cancelled();
	test_intr_thread_slice();
	test_cancel();
	test_set_from_callback();
	test_concurrent_thousand();
	/* pending alarms at cleanup are dropped, never called */
	CHECK_EQ(rte_eal_alarm_set(1000000, nothing, NULL), 0);
	CHECK_EQ(rte_eal_cleanup(), 0);
	test_after_cleanup();
	return check_report();
}
