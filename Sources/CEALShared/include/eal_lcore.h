/*
 * The lcore table and the launch handoff, in C layout: Swift reaches the fields
 * through typed pointers and the atomics through the inline helpers below (Swift
 * has no atomics on C storage). Process-local; nothing here is shared with other
 * processes.
 */
#ifndef EAL_LCORE_H
#define EAL_LCORE_H

#include <stdint.h>
#include <limits.h>
#include <unistd.h>
#include <sched.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <rte_config.h>
#include <rte_os.h>
#include <rte_rwlock.h>
#include <rte_launch.h>

#pragma clang assume_nonnull begin

/* What the EAL knows of one lcore id. All zero before init, as DPDK's tables are. */
struct eal_lcore_info {
	int32_t role;          /* enum rte_lcore_role_t */
	int32_t core_index;    /* rank among enabled lcores, -1 when off */
	uint32_t socket_id;
	uint32_t core_id;      /* the CPU's topology core_id */
	rte_cpuset_t cpuset;
};

struct eal_lcore_table {
	uint32_t main_lcore;
	uint32_t lcore_count;          /* ROLE_RTE plus registered ROLE_NON_EAL */
	uint32_t numa_node_count;
	uint32_t numa_nodes[RTE_MAX_NUMA_NODES];
	rte_rwlock_t lock;             /* roles, count and the callback list */
	struct eal_lcore_info lcore[RTE_MAX_LCORE];
};

extern struct eal_lcore_table eal_lcores;

static inline struct eal_lcore_table * eal_lcore_table_ptr(void) { return &eal_lcores; }
static inline rte_rwlock_t * eal_lcore_lock(void) { return &eal_lcores.lock; }

static inline struct eal_lcore_info *
eal_lcore_info_at(unsigned int lcore_id)
{
	return &eal_lcores.lcore[lcore_id];
}

/* Worker commands (the futex word `cmd`). */
#define EAL_CMD_IDLE 0u
#define EAL_CMD_GO 1u
#define EAL_CMD_SLEEPING 2u

/*
 * One lcore's launch slot. `state` is WAIT or RUNNING (enum rte_lcore_state_t) and
 * is the futex word waiters sleep on; `cmd` is the word the worker sleeps on.
 */
struct eal_launch_slot {
	uint32_t state;
	uint32_t waiters;      /* threads asleep in rte_eal_wait_lcore */
	uint32_t cmd;
	uint32_t stop;         /* 1: the worker leaves its loop */
	int32_t ret;
	uint32_t has_worker;   /* an EAL thread serves this slot */
	lcore_function_t *_Nullable f;
	void *_Nullable arg;
	uint8_t pad[RTE_CACHE_LINE_SIZE - 40]; /* one cache line per slot */
};

/*
 * The slots of the current init (cache-line aligned by its allocator), or NULL
 * outside init.
 */
struct eal_launch_block {
	struct eal_launch_slot slot[RTE_MAX_LCORE];
	uint32_t refs;         /* the table's reference plus one per detached worker */
};

extern struct eal_launch_block *_Nullable eal_launch_current;

static inline struct eal_launch_slot *_Nullable
eal_launch_slot_at(unsigned int lcore_id)
{
	struct eal_launch_block *_Nullable b = __atomic_load_n(&eal_launch_current, __ATOMIC_ACQUIRE);
	return b == NULL ? NULL : &b->slot[lcore_id];
}

static inline struct eal_launch_slot *
eal_launch_block_slot(struct eal_launch_block * b, unsigned int lcore_id)
{
	return &b->slot[lcore_id];
}

static inline struct eal_launch_block *_Nullable
eal_launch_current_block(void)
{
	return __atomic_load_n(&eal_launch_current, __ATOMIC_ACQUIRE);
}

static inline void
eal_launch_publish(struct eal_launch_block *_Nullable b)
{
	__atomic_store_n(&eal_launch_current, b, __ATOMIC_RELEASE);
}

/* Zeroes the table (every lcore back to DPDK's pre-init state), lock excepted. */
void eal_lcore_table_reset(void);

/* ---- atomics on C storage ---- */
static inline uint32_t eal_load_acquire(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline uint32_t eal_load_seq(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void eal_store_release(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void eal_store_seq(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline uint32_t eal_exchange(uint32_t *p, uint32_t v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline uint32_t eal_fetch_add(uint32_t *p, uint32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline uint32_t eal_fetch_sub(uint32_t *p, uint32_t v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }
static inline int
eal_cas(uint32_t *p, uint32_t expected, uint32_t desired)
{
	return __atomic_compare_exchange_n(p, &expected, desired, 0,
			__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
static inline void eal_cpu_relax(void) { __builtin_ia32_pause(); }

/* Sleeps while *word == expected (or until woken, or a signal). Process-private. */
static inline void
eal_futex_wait(uint32_t *word, uint32_t expected)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static inline void
eal_futex_wake(uint32_t *word, int count)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

/* ---- per-thread EAL state that is not exported ---- */
extern __thread unsigned int eal_tls_socket_id __attribute__((visibility("hidden")));  /* SOCKET_ID_ANY until set */
extern __thread rte_cpuset_t eal_tls_cpuset __attribute__((visibility("hidden")));

static inline rte_cpuset_t * eal_tls_cpuset_ptr(void) { return &eal_tls_cpuset; }
static inline unsigned int eal_tls_socket(void) { return eal_tls_socket_id; }
static inline void eal_tls_set_socket(unsigned int s) { eal_tls_socket_id = s; }

/* ---- cpuid ---- */
static inline void
eal_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *regs)
{
	asm volatile("cpuid"
		: "=a" (regs[0]), "=b" (regs[1]), "=c" (regs[2]), "=d" (regs[3])
		: "a" (leaf), "c" (subleaf));
}

/* The (void *) a thread function returns, for a 32-bit rte_thread_func result. */
static inline void *_Nullable eal_u32_to_ptr(uint32_t v) { return (void *)(uintptr_t)v; }
static inline uint32_t eal_ptr_to_u32(void *_Nullable p) { return (uint32_t)(uintptr_t)p; }

#pragma clang assume_nonnull end

#endif
