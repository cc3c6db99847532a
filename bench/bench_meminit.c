/*
 * rte_eal_init time and resident memory after init with 256 MB of hugepages
 * preallocated, for three page backends: a file per page (-m 256), memfd
 * (--in-memory -m 256) and one file per list (--single-file-segments -m 256).
 * Each configuration runs in a child process of its own (init is once per process).
 * Prints "metric value" lines for bench/run.sh. Needs root and 128 free 2 MB pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <rte_eal.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			kb = atol(line + strlen(key));
	if (f)
		fclose(f);
	return kb;
}

static int child(const char *name, int argc, char **argv)
{
	double t0 = now_ms();
	int ret = rte_eal_init(argc, argv);
	double t1 = now_ms();
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init failed (%s)\n", name);
		return 1;
	}
	printf("init_%s_ms %.1f\n", name, t1 - t0);
	printf("rss_%s_kb %ld\n", name, status_kb("VmRSS:"));
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	/* child: self --child <name> self <EAL args> */
	if (argc > 3 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], argc - 3, argv + 3);
	static const char *const cases[][12] = {
		{ "m256", "-m", "256" },
		{ "inmem_m256", "--in-memory", "-m", "256" },
		{ "sfs_m256", "--single-file-segments", "-m", "256" },
	};
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		pid_t pid = fork();
		if (pid == 0) {
			const char *args[32] = { argv[0], "--child", cases[c][0], argv[0], "-l", "0-1", "--no-pci",
						 "--no-telemetry", "--file-prefix", "bench_meminit", "--log-level", "3" };
			int n = 12;
			for (int i = 1; cases[c][i]; i++)
				args[n++] = cases[c][i];
			args[n] = NULL;
			execv(argv[0], (char *const *)args);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
	}
	return 0;
}
