/*
 * The memory part of the shared configuration and the shared `hugepage_info` file:
 * C layouts because every process of a --file-prefix maps them. The primary writes
 * them during init (memseg lists, hugepage info) and under the memory hotplug lock
 * afterwards; secondaries read them.
 */
#ifndef EAL_MEMORY_H
#define EAL_MEMORY_H

#include <stdint.h>
#include <limits.h>
#include <rte_config.h>
#include <rte_rwlock.h>
#include <rte_memory.h>

/* How the primary backs its pages: secondaries map the same files the same way. */
enum eal_page_backend {
	EAL_PAGES_FILE_PER_PAGE = 0, /* hugetlbfs, <hugedir>/<prefix>map_<list*8192+seg> */
	EAL_PAGES_FILE_PER_LIST = 1, /* hugetlbfs, <hugedir>/<prefix>map_<list> (--single-file-segments) */
	EAL_PAGES_MEMFD = 2,         /* memfd_create(MFD_HUGETLB) (--in-memory) */
	EAL_PAGES_ANONYMOUS = 3,     /* a 4 KiB memfd (--no-huge) */
};

struct eal_mem_config {
	uint32_t backend;          /* enum eal_page_backend */
	uint32_t nchannel;         /* -n */
	uint32_t nrank;            /* -r */
	uint32_t dma_maskbits;     /* the narrowest mask set or checked so far, 0 = none */
	int32_t next_socket_id;    /* socket ids handed to external memory */
	int32_t anon_fd;           /* the primary's --no-huge memfd: secondaries reopen
	                              /proc/<primary_pid>/fd/<anon_fd> */
	rte_rwlock_t mplock;       /* rte_mcfg_mempool_* */
	struct rte_memseg_list memsegs[RTE_MAX_MEMSEG_LISTS];
};

/* Up to this many hugepage sizes are used (x86: 2 MB and 1 GB). */
#define EAL_MAX_HUGEPAGE_SIZES 3

struct eal_hugepage_size {
	uint64_t page_sz;
	uint32_t num_pages[RTE_MAX_NUMA_NODES]; /* free pages per node when discovered */
	char hugedir[PATH_MAX];                  /* the hugetlbfs mount used, "" for memfd */
};

/* The `hugepage_info` file in the runtime directory. */
struct eal_hugepage_info {
	uint32_t num_sizes;
	uint32_t reserved;
	struct eal_hugepage_size sizes[EAL_MAX_HUGEPAGE_SIZES];
};

#endif
