/*
 * ABI facts of the log/debug/misc headers: struct layouts and constant values, printed
 * under our headers and DPDK's; the two outputs must be identical.
 */
#define ALLOW_EXPERIMENTAL_API 1
#include <stddef.h>
#include <stdio.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_hexdump.h>
#include <rte_log.h>
#include <rte_random.h>
#include <rte_reciprocal.h>
#include <rte_string_fns.h>
#include <rte_tailq.h>
#include <rte_uuid.h>
#include <rte_version.h>

#define SIZE(t) printf("sizeof(%s) = %zu align = %zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, f) printf("offsetof(%s, %s) = %zu size = %zu\n", #t, #f, offsetof(t, f), sizeof(((t *)0)->f))
#define VAL(m) printf("%s = %lld\n", #m, (long long)(m))
#define STR(m) printf("%s = \"%s\"\n", #m, m)

int
main(void)
{
	SIZE(struct rte_tailq_entry);
	OFF(struct rte_tailq_entry, next);
	OFF(struct rte_tailq_entry, data);
	SIZE(struct rte_tailq_entry_head);
	SIZE(struct rte_tailq_head);
	OFF(struct rte_tailq_head, tailq_head);
	OFF(struct rte_tailq_head, name);
	SIZE(struct rte_tailq_elem);
	OFF(struct rte_tailq_elem, head);
	OFF(struct rte_tailq_elem, next);
	OFF(struct rte_tailq_elem, name);
	SIZE(struct rte_reciprocal);
	OFF(struct rte_reciprocal, m);
	OFF(struct rte_reciprocal, sh1);
	OFF(struct rte_reciprocal, sh2);
	SIZE(struct rte_reciprocal_u64);
	OFF(struct rte_reciprocal_u64, m);
	OFF(struct rte_reciprocal_u64, sh1);
	OFF(struct rte_reciprocal_u64, sh2);
	SIZE(rte_uuid_t);

	VAL(RTE_LOGTYPE_EAL); VAL(RTE_LOGTYPE_MALLOC); VAL(RTE_LOGTYPE_RING);
	VAL(RTE_LOGTYPE_MEMPOOL); VAL(RTE_LOGTYPE_TIMER); VAL(RTE_LOGTYPE_PMD);
	VAL(RTE_LOGTYPE_HASH); VAL(RTE_LOGTYPE_LPM); VAL(RTE_LOGTYPE_KNI);
	VAL(RTE_LOGTYPE_ACL); VAL(RTE_LOGTYPE_POWER); VAL(RTE_LOGTYPE_METER);
	VAL(RTE_LOGTYPE_SCHED); VAL(RTE_LOGTYPE_PORT); VAL(RTE_LOGTYPE_TABLE);
	VAL(RTE_LOGTYPE_PIPELINE); VAL(RTE_LOGTYPE_MBUF); VAL(RTE_LOGTYPE_CRYPTODEV);
	VAL(RTE_LOGTYPE_EFD); VAL(RTE_LOGTYPE_EVENTDEV); VAL(RTE_LOGTYPE_GSO);
	VAL(RTE_LOGTYPE_USER1); VAL(RTE_LOGTYPE_USER2); VAL(RTE_LOGTYPE_USER3);
	VAL(RTE_LOGTYPE_USER4); VAL(RTE_LOGTYPE_USER5); VAL(RTE_LOGTYPE_USER6);
	VAL(RTE_LOGTYPE_USER7); VAL(RTE_LOGTYPE_USER8); VAL(RTE_LOGTYPE_FIRST_EXT_ID);
	VAL(RTE_LOG_EMERG); VAL(RTE_LOG_ALERT); VAL(RTE_LOG_CRIT); VAL(RTE_LOG_ERR);
	VAL(RTE_LOG_WARNING); VAL(RTE_LOG_NOTICE); VAL(RTE_LOG_INFO); VAL(RTE_LOG_DEBUG);
	VAL(RTE_LOG_MAX); VAL(RTE_LOG_DP_LEVEL);
	VAL(sizeof(RTE_LOG_ERR)); /* the levels are unsigned */
	VAL(RTE_TAILQ_NAMESIZE); VAL(RTE_MAX_TAILQ);
	VAL(RTE_UUID_STRLEN);
	VAL(RTE_VERSION); VAL(RTE_VERSION_NUM(22, 11, 1, 2));
	VAL(RTE_VER_YEAR); VAL(RTE_VER_MONTH); VAL(RTE_VER_MINOR); VAL(RTE_VER_RELEASE);
	STR(RTE_VER_PREFIX); STR(RTE_VER_SUFFIX);
	VAL(RTE_MIN_ERRNO); VAL(E_RTE_SECONDARY); VAL(E_RTE_NO_CONFIG); VAL(RTE_MAX_ERRNO);
	VAL(RTE_PRIORITY_LOG);
	{
		rte_uuid_t u = RTE_UUID_INIT(0x01020304, 0x0506, 0x0708, 0x090a, 0x0b0c0d0e0f10ULL);
		for (int i = 0; i < 16; i++)
			printf("%02x", u[i]);
		printf("\n");
	}
	return 0;
}
