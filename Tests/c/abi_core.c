/*
 * ABI facts of the core headers: built against include/ and against DPDK 22.11's
 * headers, the two outputs must be identical.
 */
#include <stdio.h>
#include <stddef.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_errno.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_thread.h>
#include <rte_spinlock.h>
#include <rte_rwlock.h>
#include <rte_uuid.h>
#include <rte_per_lcore.h>

#define SIZE(t) printf("sizeof(%s)=%zu align=%zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, f) printf("offsetof(%s,%s)=%zu\n", #t, #f, offsetof(t, f))
#define VAL(v) printf("%s=%lld\n", #v, (long long)(v))

RTE_DEFINE_PER_LCORE(int, abi_probe);

int main(void)
{
	SIZE(struct rte_mp_msg);
	OFF(struct rte_mp_msg, name); OFF(struct rte_mp_msg, len_param);
	OFF(struct rte_mp_msg, num_fds); OFF(struct rte_mp_msg, param); OFF(struct rte_mp_msg, fds);
	SIZE(struct rte_mp_reply);
	OFF(struct rte_mp_reply, nb_sent); OFF(struct rte_mp_reply, nb_received); OFF(struct rte_mp_reply, msgs);
	SIZE(rte_spinlock_t); OFF(rte_spinlock_t, locked);
	SIZE(rte_spinlock_recursive_t); OFF(rte_spinlock_recursive_t, sl);
	OFF(rte_spinlock_recursive_t, user); OFF(rte_spinlock_recursive_t, count);
	SIZE(rte_rwlock_t); OFF(rte_rwlock_t, cnt);
	SIZE(rte_thread_t); OFF(rte_thread_t, opaque_id);
	SIZE(rte_thread_attr_t); OFF(rte_thread_attr_t, priority); OFF(rte_thread_attr_t, cpuset);
	SIZE(rte_cpuset_t); SIZE(rte_uuid_t); SIZE(rte_iova_t); SIZE(phys_addr_t);
	SIZE(rte_thread_key); SIZE(lcore_function_t *); SIZE(rte_usage_hook_t);
	SIZE(rte_mp_t); SIZE(rte_mp_async_reply_t); SIZE(rte_lcore_init_cb); SIZE(rte_lcore_iterate_cb);
	SIZE(enum rte_proc_type_t); SIZE(enum rte_iova_mode); SIZE(enum rte_lcore_role_t);
	SIZE(enum rte_lcore_state_t); SIZE(enum rte_rmt_call_main_t); SIZE(enum rte_thread_priority);
	SIZE(enum rte_intr_mode);
	SIZE(RTE_PER_LCORE(abi_probe));

	VAL(RTE_PROC_AUTO); VAL(RTE_PROC_PRIMARY); VAL(RTE_PROC_SECONDARY); VAL(RTE_PROC_INVALID);
	VAL(RTE_IOVA_DC); VAL(RTE_IOVA_PA); VAL(RTE_IOVA_VA);
	VAL(ROLE_RTE); VAL(ROLE_OFF); VAL(ROLE_SERVICE); VAL(ROLE_NON_EAL);
	VAL(WAIT); VAL(RUNNING); VAL(SKIP_MAIN); VAL(CALL_MAIN);
	VAL(RTE_THREAD_PRIORITY_NORMAL); VAL(RTE_THREAD_PRIORITY_REALTIME_CRITICAL);
	VAL(RTE_INTR_MODE_NONE); VAL(RTE_INTR_MODE_LEGACY); VAL(RTE_INTR_MODE_MSI); VAL(RTE_INTR_MODE_MSIX);
	VAL(RTE_MIN_ERRNO); VAL(E_RTE_SECONDARY); VAL(E_RTE_NO_CONFIG); VAL(RTE_MAX_ERRNO);
	VAL(RTE_MAGIC); VAL(RTE_MP_MAX_FD_NUM); VAL(RTE_MP_MAX_NAME_LEN); VAL(RTE_MP_MAX_PARAM_LEN);
	VAL(LCORE_ID_ANY); VAL(RTE_UUID_STRLEN);
	VAL(RTE_MAX_LCORE); VAL(RTE_MAX_NUMA_NODES); VAL(RTE_MAX_HEAPS); VAL(RTE_MAX_MEMSEG_LISTS);
	VAL(RTE_MAX_MEMSEG_PER_LIST); VAL(RTE_MAX_MEM_MB_PER_LIST); VAL(RTE_MAX_MEMSEG_PER_TYPE);
	VAL(RTE_MAX_MEM_MB_PER_TYPE); VAL(RTE_MAX_MEM_MB); VAL(RTE_MAX_MEMZONE); VAL(RTE_MAX_TAILQ);
	VAL(RTE_MAX_VFIO_GROUPS); VAL(RTE_MAX_VFIO_CONTAINERS); VAL(RTE_MAX_ETHPORTS);
	VAL(RTE_CACHE_LINE_SIZE); VAL(RTE_CACHE_LINE_MASK); VAL(RTE_CACHE_LINE_SIZE_LOG2);
	VAL(RTE_CACHE_LINE_MIN_SIZE); VAL(RTE_CACHE_LINE_ROUNDUP(65));
	VAL(RTE_VER_YEAR); VAL(RTE_VER_MONTH); VAL(RTE_VER_MINOR); VAL(RTE_VER_RELEASE);
	VAL(RTE_PRIORITY_LOG); VAL(RTE_PRIORITY_BUS); VAL(RTE_PRIORITY_CLASS); VAL(RTE_PRIORITY_LAST);
	VAL(RTE_BAD_IOVA); VAL(RTE_BAD_PHYS_ADDR);
	VAL(RTE_RWLOCK_WAIT); VAL(RTE_RWLOCK_WRITE); VAL(RTE_RWLOCK_MASK); VAL(RTE_RWLOCK_READ);
	printf("RTE_VER_PREFIX=%s RTE_VER_SUFFIX=%s RTE_STR=%s\n", RTE_VER_PREFIX, RTE_VER_SUFFIX, RTE_STR(RTE_MAX_LCORE));

	/* inline helpers and macros computed */
	VAL(RTE_ALIGN(13, 8)); VAL(RTE_ALIGN_FLOOR(13, 8)); VAL(RTE_ALIGN_CEIL(17, 16));
	VAL(RTE_ALIGN_MUL_CEIL(10, 3)); VAL(RTE_ALIGN_MUL_FLOOR(10, 3)); VAL(RTE_ALIGN_MUL_NEAR(10, 3));
	VAL(RTE_MIN(3, 4)); VAL(RTE_MAX(3, 4)); VAL(RTE_IS_POWER_OF_2(64)); VAL(RTE_IS_POWER_OF_2(65));
	VAL(RTE_LEN2MASK(5, uint32_t)); VAL(RTE_PTR_DIFF((char *)100, (char *)36));
	for (uint32_t v = 0; v < 70; v += 7) {
		printf("v=%u pow2=%u prev=%u log2=%u fls=%u is=%d a64=%llu p64=%llu l64=%u f64=%u\n", v,
			rte_align32pow2(v), rte_align32prevpow2(v), rte_log2_u32(v), rte_fls_u32(v),
			rte_is_power_of_2(v), (unsigned long long)rte_align64pow2(v),
			(unsigned long long)rte_align64prevpow2(v), rte_log2_u64(v), rte_fls_u64(v));
		if (v) printf("bsf32=%u bsf64=%u\n", rte_bsf32(v), rte_bsf64((uint64_t)v << 33));
	}
	uint32_t pos = 99;
	printf("bsf32_safe(0)=%d pos=%u bsf64_safe(8)=%d ", rte_bsf32_safe(0, &pos), pos, rte_bsf64_safe(8, &pos));
	printf("pos=%u aligned=%d\n", pos, rte_is_aligned((void *)64, 32));
	rte_spinlock_t sl = RTE_SPINLOCK_INITIALIZER;
	printf("spin: %d ", rte_spinlock_trylock(&sl));
	printf("%d %d ", rte_spinlock_trylock(&sl), rte_spinlock_is_locked(&sl));
	rte_spinlock_unlock(&sl);
	printf("%d\n", rte_spinlock_is_locked(&sl));
	rte_rwlock_t rw = RTE_RWLOCK_INITIALIZER;
	printf("rw: %d ", rte_rwlock_read_trylock(&rw));
	printf("%d ", rte_rwlock_read_trylock(&rw));
	printf("%d cnt=%d ", rte_rwlock_write_trylock(&rw), rw.cnt);
	rte_rwlock_read_unlock(&rw); rte_rwlock_read_unlock(&rw);
	printf("%d cnt=%d\n", rte_rwlock_write_trylock(&rw), rw.cnt);
	rte_uuid_t u = RTE_UUID_INIT(0x12345678, 0x9abc, 0xdef0, 0x1234, 0x56789abcdef0ULL);
	for (int i = 0; i < 16; i++) printf("%02x", u[i]);
	printf("\n");
	return 0;
}
