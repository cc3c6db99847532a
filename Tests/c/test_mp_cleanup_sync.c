/*
 * A secondary's rte_eal_cleanup while the primary keeps changing its memory (found by
 * make soak): each grow or shrink of the primary's heap has every secondary follow it
 * over rte_mp ("eal_mem_sync") and waits up to 5 s for the answers. A secondary going
 * away must either answer what it was sent or be gone from the directory before it stops
 * listening, so the primary never waits out the 5 s on it: its socket goes first, the
 * requests already received are still answered, and its memory detaches only after the
 * channel is closed (DPDK's order: rte_mp_channel_cleanup before the memory detach).
 * Before the fix the secondary's rte_mp_handle answered through an already closed socket
 * ("failed to send ... Bad file descriptor") and the primary's rte_free took 5 s, about
 * one secondary exit in five under this load.
 */
#include <pthread.h>
#include <stdint.h>

#include <rte_malloc.h>

#include "mp_test.h"

#define PREFIX "tmp_cleanup_sync"
#define ROUNDS 40

static volatile int stop;
static double slowest;
static int slow_calls, changes;

/* The primary's churn: 6 MB in and out, each a grow and a shrink synced with the
 * secondaries. */
static void *churn(void *arg)
{
	(void)arg;
	while (!stop) {
		double t0 = mp_now();
		void *p = rte_malloc(NULL, 6u << 20, 0);
		double t1 = mp_now();
		if (p)
			memset(p, 1, 4096);
		rte_free(p);
		double t2 = mp_now();
		double d = t1 - t0 > t2 - t1 ? t1 - t0 : t2 - t1;
		if (d > slowest)
			slowest = d;
		if (d > 1.0) {
			slow_calls++;
			printf("a primary %s took %.2f s\n", t1 - t0 > t2 - t1 ? "rte_malloc" : "rte_free", d);
		}
		changes++;
		/* a breath between changes: a secondary starting needs the memory lists' lock */
		usleep(2000);
	}
	return NULL;
}

static int child_main(char *prog)
{
	char *args[] = { prog, "-l", "0", "--no-pci", "--file-prefix", PREFIX, "--proc-type=secondary", NULL };
	if (rte_eal_init(7, args) < 0) {
		printf("rte_eal_init (secondary) failed: %s\n", rte_strerror(rte_errno));
		return 3;
	}
	void *p = rte_malloc(NULL, 1000, 0);
	CHECK(p != NULL);
	rte_free(p);
	mp_child_ready();
	mp_child_wait();
	/* leaves at once, in the middle of the primary's changes */
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "--role") == 0)
		return child_main(argv[0]);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: needs root (hugepages shared with a secondary)\n");
		return check_report();
	}
	char *args[] = { argv[0], "-l", "0", "--no-pci", "--file-prefix", PREFIX, "--proc-type=primary", NULL };
	if (rte_eal_init(7, args) < 0) {
		printf("rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		CHECK(0);
		return check_report();
	}
	pthread_t t;
	pthread_create(&t, NULL, churn, NULL);
	int started = 0;
	for (int round = 0; round < ROUNDS; round++) {
		struct mp_child c;
		CHECK_EQ(mp_spawn(&c, "secondary", PREFIX, "secondary", NULL), 0);
		int ready = mp_wait_ready(&c, 60);
		CHECK(ready);
		started += ready;
		usleep(20000 + (round % 5) * 10000);
		double t0 = mp_now();
		CHECK_EQ(mp_finish(&c), 0);
		double d = mp_now() - t0;
		/* its cleanup waits for nothing of 5 s either */
		if (d > 3)
			printf("round %d: the secondary took %.2f s to leave\n", round, d);
		CHECK(d < 3);
		mp_discard(&c);
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("%d secondaries came and went over %d memory changes of the primary; its slowest "
	       "rte_malloc/rte_free took %.3f s\n", started, changes, slowest);
	CHECK(changes > ROUNDS);
	CHECK_EQ(slow_calls, 0);
	CHECK(slowest < 1.0);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
