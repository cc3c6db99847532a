/*
 * SwiftEAL internal: the memzone table, shared by every process of a --file-prefix.
 * The zones themselves are the "memzone" fbarray of RTE_MAX_MEMZONE struct rte_memzone
 * (a file in the runtime directory, attached by secondaries); beside it, in the shared
 * config, an open-addressing index from name hash to table slot so that
 * rte_memzone_lookup never scans the table.
 */
#ifndef EAL_MEMZONE_H
#define EAL_MEMZONE_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_rwlock.h>
#include <rte_fbarray.h>

#pragma clang assume_nonnull begin


/* Index slots: a power of two above RTE_MAX_MEMZONE (Swift imports C arrays of up to
 * 4096 elements). */
#define EAL_MEMZONE_INDEX_SIZE 4096u
#define EAL_MEMZONE_SLOT_EMPTY (-1)
#define EAL_MEMZONE_SLOT_DELETED (-2)

struct eal_memzone_shared {
	rte_rwlock_t lock;         /* the table, the index and the heaps' memzone elements */
	uint32_t count;            /* zones in use */
	uint32_t tombstones;       /* DELETED slots; the index is rebuilt when they pile up */
	uint32_t reserved;
	struct rte_fbarray table;  /* "memzone": RTE_MAX_MEMZONE struct rte_memzone */
	struct eal_memzone_index {
		int16_t slot;      /* table index, EMPTY or DELETED */
		uint16_t reserved;
		uint32_t hash;     /* the name's hash, to skip most compares */
	} index[EAL_MEMZONE_INDEX_SIZE];
};

static inline int16_t *eal_memzone_slot_at(struct eal_memzone_shared *m, unsigned int i) { return &m->index[i].slot; }
static inline uint32_t *eal_memzone_hash_at(struct eal_memzone_shared *m, unsigned int i) { return &m->index[i].hash; }



#pragma clang assume_nonnull end

#endif
