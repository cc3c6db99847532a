/*
 * Keepalive: no monitor before rte_eal_init; the dispatch steps of every registered
 * lcore (UNUSED, ALIVE -> MISSING -> DEAD -> GONE, DOZING -> SLEEP, revival) as the
 * relay callback hears them, the failure callback called once per death, dispatching
 * from an alarm, and the calls DPDK leaves undefined (NULL monitor, lcore ids out of
 * range, marks from a thread without an lcore id) ignored.
 */
#define ALLOW_EXPERIMENTAL_API
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_keepalive.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "check.h"

static int deaths[RTE_KEEPALIVE_MAXCORES], relays;
static enum rte_keepalive_state seen[RTE_KEEPALIVE_MAXCORES];
static uint64_t seen_last[RTE_KEEPALIVE_MAXCORES];
static void *relay_data, *dead_data;

static void dead(void *data, const int id)
{
	dead_data = data;
	if (id >= 0 && id < RTE_KEEPALIVE_MAXCORES)
		deaths[id]++;
}

static void relay(void *data, const int id, enum rte_keepalive_state s, uint64_t last)
{
	relay_data = data;
	relays++;
	if (id >= 0 && id < RTE_KEEPALIVE_MAXCORES) {
		seen[id] = s;
		seen_last[id] = last;
	}
}

static int alive(void *k)
{
	rte_keepalive_mark_alive(k);
	return 0;
}

static void *plain_mark(void *k)
{
	rte_keepalive_mark_alive(k);
	rte_keepalive_mark_sleep(k);
	return NULL;
}

static void dispatch(struct rte_keepalive *k, int expect_relays)
{
	relays = 0;
	rte_keepalive_dispatch_pings(NULL, k);
	CHECK_EQ(relays, expect_relays);
}

static volatile int alarm_done;
static void on_alarm(void *k)
{
	rte_keepalive_dispatch_pings(NULL, k);
	__atomic_store_n(&alarm_done, 1, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	CHECK(rte_keepalive_create(dead, NULL) == NULL);

	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "test_keepalive", NULL };
	if (rte_eal_init(9, eal) < 0) {
		CHECK(0);
		return check_report();
	}
	struct rte_keepalive *k = rte_keepalive_create(dead, "d");
	CHECK(k != NULL);
	if (!k)
		return check_report();
	rte_keepalive_register_relay_callback(k, relay, "r");
	dispatch(k, 0);                            /* nothing registered */
	rte_keepalive_register_core(k, 1);
	rte_keepalive_register_core(k, 0);
	dispatch(k, 2);
	CHECK_EQ(seen[0], RTE_KA_STATE_UNUSED);    /* registered, never marked */
	CHECK_EQ(seen[1], RTE_KA_STATE_UNUSED);
	CHECK(seen_last[0] > 0 && seen_last[1] > 0);
	CHECK(relay_data != NULL && strcmp(relay_data, "r") == 0);

	/* both mark themselves alive: the next dispatch finds them, the one after misses */
	CHECK_EQ(rte_eal_remote_launch(alive, k, 1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	alive(k);
	uint64_t before = rte_rdtsc();
	dispatch(k, 2);
	CHECK_EQ(seen[0], RTE_KA_STATE_MISSING);
	CHECK_EQ(seen[1], RTE_KA_STATE_MISSING);
	CHECK(seen_last[0] >= before);
	dispatch(k, 2);
	CHECK_EQ(seen[0], RTE_KA_STATE_DEAD);
	CHECK_EQ(seen[1], RTE_KA_STATE_DEAD);
	CHECK_EQ(deaths[1], 0);                   /* reported on the next step */

	/* lcore 0 goes to sleep; lcore 1 is buried, reported once */
	rte_keepalive_mark_sleep(k);
	dispatch(k, 2);
	CHECK_EQ(seen[0], RTE_KA_STATE_SLEEP);
	CHECK_EQ(seen[1], RTE_KA_STATE_GONE);
	CHECK_EQ(deaths[1], 1);
	CHECK_EQ(deaths[0], 0);
	CHECK(dead_data != NULL && strcmp(dead_data, "d") == 0);
	dispatch(k, 2);
	CHECK_EQ(seen[0], RTE_KA_STATE_SLEEP);
	CHECK_EQ(seen[1], RTE_KA_STATE_GONE);
	CHECK_EQ(deaths[1], 1);

	/* a buried lcore that marks itself alive is back */
	CHECK_EQ(rte_eal_remote_launch(alive, k, 1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	dispatch(k, 2);
	CHECK_EQ(seen[1], RTE_KA_STATE_MISSING);

	/* dispatched by an alarm, as applications do */
	alive(k);
	CHECK_EQ(rte_eal_alarm_set(1000, on_alarm, k), 0);
	for (int i = 0; i < 5000 && !__atomic_load_n(&alarm_done, __ATOMIC_ACQUIRE); i++)
		rte_delay_us_sleep(1000);
	CHECK_EQ(alarm_done, 1);
	CHECK_EQ(seen[0], RTE_KA_STATE_MISSING);
	CHECK_EQ(seen[1], RTE_KA_STATE_DEAD);

	/* ignored: NULL monitors, ids out of range, marks without an lcore id */
	rte_keepalive_register_core(k, -1);
	rte_keepalive_register_core(k, RTE_KEEPALIVE_MAXCORES);
	rte_keepalive_register_core(NULL, 0);
	rte_keepalive_mark_alive(NULL);
	rte_keepalive_mark_sleep(NULL);
	rte_keepalive_register_relay_callback(NULL, relay, NULL);
	rte_keepalive_dispatch_pings(NULL, NULL);
	pthread_t t;
	pthread_create(&t, NULL, plain_mark, k);
	pthread_join(t, NULL);
	dispatch(k, 2);
	CHECK_EQ(seen[0], RTE_KA_STATE_DEAD);
	CHECK_EQ(seen[1], RTE_KA_STATE_GONE);
	CHECK_EQ(deaths[1], 2);

	/* no relay, no failure callback: steps go on silently */
	rte_keepalive_register_relay_callback(k, NULL, NULL);
	dispatch(k, 0);
	struct rte_keepalive *quiet = rte_keepalive_create(NULL, NULL);
	CHECK(quiet != NULL && quiet != k);
	rte_keepalive_register_core(quiet, 0);
	alive(quiet);
	for (int i = 0; i < 4; i++)
		dispatch(quiet, 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
