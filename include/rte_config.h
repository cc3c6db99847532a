/* SwiftEAL: build-time constants, the values of DPDK 22.11's default Linux/x86_64 build. */
#ifndef _RTE_CONFIG_H_
#define _RTE_CONFIG_H_

/* as in DPDK's generated config: a bare word (RTE_STR gives "x86_64"), and flags defined
 * empty, so `#ifdef` is the only test that works with both */
#define RTE_ARCH x86_64
#define RTE_ARCH_64
#define RTE_ARCH_X86 1
#define RTE_ARCH_X86_64 1
#define RTE_ENV_FREEBSD 0
#define RTE_ENV_LINUX 1
#define RTE_ENV_WINDOWS 2
#define RTE_EXEC_ENV 1
#define RTE_EXEC_ENV_LINUX 1
#define RTE_EXEC_ENV_LINUXAPP 1
#define RTE_EXEC_ENV_IS_LINUX 1
#define RTE_EXEC_ENV_IS_FREEBSD 0
#define RTE_EXEC_ENV_IS_WINDOWS 0
#define RTE_CACHE_LINE_SIZE 64
#define RTE_TOOLCHAIN "gcc"
#define RTE_TOOLCHAIN_GCC 1
#define RTE_HAS_LIBNUMA 1
#define RTE_EAL_NUMA_AWARE_HUGEPAGES 1
#define RTE_BACKTRACE
#define RTE_LIB_EAL 1

#define RTE_VER_PREFIX "DPDK"
#define RTE_VER_YEAR 22
#define RTE_VER_MONTH 11
#define RTE_VER_MINOR 11
#define RTE_VER_SUFFIX ""
#define RTE_VER_RELEASE 99

#define RTE_MAX_LCORE 128
#define RTE_MAX_NUMA_NODES 32
#define RTE_MAX_HEAPS 32
#define RTE_MAX_MEMSEG_LISTS 128
#define RTE_MAX_MEMSEG_PER_LIST 8192
#define RTE_MAX_MEM_MB_PER_LIST 32768
#define RTE_MAX_MEMSEG_PER_TYPE 32768
#define RTE_MAX_MEM_MB_PER_TYPE 65536
#define RTE_MAX_MEM_MB 524288
#define RTE_MAX_MEMZONE 2560
#define RTE_MAX_TAILQ 32
#define RTE_MAX_VFIO_GROUPS 64
#define RTE_MAX_VFIO_CONTAINERS 64
/* VFIO is part of the Linux build (rte_vfio.h then brings <linux/vfio.h>) */
#define RTE_EAL_VFIO
/* where the EAL loads driver plugins from by default: Debian's DPDK 22.11 drivers */
#define RTE_EAL_PMD_PATH "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0"
#define RTE_LOG_DP_LEVEL RTE_LOG_INFO
#define RTE_MAX_ETHPORTS 32

#endif
