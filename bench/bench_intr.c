/*
 * Interrupt thread latency, same source for both libraries:
 *  - eventfd write -> EXT callback running on the interrupt thread (the thread is
 *    asleep in epoll_wait before each write);
 *  - lateness of a 1 ms alarm (callback time minus set time minus 1 ms).
 * Median and p99 in microseconds, as "metric value" lines for bench/run.sh.
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_interrupts.h>

#define EVENT_ROUNDS 2000
#define ALARM_ROUNDS 300

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int efd;
static volatile uint64_t seen_at;

static void on_event(void *arg)
{
	uint64_t v;
	(void)arg;
	if (read(efd, &v, sizeof(v)) < 0)
		abort();
	__atomic_store_n(&seen_at, now_ns(), __ATOMIC_RELEASE);
}

static void on_alarm(void *arg)
{
	(void)arg;
	__atomic_store_n(&seen_at, now_ns(), __ATOMIC_RELEASE);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("%s_median_us %.2f\n", name, v[n / 2] / 1e3);
	printf("%s_p99_us %.2f\n", name, v[(n * 99) / 100] / 1e3);
}

/* Waits (spinning, bounded) for the callback to stamp seen_at; 0 on timeout. */
static uint64_t wait_seen(uint64_t limit_ns)
{
	uint64_t end = now_ns() + limit_ns, t;
	while ((t = __atomic_load_n(&seen_at, __ATOMIC_ACQUIRE)) == 0)
		if (now_ns() > end)
			return 0;
	return t;
}

int main(void)
{
	/* one lcore: the control threads (the interrupt thread) get the other CPU */
	char *args[] = { "bench_intr", "-l", "0", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "bench_intr", "--log-level", "3", NULL };
	int argc = (int)(sizeof(args) / sizeof(args[0])) - 1;
	static uint64_t lat[EVENT_ROUNDS], late[ALARM_ROUNDS];
	int i;

	if (rte_eal_init(argc, args) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rte_intr_fd_set(h, efd);
	rte_intr_type_set(h, RTE_INTR_HANDLE_EXT);
	if (rte_intr_callback_register(h, on_event, NULL) != 0) {
		fprintf(stderr, "register failed\n");
		return 1;
	}
	usleep(10000);
	for (i = -100; i < EVENT_ROUNDS; i++) { /* 100 rounds of warm-up */
		uint64_t one = 1, t0, t1;
		seen_at = 0;
		usleep(200); /* let the interrupt thread go back to sleep */
		t0 = now_ns();
		if (write(efd, &one, sizeof(one)) != sizeof(one))
			abort();
		t1 = wait_seen(1000000000ull);
		if (t1 == 0) {
			fprintf(stderr, "event %d never called back\n", i);
			return 1;
		}
		if (i >= 0)
			lat[i] = t1 - t0;
	}
	report("eventfd_to_callback", lat, EVENT_ROUNDS);
	rte_intr_callback_unregister_sync(h, on_event, NULL);
	close(efd);
	rte_intr_instance_free(h);

	for (i = -10; i < ALARM_ROUNDS; i++) {
		uint64_t t0, t1;
		seen_at = 0;
		usleep(100);
		t0 = now_ns();
		if (rte_eal_alarm_set(1000, on_alarm, NULL) != 0) {
			fprintf(stderr, "alarm_set failed\n");
			return 1;
		}
		t1 = wait_seen(1000000000ull);
		if (t1 == 0) {
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
	report("alarm_1ms_lateness", late, ALARM_ROUNDS);
	rte_eal_cleanup();
	return 0;
}
