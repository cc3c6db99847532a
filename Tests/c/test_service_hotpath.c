/*
 * The service hot paths allocate nothing: with the allocator interposed, the service
 * lcore's loop (statistics on) and rte_service_run_iter_on_app_lcore on the main lcore
 * make no allocation once warm, and neither does recording a trace point event once
 * the thread has its buffer.
 */
#define ALLOW_EXPERIMENTAL_API
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_service.h>
#include <rte_service_component.h>
#include <rte_trace.h>
#include <rte_trace_point.h>

#include "check.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static volatile int counting;
static unsigned long allocs[2];   /* by lcore 0 and lcore 1 */

static void note(void)
{
	unsigned id = rte_lcore_id();
	if (counting && id < 2)
		__atomic_fetch_add(&allocs[id], 1, __ATOMIC_RELAXED);
}

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { note(); return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { note(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { note(); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n)
{
	note();
	*p = __libc_memalign(a, n);
	return *p ? 0 : 12;
}

static volatile uint64_t calls;

static int32_t work(void *a)
{
	(void)a;
	calls++;
	return 0;
}

/* a trace point recorded from this file (registered by hand: one u64 field) */
RTE_TRACE_POINT(hot_u64, RTE_TRACE_POINT_ARGS(uint64_t v), rte_trace_point_emit_u64(v);)
rte_trace_point_t __hot_u64;
RTE_DECLARE_PER_LCORE(volatile int, trace_point_sz);
static void hot_fields(void)
{
	RTE_PER_LCORE(trace_point_sz) = __RTE_TRACE_EVENT_HEADER_SZ;
	__rte_trace_point_emit_field(8, "v", "uint64_t");
}

int main(int argc, char **argv)
{
	(void)argc;
	CHECK_EQ(__rte_trace_point_register(&__hot_u64, "hot.u64", hot_fields), 0);
	char dir[] = "/tmp/test_service_hotpath.XXXXXX", trace_dir[64], cmd[80];
	if (!mkdtemp(dir)) {
		CHECK(0);
		return check_report();
	}
	snprintf(trace_dir, sizeof(trace_dir), "--trace-dir=%s", dir);
	char *eal[] = { argv[0], "-l", "0-1", "-s", "0x2", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "test_service_hotpath", "--trace=hot", trace_dir, NULL };
	if (rte_eal_init(13, eal) < 0) {
		CHECK(0);
		return check_report();
	}
	struct rte_service_spec s;
	uint32_t id = 0;
	memset(&s, 0, sizeof(s));
	strcpy(s.name, "hot");
	s.callback = work;
	CHECK_EQ(rte_service_component_register(&s, &id), 0);
	CHECK_EQ(rte_service_set_stats_enable(id, 1), 0);
	CHECK_EQ(rte_service_component_runstate_set(id, 1), 0);
	CHECK_EQ(rte_service_runstate_set(id, 1), 0);
	CHECK_EQ(rte_service_map_lcore_set(id, 1, 1), 0);
	for (int i = 0; i < 50000 && calls < 10000; i++)
		rte_delay_us_sleep(100);
	for (int i = 0; i < 10; i++) {           /* warm */
		rte_service_run_iter_on_app_lcore(id, 0);
		hot_u64(i);
	}
	counting = 1;
	uint64_t start = calls;
	for (int i = 0; i < 100000; i++) {
		rte_service_run_iter_on_app_lcore(id, 0);
		hot_u64(i);
	}
	for (int i = 0; i < 50000 && calls < start + 300000; i++)
		rte_delay_us_sleep(100);
	counting = 0;
	CHECK(calls >= start + 300000);
	CHECK_EQ(allocs[0], 0);
	CHECK_EQ(allocs[1], 0);
	printf("service loop and app-lcore calls: %llu, allocations main %lu service lcore %lu\n",
	       (unsigned long long)(calls - start), allocs[0], allocs[1]);
	CHECK_EQ(rte_service_runstate_set(id, 0), 0);
	CHECK_EQ(rte_eal_cleanup(), 0);   /* saves the trace into dir */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ(system(cmd), 0);
	return check_report();
}
