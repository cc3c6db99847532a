/*
 * interrupts: an eventfd served by the EAL interrupt thread, and an alarm that re-arms
 * itself.
 *
 * Part 1: an eventfd stands in for a device's interrupt line. It is wrapped in an
 * rte_intr_handle (type EXT: the callback reads the fd itself) and registered with
 * rte_intr_callback_register. A worker lcore "raises the interrupt" by writing to the
 * eventfd, several times; each time, the callback runs on the EAL interrupt thread,
 * not on an lcore.
 * Part 2: a periodic task built from rte_eal_alarm_set: each tick re-arms the alarm
 * until it has run N times. Then an alarm that is set and cancelled before it fires.
 *
 * Experimental API (rte_intr_instance_alloc): build with -DALLOW_EXPERIMENTAL_API.
 * Build: cc -DALLOW_EXPERIMENTAL_API interrupts.c $(pkg-config --cflags --libs libswifteal)
 * Run:   ./interrupts -l 0-1 --no-huge -m 64 --file-prefix intr
 * Last line on success: "interrupts: OK"
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_pause.h>
#include <rte_alarm.h>
#include <rte_interrupts.h>

#define N_EVENTS 5
#define N_TICKS 5
#define TICK_US 10000		/* 10 ms */

/* Shared between the lcore threads and the interrupt thread. */
static struct {
	int efd;
	uint64_t events;	/* eventfd counts read by the callback */
	unsigned int calls;	/* callback invocations */
	int on_lcore;		/* the callback ever saw an lcore id */
	int not_intr;		/* rte_thread_is_intr() was ever false in it */
} irq;

static struct {
	unsigned int ticks;
	double min_gap_ms, max_gap_ms;
	struct timespec last;
	int on_lcore;
} alarm_state;

static double now_ms(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	return ts->tv_sec * 1e3 + ts->tv_nsec / 1e6;
}

/* Waits, at most timeout_ms, for *counter to reach want. */
static int wait_for(volatile unsigned int *counter, unsigned int want, double timeout_ms)
{
	struct timespec ts;
	double end = now_ms(&ts) + timeout_ms;
	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < want) {
		if (now_ms(&ts) > end)
			return -1;
		rte_pause();
	}
	return 0;
}

/* Runs on the interrupt thread when the eventfd becomes readable. EXT handles are not
 * read by the EAL, so the callback drains the eventfd itself. */
static void on_event(void *arg)
{
	uint64_t n;
	(void)arg;
	if (read(irq.efd, &n, sizeof(n)) == sizeof(n))
		irq.events += n;
	if (rte_lcore_id() != LCORE_ID_ANY)
		irq.on_lcore = 1;
	if (!rte_thread_is_intr())
		irq.not_intr = 1;
	__atomic_fetch_add(&irq.calls, 1, __ATOMIC_RELEASE);
}

/* The worker raises the "interrupt" N times, each time waiting until it was served. */
static int raise_events(void *arg)
{
	(void)arg;
	for (unsigned int i = 1; i <= N_EVENTS; i++) {
		uint64_t one = 1;
		if (write(irq.efd, &one, sizeof(one)) != sizeof(one))
			return -1;
		if (wait_for(&irq.calls, i, 2000) != 0)
			return -1;
	}
	return 0;
}

/* One alarm tick: count, measure the gap since the last one, re-arm until done. */
static void tick(void *arg)
{
	struct timespec ts;
	double t = now_ms(&ts);
	(void)arg;
	if (alarm_state.ticks > 0) {
		double gap = t - (alarm_state.last.tv_sec * 1e3 + alarm_state.last.tv_nsec / 1e6);
		if (alarm_state.ticks == 1 || gap < alarm_state.min_gap_ms)
			alarm_state.min_gap_ms = gap;
		if (gap > alarm_state.max_gap_ms)
			alarm_state.max_gap_ms = gap;
	}
	alarm_state.last = ts;
	if (rte_lcore_id() != LCORE_ID_ANY)
		alarm_state.on_lcore = 1;
	unsigned int n = __atomic_add_fetch(&alarm_state.ticks, 1, __ATOMIC_RELEASE);
	if (n < N_TICKS)
		rte_eal_alarm_set(TICK_US, tick, NULL);
}

static void never(void *arg)
{
	*(int *)arg = 1;
}

int main(int argc, char **argv)
{
	int failures = 0;

	if (rte_eal_init(argc, argv) < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));

	/* Part 1: the eventfd "device". */
	irq.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (irq.efd < 0 || h == NULL)
		rte_exit(1, "eventfd or rte_intr_instance_alloc failed\n");
	rte_intr_fd_set(h, irq.efd);
	rte_intr_type_set(h, RTE_INTR_HANDLE_EXT);
	if (rte_intr_callback_register(h, on_event, NULL) != 0)
		rte_exit(1, "rte_intr_callback_register failed\n");
	printf("eventfd registered with the interrupt thread\n");

	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	int rc;
	if (worker < RTE_MAX_LCORE) {
		rte_eal_remote_launch(raise_events, NULL, worker);
		rc = rte_eal_wait_lcore(worker);
		printf("a worker lcore wrote to the eventfd %d times\n", N_EVENTS);
	} else {
		rc = raise_events(NULL);	/* a single lcore: the main one raises them */
		printf("the main lcore wrote to the eventfd %d times\n", N_EVENTS);
	}
	printf("callback ran %u times, read %llu events, on the interrupt thread: %s\n",
	       irq.calls, (unsigned long long)irq.events,
	       irq.on_lcore || irq.not_intr ? "no" : "yes");
	if (rc != 0 || irq.calls != N_EVENTS || irq.events != N_EVENTS ||
	    irq.on_lcore || irq.not_intr)
		failures++;

	/* _sync waits for a callback that is running right now instead of failing -EAGAIN. */
	int removed = rte_intr_callback_unregister_sync(h, on_event, NULL);
	printf("unregistered %d callback\n", removed);
	if (removed != 1)
		failures++;
	rte_intr_instance_free(h);
	close(irq.efd);

	/* Part 2: a periodic alarm. */
	rte_eal_alarm_set(TICK_US, tick, NULL);
	rc = wait_for(&alarm_state.ticks, N_TICKS, 5000);
	usleep(3 * TICK_US);	/* a 6th tick would show up here */
	printf("alarm every %d ms ran %u times, then stopped re-arming itself; "
	       "on the interrupt thread: %s\n", TICK_US / 1000,
	       __atomic_load_n(&alarm_state.ticks, __ATOMIC_ACQUIRE),
	       alarm_state.on_lcore ? "no" : "yes");
	/* An alarm never fires early (the timing line is informative, and masked in tests). */
	printf("gaps between ticks: shortest %.1f ms, longest %.1f ms\n", alarm_state.min_gap_ms,
	       alarm_state.max_gap_ms);
	if (rc != 0 || alarm_state.ticks != N_TICKS || alarm_state.on_lcore ||
	    alarm_state.min_gap_ms < TICK_US / 1000.0 * 0.95)
		failures++;

	/* An alarm cancelled before it fires. */
	int fired = 0;
	rte_eal_alarm_set(1000000, never, &fired);
	int cancelled = rte_eal_alarm_cancel(never, &fired);
	rte_errno = 0;
	int again = rte_eal_alarm_cancel(never, &fired);
	printf("a 1 s alarm cancelled: %d removed; cancelling again: %d, rte_errno %s\n",
	       cancelled, again, rte_errno == ENOENT ? "ENOENT" : rte_strerror(rte_errno));
	if (cancelled != 1 || again != 0 || rte_errno != ENOENT || fired)
		failures++;

	rte_eal_cleanup();
	printf("interrupts: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
