/*
 * Races around the interrupt thread, each bounded in time:
 * - an unregister callback (rte_intr_callback_unregister_pending) still running
 *   while another thread removes the source's last callback: the handle it was
 *   given must stay valid until it returns;
 * - callbacks registered and unregistered from two threads while the interrupt
 *   thread serves the same fd as fast as it can;
 * - alarms due within microseconds, set and cancelled from two threads while
 *   the interrupt thread fires them: each fires once or is cancelled once;
 * - rte_eal_cleanup while an alarm callback runs on the interrupt thread: the
 *   running alarm is not freed under it (run last: it ends the EAL).
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>

#include "eal_test.h"

/*
 * A double-free detector for a window of the test: frees seen while `watching`
 * are remembered until an allocation returns the same address again, so a second
 * free of a block without an allocation in between is counted. The program's
 * definitions take the place of libc's for every library.
 */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#define FREED_MAX 8192
static volatile int watching;
static int freed_lock;
static void *freed[FREED_MAX];
static int nfreed;
static int double_frees;

static void freed_take(void)
{
	while (__atomic_exchange_n(&freed_lock, 1, __ATOMIC_ACQUIRE))
		;
}
static void freed_give(void) { __atomic_store_n(&freed_lock, 0, __ATOMIC_RELEASE); }

static void *allocated(void *p)
{
	if (p && __atomic_load_n(&watching, __ATOMIC_ACQUIRE)) {
		freed_take();
		for (int i = 0; i < nfreed; i++)
			if (freed[i] == p)
				freed[i] = freed[--nfreed];
		freed_give();
	}
	return p;
}

void *malloc(size_t n) { return allocated(__libc_malloc(n)); }
void *calloc(size_t n, size_t m) { return allocated(__libc_calloc(n, m)); }
void *realloc(void *p, size_t n) { return allocated(__libc_realloc(p, n)); }
void *memalign(size_t a, size_t n) { return allocated(__libc_memalign(a, n)); }
void *aligned_alloc(size_t a, size_t n) { return allocated(__libc_memalign(a, n)); }
int posix_memalign(void **out, size_t a, size_t n)
{
	void *p = __libc_memalign(a, n);
	if (!p)
		return ENOMEM;
	*out = allocated(p);
	return 0;
}
void free(void *p)
{
	if (p && __atomic_load_n(&watching, __ATOMIC_ACQUIRE)) {
		freed_take();
		int seen = 0;
		for (int i = 0; i < nfreed; i++)
			seen |= freed[i] == p;
		if (seen)
			double_frees++;
		else if (nfreed < FREED_MAX)
			freed[nfreed++] = p;
		freed_give();
		if (seen)
			return; /* keep the heap usable for the rest of the run */
	}
	__libc_free(p);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_for(volatile int *v, int want, int ms)
{
	uint64_t end = now_ms() + ms;
	while (now_ms() < end) {
		if (__atomic_load_n(v, __ATOMIC_SEQ_CST) >= want)
			return 1;
		usleep(100);
	}
	return __atomic_load_n(v, __ATOMIC_SEQ_CST) >= want;
}

static void drain(int fd) { uint64_t v; if (read(fd, &v, 8) < 0 && errno != EAGAIN) abort(); }
static void kick(int fd) { uint64_t one = 1; if (write(fd, &one, 8) != 8) abort(); }

static struct rte_intr_handle *ext_handle(int fd)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	CHECK(h != NULL);
	CHECK_EQ(rte_intr_fd_set(h, fd), 0);
	CHECK_EQ(rte_intr_type_set(h, RTE_INTR_HANDLE_EXT), 0);
	return h;
}

/* ---- the unregister callback and a concurrent unregister ---- */

static struct {
	int efd;
	struct rte_intr_handle *h;
	volatile int in_ucb;
	volatile int ucb_fd;      /* rte_intr_fd_get of the handle, read at the end of the ucb */
	volatile int ucb_done;
} u;

static void keeper_cb(void *a) { (void)a; drain(u.efd); }

static void ucb(struct rte_intr_handle *h, void *a)
{
	(void)a;
	__atomic_store_n(&u.in_ucb, 1, __ATOMIC_SEQ_CST);
	usleep(100000); /* the main thread tries to remove the source meanwhile */
	u.ucb_fd = rte_intr_fd_get(h);
	__atomic_store_n(&u.ucb_done, 1, __ATOMIC_SEQ_CST);
}

static void leaving_cb(void *a)
{
	(void)a;
	rte_intr_callback_unregister_pending(u.h, leaving_cb, a, ucb);
}

static void test_ucb_vs_unregister(void)
{
	u.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	u.h = ext_handle(u.efd);
	u.ucb_fd = -2;
	CHECK_EQ(rte_intr_callback_register(u.h, leaving_cb, NULL), 0);
	CHECK_EQ(rte_intr_callback_register(u.h, keeper_cb, NULL), 0);
	kick(u.efd);
	CHECK(wait_for(&u.in_ucb, 1, 2000));
	/* the source is still busy with its unregister callback: not removed under it */
	int r = rte_intr_callback_unregister(u.h, keeper_cb, NULL);
	CHECK(r == 1 || r == -EAGAIN);
	if (r == -EAGAIN)
		CHECK_EQ(rte_intr_callback_unregister_sync(u.h, keeper_cb, NULL), 1);
	CHECK(wait_for(&u.ucb_done, 1, 2000));
	CHECK_EQ(u.ucb_fd, u.efd);
	CHECK_EQ(rte_intr_callback_unregister(u.h, keeper_cb, NULL), -ENOENT);
	CHECK_EQ(rte_intr_callback_unregister(u.h, leaving_cb, NULL), -ENOENT);
	rte_intr_instance_free(u.h);
	close(u.efd);
}

/* ---- register/unregister from two threads while the fd fires ---- */

static int churn_fd;
static struct rte_intr_handle *churn_h;
static volatile int churn_stop;
static volatile int churn_calls;

static void churn_cb(void *a)
{
	(void)a;
	drain(churn_fd);
	__atomic_add_fetch(&churn_calls, 1, __ATOMIC_RELAXED);
}

struct churner { uintptr_t tag; long registered, removed, bad; };

static void *churner(void *arg)
{
	struct churner *c = arg;
	while (!__atomic_load_n(&churn_stop, __ATOMIC_SEQ_CST)) {
		if (rte_intr_callback_register(churn_h, churn_cb, (void *)c->tag) != 0) {
			c->bad++;
			continue;
		}
		c->registered++;
		int r = rte_intr_callback_unregister_sync(churn_h, churn_cb, (void *)c->tag);
		if (r > 0)
			c->removed += r;
		else
			c->bad++;
	}
	return NULL;
}

static void *kicker(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&churn_stop, __ATOMIC_SEQ_CST)) {
		kick(churn_fd);
		usleep(20);
	}
	return NULL;
}

static void test_churn(void)
{
	pthread_t t[3];
	struct churner c[2] = { { .tag = 1 }, { .tag = 2 } };
	churn_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	churn_h = ext_handle(churn_fd);
	/* one callback stays the whole time, so the source lives on as well */
	CHECK_EQ(rte_intr_callback_register(churn_h, churn_cb, (void *)3), 0);
	pthread_create(&t[0], NULL, churner, &c[0]);
	pthread_create(&t[1], NULL, churner, &c[1]);
	pthread_create(&t[2], NULL, kicker, NULL);
	usleep(1500000);
	__atomic_store_n(&churn_stop, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("churn: %ld+%ld registered, %d calls\n", c[0].registered, c[1].registered,
	       churn_calls);
	CHECK(c[0].registered > 0 && c[1].registered > 0);
	CHECK_EQ(c[0].bad, 0);
	CHECK_EQ(c[1].bad, 0);
	CHECK_EQ(c[0].removed, c[0].registered);
	CHECK_EQ(c[1].removed, c[1].registered);
	CHECK(churn_calls > 0);
	/* only the one that stayed is left */
	CHECK_EQ(rte_intr_callback_unregister_sync(churn_h, churn_cb, (void *)-1), 1);
	rte_intr_instance_free(churn_h);
	close(churn_fd);
}

/* ---- alarms that fire while two threads set and cancel others ---- */

#define ALARMS_PER_THREAD 3000
static unsigned char alarm_fired[2 * ALARMS_PER_THREAD];
static unsigned char alarm_cancelled[2 * ALARMS_PER_THREAD];

static void counted_alarm(void *a)
{
	__atomic_add_fetch(&alarm_fired[(uintptr_t)a - 1], 1, __ATOMIC_RELAXED);
}

static void *alarm_churner(void *arg)
{
	uintptr_t base = (uintptr_t)arg * ALARMS_PER_THREAD;
	unsigned seed = (unsigned)base + 1;
	for (uintptr_t i = 0; i < ALARMS_PER_THREAD; i++) {
		uintptr_t id = base + i + 1;
		if (rte_eal_alarm_set(1 + rand_r(&seed) % 300, counted_alarm, (void *)id) != 0)
			abort();
		/* now and then cancel an earlier one, which may have fired or be firing */
		if (i >= 8 && rand_r(&seed) % 2) {
			uintptr_t old = id - 1 - rand_r(&seed) % 8;
			int r = rte_eal_alarm_cancel(counted_alarm, (void *)old);
			if (r > 0)
				alarm_cancelled[old - 1] += r;
		}
	}
	return NULL;
}

static void test_alarm_churn(void)
{
	pthread_t t[2];
	for (uintptr_t i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, alarm_churner, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	usleep(50000); /* the last deadlines are at most 300 us away */
	int wrong = 0, fired = 0, cancelled = 0;
	for (int i = 0; i < 2 * ALARMS_PER_THREAD; i++) {
		int f = __atomic_load_n(&alarm_fired[i], __ATOMIC_RELAXED);
		fired += f;
		cancelled += alarm_cancelled[i];
		if (f + alarm_cancelled[i] != 1)
			wrong++;
	}
	printf("alarm churn: %d fired, %d cancelled, %d wrong\n", fired, cancelled, wrong);
	CHECK_EQ(wrong, 0); /* each alarm fired once or was cancelled once, never both */
	CHECK(cancelled > 0);
	CHECK_EQ(rte_eal_alarm_cancel(counted_alarm, (void *)-1), 0);
}

/* ---- cleanup while an alarm callback runs ---- */

static volatile int alarm_state;

static void slow_alarm(void *a)
{
	(void)a;
	__atomic_store_n(&alarm_state, 1, __ATOMIC_SEQ_CST);
	usleep(200000);
	__atomic_store_n(&alarm_state, 2, __ATOMIC_SEQ_CST);
}

static void test_cleanup_during_alarm(void)
{
	CHECK_EQ(rte_eal_alarm_set(1000, slow_alarm, NULL), 0);
	CHECK_EQ(rte_eal_alarm_set(5000000, slow_alarm, (void *)1), 0); /* pending: dropped */
	CHECK(wait_for(&alarm_state, 1, 2000));
	__atomic_store_n(&watching, 1, __ATOMIC_RELEASE);
	CHECK_EQ(rte_eal_cleanup(), 0);
	__atomic_store_n(&watching, 0, __ATOMIC_RELEASE);
	/* cleanup waited for the running callback, and its entry was freed once */
	CHECK_EQ(alarm_state, 2);
	CHECK_EQ(double_frees, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (test_eal_init(argv[0], "test_intr_races") < 0)
		return check_report();
	test_ucb_vs_unregister();
	test_churn();
	test_alarm_churn();
	test_cleanup_during_alarm();
	return check_report();
}
