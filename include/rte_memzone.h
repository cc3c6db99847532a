/* SPDX-License-Identifier: BSD-3-Clause
 * SwiftEAL: DPDK 22.11-compatible declarations, written for SwiftEAL.
 */
#ifndef _RTE_MEMZONE_H_
#define _RTE_MEMZONE_H_

/**
 * @file
 * Memzones: named, contiguous areas of EAL memory, reserved once and found again by
 * name, from any process of the same --file-prefix (at the same address).
 *
 * Reserve calls return NULL on failure with rte_errno set: ENOSPC (RTE_MAX_MEMZONE zones
 * exist), ENAMETOOLONG, EEXIST (the name is taken), EINVAL (bad argument; also a NULL
 * name, where DPDK would crash), ENOMEM (no memory of the kind asked for),
 * E_RTE_NO_CONFIG (before rte_eal_init).
 */

#include <stdio.h>

#include <rte_memory.h>
#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Page sizes a zone may be taken from (any one of those set). */
#define RTE_MEMZONE_2MB            0x00000001 /**< 2 MB pages. */
#define RTE_MEMZONE_1GB            0x00000002 /**< 1 GB pages. */
#define RTE_MEMZONE_16MB           0x00000100 /**< 16 MB pages. */
#define RTE_MEMZONE_16GB           0x00000200 /**< 16 GB pages. */
#define RTE_MEMZONE_256KB          0x00010000 /**< 256 KB pages. */
#define RTE_MEMZONE_256MB          0x00020000 /**< 256 MB pages. */
#define RTE_MEMZONE_512MB          0x00040000 /**< 512 MB pages. */
#define RTE_MEMZONE_4GB            0x00080000 /**< 4 GB pages. */
/** The page sizes asked for are a preference: other sizes will do. */
#define RTE_MEMZONE_SIZE_HINT_ONLY 0x00000004
/** The zone must be contiguous in IO addresses (for device rings and the like). */
#define RTE_MEMZONE_IOVA_CONTIG    0x00100000

/** A reserved zone. */
struct rte_memzone {
#define RTE_MEMZONE_NAMESIZE 32       /**< Name buffer, terminating NUL included. */
	char name[RTE_MEMZONE_NAMESIZE];  /**< The zone's name. */
	rte_iova_t iova;                  /**< IO address of the start. */
	RTE_STD_C11
	union {
		void *addr;               /**< Virtual address of the start. */
		uint64_t addr_64;         /**< Keeps the address 64 bits wide. */
	};
	size_t len;                       /**< Length in bytes. */
	uint64_t hugepage_sz;             /**< Page size of the memory under it. */
	int32_t socket_id;                /**< NUMA socket (or external heap id). */
	uint32_t flags;                   /**< Reserved (0). */
} __rte_packed;

/**
 * Reserves `len` bytes (rounded up to a cache line) named `name` on `socket_id`
 * (SOCKET_ID_ANY: the caller's socket first, then any), aligned to a cache line.
 * `len` 0 takes the biggest free block already in the heap (no new memory is mapped).
 * @param flags RTE_MEMZONE_* page sizes, SIZE_HINT_ONLY, IOVA_CONTIG.
 * @return the zone (read-only), or NULL with rte_errno set (see the file comment).
 */
const struct rte_memzone *rte_memzone_reserve(const char *name,
					      size_t len, int socket_id,
					      unsigned flags);

/** rte_memzone_reserve aligned to `align`, a power of two. */
const struct rte_memzone *rte_memzone_reserve_aligned(const char *name,
			size_t len, int socket_id,
			unsigned flags, unsigned align);

/**
 * rte_memzone_reserve_aligned that does not cross a multiple of `bound` (a power of two
 * no smaller than the length, or 0 for none). With `len` 0 and a bound, the zone is
 * `bound` bytes long.
 */
const struct rte_memzone *rte_memzone_reserve_bounded(const char *name,
			size_t len, int socket_id,
			unsigned flags, unsigned align, unsigned bound);

/**
 * Frees a zone; its memory goes back to its heap.
 * @return 0, or -EINVAL (NULL, not a zone, or already freed).
 */
int rte_memzone_free(const struct rte_memzone *mz);

/**
 * The zone named `name`.
 * @return the zone, or NULL with rte_errno ENOENT (or EINVAL for a NULL name).
 */
const struct rte_memzone *rte_memzone_lookup(const char *name);

/** Prints every zone and the pages under it. */
void rte_memzone_dump(FILE *f);

/** Calls `func` once for every zone, with `arg`. */
void rte_memzone_walk(void (*func)(const struct rte_memzone *, void *arg),
		      void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_MEMZONE_H_ */
