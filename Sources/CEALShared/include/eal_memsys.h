/*
 * System calls the memory subsystem needs that Swift's Glibc module does not expose
 * (they need _GNU_SOURCE or are raw syscalls), and the process's pointer to the
 * memory configuration, read lock-free by the malloc hot path.
 */
#ifndef EAL_MEMSYS_H
#define EAL_MEMSYS_H

#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/memfd.h>
#include "eal_shared_config.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define EAL_FALLOC_KEEP_SIZE 0x01
#define EAL_FALLOC_PUNCH_HOLE 0x02
#define EAL_MAP_FIXED_NOREPLACE MAP_FIXED_NOREPLACE
#define EAL_MAP_POPULATE MAP_POPULATE
#define EAL_MFD_HUGETLB MFD_HUGETLB
#define EAL_MFD_HUGE_SHIFT MFD_HUGE_SHIFT

/* set_mempolicy(2) modes */
#define EAL_MPOL_DEFAULT 0
#define EAL_MPOL_BIND 2
#define EAL_MPOL_F_NODE 1
#define EAL_MPOL_F_ADDR 2

static inline int eal_memfd_create(const char *name, unsigned int flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

static inline int eal_fallocate(int fd, int mode, int64_t offset, int64_t len)
{
	return (int)syscall(SYS_fallocate, fd, mode, (off_t)offset, (off_t)len);
}

static inline long eal_set_mempolicy(int mode, const unsigned long *nodemask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, nodemask, maxnode);
}

/* The node of the page at addr (it must be mapped), or -1. */
static inline int eal_node_of_address(void *addr)
{
	int node = -1;
	if (syscall(SYS_get_mempolicy, &node, NULL, 0UL, addr, EAL_MPOL_F_NODE | EAL_MPOL_F_ADDR) != 0)
		return -1;
	return node;
}

/* The configuration memory lives in (shared, or private under --in-memory), or NULL
 * outside init. Set by init and cleanup only. */
extern struct eal_shared_config *eal_mcfg_current;

static inline struct eal_shared_config *eal_mcfg(void)
{
	return __atomic_load_n(&eal_mcfg_current, __ATOMIC_ACQUIRE);
}

static inline void eal_mcfg_publish(struct eal_shared_config *cfg)
{
	__atomic_store_n(&eal_mcfg_current, cfg, __ATOMIC_RELEASE);
}

static inline uint32_t eal_load_u32(const volatile uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void eal_store_u32(volatile uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

#endif
