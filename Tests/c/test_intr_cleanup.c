/*
 * rte_eal_cleanup while the interrupt thread is busy, each case in its own child
 * process (fork+exec, a cleanup is once per process): from another thread while an
 * interrupt callback runs (cleanup waits for it), and from inside an interrupt
 * callback or an alarm callback (the thread cannot join itself: cleanup returns 0,
 * the callback returns normally and the thread ends). A child that hangs is killed
 * by SIGALRM after 10 s; one that touches freed memory usually crashes, and
 * valgrind shows it for sure.
 */
#define ALLOW_EXPERIMENTAL_API
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>

#include "eal_test.h"

static int efd;
static volatile int state;
static volatile int cleanup_ret = -99;

static int wait_for(volatile int *v, int want, int ms)
{
	for (int i = 0; i < ms * 10 && __atomic_load_n(v, __ATOMIC_SEQ_CST) < want; i++)
		usleep(100);
	return __atomic_load_n(v, __ATOMIC_SEQ_CST) >= want;
}

static int intr_threads(void)
{
	return count_threads_named("eal-intr-thread");
}

static void slow_cb(void *a)
{
	uint64_t v;
	(void)a;
	if (read(efd, &v, 8) < 0)
		abort();
	__atomic_store_n(&state, 1, __ATOMIC_SEQ_CST);
	usleep(200000);
	__atomic_store_n(&state, 2, __ATOMIC_SEQ_CST);
}

static void cleanup_cb(void *a)
{
	uint64_t v;
	(void)a;
	if (read(efd, &v, 8) < 0)
		abort();
	cleanup_ret = rte_eal_cleanup();
	__atomic_store_n(&state, 2, __ATOMIC_SEQ_CST);
}

static void cleanup_alarm(void *a)
{
	(void)a;
	cleanup_ret = rte_eal_cleanup();
	__atomic_store_n(&state, 2, __ATOMIC_SEQ_CST);
}

static int child(const char *prog, const char *mode)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "test_intr_cleanup_%s", mode);
	char *args[] = { (char *)prog, "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			 "--file-prefix", prefix, NULL };
	alarm(10);
	if (rte_eal_init(9, args) < 0)
		return 10;
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	rte_intr_fd_set(h, efd);
	rte_intr_type_set(h, RTE_INTR_HANDLE_EXT);
	uint64_t one = 1;

	if (strcmp(mode, "other") == 0) {
		if (rte_intr_callback_register(h, slow_cb, NULL) != 0)
			return 11;
		if (write(efd, &one, 8) != 8 || !wait_for(&state, 1, 2000))
			return 12;
		if (rte_eal_cleanup() != 0)
			return 13;
		if (state != 2)   /* cleanup waited for the callback */
			return 14;
	} else if (strcmp(mode, "callback") == 0) {
		if (rte_intr_callback_register(h, cleanup_cb, NULL) != 0)
			return 11;
		if (write(efd, &one, 8) != 8 || !wait_for(&state, 2, 2000))
			return 12;
		if (cleanup_ret != 0)
			return 13;
	} else {
		if (rte_eal_alarm_set(1000, cleanup_alarm, NULL) != 0)
			return 11;
		if (!wait_for(&state, 2, 2000))
			return 12;
		if (cleanup_ret != 0)
			return 13;
	}
	/* the thread is gone (or going) and cleanup happened once */
	for (int i = 0; i < 200 && intr_threads() != 0; i++)
		usleep(10000);
	if (intr_threads() != 0)
		return 15;
	if (rte_eal_cleanup() != -1 || rte_errno != EALREADY)
		return 16;
	rte_intr_instance_free(h);
	close(efd);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "other", "callback", "alarm" };
	if (argc == 3 && strcmp(argv[1], "--child") == 0)
		return child(argv[0], argv[2]);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execl("/proc/self/exe", argv[0], "--child", modes[i], (char *)NULL);
			_exit(127);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			printf("cleanup %s: %s %d\n", modes[i], WIFEXITED(st) ? "exit" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	return check_report();
}
