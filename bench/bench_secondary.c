/*
 * A secondary process, same source for both libraries: the primary maps 256 MB (-m 256)
 * and holds 128 MB of it in a memzone; a copy of this program is started as a secondary
 * (fork + exec) and reports when its rte_eal_init returned: attach time is exec to that
 * moment (median of ATTACHES). The last secondary then times rte_malloc + rte_free
 * pairs (64 B, 1 KB and 64 KB blocks) against the shared heap.
 * "metric value" lines for bench/run.sh. Needs 2 MB hugepages.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#define ATTACHES 7
#define PAIRS 200000

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double pairs_ns(size_t size)
{
	void *warm = rte_malloc(NULL, size, 0);
	rte_free(warm);
	uint64_t t0 = now_ns();
	for (int i = 0; i < PAIRS; i++) {
		void *p = rte_malloc(NULL, size, 0);
		if (p == NULL)
			return -1;
		*(volatile char *)p = 1;
		rte_free(p);
	}
	return (double)(now_ns() - t0) / PAIRS;
}

static char *args_for(char *prog, int secondary, int *n)
{
	static char *args[16];
	int k = 0;
	args[k++] = prog;
	args[k++] = "-l";
	args[k++] = "0";
	args[k++] = "--no-pci";
	args[k++] = "--no-telemetry";
	args[k++] = "--file-prefix";
	args[k++] = "bench_secondary";
	args[k++] = "--log-level";
	args[k++] = "3";
	if (secondary) {
		args[k++] = "--proc-type=secondary";
	} else {
		args[k++] = "-m";
		args[k++] = "256";
	}
	args[k] = NULL;
	*n = k;
	return (char *)args;
}

int main(int argc, char **argv)
{
	int secondary = argc > 1 && strcmp(argv[1], "--secondary") == 0;
	int timing = argc > 2 && strcmp(argv[2], "--malloc") == 0;
	int n;
	char **args = (char **)args_for(argv[0], secondary, &n);
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "rte_eal_init failed (%s)\n", secondary ? "secondary" : "primary");
		return 1;
	}
	if (secondary) {
		uint64_t t = now_ns();
		int rc = write(3, &t, sizeof(t)) == sizeof(t) ? 0 : 1;
		if (timing) {
			printf("secondary_malloc_free_64B_ns %.1f\n", pairs_ns(64));
			printf("secondary_malloc_free_1K_ns %.1f\n", pairs_ns(1024));
			printf("secondary_malloc_free_64K_ns %.1f\n", pairs_ns(65536));
			fflush(stdout);
		}
		rte_eal_cleanup();
		return rc;
	}
	const struct rte_memzone *z = rte_memzone_reserve("bench_secondary", 128 << 20, SOCKET_ID_ANY, 0);
	if (z == NULL) {
		fprintf(stderr, "memzone reserve failed\n");
		return 1;
	}
	memset(z->addr, 1, z->len);
	uint64_t took[ATTACHES];
	int rc = 0;
	for (int i = 0; i < ATTACHES && rc == 0; i++) {
		int done[2];
		if (pipe(done) != 0)
			return 1;
		fflush(stdout);
		uint64_t t0 = now_ns();
		pid_t pid = fork();
		if (pid == 0) {
			dup2(done[1], 3);
			close(done[0]);
			execl("/proc/self/exe", argv[0], "--secondary", i == ATTACHES - 1 ? "--malloc" : "-", (char *)NULL);
			_exit(127);
		}
		close(done[1]);
		uint64_t t1 = 0;
		if (read(done[0], &t1, sizeof(t1)) != sizeof(t1))
			rc = 1;
		close(done[0]);
		int status = 0;
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
		took[i] = t1 - t0;
	}
	if (rc == 0) {
		qsort(took, ATTACHES, sizeof(took[0]), cmp_u64);
		printf("secondary_attach_256MB_ms %.2f\n", took[ATTACHES / 2] / 1e6);
	}
	rte_memzone_free(z);
	rte_eal_cleanup();
	return rc;
}
