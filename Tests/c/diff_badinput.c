/*
 * The bad-input table: wrong calls into every public header we ship, each printed with
 * its return value and rte_errno (errno where the function reports through errno), on
 * a running EAL (--no-huge, two lcores). Linked once to DPDK 22.11's librte_eal and
 * once to libswifteal; the two outputs must be identical. rte_errno is cleared before
 * each call, so "untouched" shows as 0. Each bad call is numbered; the calls that set up
 * the state some of them need (an array, a heap, a busy lcore) are printed unnumbered.
 *
 * Left out: the calls DPDK 22.11 answers by crashing (NULL names, handles, structs or
 * output pointers that it dereferences) or by reading out of bounds (lcore ids past
 * RTE_MAX_LCORE in the functions that index lcore_config unchecked); where a call is
 * one of those, a comment says so beside its neighbours. SwiftEAL's answers to them are
 * in test_bad_input.c and the subsystems' own tests.
 */
#define ALLOW_INTERNAL_API
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_bus.h>
#include <rte_class.h>
#include <rte_common.h>
#include <rte_cpuflags.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_epoll.h>
#include <rte_errno.h>
#include <rte_fbarray.h>
#include <rte_interrupts.h>
#include <rte_keepalive.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_pause.h>
#include <rte_power_intrinsics.h>
#include <rte_random.h>
#include <rte_service.h>
#include <rte_service_component.h>
#include <rte_string_fns.h>
#include <rte_tailq.h>
#include <rte_thread.h>
#include <rte_trace.h>
#include <rte_trace_point.h>
#include <rte_uuid.h>
#include <rte_vfio.h>

static int cases;

/* an integer result */
#define R(expr) do { \
	rte_errno = 0; \
	long long r_ = (long long)(expr); \
	int e_ = rte_errno; \
	printf("%3d %s = %lld, rte_errno %d\n", ++cases, #expr, r_, e_); \
} while (0)

/* a pointer result: only whether there is one */
#define P(expr) do { \
	rte_errno = 0; \
	const void *p_ = (const void *)(uintptr_t)(expr); \
	int e_ = rte_errno; \
	printf("%3d %s = %s, rte_errno %d\n", ++cases, #expr, p_ ? "a pointer" : "NULL", e_); \
} while (0)

/* an integer result, reported through errno */
#define RE(expr) do { \
	errno = 0; \
	rte_errno = 0; \
	long long r_ = (long long)(expr); \
	int e_ = errno, re_ = rte_errno; \
	printf("%3d %s = %lld, errno %d, rte_errno %d\n", ++cases, #expr, r_, e_, re_); \
} while (0)

/* a call that sets up what the bad ones need: printed, not counted */
#define SETUP(expr) do { \
	rte_errno = 0; \
	long long r_ = (long long)(expr); \
	printf("    (setup) %s = %lld, rte_errno %d\n", #expr, r_, rte_errno); \
} while (0)

/* a result that is valid whatever its value when not negative (an id, a count) */
#define S(expr) do { \
	rte_errno = 0; \
	long long r_ = (long long)(expr); \
	int e_ = rte_errno; \
	if (r_ >= 0) \
		printf("%3d %s >= 0, rte_errno %d\n", ++cases, #expr, e_); \
	else \
		printf("%3d %s = %lld, rte_errno %d\n", ++cases, #expr, r_, e_); \
} while (0)

static int dummy_lcore_fn(void *arg) { (void)arg; return 0; }
static volatile int release_worker;
static int busy_lcore_fn(void *arg)
{
	(void)arg;
	while (!release_worker)
		rte_pause();
	return 7;
}
static void dummy_intr_cb(void *arg) { (void)arg; }
static void dummy_alarm_cb(void *arg) { (void)arg; }
static int dummy_mp_action(const struct rte_mp_msg *msg, const void *peer) { (void)msg; (void)peer; return 0; }
static int dummy_mp_async(const struct rte_mp_msg *req, const struct rte_mp_reply *reply) { (void)req; (void)reply; return 0; }
static int dummy_service(void *arg) { (void)arg; return 0; }
static void dummy_mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{ (void)type; (void)addr; (void)len; (void)arg; }
static int dummy_validator(int socket_id, size_t cur_limit, size_t new_len)
{ (void)socket_id; (void)cur_limit; (void)new_len; return 0; }
static void dummy_dev_event(const char *name, enum rte_dev_event_type type, void *arg)
{ (void)name; (void)type; (void)arg; }
static int dummy_lcore_init(unsigned int lcore_id, void *arg) { (void)lcore_id; (void)arg; return 0; }
static void dummy_key_dtor(void *p) { (void)p; }

static const char long64[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";  /* 64 chars */
static const char long32[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";                                  /* 32 chars */

static void fbarray_cases(void)
{
	struct rte_fbarray arr, bad;
	memset(&bad, 0, sizeof(bad));
	int local = 0;

	R(rte_fbarray_init(NULL, "bad_fba", 16, 8));
	R(rte_fbarray_init(&bad, NULL, 16, 8));
	R(rte_fbarray_init(&bad, "bad_fba", 0, 8));
	R(rte_fbarray_init(&bad, "bad_fba", 16, 0));
	R(rte_fbarray_init(&bad, "bad_fba", (unsigned int)INT_MAX + 1u, 8));
	R(rte_fbarray_init(&bad, long64, 16, 8));
	SETUP(rte_fbarray_init(&arr, "bad_fba", 100, 8));
	R(rte_fbarray_attach(NULL));
	R(rte_fbarray_detach(NULL));
	R(rte_fbarray_destroy(NULL));
	P(rte_fbarray_get(NULL, 0));
	P(rte_fbarray_get(&arr, 100));
	P(rte_fbarray_get(&arr, UINT_MAX));
	R(rte_fbarray_find_idx(NULL, &local));
	R(rte_fbarray_find_idx(&arr, NULL));
	R(rte_fbarray_find_idx(&arr, &local));
	R(rte_fbarray_set_used(NULL, 0));
	R(rte_fbarray_set_used(&arr, 100));
	R(rte_fbarray_set_free(&arr, UINT_MAX));
	R(rte_fbarray_is_used(NULL, 0));
	R(rte_fbarray_is_used(&arr, 100));
	R(rte_fbarray_find_next_free(NULL, 0));
	R(rte_fbarray_find_next_free(&arr, 100));
	R(rte_fbarray_find_next_used(&arr, 0));
	R(rte_fbarray_find_prev_free(&arr, 100));
	R(rte_fbarray_find_prev_used(&arr, 99));
	R(rte_fbarray_find_next_n_free(&arr, 0, 0));
	R(rte_fbarray_find_next_n_free(&arr, 0, 101));
	R(rte_fbarray_find_next_n_used(&arr, 0, 1));
	R(rte_fbarray_find_prev_n_free(&arr, 99, 0));
	R(rte_fbarray_find_prev_n_used(&arr, 100, 1));
	R(rte_fbarray_find_contig_free(&arr, 100));
	R(rte_fbarray_find_contig_used(NULL, 0));
	R(rte_fbarray_find_rev_contig_free(&arr, 100));
	R(rte_fbarray_find_rev_contig_used(&arr, 99));
	R(rte_fbarray_find_biggest_free(&arr, 100));
	R(rte_fbarray_find_biggest_used(&arr, 0));
	R(rte_fbarray_find_rev_biggest_free(NULL, 0));
	R(rte_fbarray_find_rev_biggest_used(&arr, 99));
	SETUP(rte_fbarray_destroy(&arr));
}

static void memzone_cases(void)
{
	/* NULL names and rte_memzone_lookup(NULL): DPDK takes strlen of them */
	const struct rte_memzone *mz = rte_memzone_reserve("bad_mz", 4096, SOCKET_ID_ANY, 0);
	printf("    reserve bad_mz: %s\n", mz ? "ok" : "failed");
	P(rte_memzone_reserve("bad_mz", 4096, SOCKET_ID_ANY, 0));
	P(rte_memzone_reserve(long32, 4096, SOCKET_ID_ANY, 0));
	P(rte_memzone_reserve_aligned("bad_mz2", 4096, SOCKET_ID_ANY, 0, 3));
	P(rte_memzone_reserve_aligned("bad_mz2", 4096, SOCKET_ID_ANY, 0, 100));
	P(rte_memzone_reserve_bounded("bad_mz2", 4096, SOCKET_ID_ANY, 0, 64, 1000));
	P(rte_memzone_reserve_bounded("bad_mz2", 8192, SOCKET_ID_ANY, 0, 64, 4096));
	P(rte_memzone_reserve("bad_mz2", 4096, SOCKET_ID_ANY, 0x80000000));
	P(rte_memzone_reserve("bad_mz2", SIZE_MAX, SOCKET_ID_ANY, 0));
	P(rte_memzone_reserve("bad_mz2", SIZE_MAX - 32, SOCKET_ID_ANY, 0));
	P(rte_memzone_reserve("bad_mz2", (size_t)1 << 45, SOCKET_ID_ANY, 0));
	P(rte_memzone_reserve("bad_mz2", 4096, RTE_MAX_NUMA_NODES + 5, 0));
	P(rte_memzone_reserve("bad_mz2", 4096, -7, 0));
	P(rte_memzone_lookup("no_such_zone"));
	P(rte_memzone_lookup(""));
	R(rte_memzone_free(NULL));
	R(rte_memzone_free(mz));
	R(rte_memzone_free(mz));
}

static void malloc_cases(void)
{
	struct rte_malloc_socket_stats st;
	char *ext = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	P(rte_malloc("bad", 0, 0));
	P(rte_malloc("bad", 64, 3));
	P(rte_malloc("bad", 64, 48));
	P(rte_malloc("bad", SIZE_MAX, 0));
	P(rte_malloc("bad", SIZE_MAX - 64, 64));
	P(rte_zmalloc("bad", 0, 0));
	P(rte_zmalloc("bad", 64, 6));
	P(rte_calloc("bad", 0, 8, 0));
	P(rte_calloc("bad", 8, 0, 0));
	P(rte_malloc_socket("bad", 64, 0, RTE_MAX_NUMA_NODES + 1));
	P(rte_malloc_socket("bad", 64, 0, INT_MAX));
	P(rte_zmalloc_socket("bad", 0, 0, 0));
	P(rte_calloc_socket("bad", 4, 4, 5, 0));
	P(rte_realloc(NULL, SIZE_MAX, 0));
	P(rte_realloc(NULL, 64, 3));
	char *p = rte_malloc("bad", 100, 0);
	printf("    malloc 100: %s\n", p ? "ok" : "failed");
	P(rte_realloc(p, SIZE_MAX, 0));
	P(rte_realloc(p, SIZE_MAX - 64, 0));
	/* rte_realloc of a pointer the heaps never gave: DPDK copies from the bytes before
	 * it and answers a new block; rte_malloc_validate of one (or of a pointer inside a
	 * block): DPDK answers 0 whatever the pointer unless built with RTE_MALLOC_DEBUG.
	 * Both contradict their documentation; SwiftEAL refuses them (test_malloc). */
	R(rte_malloc_validate(NULL, NULL));
	R(rte_malloc_validate(p, NULL));
	char *q = rte_realloc_socket(p, 64, 0, RTE_MAX_NUMA_NODES + 1);
	printf("%3d rte_realloc_socket(p, 64, 0, RTE_MAX_NUMA_NODES + 1) = %s\n", ++cases, q ? "a pointer" : "NULL");
	rte_free(q ? q : p);
	/* rte_malloc_get_socket_stats(0, NULL): DPDK writes through it */
	R(rte_malloc_get_socket_stats(-1, &st));
	R(rte_malloc_get_socket_stats(RTE_MAX_NUMA_NODES, &st));
	R(rte_malloc_get_socket_stats(INT_MAX, &st));
	R(rte_malloc_heap_get_socket(NULL));
	R(rte_malloc_heap_get_socket(""));
	R(rte_malloc_heap_get_socket("no_such_heap"));
	R(rte_malloc_heap_get_socket(long32));
	R(rte_malloc_heap_socket_is_external(-1));
	R(rte_malloc_heap_socket_is_external(0));
	R(rte_malloc_heap_socket_is_external(RTE_MAX_NUMA_NODES + 3));
	R(rte_malloc_heap_create(NULL));
	R(rte_malloc_heap_create(""));
	R(rte_malloc_heap_create(long32));
	R(rte_malloc_heap_create("socket_0"));
	R(rte_malloc_heap_create("bad_heap"));
	SETUP(rte_malloc_heap_create("bad_heap"));
	R(rte_malloc_heap_memory_add(NULL, ext, 1 << 20, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", NULL, 1 << 20, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", ext, 0, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", ext, 1 << 20, NULL, 0, 3000));
	R(rte_malloc_heap_memory_add("bad_heap", ext, 1000, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", ext + 1, 1 << 19, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", ext, 1 << 20, NULL, 7, 4096));
	R(rte_malloc_heap_memory_add("no_such_heap", ext, 1 << 20, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("socket_0", ext, 1 << 20, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", ext, 1 << 20, NULL, 0, 4096));
	R(rte_malloc_heap_memory_add("bad_heap", ext, 1 << 20, NULL, 0, 4096));
	R(rte_malloc_heap_memory_remove(NULL, ext, 1 << 20));
	R(rte_malloc_heap_memory_remove("bad_heap", NULL, 1 << 20));
	R(rte_malloc_heap_memory_remove("bad_heap", ext, 0));
	R(rte_malloc_heap_memory_remove("bad_heap", ext, 1 << 19));
	R(rte_malloc_heap_memory_remove("no_such_heap", ext, 1 << 20));
	R(rte_malloc_heap_memory_remove("socket_0", ext, 1 << 20));
	R(rte_malloc_heap_memory_attach(NULL, ext, 1 << 20));
	R(rte_malloc_heap_memory_attach("bad_heap", NULL, 1 << 20));
	R(rte_malloc_heap_memory_attach("no_such_heap", ext, 1 << 20));
	R(rte_malloc_heap_memory_detach("bad_heap", ext, 0));
	R(rte_malloc_heap_memory_detach("no_such_heap", ext, 1 << 20));
	R(rte_malloc_heap_destroy(NULL));
	R(rte_malloc_heap_destroy(""));
	R(rte_malloc_heap_destroy("no_such_heap"));
	R(rte_malloc_heap_destroy("socket_0"));
	R(rte_malloc_heap_destroy("bad_heap"));
	SETUP(rte_malloc_heap_memory_remove("bad_heap", ext, 1 << 20));
	SETUP(rte_malloc_heap_destroy("bad_heap"));
	munmap(ext, 1 << 20);
}

static void memory_cases(void)
{
	char page[8192];
	void *aligned = (void *)RTE_ALIGN_CEIL((uintptr_t)page, 4096);
	size_t off = 0;

	P(rte_mem_virt2memseg(NULL, NULL));
	P(rte_mem_virt2memseg(page, NULL));
	P(rte_mem_virt2memseg_list(NULL));
	P(rte_mem_virt2memseg_list(page));
	P(rte_mem_iova2virt(RTE_BAD_IOVA));
	R(rte_mem_virt2iova(NULL) == RTE_BAD_IOVA);
	R(rte_mem_virt2phy(NULL) == RTE_BAD_PHYS_ADDR);
	R(rte_memseg_get_fd(NULL));
	R(rte_memseg_get_fd_thread_unsafe(NULL));
	R(rte_memseg_get_fd_offset(NULL, &off));
	R(rte_memseg_get_fd_offset_thread_unsafe(NULL, &off));
	R(rte_mem_check_dma_mask(0));
	R(rte_mem_check_dma_mask(65));
	R(rte_mem_check_dma_mask_thread_unsafe(65));
	R(rte_mem_event_callback_register(NULL, dummy_mem_event, NULL));
	R(rte_mem_event_callback_register("bad_cb", NULL, NULL));
	R(rte_mem_event_callback_register(long64, dummy_mem_event, NULL));
	R(rte_mem_event_callback_unregister(NULL, NULL));
	R(rte_mem_event_callback_unregister("no_such_cb", NULL));
	R(rte_mem_alloc_validator_register(NULL, dummy_validator, 0, 1 << 20));
	R(rte_mem_alloc_validator_register("bad_v", NULL, 0, 1 << 20));
	R(rte_mem_alloc_validator_register("bad_v", dummy_validator, -1, 1 << 20));
	R(rte_mem_alloc_validator_register("bad_v", dummy_validator, RTE_MAX_NUMA_NODES, 1 << 20));
	R(rte_mem_alloc_validator_unregister(NULL, 0));
	R(rte_mem_alloc_validator_unregister("no_such_v", 0));
	R(rte_mem_alloc_validator_unregister("bad_v", -1));
	R(rte_extmem_register(NULL, 4096, NULL, 0, 4096));
	R(rte_extmem_register(aligned, 0, NULL, 0, 4096));
	R(rte_extmem_register(aligned, 4096, NULL, 0, 0));
	R(rte_extmem_register(aligned, 4096, NULL, 0, 3000));
	R(rte_extmem_register(aligned, 1000, NULL, 0, 4096));
	R(rte_extmem_register((char *)aligned + 1, 4096, NULL, 0, 4096));
	printf("    extmem_register(aligned, 4096): %d\n", rte_extmem_register(aligned, 4096, NULL, 0, 4096));
	R(rte_extmem_register(aligned, 4096, NULL, 0, 4096));
	/* rte_malloc_heap_memory_add of memory rte_extmem_register holds: DPDK records it a
	 * second time (two memseg lists over the same pages); SwiftEAL answers EBUSY, as
	 * DPDK does for memory a heap already holds (the malloc cases above) */
	R(rte_extmem_unregister(NULL, 4096));
	R(rte_extmem_unregister(aligned, 0));
	R(rte_extmem_unregister((char *)aligned + 4096, 4096));
	R(rte_extmem_unregister(aligned, 4096));
	R(rte_extmem_attach(NULL, 4096));
	R(rte_extmem_attach(aligned, 4096));
	R(rte_extmem_detach(aligned, 0));
	R(rte_extmem_detach(aligned, 4096));
	R(rte_mem_lock_page(NULL));
}

static void intr_cases(void)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	struct rte_epoll_event ev;
	memset(&ev, 0, sizeof(ev));

	int efd = eventfd(0, EFD_CLOEXEC);

	P(rte_intr_instance_alloc(0x100));
	P(rte_intr_instance_dup(NULL));
	R(rte_intr_event_list_update(NULL, 4));
	R(rte_intr_callback_register(NULL, dummy_intr_cb, NULL));
	SETUP(rte_intr_fd_set(h, -1));
	R(rte_intr_callback_register(h, dummy_intr_cb, NULL));
	SETUP(rte_intr_fd_set(h, efd));
	R(rte_intr_callback_register(h, NULL, NULL));
	R(rte_intr_callback_unregister(NULL, dummy_intr_cb, NULL));
	R(rte_intr_callback_unregister(h, dummy_intr_cb, NULL));
	R(rte_intr_callback_unregister_sync(h, dummy_intr_cb, NULL));
	R(rte_intr_callback_unregister_pending(h, dummy_intr_cb, NULL, NULL));
	R(rte_intr_enable(NULL));
	R(rte_intr_enable(h));
	R(rte_intr_disable(NULL));
	R(rte_intr_disable(h));
	R(rte_intr_ack(NULL));
	R(rte_intr_ack(h));
	R(rte_intr_fd_set(NULL, 3));
	R(rte_intr_fd_get(NULL));
	R(rte_intr_type_set(NULL, RTE_INTR_HANDLE_EXT));
	R(rte_intr_type_get(NULL));
	R(rte_intr_dev_fd_set(NULL, 3));
	R(rte_intr_dev_fd_get(NULL));
	R(rte_intr_max_intr_set(NULL, 3));
	R(rte_intr_max_intr_get(NULL));
	R(rte_intr_nb_efd_set(NULL, 3));
	R(rte_intr_nb_efd_get(NULL));
	R(rte_intr_nb_intr_get(NULL));
	R(rte_intr_efd_counter_size_set(NULL, 8));
	R(rte_intr_efd_counter_size_get(NULL));
	R(rte_intr_efds_index_set(NULL, 0, 3));
	R(rte_intr_efds_index_set(h, RTE_MAX_RXTX_INTR_VEC_ID, 3));
	R(rte_intr_efds_index_get(NULL, 0));
	R(rte_intr_efds_index_get(h, RTE_MAX_RXTX_INTR_VEC_ID));
	R(rte_intr_elist_index_set(NULL, 0, ev));
	R(rte_intr_elist_index_set(h, RTE_MAX_RXTX_INTR_VEC_ID, ev));
	P(rte_intr_elist_index_get(NULL, 0));
	P(rte_intr_elist_index_get(h, RTE_MAX_RXTX_INTR_VEC_ID));
	R(rte_intr_vec_list_alloc(NULL, "bad", 4));
	R(rte_intr_vec_list_index_set(NULL, 0, 1));
	R(rte_intr_vec_list_index_set(h, 0, 1));
	R(rte_intr_vec_list_index_get(NULL, 0));
	R(rte_intr_vec_list_index_get(h, 0));
	R(rte_intr_max_intr_set(h, RTE_MAX_RXTX_INTR_VEC_ID + 2));
	R(rte_intr_rx_ctl(NULL, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 0, NULL));
	R(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 0, NULL));
	R(rte_intr_efd_enable(NULL, 1));
	R(rte_intr_dp_is_en(NULL));
	R(rte_intr_allow_others(NULL));
	R(rte_intr_cap_multiple(NULL));
	R(rte_epoll_ctl(-1, EPOLL_CTL_ADD, 3, NULL));
	R(rte_epoll_ctl(-1, EPOLL_CTL_DEL, 3, &ev));
	R(rte_epoll_wait(-1, NULL, 1, 0));
	R(rte_epoll_wait(-1, &ev, 0, 0));
	R(rte_epoll_wait_interruptible(-1, NULL, 1, 0));
	rte_intr_instance_free(h);
	close(efd);
}

static void alarm_cases(void)
{
	R(rte_eal_alarm_set(0, dummy_alarm_cb, NULL));
	R(rte_eal_alarm_set(UINT64_MAX, dummy_alarm_cb, NULL));
	R(rte_eal_alarm_set(1000, NULL, NULL));
	R(rte_eal_alarm_cancel(NULL, NULL));
	R(rte_eal_alarm_cancel(dummy_alarm_cb, NULL));
	R(rte_eal_alarm_cancel(dummy_alarm_cb, (void *)-1));
}

static void lcore_cases(void)
{
	rte_cpuset_t set;
	CPU_ZERO(&set);

	/* rte_eal_remote_launch, rte_eal_wait_lcore, rte_eal_get_lcore_state,
	 * rte_lcore_to_socket_id, rte_lcore_cpuset with an id past RTE_MAX_LCORE: DPDK
	 * indexes lcore_config with it (remote_launch writes to whatever pipe it finds) */
	/* rte_eal_remote_launch to the main lcore: DPDK writes to that lcore's pipe, which
	 * nobody reads (EPIPE, and SIGPIPE for a program that has not ignored it) */
	R(rte_eal_wait_lcore(1));
	SETUP(rte_eal_remote_launch(busy_lcore_fn, NULL, 1));
	R(rte_eal_remote_launch(dummy_lcore_fn, NULL, 1));
	SETUP(rte_eal_get_lcore_state(1) == RUNNING);
	release_worker = 1;
	SETUP(rte_eal_wait_lcore(1));
	R(rte_eal_wait_lcore(1));
	R(rte_lcore_is_enabled(RTE_MAX_LCORE));
	R(rte_lcore_is_enabled(UINT_MAX));
	R(rte_lcore_is_enabled(5));
	R(rte_lcore_index(RTE_MAX_LCORE));
	R(rte_lcore_index(5));
	R(rte_lcore_to_cpu_id(RTE_MAX_LCORE));
	R(rte_lcore_to_cpu_id(5));
	R(rte_get_next_lcore(RTE_MAX_LCORE - 1, 0, 0));
	R(rte_get_next_lcore(UINT_MAX, 1, 0));
	R(rte_get_next_lcore(1, 0, 0));
	SETUP(rte_get_next_lcore(1, 0, 1));
	R(rte_socket_id_by_idx(RTE_MAX_NUMA_NODES));
	R(rte_socket_id_by_idx(UINT_MAX));
	R(rte_lcore_has_role(RTE_MAX_LCORE, ROLE_RTE));
	R(rte_lcore_has_role(UINT_MAX, ROLE_RTE));
	SETUP(rte_lcore_has_role(0, ROLE_SERVICE));
	R(rte_eal_lcore_role(RTE_MAX_LCORE));
	R(rte_eal_lcore_role(5));
	P(rte_lcore_callback_register(NULL, dummy_lcore_init, NULL, NULL));
	SETUP(rte_thread_register());
	R(rte_thread_set_affinity(&set));
}

static void thread_cases(void)
{
	rte_thread_key key;
	rte_thread_attr_t attr;
	rte_cpuset_t set;
	enum rte_thread_priority prio;
	CPU_ZERO(&set);

	/* rte_thread_key_create(NULL, ...): DPDK writes the key through it */
	R(rte_thread_key_delete(NULL));
	R(rte_thread_value_set(NULL, &key));
	P(rte_thread_value_get(NULL));
	SETUP(rte_thread_attr_init(&attr));
	R(rte_thread_attr_set_priority(&attr, (enum rte_thread_priority)7));
	R(rte_thread_set_priority(rte_thread_self(), (enum rte_thread_priority)7));
	SETUP(rte_thread_get_priority(rte_thread_self(), &prio));
	R(rte_thread_set_affinity_by_id(rte_thread_self(), &set));
	R(rte_thread_setname(pthread_self(), "a-name-much-longer-than-fifteen-bytes"));
	/* rte_ctrl_thread_create(NULL, ...): DPDK writes the thread id through it */
}

static void log_cases(void)
{
	R(rte_log_set_level(RTE_LOGTYPE_EAL, 0));
	R(rte_log_set_level(RTE_LOGTYPE_EAL, RTE_LOG_MAX + 1));
	R(rte_log_set_level(100000, RTE_LOG_INFO));
	R(rte_log_get_level(100000));
	R(rte_log_get_level(-1));
	R(rte_log_set_level_pattern("bad*", 0));
	R(rte_log_set_level_pattern("bad*", RTE_LOG_MAX + 1));
	R(rte_log_set_level_regexp("(", RTE_LOG_INFO));
	R(rte_log_set_level_regexp("[", RTE_LOG_INFO));
	R(rte_log_set_level_regexp("a\\{2,1\\}", RTE_LOG_INFO));
	R(rte_log_set_level_regexp("bad", 0));
	R(rte_log_can_log(100000, RTE_LOG_ERR));
	R(rte_log_can_log(RTE_LOGTYPE_EAL, RTE_LOG_MAX + 1));
	R(rte_log(RTE_LOG_MAX + 1, RTE_LOGTYPE_EAL, "not shown\n"));
	R(rte_log(RTE_LOG_ERR, 100000, "not shown\n"));
	R(rte_log(0, RTE_LOGTYPE_EAL, "not shown\n"));
	S(rte_log_register_type_and_pick_level("bad.type", 0));
	R(rte_log_register_type_and_pick_level("bad.type2", RTE_LOG_MAX + 1) >= 0);
	R(rte_openlog_stream(NULL));
	SETUP(rte_log_get_global_level());
}

static void service_cases(void)
{
	uint32_t id = 77, sid;
	uint64_t v = 99;
	uint32_t lcores[RTE_MAX_LCORE];
	struct rte_service_spec spec;
	memset(&spec, 0, sizeof(spec));

	R(rte_service_get_by_name(NULL, &id));
	R(rte_service_get_by_name("no_such_service", &id));
	R(rte_service_get_by_name("no_such_service", NULL));
	P(rte_service_get_name(1000));
	R(rte_service_probe_capability(1000, RTE_SERVICE_CAP_MT_SAFE));
	R(rte_service_map_lcore_set(1000, 1, 1));
	R(rte_service_map_lcore_get(1000, 1));
	R(rte_service_runstate_set(1000, 1));
	R(rte_service_runstate_get(1000));
	R(rte_service_may_be_active(1000));
	R(rte_service_set_stats_enable(1000, 1));
	R(rte_service_set_runstate_mapped_check(1000, 0));
	R(rte_service_run_iter_on_app_lcore(1000, 0));
	R(rte_service_attr_get(1000, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	R(rte_service_attr_reset_all(1000));
	/* rte_service_component_register(NULL, ...): DPDK reads the spec */
	snprintf(spec.name, sizeof(spec.name), "bad_service");
	R(rte_service_component_register(&spec, &sid));
	spec.callback = dummy_service;
	SETUP(rte_service_component_register(&spec, &sid));
	R(rte_service_component_runstate_set(1000, 1));
	R(rte_service_component_unregister(1000));
	R(rte_service_attr_get(sid, 99, &v));
	R(rte_service_attr_get(sid, RTE_SERVICE_ATTR_CYCLES, NULL));
	R(rte_service_map_lcore_set(sid, RTE_MAX_LCORE, 1));
	R(rte_service_map_lcore_set(sid, 1, 1));
	R(rte_service_map_lcore_get(sid, RTE_MAX_LCORE));
	R(rte_service_lcore_add(RTE_MAX_LCORE));
	R(rte_service_lcore_del(RTE_MAX_LCORE));
	R(rte_service_lcore_del(1));
	R(rte_service_lcore_start(RTE_MAX_LCORE));
	R(rte_service_lcore_start(1));
	R(rte_service_lcore_stop(RTE_MAX_LCORE));
	R(rte_service_lcore_stop(1));
	R(rte_service_lcore_count_services(RTE_MAX_LCORE));
	R(rte_service_lcore_count_services(1));
	R(rte_service_lcore_may_be_active(RTE_MAX_LCORE));
	R(rte_service_lcore_attr_get(RTE_MAX_LCORE, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	R(rte_service_lcore_attr_get(1, 99, &v));
	R(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	R(rte_service_lcore_attr_reset_all(RTE_MAX_LCORE));
	R(rte_service_lcore_attr_reset_all(1));
	R(rte_service_lcore_list(NULL, 4));
	R(rte_service_lcore_list(lcores, 0));
	R(rte_service_lcore_count());
	SETUP(rte_service_component_unregister(sid));
	R(rte_service_component_unregister(sid));
}

static void trace_cases(void)
{
	P(rte_trace_point_lookup(NULL));
	P(rte_trace_point_lookup("no.such.point"));
	R(rte_trace_point_enable(NULL));
	R(rte_trace_point_disable(NULL));
	R(rte_trace_point_is_enabled(NULL));
	R(rte_trace_pattern("no.such.*", true));
	R(rte_trace_regexp("(", true));
	R(rte_trace_regexp("[", true));
	R(rte_trace_regexp("^no\\.such", false));
}

static void device_cases(void)
{
	struct rte_devargs da;
	struct rte_dev_iterator it;
	memset(&da, 0, sizeof(da));
	memset(&it, 0, sizeof(it));

	/* rte_devargs_parse(NULL, ...), (&da, NULL), rte_bus_find_by_name(NULL),
	 * rte_dev_probe(NULL), rte_dev_remove(NULL), rte_devargs_insert(NULL): DPDK
	 * dereferences them */
	/* rte_devargs_parse(&da, "") and the like: DPDK's answer depends on the buses its
	 * driver plugins brought (libswifteal linked by its own name loads none) */
	R(rte_devargs_parse(&da, "no_such_bus:dev"));
	rte_devargs_reset(&da);
	R(rte_devargs_add(RTE_DEVTYPE_ALLOWED, "no_such_bus:dev"));
	R(rte_devargs_remove(NULL));
	R(rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL + 5));
	P(rte_devargs_next("no_such_bus", NULL));
	P(rte_bus_find_by_name("no_such_bus"));
	P(rte_bus_find_by_device(NULL));
	P(rte_class_find_by_name("no_such_class"));
	R(rte_dev_probe("no_such_bus:dev"));
	R(rte_eal_hotplug_add("no_such_bus", "dev", ""));
	R(rte_eal_hotplug_remove("no_such_bus", "dev"));
	R(rte_dev_event_callback_register(NULL, NULL, NULL));
	R(rte_dev_event_callback_unregister(NULL, NULL, NULL));
	R(rte_dev_event_callback_unregister("no_such_dev", dummy_dev_event, NULL));
	R(rte_dev_iterator_init(&it, "no_such_bus"));
	R(rte_dev_iterator_init(&it, "bus=no_such_bus"));
	R(rte_dev_hotplug_handle_disable());
	R(rte_dev_event_monitor_stop());
	R(rte_vfio_is_enabled("no_such_module"));
	R(rte_vfio_container_destroy(-5));
	R(rte_vfio_container_group_bind(-5, 1));
	R(rte_vfio_container_group_unbind(-5, 1));
}

static void mp_cases(void)
{
	struct rte_mp_msg msg;
	struct rte_mp_reply reply;
	struct timespec ts = { 0, 1000000 };

	R(rte_mp_action_register(NULL, dummy_mp_action));
	R(rte_mp_action_register("", dummy_mp_action));
	R(rte_mp_action_register(long64, dummy_mp_action));
	SETUP(rte_mp_action_register("bad_action", dummy_mp_action));
	R(rte_mp_action_register("bad_action", dummy_mp_action));
	rte_mp_action_unregister("bad_action");
	R(rte_mp_sendmsg(NULL));
	memset(&msg, 0, sizeof(msg));
	R(rte_mp_sendmsg(&msg));
	memcpy(msg.name, long64, sizeof(msg.name));
	R(rte_mp_sendmsg(&msg));
	snprintf(msg.name, sizeof(msg.name), "bad_msg");
	msg.len_param = -1;
	R(rte_mp_sendmsg(&msg));
	msg.len_param = RTE_MP_MAX_PARAM_LEN + 1;
	R(rte_mp_sendmsg(&msg));
	msg.len_param = 0;
	msg.num_fds = -1;
	R(rte_mp_sendmsg(&msg));
	msg.num_fds = RTE_MP_MAX_FD_NUM + 1;
	R(rte_mp_sendmsg(&msg));
	msg.num_fds = 0;
	R(rte_mp_request_sync(NULL, &reply, &ts));
	msg.len_param = -1;
	R(rte_mp_request_sync(&msg, &reply, &ts));
	msg.len_param = 0;
	R(rte_mp_request_async(NULL, &ts, dummy_mp_async));
	msg.num_fds = RTE_MP_MAX_FD_NUM + 1;
	R(rte_mp_request_async(&msg, &ts, dummy_mp_async));
	msg.num_fds = 0;
	R(rte_mp_reply(NULL, "peer"));
	R(rte_mp_reply(&msg, NULL));
}

static void misc_cases(void)
{
	char buf[8] = "";
	char *tokens[4];
	rte_uuid_t uu;
	struct rte_tailq_elem noname = { .name = "" };

	RE(rte_strsplit(NULL, 10, tokens, 4, ','));
	RE(rte_strsplit(buf, 8, NULL, 4, ','));
	RE(rte_strscpy(buf, "too long for it", sizeof(buf)));
	RE(rte_strscpy(buf, "x", 0));
	R(rte_str_to_size("-5"));
	R(rte_str_to_size(""));
	R(rte_str_to_size("junk"));
	R(rte_uuid_parse("", uu));
	R(rte_uuid_parse("14a1c3ba-8a6f-4c2d-9b3e-0123456789a", uu));
	R(rte_uuid_parse("14a1c3ba-8a6f-4c2d-9b3e-0123456789abc", uu));
	R(rte_uuid_parse("14a1c3ba+8a6f-4c2d-9b3e-0123456789ab", uu));
	R(rte_uuid_parse("14a1c3ba-8a6f-4c2d-9b3e-0123456789ag", uu));
	P(rte_eal_tailq_lookup(NULL));
	P(rte_eal_tailq_lookup("no_such_tailq"));
	R(rte_eal_tailq_register(&noname));
	printf("    rte_strerror(-1): %s\n", rte_strerror(-1));
	printf("    rte_strerror(E_RTE_SECONDARY): %s\n", rte_strerror(E_RTE_SECONDARY));
	printf("    rte_strerror(E_RTE_NO_CONFIG): %s\n", rte_strerror(E_RTE_NO_CONFIG));
	printf("    rte_strerror(RTE_MAX_ERRNO + 1): %s\n", rte_strerror(RTE_MAX_ERRNO + 1));
	R(rte_cpu_get_flag_enabled(RTE_CPUFLAG_NUMFLAGS));
	R(rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)-1));
	P(rte_cpu_get_flag_name(RTE_CPUFLAG_NUMFLAGS));
	struct rte_keepalive *ka = rte_keepalive_create(NULL, NULL);
	printf("    rte_keepalive_create(NULL, NULL): %s\n", ka ? "a pointer" : "NULL");
	R(rte_eal_primary_proc_alive("/nonexistent/config"));
	R(rte_rand_max(0));
	SETUP(rte_rand_max(1));
	R(rte_power_monitor(NULL, 0));
	R(rte_power_pause(0));
	R(rte_power_monitor_wakeup(RTE_MAX_LCORE));
	R(rte_power_monitor_multi(NULL, 0, 0));
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--file-prefix", "diff_badinput", "--log-level", "0", NULL };
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(12, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return 1;
	}
	R(rte_eal_init(12, args));

	fbarray_cases();
	memzone_cases();
	malloc_cases();
	memory_cases();
	intr_cases();
	alarm_cases();
	lcore_cases();
	thread_cases();
	log_cases();
	service_cases();
	trace_cases();
	device_cases();
	mp_cases();
	misc_cases();

	rte_eal_cleanup();
	R(rte_eal_cleanup());
	printf("%d bad calls\n", cases);
	return 0;
}
