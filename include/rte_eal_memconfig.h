/* SPDX-License-Identifier: BSD-3-Clause
 * SwiftEAL: DPDK 22.11-compatible declarations, written for SwiftEAL.
 */
#ifndef _RTE_EAL_MEMCONFIG_H_
#define _RTE_EAL_MEMCONFIG_H_

/**
 * @file
 * The locks of the shared memory configuration. They are process-shared: a lock
 * taken in one process of a --file-prefix holds off every other process of it.
 */

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Memory hotplug lock (segment lists), for reading. */
void
rte_mcfg_mem_read_lock(void);

/** Releases rte_mcfg_mem_read_lock. */
void
rte_mcfg_mem_read_unlock(void);

/** Memory hotplug lock (segment lists), for writing. */
void
rte_mcfg_mem_write_lock(void);

/** Releases rte_mcfg_mem_write_lock. */
void
rte_mcfg_mem_write_unlock(void);

/** Tail queue lock, for reading. */
void
rte_mcfg_tailq_read_lock(void);

/** Releases rte_mcfg_tailq_read_lock. */
void
rte_mcfg_tailq_read_unlock(void);

/** Tail queue lock, for writing. */
void
rte_mcfg_tailq_write_lock(void);

/** Releases rte_mcfg_tailq_write_lock. */
void
rte_mcfg_tailq_write_unlock(void);

/** Mempool list lock, for reading. */
void
rte_mcfg_mempool_read_lock(void);

/** Releases rte_mcfg_mempool_read_lock. */
void
rte_mcfg_mempool_read_unlock(void);

/** Mempool list lock, for writing. */
void
rte_mcfg_mempool_write_lock(void);

/** Releases rte_mcfg_mempool_write_lock. */
void
rte_mcfg_mempool_write_unlock(void);

/** Timer library lock. */
void
rte_mcfg_timer_lock(void);

/** Releases rte_mcfg_timer_lock. */
void
rte_mcfg_timer_unlock(void);

/** Whether the primary was started with --single-file-segments. */
bool
rte_mcfg_get_single_file_segments(void);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_EAL_MEMCONFIG_H_ */
