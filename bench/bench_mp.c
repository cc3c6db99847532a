/*
 * rte_mp_request_sync round trip to one peer, same source for both libraries.
 * The primary registers an action that answers every request at once; it starts
 * a copy of itself as a secondary of the same prefix (fork + exec), which sends
 * requests to the primary (secondary -> primary -> secondary), then the primary
 * sends requests to the secondary (the other direction). Median and p99 of each
 * direction in microseconds, as "metric value" lines for bench/run.sh.
 * Uses 2 MB hugepages (-m 16): DPDK's secondaries cannot attach to --no-huge memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>

#define ROUNDS 4000
#define WARMUP 200
#define ACTION "bench_mp_echo"

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

static void report(const char *name, uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("%s_median_us %.2f\n", name, v[n / 2] / 1e3);
	printf("%s_p99_us %.2f\n", name, v[(n * 99) / 100] / 1e3);
	fflush(stdout);
}

/* The answer: the request's 8 bytes back. */
static int echo(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply;
	memset(&reply, 0, sizeof(reply));
	memcpy(reply.name, msg->name, sizeof(reply.name));
	reply.len_param = msg->len_param;
	memcpy(reply.param, msg->param, msg->len_param);
	return rte_mp_reply(&reply, peer);
}

/* ROUNDS sync requests to the peer (one peer on either side); 0 on success. */
static int measure(const char *name)
{
	static uint64_t lat[ROUNDS];
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 0 };
	for (int i = -WARMUP; i < ROUNDS; i++) {
		struct rte_mp_msg req;
		struct rte_mp_reply reply;
		uint64_t seq = (uint64_t)(i + WARMUP), t0, t1;
		memset(&req, 0, sizeof(req));
		snprintf(req.name, sizeof(req.name), ACTION);
		req.len_param = sizeof(seq);
		memcpy(req.param, &seq, sizeof(seq));
		t0 = now_ns();
		int rc = rte_mp_request_sync(&req, &reply, &ts);
		t1 = now_ns();
		if (rc != 0 || reply.nb_received != 1 || memcmp(reply.msgs[0].param, &seq, sizeof(seq)) != 0) {
			fprintf(stderr, "%s: request %d failed (rc %d, %d replies)\n", name, i, rc,
				rc == 0 ? reply.nb_received : -1);
			return 1;
		}
		free(reply.msgs);
		if (i >= 0)
			lat[i] = t1 - t0;
	}
	report(name, lat, ROUNDS);
	return 0;
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "-l", "0", "-m", "16", "--no-pci", "--no-telemetry",
		"--file-prefix", "bench_mp", "--log-level", "3", NULL, NULL };
	int n = 11;
	int secondary = argc > 1 && strcmp(argv[1], "--secondary") == 0;
	if (secondary)
		args[n++] = "--proc-type=secondary";
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "rte_eal_init failed (%s)\n", secondary ? "secondary" : "primary");
		return 1;
	}
	if (rte_mp_action_register(ACTION, echo) != 0) {
		fprintf(stderr, "rte_mp_action_register failed\n");
		return 1;
	}
	if (secondary) {
		/* fd 3 tells the primary this direction is done; stdin closes when it is. */
		int rc = measure("request_sync_secondary_to_primary");
		char c = 'x';
		if (write(3, &c, 1) != 1)
			rc = 1;
		close(3);
		while (read(0, &c, 1) > 0)
			;
		rte_eal_cleanup();
		return rc;
	}

	int go[2], done[2];
	if (pipe(go) != 0 || pipe(done) != 0)
		return 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(go[0], 0);
		dup2(done[1], 3);
		close(go[1]);    /* or the secondary never sees EOF */
		close(done[0]);
		execl("/proc/self/exe", argv[0], "--secondary", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(done[1]);
	char c;
	int rc = read(done[0], &c, 1) == 1 ? 0 : 1;   /* EOF: the secondary failed */
	if (rc == 0)
		rc = measure("request_sync_primary_to_secondary");
	close(go[1]);
	int status = 0;
	waitpid(pid, &status, 0);
	rte_eal_cleanup();
	return rc || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}
