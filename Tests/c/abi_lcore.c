/*
 * ABI facts of the lcore, launch, thread, cycles, atomic, cpuflags, vect and
 * hypervisor headers, and the results of their inline helpers: built against
 * include/ and against DPDK 22.11's headers, the two outputs must be identical.
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <rte_atomic.h>
#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_hypervisor.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_thread.h>
#include <rte_vect.h>

#define SIZE(t) printf("sizeof(%s)=%zu align=%zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, f) printf("offsetof(%s,%s)=%zu\n", #t, #f, offsetof(t, f))
#define VAL(v) printf("%s=%lld\n", #v, (long long)(v))

int main(void)
{
	/* rte_lcore.h, rte_launch.h, rte_thread.h */
	VAL(LCORE_ID_ANY);
	VAL(ROLE_RTE); VAL(ROLE_OFF); VAL(ROLE_SERVICE); VAL(ROLE_NON_EAL);
	SIZE(enum rte_lcore_role_t);
	VAL(WAIT); VAL(RUNNING); VAL(SKIP_MAIN); VAL(CALL_MAIN);
	SIZE(enum rte_lcore_state_t); SIZE(enum rte_rmt_call_main_t);
	SIZE(lcore_function_t *); SIZE(rte_lcore_init_cb); SIZE(rte_lcore_uninit_cb);
	SIZE(rte_lcore_iterate_cb);
	SIZE(rte_thread_t); OFF(rte_thread_t, opaque_id);
	SIZE(rte_thread_attr_t); OFF(rte_thread_attr_t, priority); OFF(rte_thread_attr_t, cpuset);
	SIZE(rte_thread_key); SIZE(rte_thread_func); SIZE(rte_cpuset_t);
	VAL(RTE_THREAD_PRIORITY_NORMAL); VAL(RTE_THREAD_PRIORITY_REALTIME_CRITICAL);
	SIZE(enum rte_thread_priority);
	SIZE(RTE_PER_LCORE(_lcore_id));

	/* rte_cycles.h */
	VAL(MS_PER_S); VAL(US_PER_S); VAL(NS_PER_S);
	VAL(EAL_TIMER_TSC); VAL(EAL_TIMER_HPET);
	SIZE(enum timer_source); SIZE(eal_timer_source); SIZE(rte_delay_us);

	/* rte_atomic.h */
	SIZE(rte_atomic16_t); OFF(rte_atomic16_t, cnt);
	SIZE(rte_atomic32_t); OFF(rte_atomic32_t, cnt);
	SIZE(rte_atomic64_t); OFF(rte_atomic64_t, cnt);
	SIZE(rte_int128_t); OFF(rte_int128_t, val); OFF(rte_int128_t, int128);
	printf("MPLOCKED=\"%s\"\n", MPLOCKED);
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
	volatile uint16_t u16 = 7; volatile uint32_t u32 = 7; volatile uint64_t u64 = 7;
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
	rte_mb(); rte_wmb(); rte_rmb(); rte_smp_mb(); rte_smp_wmb(); rte_smp_rmb();
	rte_io_mb(); rte_io_wmb(); rte_io_rmb(); rte_compiler_barrier();
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST); rte_atomic_thread_fence(__ATOMIC_ACQUIRE);

	/* rte_cpuflags.h */
	SIZE(struct rte_cpu_intrinsics);
	struct rte_cpu_intrinsics ci;
	uint32_t raw;
	memset(&ci, 0, sizeof(ci)); ci.power_monitor = 1; memcpy(&raw, &ci, 4); VAL(raw);
	memset(&ci, 0, sizeof(ci)); ci.power_pause = 1; memcpy(&raw, &ci, 4); VAL(raw);
	memset(&ci, 0, sizeof(ci)); ci.power_monitor_multi = 1; memcpy(&raw, &ci, 4); VAL(raw);
	SIZE(enum rte_cpu_flag_t);
	VAL(RTE_CPUFLAG_SSE3); VAL(RTE_CPUFLAG_HYPERVISOR); VAL(RTE_CPUFLAG_FPU); VAL(RTE_CPUFLAG_PBE);
	VAL(RTE_CPUFLAG_DIGTEMP); VAL(RTE_CPUFLAG_ENERGY_EFF); VAL(RTE_CPUFLAG_FSGSBASE);
	VAL(RTE_CPUFLAG_RDSEED); VAL(RTE_CPUFLAG_LAHF_SAHF); VAL(RTE_CPUFLAG_1GB_PG);
	VAL(RTE_CPUFLAG_INVTSC); VAL(RTE_CPUFLAG_AVX512DQ); VAL(RTE_CPUFLAG_AVX512VP2INTERSECT);
	VAL(RTE_CPUFLAG_WAITPKG); VAL(RTE_CPUFLAG_NUMFLAGS);
	VAL(RTE_CPUFLAG_PCLMULQDQ); VAL(RTE_CPUFLAG_SSE4_2); VAL(RTE_CPUFLAG_AVX); VAL(RTE_CPUFLAG_AVX2);
	VAL(RTE_CPUFLAG_AVX512F); VAL(RTE_CPUFLAG_RTM); VAL(RTE_CPUFLAG_CMPXCHG16B); VAL(RTE_CPUFLAG_TSC);
	VAL(RTE_CPUFLAG_SSE); VAL(RTE_CPUFLAG_SSE2); VAL(RTE_CPUFLAG_EM64T); VAL(RTE_CPUFLAG_GFNI);

	/* rte_vect.h */
	VAL(RTE_VECT_SIMD_DISABLED); VAL(RTE_VECT_SIMD_128); VAL(RTE_VECT_SIMD_256);
	VAL(RTE_VECT_SIMD_512); VAL(RTE_VECT_SIMD_MAX); VAL(RTE_VECT_DEFAULT_SIMD_BITWIDTH);
	SIZE(enum rte_vect_max_simd);
	VAL(XMM_SIZE); VAL(XMM_MASK); SIZE(xmm_t); SIZE(rte_xmm_t);
	OFF(rte_xmm_t, u8); OFF(rte_xmm_t, u64); OFF(rte_xmm_t, pd);
	SIZE(rte_v64u8_t); SIZE(rte_v64u16_t); SIZE(rte_v64u32_t);
	SIZE(rte_v128u8_t); SIZE(rte_v128u16_t); SIZE(rte_v128u32_t); SIZE(rte_v128u64_t);
	SIZE(rte_v256u8_t); SIZE(rte_v256u16_t); SIZE(rte_v256u32_t); SIZE(rte_v256u64_t);
	SIZE(rte_v64s8_t); SIZE(rte_v64s16_t); SIZE(rte_v64s32_t);
	SIZE(rte_v128s8_t); SIZE(rte_v128s16_t); SIZE(rte_v128s32_t); SIZE(rte_v128s64_t);
	SIZE(rte_v256s8_t); SIZE(rte_v256s16_t); SIZE(rte_v256s32_t); SIZE(rte_v256s64_t);

	/* rte_hypervisor.h */
	VAL(RTE_HYPERVISOR_NONE); VAL(RTE_HYPERVISOR_KVM); VAL(RTE_HYPERVISOR_HYPERV);
	VAL(RTE_HYPERVISOR_VMWARE); VAL(RTE_HYPERVISOR_UNKNOWN); SIZE(enum rte_hypervisor);
	return 0;
}
