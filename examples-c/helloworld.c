/*
 * helloworld: hello from every lcore, the first program a DPDK user writes.
 *
 * rte_eal_init starts one thread per lcore of the -l list, pinned to its CPU; the main
 * lcore launches the function on every worker with rte_eal_remote_launch, runs it
 * itself, and waits for all of them with rte_eal_mp_wait_lcore. The workers print
 * concurrently, so the order of the hello lines varies from run to run.
 *
 * Build: cc helloworld.c $(pkg-config --cflags --libs libswifteal) -o helloworld
 * Run:   ./helloworld -l 0-1 --no-huge -m 64
 * Last line on success: "helloworld: OK"
 */
#include <stdio.h>
#include <rte_eal.h>
#include <rte_debug.h>
#include <rte_launch.h>
#include <rte_lcore.h>

static unsigned int hellos;

static int lcore_hello(void *arg)
{
	(void)arg;
	printf("hello from core %u\n", rte_lcore_id());
	__atomic_fetch_add(&hellos, 1, __ATOMIC_RELAXED);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int lcore_id;

	if (rte_eal_init(argc, argv) < 0)
		rte_panic("Cannot init EAL\n");

	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		rte_eal_remote_launch(lcore_hello, NULL, lcore_id);
	}
	lcore_hello(NULL);
	rte_eal_mp_wait_lcore();

	unsigned int want = rte_lcore_count();
	rte_eal_cleanup();
	printf("helloworld: %s\n", hellos == want ? "OK" : "FAILED");
	return hellos == want ? 0 : 1;
}
