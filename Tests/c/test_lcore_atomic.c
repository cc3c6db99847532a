/*
 * The legacy atomics and the 128-bit compare-exchange under contention: every
 * lcore (main included) hammers the same counters at once; the totals must be
 * exact. Also a message-passing check of rte_smp_wmb/rte_smp_rmb.
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdio.h>
#include <rte_atomic.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "check.h"

#define ROUNDS 200000

static rte_atomic16_t c16;
static rte_atomic32_t c32;
static rte_atomic64_t c64;
static volatile uint64_t cas64;
static rte_int128_t pair;   /* both halves always move together */
static rte_atomic32_t zero_hits;
static rte_atomic32_t start_line;

static int hammer(void *arg)
{
	(void)arg;
	rte_atomic32_inc(&start_line);
	while (rte_atomic32_read(&start_line) < (int32_t)rte_lcore_count())
		rte_pause();
	for (int i = 0; i < ROUNDS; i++) {
		rte_atomic16_inc(&c16);
		rte_atomic32_add(&c32, 2);
		rte_atomic64_add_return(&c64, 3);
		uint64_t old;
		do {
			old = cas64;
		} while (!rte_atomic64_cmpset(&cas64, old, old + 1));
		rte_int128_t exp = pair, want;
		do {
			want.val[0] = exp.val[0] + 1;
			want.val[1] = exp.val[1] + 1;
		} while (!rte_atomic128_cmp_exchange(&pair, &exp, &want, 0,
				__ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	}
	return 0;
}

/* dec_and_test is true for exactly one decrement that reaches zero */
static rte_atomic64_t down;
static int count_down(void *arg)
{
	(void)arg;
	for (;;) {
		int64_t v = rte_atomic64_read(&down);
		if (v <= 0)
			break;
		if (rte_atomic64_dec_and_test(&down))
			rte_atomic32_inc(&zero_hits);
		if (v < 10)
			break;
	}
	return 0;
}

static volatile uint64_t payload;
static volatile uint32_t ready;
static int producer(void *arg)
{
	(void)arg;
	for (uint64_t i = 1; i <= 100000; i++) {
		while (ready)
			rte_pause();
		payload = i * 3;
		rte_smp_wmb();
		ready = 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--file-prefix", "swifteal_test_atomic", NULL };
	int n = (int)(sizeof(args) / sizeof(args[0])) - 1;
	CHECK(rte_eal_init(n, args) >= 0);
	unsigned lcores = rte_lcore_count();

	CHECK_EQ(rte_eal_mp_remote_launch(hammer, NULL, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CHECK_EQ((uint16_t)rte_atomic16_read(&c16), (uint16_t)(lcores * ROUNDS));
	CHECK_EQ(rte_atomic32_read(&c32), 2 * lcores * ROUNDS);
	CHECK_EQ(rte_atomic64_read(&c64), 3LL * lcores * ROUNDS);
	CHECK_EQ(cas64, (uint64_t)lcores * ROUNDS);
	CHECK_EQ(pair.val[0], (uint64_t)lcores * ROUNDS);
	CHECK_EQ(pair.val[1], (uint64_t)lcores * ROUNDS);

	rte_atomic64_set(&down, 1000000);
	CHECK_EQ(rte_eal_mp_remote_launch(count_down, NULL, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CHECK(rte_atomic32_read(&zero_hits) <= 1);

	/* producer on the worker, consumer here: every value arrives whole and in order */
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	CHECK_EQ(rte_eal_remote_launch(producer, NULL, worker), 0);
	int bad = 0;
	for (uint64_t i = 1; i <= 100000; i++) {
		while (!ready)
			rte_pause();
		rte_smp_rmb();
		if (payload != i * 3)
			bad++;
		ready = 0;
	}
	CHECK_EQ(rte_eal_wait_lcore(worker), 0);
	CHECK_EQ(bad, 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
