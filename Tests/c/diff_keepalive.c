/*
 * Keepalive side by side with DPDK 22.11's librte_eal: a monitor before init, and
 * the states the relay and failure callbacks hear over a fixed sequence of marks and
 * dispatches on two lcores (including sleep, death, burial and revival).
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdint.h>
#include <stdio.h>

#include <rte_eal.h>
#include <rte_keepalive.h>
#include <rte_launch.h>
#include <rte_lcore.h>

static void dead(void *d, const int id)
{
	printf("dead %s %d\n", (char *)d, id);
}

static void relay(void *d, const int id, enum rte_keepalive_state s, uint64_t last)
{
	printf("relay %s %d state %d seen %d\n", (char *)d, id, s, last > 0);
}

static int alive(void *k)
{
	rte_keepalive_mark_alive(k);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("before init: %s\n", rte_keepalive_create(dead, "x") ? "monitor" : "NULL");
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "diff_keepalive", "--log-level", "lib.eal:notice", NULL };
	if (rte_eal_init(11, eal) < 0)
		return 1;
	struct rte_keepalive *k = rte_keepalive_create(dead, "d");
	printf("after init: %s\n", k ? "monitor" : "NULL");
	if (!k)
		return 1;
	rte_keepalive_register_relay_callback(k, relay, "r");
	printf("-- nothing registered\n");
	rte_keepalive_dispatch_pings(NULL, k);
	rte_keepalive_register_core(k, 1);
	rte_keepalive_register_core(k, 0);
	for (int round = 1; round <= 7; round++) {
		if (round == 2) {
			rte_eal_remote_launch(alive, k, 1);
			rte_eal_wait_lcore(1);
			alive(k);
		}
		if (round == 4)
			rte_keepalive_mark_sleep(k);
		if (round == 6) {
			rte_eal_remote_launch(alive, k, 1);
			rte_eal_wait_lcore(1);
		}
		printf("-- round %d\n", round);
		rte_keepalive_dispatch_pings(NULL, k);
	}
	rte_keepalive_register_relay_callback(k, NULL, NULL);
	printf("-- no relay\n");
	rte_keepalive_dispatch_pings(NULL, k);
	printf("cleanup %d\n", rte_eal_cleanup());
	return 0;
}
