/*
 * What the generated ABI probe (Tests/abi) cannot print: the results of the headers'
 * function-like macros and inline helpers, computed under include/ and under DPDK
 * 22.11's headers; the two outputs must be identical. Sizes, offsets, constants and
 * prototypes are the generator's.
 */
#define ALLOW_EXPERIMENTAL_API
#define ALLOW_INTERNAL_API
#include <stdio.h>
#include <stdint.h>
#include <rte_atomic.h>
#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_per_lcore.h>
#include <rte_rwlock.h>
#include <rte_spinlock.h>
#include <rte_uuid.h>
#include <rte_version.h>

#define VAL(v) printf("%s = %lld (size %zu)\n", #v, (long long)(v), sizeof(v))

RTE_DEFINE_PER_LCORE(int, abi_probe);

static void uuid(const char *what, const rte_uuid_t u)
{
	printf("%s = ", what);
	for (int i = 0; i < 16; i++)
		printf("%02x", u[i]);
	printf("\n");
}

static void macros(void)
{
	VAL(RTE_ALIGN(13, 8)); VAL(RTE_ALIGN_FLOOR(13, 8)); VAL(RTE_ALIGN_CEIL(17, 16));
	VAL(RTE_ALIGN_MUL_CEIL(10, 3)); VAL(RTE_ALIGN_MUL_FLOOR(10, 3)); VAL(RTE_ALIGN_MUL_NEAR(10, 3));
	VAL(RTE_MIN(3, 4)); VAL(RTE_MAX(3, 4)); VAL(RTE_IS_POWER_OF_2(64)); VAL(RTE_IS_POWER_OF_2(65));
	VAL(RTE_LEN2MASK(5, uint32_t)); VAL(RTE_PTR_DIFF((char *)100, (char *)36));
	VAL(RTE_CACHE_LINE_ROUNDUP(65));
	VAL(RTE_BIT32(0)); VAL(RTE_BIT32(31)); VAL(RTE_BIT64(0)); VAL(RTE_BIT64(63));
	VAL(RTE_VERSION_NUM(22, 11, 1, 2));
	printf("RTE_STR(RTE_MAX_LCORE) = %s\n", RTE_STR(RTE_MAX_LCORE));
	printf("RTE_STR(RTE_ARCH) = %s\n", RTE_STR(RTE_ARCH));
	printf("sizeof(RTE_PER_LCORE(abi_probe)) = %zu\n", sizeof(RTE_PER_LCORE(abi_probe)));
	printf("sizeof(RTE_PER_LCORE(_lcore_id)) = %zu\n", sizeof(RTE_PER_LCORE(_lcore_id)));
	rte_uuid_t a = RTE_UUID_INIT(0x12345678, 0x9abc, 0xdef0, 0x1234, 0x56789abcdef0ULL);
	rte_uuid_t b = RTE_UUID_INIT(0x01020304, 0x0506, 0x0708, 0x090a, 0x0b0c0d0e0f10ULL);
	uuid("RTE_UUID_INIT a", a);
	uuid("RTE_UUID_INIT b", b);
}

static void bit_helpers(void)
{
	for (uint32_t v = 0; v < 70; v += 7) {
		printf("v=%u pow2=%u prev=%u log2=%u fls=%u is=%d a64=%llu p64=%llu l64=%u f64=%u\n", v,
			rte_align32pow2(v), rte_align32prevpow2(v), rte_log2_u32(v), rte_fls_u32(v),
			rte_is_power_of_2(v), (unsigned long long)rte_align64pow2(v),
			(unsigned long long)rte_align64prevpow2(v), rte_log2_u64(v), rte_fls_u64(v));
		if (v)
			printf("bsf32=%u bsf64=%u\n", rte_bsf32(v), rte_bsf64((uint64_t)v << 33));
	}
	uint32_t pos = 99;
	printf("bsf32_safe(0)=%d pos=%u ", rte_bsf32_safe(0, &pos), pos);
	printf("bsf64_safe(8)=%d pos=%u aligned=%d\n", rte_bsf64_safe(8, &pos), pos,
		rte_is_aligned((void *)64, 32));

	volatile uint32_t w = 0x5;
	volatile uint64_t q = 0x5;
	VAL(rte_bit_relaxed_get32(2, &w)); VAL(rte_bit_relaxed_get32(1, &w));
	rte_bit_relaxed_set32(1, &w); VAL(w);
	rte_bit_relaxed_clear32(0, &w); VAL(w);
	VAL(rte_bit_relaxed_test_and_set32(3, &w)); VAL(w);
	VAL(rte_bit_relaxed_test_and_clear32(3, &w)); VAL(w);
	VAL(rte_bit_relaxed_get64(2, &q)); rte_bit_relaxed_set64(40, &q); VAL(q);
	rte_bit_relaxed_clear64(0, &q); VAL(q);
	VAL(rte_bit_relaxed_test_and_set64(63, &q)); VAL(q);
	VAL(rte_bit_relaxed_test_and_clear64(63, &q)); VAL(q);
}

static void locks(void)
{
	rte_spinlock_t sl = RTE_SPINLOCK_INITIALIZER;
	printf("spin: %d ", rte_spinlock_trylock(&sl));
	printf("%d %d ", rte_spinlock_trylock(&sl), rte_spinlock_is_locked(&sl));
	rte_spinlock_unlock(&sl);
	printf("%d\n", rte_spinlock_is_locked(&sl));
	/* the recursive lock needs the library (rte_gettid): test_locks runs it */
	rte_rwlock_t rw = RTE_RWLOCK_INITIALIZER;
	printf("rw: %d ", rte_rwlock_read_trylock(&rw));
	printf("%d ", rte_rwlock_read_trylock(&rw));
	printf("%d cnt=%d ", rte_rwlock_write_trylock(&rw), rw.cnt);
	rte_rwlock_read_unlock(&rw); rte_rwlock_read_unlock(&rw);
	printf("%d cnt=%d\n", rte_rwlock_write_trylock(&rw), rw.cnt);
}

static void atomics(void)
{
	rte_atomic16_t a16 = RTE_ATOMIC16_INIT(5);
	rte_atomic32_t a32 = RTE_ATOMIC32_INIT(-3);
	rte_atomic64_t a64 = RTE_ATOMIC64_INIT(1LL << 40);
	VAL(rte_atomic16_read(&a16)); VAL(rte_atomic32_read(&a32)); VAL(rte_atomic64_read(&a64));
	rte_atomic16_add(&a16, 3); rte_atomic16_sub(&a16, 1); rte_atomic16_inc(&a16); rte_atomic16_dec(&a16);
	VAL(rte_atomic16_read(&a16));
	VAL(rte_atomic16_add_return(&a16, 10)); VAL(rte_atomic16_sub_return(&a16, 20));
	rte_atomic16_set(&a16, -1);
	VAL(rte_atomic16_inc_and_test(&a16)); VAL(rte_atomic16_inc_and_test(&a16));
	VAL(rte_atomic16_dec_and_test(&a16)); VAL(rte_atomic16_dec_and_test(&a16));
	rte_atomic16_clear(&a16);
	VAL(rte_atomic16_test_and_set(&a16)); VAL(rte_atomic16_test_and_set(&a16));
	rte_atomic16_init(&a16); VAL(rte_atomic16_read(&a16));
	rte_atomic32_add(&a32, 3); rte_atomic32_sub(&a32, 1); rte_atomic32_inc(&a32); rte_atomic32_dec(&a32);
	VAL(rte_atomic32_read(&a32));
	VAL(rte_atomic32_add_return(&a32, 10)); VAL(rte_atomic32_sub_return(&a32, 20));
	rte_atomic32_set(&a32, 1);
	VAL(rte_atomic32_dec_and_test(&a32)); VAL(rte_atomic32_dec_and_test(&a32));
	VAL(rte_atomic32_inc_and_test(&a32)); VAL(rte_atomic32_inc_and_test(&a32));
	rte_atomic32_clear(&a32);
	VAL(rte_atomic32_test_and_set(&a32)); VAL(rte_atomic32_test_and_set(&a32));
	rte_atomic32_init(&a32); VAL(rte_atomic32_read(&a32));
	rte_atomic64_add(&a64, 3); rte_atomic64_sub(&a64, 1); rte_atomic64_inc(&a64); rte_atomic64_dec(&a64);
	VAL(rte_atomic64_read(&a64));
	VAL(rte_atomic64_add_return(&a64, 10)); VAL(rte_atomic64_sub_return(&a64, 1LL << 41));
	rte_atomic64_set(&a64, -1);
	VAL(rte_atomic64_inc_and_test(&a64)); VAL(rte_atomic64_inc_and_test(&a64));
	VAL(rte_atomic64_dec_and_test(&a64)); VAL(rte_atomic64_dec_and_test(&a64));
	rte_atomic64_clear(&a64);
	VAL(rte_atomic64_test_and_set(&a64)); VAL(rte_atomic64_test_and_set(&a64));
	rte_atomic64_init(&a64); VAL(rte_atomic64_read(&a64));
	volatile uint16_t u16 = 7;
	volatile uint32_t u32 = 7;
	volatile uint64_t u64 = 7;
	VAL(rte_atomic16_cmpset(&u16, 7, 8)); VAL(rte_atomic16_cmpset(&u16, 7, 9)); VAL(u16);
	VAL(rte_atomic32_cmpset(&u32, 7, 8)); VAL(rte_atomic32_cmpset(&u32, 7, 9)); VAL(u32);
	VAL(rte_atomic64_cmpset(&u64, 7, 8)); VAL(rte_atomic64_cmpset(&u64, 7, 9)); VAL(u64);
	VAL(rte_atomic16_exchange(&u16, 1)); VAL(u16);
	VAL(rte_atomic32_exchange(&u32, 1)); VAL(u32);
	VAL(rte_atomic64_exchange(&u64, 1)); VAL(u64);
	rte_int128_t dst = { .val = { 1, 2 } }, exp = { .val = { 1, 2 } }, src = { .val = { 3, 4 } };
	VAL(rte_atomic128_cmp_exchange(&dst, &exp, &src, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	VAL(dst.val[0]); VAL(dst.val[1]); VAL(exp.val[0]); VAL(exp.val[1]);
	exp.val[0] = 9;
	VAL(rte_atomic128_cmp_exchange(&dst, &exp, &src, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	VAL(exp.val[0]); VAL(exp.val[1]);
	/* the barriers only have to exist and compile under both header sets */
	rte_mb(); rte_wmb(); rte_rmb(); rte_smp_mb(); rte_smp_wmb(); rte_smp_rmb();
	rte_io_mb(); rte_io_wmb(); rte_io_rmb(); rte_compiler_barrier();
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST); rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
}

int main(void)
{
	macros();
	bit_helpers();
	locks();
	atomics();
	return 0;
}
