/* SwiftEAL: the EAL's per-thread error number and its messages. */
#ifndef _RTE_ERRNO_H_
#define _RTE_ERRNO_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <rte_per_lcore.h>

RTE_DECLARE_PER_LCORE(int, _rte_errno);

#define rte_errno RTE_PER_LCORE(_rte_errno)

/* Text for errnum: DPDK's own codes below, strerror(3) for the rest. */
const char *rte_strerror(int errnum);

#ifndef __ELASTERROR
#define __ELASTERROR 1000
#endif

enum {
	RTE_MIN_ERRNO = __ELASTERROR,
	E_RTE_SECONDARY,   /* not allowed in a secondary process */
	E_RTE_NO_CONFIG,   /* missing rte_config */
	RTE_MAX_ERRNO
};

#ifdef __cplusplus
}
#endif

#endif
