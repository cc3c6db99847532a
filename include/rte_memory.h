/* SPDX-License-Identifier: BSD-3-Clause
 * SwiftEAL: DPDK 22.11-compatible declarations, written for SwiftEAL.
 */
#ifndef _RTE_MEMORY_H_
#define _RTE_MEMORY_H_

/**
 * @file
 * EAL memory: the segments (pages) the EAL maps, grouped in segment lists, one list
 * per (NUMA socket, page size) plus lists for registered external memory.
 *
 * Multi-process: the lists live in the shared configuration; a secondary process sees
 * the primary's segments at the same virtual addresses. Walks and lookups take the
 * memory hotplug lock for reading; the `_thread_unsafe` forms do not, for callers that
 * already hold it (memory event callbacks, for example).
 */

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_fbarray.h>

/* Page sizes, in bytes. */
#define RTE_PGSIZE_4K   (1ULL << 12)
#define RTE_PGSIZE_64K  (1ULL << 16)
#define RTE_PGSIZE_256K (1ULL << 18)
#define RTE_PGSIZE_2M   (1ULL << 21)
#define RTE_PGSIZE_16M  (1ULL << 24)
#define RTE_PGSIZE_256M (1ULL << 28)
#define RTE_PGSIZE_512M (1ULL << 29)
#define RTE_PGSIZE_1G   (1ULL << 30)
#define RTE_PGSIZE_4G   (1ULL << 32)
#define RTE_PGSIZE_16G  (1ULL << 34)

/** No socket preference: any NUMA node will do. */
#define SOCKET_ID_ANY -1

/** The segment stays mapped for the life of the process (preallocated at init). */
#define RTE_MEMSEG_FLAG_DO_NOT_FREE RTE_BIT32(0)
/** The segment may hold data from an earlier user (it was not zeroed on mapping). */
#define RTE_MEMSEG_FLAG_DIRTY RTE_BIT32(1)

/** One physically backed page of EAL memory. */
struct rte_memseg {
	rte_iova_t iova;          /**< IO address of the start. */
	RTE_STD_C11
	union {
		void *addr;       /**< Virtual address of the start. */
		uint64_t addr_64; /**< Keeps the address 64 bits wide. */
	};
	size_t len;               /**< Length in bytes. */
	uint64_t hugepage_sz;     /**< Size of the backing pages. */
	int32_t socket_id;        /**< NUMA node of the memory. */
	uint32_t nchannel;        /**< Memory channels (-n). */
	uint32_t nrank;           /**< Memory ranks (-r). */
	uint32_t flags;           /**< RTE_MEMSEG_FLAG_* */
} __rte_packed;

/** A reserved virtual area holding segments of one page size on one socket. */
struct rte_memseg_list {
	RTE_STD_C11
	union {
		void *base_va;    /**< Start of the reserved area. */
		uint64_t addr_64; /**< Keeps the address 64 bits wide. */
	};
	uint64_t page_sz;          /**< Page size of every segment. */
	int socket_id;             /**< NUMA node of every segment. */
	volatile uint32_t version; /**< Bumped on every change, for secondaries. */
	size_t len;                /**< Length of the reserved area. */
	unsigned int external;     /**< 1 for registered external memory. */
	unsigned int heap;         /**< 1 when a malloc heap uses the list. */
	struct rte_fbarray memseg_arr; /**< The segments (struct rte_memseg). */
};

/**
 * Locks the page holding `virt` in RAM (mlock).
 * @return 0, or -1 on failure.
 */
int rte_mem_lock_page(const void *virt);

/**
 * The physical address of `virt`, read from /proc/self/pagemap.
 * @return the address, or RTE_BAD_PHYS_ADDR when it cannot be known.
 */
phys_addr_t rte_mem_virt2phy(const void *virt);

/**
 * The IO address of `virt` in the current IOVA mode.
 * @return the address, or RTE_BAD_IOVA.
 */
rte_iova_t rte_mem_virt2iova(const void *virt);

/**
 * The virtual address of an IO address inside EAL memory.
 * @return the address, or NULL when no segment holds it.
 */
void *
rte_mem_iova2virt(rte_iova_t iova);

/**
 * The segment holding `virt`.
 * @param msl the list to search, or NULL to find it first.
 * @return the segment, or NULL (rte_errno EINVAL) when none holds it.
 */
struct rte_memseg *
rte_mem_virt2memseg(const void *virt, const struct rte_memseg_list *msl);

/**
 * The segment list whose area holds `virt`.
 * @return the list, or NULL (rte_errno EINVAL).
 */
struct rte_memseg_list *
rte_mem_virt2memseg_list(const void *virt);

/** Walk callback: called once per segment; non-zero stops the walk (1 ok, -1 error). */
typedef int (*rte_memseg_walk_t)(const struct rte_memseg_list *msl,
		const struct rte_memseg *ms, void *arg);

/** Walk callback: called once per VA-contiguous run of segments of `len` bytes. */
typedef int (*rte_memseg_contig_walk_t)(const struct rte_memseg_list *msl,
		const struct rte_memseg *ms, size_t len, void *arg);

/** Walk callback: called once per segment list in use. */
typedef int (*rte_memseg_list_walk_t)(const struct rte_memseg_list *msl,
		void *arg);

/**
 * Calls `func` for every mapped segment (external memory included).
 * @return 0 when every call returned 0, 1 when a call stopped the walk, -1 on error.
 */
int
rte_memseg_walk(rte_memseg_walk_t func, void *arg);

/** Like rte_memseg_walk, once per VA-contiguous run of segments. */
int
rte_memseg_contig_walk(rte_memseg_contig_walk_t func, void *arg);

/** Like rte_memseg_walk, once per segment list. */
int
rte_memseg_list_walk(rte_memseg_list_walk_t func, void *arg);

/** rte_memseg_walk without the memory hotplug lock. */
int
rte_memseg_walk_thread_unsafe(rte_memseg_walk_t func, void *arg);

/** rte_memseg_contig_walk without the memory hotplug lock. */
int
rte_memseg_contig_walk_thread_unsafe(rte_memseg_contig_walk_t func, void *arg);

/** rte_memseg_list_walk without the memory hotplug lock. */
int
rte_memseg_list_walk_thread_unsafe(rte_memseg_list_walk_t func, void *arg);

/**
 * The file descriptor backing a segment (do not close it).
 * @return the fd, or -1 with rte_errno ENODEV (no fd), ENOTSUP or EINVAL.
 */
int
rte_memseg_get_fd(const struct rte_memseg *ms);

/** rte_memseg_get_fd without the memory hotplug lock. */
int
rte_memseg_get_fd_thread_unsafe(const struct rte_memseg *ms);

/**
 * The offset of a segment inside its backing file.
 * @return 0 with *offset set, or -1 with rte_errno set as rte_memseg_get_fd.
 */
int
rte_memseg_get_fd_offset(const struct rte_memseg *ms, size_t *offset);

/** rte_memseg_get_fd_offset without the memory hotplug lock. */
int
rte_memseg_get_fd_offset_thread_unsafe(const struct rte_memseg *ms,
		size_t *offset);

/**
 * Registers memory mapped by the caller as an external segment list.
 * @param iova_addrs IO address of each page, or NULL (all RTE_BAD_IOVA).
 * @return 0, or -1 with rte_errno EINVAL, ENOSPC, EEXIST or ENOMEM.
 */
int
rte_extmem_register(void *va_addr, size_t len, rte_iova_t iova_addrs[],
		unsigned int n_pages, size_t page_sz);

/** Unregisters external memory (in every process). @return 0, or -1 with rte_errno. */
int
rte_extmem_unregister(void *va_addr, size_t len);

/** Makes external memory registered by another process known to this one. */
int
rte_extmem_attach(void *va_addr, size_t len);

/** Undoes rte_extmem_attach in this process. */
int
rte_extmem_detach(void *va_addr, size_t len);

/** Prints every segment list and its segments. */
void rte_dump_physmem_layout(FILE *f);

/** Total length of the mapped segments, external memory excepted. */
uint64_t rte_eal_get_physmem_size(void);

/** Memory channels given with -n (0 when not given). */
unsigned rte_memory_get_nchannel(void);

/** Memory ranks given with -r (0 when not given). */
unsigned rte_memory_get_nrank(void);

/**
 * Whether every mapped IO address fits in `maskbits` bits.
 * @return 0 when it does, -1 otherwise.
 */
int rte_mem_check_dma_mask(uint8_t maskbits);

/** rte_mem_check_dma_mask without the memory hotplug lock. */
int rte_mem_check_dma_mask_thread_unsafe(uint8_t maskbits);

/** Limits future allocations to IO addresses that fit in `maskbits` bits. */
void rte_mem_set_dma_mask(uint8_t maskbits);

/** Whether the EAL uses physical addresses as IO addresses. */
int rte_eal_using_phys_addrs(void);

/** What happened to memory, as told to event callbacks. */
enum rte_mem_event {
	RTE_MEM_EVENT_ALLOC = 0, /**< Pages were mapped. */
	RTE_MEM_EVENT_FREE,      /**< Pages are about to be unmapped. */
};

#define RTE_MEM_EVENT_CALLBACK_NAME_LEN 64

/** Told of every page mapping and unmapping, with the hotplug lock held. */
typedef void (*rte_mem_event_callback_t)(enum rte_mem_event event_type,
		const void *addr, size_t len, void *arg);

/**
 * Registers a memory event callback under a name (and arg).
 * @return 0, or -1 with rte_errno EINVAL, EEXIST, ENOMEM or ENOTSUP (no dynamic memory).
 */
int
rte_mem_event_callback_register(const char *name, rte_mem_event_callback_t clb,
		void *arg);

/** Unregisters a callback. @return 0, or -1 with rte_errno EINVAL, ENOENT or ENOTSUP. */
int
rte_mem_event_callback_unregister(const char *name, void *arg);

#define RTE_MEM_ALLOC_VALIDATOR_NAME_LEN 64

/** Asked before memory on `socket_id` grows past `cur_limit`: 0 allows, -1 refuses. */
typedef int (*rte_mem_alloc_validator_t)(int socket_id,
		size_t cur_limit, size_t new_len);

/**
 * Registers an allocation validator for one socket and limit.
 * @return 0, or -1 with rte_errno EINVAL, EEXIST, ENOMEM or ENOTSUP.
 */
int
rte_mem_alloc_validator_register(const char *name,
		rte_mem_alloc_validator_t clb, int socket_id, size_t limit);

/** Unregisters a validator. @return 0, or -1 with rte_errno EINVAL, ENOENT or ENOTSUP. */
int
rte_mem_alloc_validator_unregister(const char *name, int socket_id);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_MEMORY_H_ */
