/*
 * SwiftEAL: memory barriers and the legacy rte_atomicNN_t counters (x86_64).
 *
 * Every read-modify-write here is a full barrier (a lock-prefixed instruction),
 * as on DPDK's x86 build. New code should prefer the C11 __atomic builtins.
 */
#ifndef _RTE_ATOMIC_H_
#define _RTE_ATOMIC_H_

#include <stdint.h>
#include <emmintrin.h>
#include <rte_config.h>
#include <rte_compat.h>
#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPLOCKED "lock ; "

/* Stops the compiler from moving memory accesses across this point. */
#define rte_compiler_barrier() do { \
	asm volatile ("" : : : "memory"); \
} while (0)

/* Ordering against everything: loads and stores, cached or not. */
#define rte_mb() _mm_mfence()
#define rte_wmb() _mm_sfence()
#define rte_rmb() _mm_lfence()

/* Ordering between lcores: x86 keeps loads and stores in order except store->load. */
#define rte_smp_wmb() rte_compiler_barrier()
#define rte_smp_rmb() rte_compiler_barrier()

static __rte_always_inline void
rte_smp_mb(void)
{
	/* a locked no-op on the stack's red zone: a full barrier, cheaper than mfence */
	asm volatile("lock addl $0, -128(%%rsp); " ::: "memory");
}

/* Ordering for I/O (device) memory. */
#define rte_io_mb() rte_mb()
#define rte_io_wmb() rte_compiler_barrier()
#define rte_io_rmb() rte_compiler_barrier()

/* A fence with the strength of memorder (an __ATOMIC_* constant). */
static __rte_always_inline void
rte_atomic_thread_fence(int memorder)
{
	if (memorder == __ATOMIC_SEQ_CST)
		rte_smp_mb();
	else
		__atomic_thread_fence(memorder);
}

/* ---- 16 bits ---- */

/* Writes src to *dst if *dst == exp; non-zero when it did. */
static inline int
rte_atomic16_cmpset(volatile uint16_t *dst, uint16_t exp, uint16_t src)
{
	return __sync_bool_compare_and_swap(dst, exp, src);
}

/* Writes val to *dst and returns what was there. */
static inline uint16_t
rte_atomic16_exchange(volatile uint16_t *dst, uint16_t val)
{
	return __atomic_exchange_n(dst, val, __ATOMIC_SEQ_CST);
}

typedef struct {
	volatile int16_t cnt;
} rte_atomic16_t;

#define RTE_ATOMIC16_INIT(val) { (val) }

static inline void
rte_atomic16_init(rte_atomic16_t *v)
{
	v->cnt = 0;
}

static inline int16_t
rte_atomic16_read(const rte_atomic16_t *v)
{
	return v->cnt;
}

static inline void
rte_atomic16_set(rte_atomic16_t *v, int16_t new_value)
{
	v->cnt = new_value;
}

static inline void
rte_atomic16_add(rte_atomic16_t *v, int16_t inc)
{
	__sync_fetch_and_add(&v->cnt, inc);
}

static inline void
rte_atomic16_sub(rte_atomic16_t *v, int16_t dec)
{
	__sync_fetch_and_sub(&v->cnt, dec);
}

static inline void
rte_atomic16_inc(rte_atomic16_t *v)
{
	rte_atomic16_add(v, 1);
}

static inline void
rte_atomic16_dec(rte_atomic16_t *v)
{
	rte_atomic16_sub(v, 1);
}

static inline int16_t
rte_atomic16_add_return(rte_atomic16_t *v, int16_t inc)
{
	return __sync_add_and_fetch(&v->cnt, inc);
}

static inline int16_t
rte_atomic16_sub_return(rte_atomic16_t *v, int16_t dec)
{
	return __sync_sub_and_fetch(&v->cnt, dec);
}

/* Increments; true when the result is zero. */
static inline int
rte_atomic16_inc_and_test(rte_atomic16_t *v)
{
	return __sync_add_and_fetch(&v->cnt, 1) == 0;
}

/* Decrements; true when the result is zero. */
static inline int
rte_atomic16_dec_and_test(rte_atomic16_t *v)
{
	return __sync_sub_and_fetch(&v->cnt, 1) == 0;
}

/* Sets the counter to 1 if it was 0; true when it did. */
static inline int
rte_atomic16_test_and_set(rte_atomic16_t *v)
{
	return rte_atomic16_cmpset((volatile uint16_t *)&v->cnt, 0, 1);
}

static inline void
rte_atomic16_clear(rte_atomic16_t *v)
{
	v->cnt = 0;
}

/* ---- 32 bits ---- */

static inline int
rte_atomic32_cmpset(volatile uint32_t *dst, uint32_t exp, uint32_t src)
{
	return __sync_bool_compare_and_swap(dst, exp, src);
}

static inline uint32_t
rte_atomic32_exchange(volatile uint32_t *dst, uint32_t val)
{
	return __atomic_exchange_n(dst, val, __ATOMIC_SEQ_CST);
}

typedef struct {
	volatile int32_t cnt;
} rte_atomic32_t;

#define RTE_ATOMIC32_INIT(val) { (val) }

static inline void
rte_atomic32_init(rte_atomic32_t *v)
{
	v->cnt = 0;
}

static inline int32_t
rte_atomic32_read(const rte_atomic32_t *v)
{
	return v->cnt;
}

static inline void
rte_atomic32_set(rte_atomic32_t *v, int32_t new_value)
{
	v->cnt = new_value;
}

static inline void
rte_atomic32_add(rte_atomic32_t *v, int32_t inc)
{
	__sync_fetch_and_add(&v->cnt, inc);
}

static inline void
rte_atomic32_sub(rte_atomic32_t *v, int32_t dec)
{
	__sync_fetch_and_sub(&v->cnt, dec);
}

static inline void
rte_atomic32_inc(rte_atomic32_t *v)
{
	rte_atomic32_add(v, 1);
}

static inline void
rte_atomic32_dec(rte_atomic32_t *v)
{
	rte_atomic32_sub(v, 1);
}

static inline int32_t
rte_atomic32_add_return(rte_atomic32_t *v, int32_t inc)
{
	return __sync_add_and_fetch(&v->cnt, inc);
}

static inline int32_t
rte_atomic32_sub_return(rte_atomic32_t *v, int32_t dec)
{
	return __sync_sub_and_fetch(&v->cnt, dec);
}

static inline int
rte_atomic32_inc_and_test(rte_atomic32_t *v)
{
	return __sync_add_and_fetch(&v->cnt, 1) == 0;
}

static inline int
rte_atomic32_dec_and_test(rte_atomic32_t *v)
{
	return __sync_sub_and_fetch(&v->cnt, 1) == 0;
}

static inline int
rte_atomic32_test_and_set(rte_atomic32_t *v)
{
	return rte_atomic32_cmpset((volatile uint32_t *)&v->cnt, 0, 1);
}

static inline void
rte_atomic32_clear(rte_atomic32_t *v)
{
	v->cnt = 0;
}

/* ---- 64 bits ---- */

static inline int
rte_atomic64_cmpset(volatile uint64_t *dst, uint64_t exp, uint64_t src)
{
	return __sync_bool_compare_and_swap(dst, exp, src);
}

static inline uint64_t
rte_atomic64_exchange(volatile uint64_t *dst, uint64_t val)
{
	return __atomic_exchange_n(dst, val, __ATOMIC_SEQ_CST);
}

typedef struct {
	volatile int64_t cnt;
} rte_atomic64_t;

#define RTE_ATOMIC64_INIT(val) { (val) }

static inline void
rte_atomic64_init(rte_atomic64_t *v)
{
	v->cnt = 0;
}

static inline int64_t
rte_atomic64_read(rte_atomic64_t *v)
{
	return v->cnt;
}

static inline void
rte_atomic64_set(rte_atomic64_t *v, int64_t new_value)
{
	v->cnt = new_value;
}

static inline void
rte_atomic64_add(rte_atomic64_t *v, int64_t inc)
{
	__sync_fetch_and_add(&v->cnt, inc);
}

static inline void
rte_atomic64_sub(rte_atomic64_t *v, int64_t dec)
{
	__sync_fetch_and_sub(&v->cnt, dec);
}

static inline void
rte_atomic64_inc(rte_atomic64_t *v)
{
	rte_atomic64_add(v, 1);
}

static inline void
rte_atomic64_dec(rte_atomic64_t *v)
{
	rte_atomic64_sub(v, 1);
}

static inline int64_t
rte_atomic64_add_return(rte_atomic64_t *v, int64_t inc)
{
	return __sync_add_and_fetch(&v->cnt, inc);
}

static inline int64_t
rte_atomic64_sub_return(rte_atomic64_t *v, int64_t dec)
{
	return __sync_sub_and_fetch(&v->cnt, dec);
}

static inline int
rte_atomic64_inc_and_test(rte_atomic64_t *v)
{
	return rte_atomic64_add_return(v, 1) == 0;
}

static inline int
rte_atomic64_dec_and_test(rte_atomic64_t *v)
{
	return rte_atomic64_sub_return(v, 1) == 0;
}

static inline int
rte_atomic64_test_and_set(rte_atomic64_t *v)
{
	return rte_atomic64_cmpset((volatile uint64_t *)&v->cnt, 0, 1);
}

static inline void
rte_atomic64_clear(rte_atomic64_t *v)
{
	v->cnt = 0;
}

/* ---- 128 bits ---- */

typedef struct {
	RTE_STD_C11
	union {
		uint64_t val[2];
		__extension__ __int128 int128;
	};
} __rte_aligned(16) rte_int128_t;

/*
 * If *dst == *exp, writes *src to *dst and returns 1; otherwise copies *dst into
 * *exp and returns 0. Always a full barrier (cmpxchg16b); weak and the memory
 * orders are accepted for the API's sake.
 */
__rte_experimental
static inline int
rte_atomic128_cmp_exchange(rte_int128_t *dst, rte_int128_t *exp,
		const rte_int128_t *src, unsigned int weak, int success, int failure)
{
	uint8_t ok;

	RTE_SET_USED(weak);
	RTE_SET_USED(success);
	RTE_SET_USED(failure);
	asm volatile(MPLOCKED "cmpxchg16b %[mem]; sete %[ok]"
		: [mem] "+m" (*dst), [ok] "=q" (ok),
		  "+a" (exp->val[0]), "+d" (exp->val[1])
		: "b" (src->val[0]), "c" (src->val[1])
		: "memory", "cc");
	return ok;
}

#ifdef __cplusplus
}
#endif

#endif
