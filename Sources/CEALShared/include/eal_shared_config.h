/*
 * The shared configuration: the `config` file in the runtime directory, created and
 * write-locked by the primary, mapped by every process of the same --file-prefix.
 * A C struct because other processes (and later versions of this layout's readers)
 * see it; the memory subsystem extends it.
 */
#ifndef EAL_SHARED_CONFIG_H
#define EAL_SHARED_CONFIG_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_spinlock.h>
#include <rte_rwlock.h>
#include <rte_tailq.h>
#include "eal_memory.h"
#include "eal_malloc.h"

#define EAL_SHARED_CONFIG_VERSION 2

struct eal_shared_config {
	volatile uint32_t magic;    /* RTE_MAGIC once the primary has finished init */
	uint32_t version;           /* EAL_SHARED_CONFIG_VERSION */
	uint64_t mem_cfg_addr;      /* where the primary mapped this; secondaries map here too */
	int32_t primary_pid;
	uint32_t iova_mode;         /* enum rte_iova_mode the primary chose */
	uint32_t lcore_count;
	uint32_t main_lcore;
	uint8_t lcore_role[RTE_MAX_LCORE];  /* enum rte_lcore_role_t, per lcore */
	rte_rwlock_t mlock;         /* memory hotplug */
	rte_rwlock_t qlock;         /* tailqs */
	rte_spinlock_t tlock;       /* timers */
	uint32_t legacy_mem;
	uint32_t single_file_segments;
	uint64_t base_virtaddr;
	struct rte_tailq_head tailq_head[RTE_MAX_TAILQ]; /* rte_eal_tailq_lookup's heads */
	struct eal_mem_config mem;  /* memseg lists and memory facts (Memory/) */
	struct eal_malloc_shared malloc; /* heaps, lcore caches, memzone table (Malloc/, Memzone/) */
};

#endif
