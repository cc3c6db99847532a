/*
 * The interrupt loop allocates nothing: this program interposes malloc, calloc and
 * realloc (an executable's definitions win over libc's for every library) and
 * counts the calls made on eal-intr-thread while it serves 1,000 eventfd
 * interrupts and 100 alarms, and on the main thread while it takes 1,000 events
 * with rte_epoll_wait (the datapath Rx interrupt wait) with a large maxevents.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>

#include "check.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long intr_allocs, here_allocs;
static __thread int counting_here;

static void count_if_intr(void)
{
	char name[17] = "";
	if (counting_here)
		here_allocs++;
	prctl(PR_GET_NAME, name);
	if (strncmp(name, "eal-intr-thread", 15) == 0)
		__atomic_add_fetch(&intr_allocs, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t n) { count_if_intr(); return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { count_if_intr(); return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { count_if_intr(); return __libc_realloc(p, n); }

static int efd;
static volatile int events, alarms;

static void on_event(void *arg)
{
	uint64_t v;
	(void)arg;
	if (read(efd, &v, sizeof(v)) < 0)
		abort();
	__atomic_add_fetch(&events, 1, __ATOMIC_SEQ_CST);
}

static void on_alarm(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&alarms, 1, __ATOMIC_SEQ_CST);
}

/* The counter's own check: an allocation made on the thread is seen. */
static void allocating_alarm(void *arg)
{
	void *volatile p = malloc(32);
	free(p);
	on_alarm(arg);
}

static int wait_for(volatile int *v, int want)
{
	for (int i = 0; i < 20000 && __atomic_load_n(v, __ATOMIC_SEQ_CST) < want; i++)
		usleep(100);
	return *v >= want;
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			 "--file-prefix", "test_intr_hotpath", NULL };
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(9, args) < 0) {
		CHECK(0);
		return check_report();
	}
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rte_intr_fd_set(h, efd);
	rte_intr_type_set(h, RTE_INTR_HANDLE_EXT);
	CHECK_EQ(rte_intr_callback_register(h, on_event, NULL), 0);
	/* warm up: the thread has rebuilt its wait list and served once */
	uint64_t one = 1;
	CHECK_EQ(write(efd, &one, 8), 8);
	CHECK(wait_for(&events, 1));
	unsigned long before = __atomic_load_n(&intr_allocs, __ATOMIC_SEQ_CST);
	for (int i = 2; i <= 1001; i++) {
		if (write(efd, &one, 8) != 8)
			abort();
		CHECK(wait_for(&events, i));
	}
	for (int i = 1; i <= 100; i++) {
		CHECK_EQ(rte_eal_alarm_set(100 + i % 3 * 50, on_alarm, NULL), 0);
		CHECK(wait_for(&alarms, i));
	}
	unsigned long during = __atomic_load_n(&intr_allocs, __ATOMIC_SEQ_CST) - before;
	printf("allocations on eal-intr-thread while serving: %lu\n", during);
	CHECK_EQ(during, 0);
	CHECK_EQ(rte_eal_alarm_set(100, allocating_alarm, NULL), 0);
	CHECK(wait_for(&alarms, 101));
	CHECK_EQ(__atomic_load_n(&intr_allocs, __ATOMIC_SEQ_CST) - before, 1);
	CHECK_EQ(rte_intr_callback_unregister_sync(h, on_event, NULL), 1);

	/* rte_epoll_wait on the caller's thread, asking for many events at once */
	struct rte_epoll_event ev, out[512];
	memset(&ev, 0, sizeof(ev));
	ev.epdata.event = EPOLLIN;
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev), 0);
	CHECK_EQ(write(efd, &one, 8), 8);
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 512, 0), 1); /* warm up */
	int got = 0;
	counting_here = 1;  /* the counter's own check first */
	void *volatile probe = malloc(16);
	free(probe);
	CHECK_EQ(here_allocs, 1);
	here_allocs = 0;
	for (int i = 0; i < 1000; i++) {
		got += rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 512, 0);
		got += rte_epoll_wait_interruptible(RTE_EPOLL_PER_THREAD, out, 100, 0);
	}
	counting_here = 0;
	CHECK_EQ(got, 2000); /* level-triggered: the unread eventfd stays ready */
	printf("allocations in 2,000 rte_epoll_wait calls: %lu\n", here_allocs);
	CHECK_EQ(here_allocs, 0);
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev), 0);
	close(efd);
	rte_intr_instance_free(h);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
