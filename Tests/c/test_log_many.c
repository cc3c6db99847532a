/*
 * Log types have no fixed limit (DPDK grows its table as long as memory lasts): 20,000
 * types past the built-in ones register, each with its own id and level, and the
 * first and last of them are found again by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "check.h"

#define N 20000

int main(void)
{
	static int ids[N];
	char name[64];
	int bad = 0;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "tlm.type.%d", i);
		ids[i] = rte_log_register(name);
		if (ids[i] < 0 || (i > 0 && ids[i] != ids[i - 1] + 1))
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(ids[N - 1] > 16384);
	/* each keeps its own level */
	CHECK_EQ(rte_log_set_level((uint32_t)ids[N - 1], RTE_LOG_DEBUG), 0);
	CHECK_EQ(rte_log_set_level((uint32_t)ids[N - 2], RTE_LOG_ERR), 0);
	CHECK_EQ(rte_log_get_level((uint32_t)ids[N - 1]), RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_get_level((uint32_t)ids[N - 2]), RTE_LOG_ERR);
	CHECK_EQ(rte_log_get_level((uint32_t)ids[N - 1] + 1), -1);
	CHECK(rte_log_can_log((uint32_t)ids[N - 1], RTE_LOG_DEBUG));
	/* found again by name */
	CHECK_EQ(rte_log_register("tlm.type.0"), ids[0]);
	snprintf(name, sizeof(name), "tlm.type.%d", N - 1);
	CHECK_EQ(rte_log_register(name), ids[N - 1]);
	/* a pattern reaches all of them */
	CHECK_EQ(rte_log_set_level_pattern("tlm.type.*", RTE_LOG_NOTICE), 0);
	CHECK_EQ(rte_log_get_level((uint32_t)ids[N / 2]), RTE_LOG_NOTICE);
	CHECK_EQ(rte_log_get_level((uint32_t)ids[N - 1]), RTE_LOG_NOTICE);
	return check_report();
}
