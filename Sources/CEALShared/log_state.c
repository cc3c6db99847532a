/*
 * SwiftEAL internal: static storage for the log, random and tailq state (see
 * eal_log_state.h). Only data lives here; the logic is in Swift.
 */
#include "eal_log_state.h"

#include <rte_log.h>

/* The fixed types, at level info; ids 21..23 are unnamed. */
static struct eal_log_type eal_log_first_chunk[EAL_LOG_CHUNK] = {
	[RTE_LOGTYPE_EAL] = { "lib.eal", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_MALLOC] = { "lib.malloc", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_RING] = { "lib.ring", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_MEMPOOL] = { "lib.mempool", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_TIMER] = { "lib.timer", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_PMD] = { "pmd", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_HASH] = { "lib.hash", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_LPM] = { "lib.lpm", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_KNI] = { "lib.kni", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_ACL] = { "lib.acl", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_POWER] = { "lib.power", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_METER] = { "lib.meter", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_SCHED] = { "lib.sched", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_PORT] = { "lib.port", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_TABLE] = { "lib.table", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_PIPELINE] = { "lib.pipeline", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_MBUF] = { "lib.mbuf", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_CRYPTODEV] = { "lib.cryptodev", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_EFD] = { "lib.efd", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_EVENTDEV] = { "lib.eventdev", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_GSO] = { "lib.gso", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER1] = { "user1", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER2] = { "user2", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER3] = { "user3", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER4] = { "user4", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER5] = { "user5", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER6] = { "user6", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER7] = { "user7", RTE_LOG_INFO, 0 },
	[RTE_LOGTYPE_USER8] = { "user8", RTE_LOG_INFO, 0 },
};

struct eal_log_state eal_log_state = {
	.lock = RTE_SPINLOCK_INITIALIZER,
	.global_level = RTE_LOG_DEBUG,
	.count = RTE_LOGTYPE_FIRST_EXT_ID,
	.opts_tail = &eal_log_state.opts,
	.chunks = { [0] = eal_log_first_chunk },
};

EAL_INTERNAL __thread int eal_log_cur_level;
EAL_INTERNAL __thread int eal_log_cur_type;
EAL_INTERNAL __thread char eal_strerror_buf[EAL_STRERROR_BUFSZ];

struct eal_rand eal_rand __attribute__((aligned(RTE_CACHE_LINE_SIZE)));

struct eal_tailqs eal_tailqs = {
	.elems = TAILQ_HEAD_INITIALIZER(eal_tailqs.elems),
};
