/*
 * Log and misc hot paths, nanoseconds per call: a message filtered out by its level,
 * rte_log_can_log, a formatted message to a discarding stream, rte_rand, rte_rand_max
 * and rte_strerror. No EAL init needed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_random.h>

static double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define BENCH(name, n, body) do { \
	double t0 = now_ns(); \
	for (long i_ = 0; i_ < (n); i_++) { body; } \
	printf("%s %.2f\n", name, (now_ns() - t0) / (n)); \
} while (0)

int
main(void)
{
	volatile uint64_t sink = 0;
	FILE *null = fopen("/dev/null", "w");
	int type = rte_log_register("bench.log");

	rte_log_set_level(type, RTE_LOG_INFO);
	BENCH("log_filtered_ns", 20000000L, rte_log(RTE_LOG_DEBUG, type, "x %d\n", (int)i_));
	BENCH("log_can_log_ns", 50000000L, sink += rte_log_can_log(type, RTE_LOG_DEBUG));
	rte_openlog_stream(null);
	BENCH("log_formatted_ns", 2000000L, rte_log(RTE_LOG_ERR, type, "message %ld %s\n", i_, "text"));
	rte_openlog_stream(NULL);
	BENCH("rand_ns", 50000000L, sink += rte_rand());
	BENCH("rand_max_ns", 50000000L, sink += rte_rand_max(1000));
	BENCH("strerror_ns", 5000000L, sink += (uintptr_t)rte_strerror(EINVAL));
	fclose(null);
	return sink == 42;
}
