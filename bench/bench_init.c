/*
 * rte_eal_init time and resident memory after init, same arguments for both libraries.
 * Prints "metric value" lines for bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_lcore.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

int main(void)
{
	char *args[] = { "bench_init", "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "bench_init", "--log-level", "3", NULL };
	int argc = (int)(sizeof(args) / sizeof(args[0])) - 1;
	double t0 = now_us();
	int ret = rte_eal_init(argc, args);
	double t1 = now_us();
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	printf("eal_init_us %.1f\n", t1 - t0);
	printf("rss_after_init_kb %ld\n", rss_kb());
	double t2 = now_us();
	rte_eal_cleanup();
	printf("eal_cleanup_us %.1f\n", now_us() - t2);
	return 0;
}
