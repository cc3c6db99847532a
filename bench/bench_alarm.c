/*
 * Alarms with every CPU running an lcore (-l 0-1 on a 2-CPU machine: the main lcore
 * measures, the worker busy-polls as a packet loop would), same source for both
 * libraries:
 *  - rte_eal_alarm_set + rte_eal_alarm_cancel of a 1 s alarm, ns per pair;
 *  - lateness of a 1 ms alarm (callback time minus set time minus 1 ms), median and p99
 *    in microseconds: the interrupt thread has no CPU of its own to wait on.
 * Prints "metric value" lines for bench/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#define PAIRS 50000
#define ALARM_ROUNDS 300

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static volatile int stop;
static volatile uint64_t seen_at;

static int busy(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		rte_pause();
	return 0;
}

static void on_alarm(void *arg)
{
	(void)arg;
	__atomic_store_n(&seen_at, now_ns(), __ATOMIC_RELEASE);
}

static void nothing(void *arg) { (void)arg; }

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	char *args[] = { "bench_alarm", "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "bench_alarm", "--log-level", "3", NULL };
	static uint64_t late[ALARM_ROUNDS];
	if (rte_eal_init((int)(sizeof(args) / sizeof(args[0])) - 1, args) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE || rte_eal_remote_launch(busy, NULL, worker) != 0) {
		fprintf(stderr, "no worker lcore to keep busy\n");
		return 1;
	}

	double best = 1e300;
	for (int rep = 0; rep < 5; rep++) {
		uint64_t t0 = now_ns();
		for (uintptr_t i = 0; i < PAIRS; i++) {
			if (rte_eal_alarm_set(1000000, nothing, (void *)i) != 0 ||
			    rte_eal_alarm_cancel(nothing, (void *)i) != 1) {
				fprintf(stderr, "set/cancel failed\n");
				return 1;
			}
		}
		double t = (double)(now_ns() - t0) / PAIRS;
		if (t < best)
			best = t;
	}
	printf("alarm_set_cancel_ns_per_pair %.1f\n", best);

	for (int i = -10; i < ALARM_ROUNDS; i++) {
		seen_at = 0;
		usleep(100);
		uint64_t t0 = now_ns(), t1;
		if (rte_eal_alarm_set(1000, on_alarm, NULL) != 0) {
			fprintf(stderr, "alarm_set failed\n");
			return 1;
		}
		/* the main lcore polls too, as an application's would */
		while ((t1 = __atomic_load_n(&seen_at, __ATOMIC_ACQUIRE)) == 0)
			if (now_ns() - t0 > 1000000000ull) {
				fprintf(stderr, "alarm %d never fired\n", i);
				return 1;
			}
		if (t1 < t0 + 1000000) {
			fprintf(stderr, "alarm %d fired early\n", i);
			return 1;
		}
		if (i >= 0)
			late[i] = t1 - t0 - 1000000;
	}
	qsort(late, ALARM_ROUNDS, sizeof(late[0]), cmp_u64);
	printf("alarm_1ms_lateness_all_lcores_median_us %.2f\n", late[ALARM_ROUNDS / 2] / 1e3);
	printf("alarm_1ms_lateness_all_lcores_p99_us %.2f\n", late[(ALARM_ROUNDS * 99) / 100] / 1e3);

	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	rte_eal_cleanup();
	return 0;
}
