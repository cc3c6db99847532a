/* SwiftEAL: the DPDK version this library stands in for. */
#ifndef _RTE_VERSION_H_
#define _RTE_VERSION_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <string.h>
#include <stdio.h>

#include <rte_compat.h>

#define RTE_VERSION_NUM(a,b,c,d) ((a) << 24 | (b) << 16 | (c) << 8 | (d))

#define RTE_VERSION RTE_VERSION_NUM( \
			RTE_VER_YEAR, \
			RTE_VER_MONTH, \
			RTE_VER_MINOR, \
			RTE_VER_RELEASE)

__rte_experimental
const char *rte_version_prefix(void);
__rte_experimental
unsigned int rte_version_year(void);
__rte_experimental
unsigned int rte_version_month(void);
__rte_experimental
unsigned int rte_version_minor(void);
__rte_experimental
const char *rte_version_suffix(void);
/* 99 for a release, or the release-candidate number. */
__rte_experimental
unsigned int rte_version_release(void);

/* "DPDK 22.11.11". */
const char *rte_version(void);

#ifdef __cplusplus
}
#endif

#endif
