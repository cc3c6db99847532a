/*
 * rte_eal_cleanup while another thread is still making and destroying fbarrays: the
 * runtime directory is gone once both are done, whichever way they interleave (the
 * array whose file kept cleanup from removing the directory removes it when it goes).
 * Each round is a process of its own (init is once per process), 40 rounds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>

#include "check.h"

#define ROUNDS 40

static volatile int stop;

static void *churn(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); i++) {
		struct rte_fbarray a;
		char name[32];
		snprintf(name, sizeof(name), "churn%u", i % 4);
		if (rte_fbarray_init(&a, name, 64, 8) == 0)
			rte_fbarray_destroy(&a);
	}
	return NULL;
}

static int child(const char *prefix, int delay_us)
{
	char *args[] = { "test_fbarray_cleanup", "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			 "--no-telemetry", "--file-prefix", (char *)prefix, NULL };
	if (rte_eal_init(10, args) < 0)
		return 10;
	pthread_t t;
	if (pthread_create(&t, NULL, churn, NULL) != 0)
		return 11;
	usleep(delay_us);
	int r = rte_eal_cleanup();
	usleep(2000); /* the thread goes on a little after cleanup */
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	return r == 0 ? 0 : 12;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], atoi(argv[3]));
	setvbuf(stdout, NULL, _IONBF, 0);
	char prefix[64], dir[600];
	int left = 0;
	snprintf(prefix, sizeof(prefix), "tfc_%d", (int)getpid());
	if (getuid() == 0)
		snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", prefix);
	else if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
		snprintf(dir, sizeof(dir), "%s/dpdk/%s", getenv("XDG_RUNTIME_DIR"), prefix);
	else
		snprintf(dir, sizeof(dir), "/tmp/dpdk/%s", prefix);
	for (int round = 0; round < ROUNDS; round++) {
		char delay[16];
		snprintf(delay, sizeof(delay), "%d", (round * 397) % 3000);
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			execl("/proc/self/exe", argv[0], "--child", prefix, delay, (char *)NULL);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		struct stat sb;
		if (stat(dir, &sb) == 0) {
			left++;
			char cmd[700];
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
			if (system(cmd) != 0)
				fprintf(stderr, "could not remove %s\n", dir);
		}
	}
	if (left)
		fprintf(stderr, "FAIL: the runtime directory was left behind in %d of %d rounds\n", left, ROUNDS);
	CHECK_EQ(left, 0);
	return check_report();
}
