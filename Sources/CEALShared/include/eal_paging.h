/*
 * The EAL's own page-mapping helpers (INTERNAL in DPDK 22.11, declared in its
 * non-installed rte_eal_paging.h): exported for DPDK's drivers and libraries.
 */
#ifndef EAL_PAGING_H
#define EAL_PAGING_H

#include <stddef.h>
#include <stdint.h>

enum rte_mem_prot {
	RTE_PROT_READ = 1 << 0,
	RTE_PROT_WRITE = 1 << 1,
	RTE_PROT_EXECUTE = 1 << 2,
};

/* DPDK's values: its libraries pass them compiled in (rte_mempool_populate_anon maps
 * with SHARED | ANONYMOUS = 3). */
enum rte_map_flags {
	RTE_MAP_SHARED = 1 << 0,
	RTE_MAP_ANONYMOUS = 1 << 1,
	RTE_MAP_PRIVATE = 1 << 2,
	RTE_MAP_FORCE_ADDRESS = 1 << 3,
};

void *rte_mem_map(void *requested_addr, size_t size, int prot, int flags, int fd, uint64_t offset);
int rte_mem_unmap(void *virt, size_t size);
size_t rte_mem_page_size(void);
int rte_mem_lock(const void *virt, size_t size);

#endif
