/*
 * Hello from every lcore: the first program a DPDK user writes.
 * Build: cc helloworld.c $(pkg-config --cflags --libs libswifteal)
 * Run:   ./helloworld -l 0-1 --no-huge
 */
#include <stdio.h>
#include <rte_eal.h>
#include <rte_debug.h>
#include <rte_launch.h>
#include <rte_lcore.h>

static int lcore_hello(void *arg)
{
	(void)arg;
	printf("hello from core %u\n", rte_lcore_id());
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

	rte_eal_cleanup();
	return 0;
}
