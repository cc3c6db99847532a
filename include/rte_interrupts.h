/*
 * SwiftEAL: interrupt sources and their callbacks (DPDK 22.11 compatible).
 *
 * A struct rte_intr_handle is opaque: allocate it with rte_intr_instance_alloc
 * and reach its fields through the get/set functions below. Callbacks registered
 * on a handle's fd run on the EAL interrupt thread ("eal-intr-thread"), in
 * registration order, one source at a time, without any EAL lock held.
 */
#ifndef _RTE_INTERRUPTS_H_
#define _RTE_INTERRUPTS_H_

#include <stdbool.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_epoll.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_intr_handle;

/* rte_intr_instance_alloc flags: process-private, or shared with secondaries. */
#define RTE_INTR_INSTANCE_F_PRIVATE     UINT32_C(0)
#define RTE_INTR_INSTANCE_F_SHARED      RTE_BIT32(0)

#define RTE_MAX_RXTX_INTR_VEC_ID      512
#define RTE_INTR_VEC_ZERO_OFFSET      0
#define RTE_INTR_VEC_RXTX_OFFSET      1

/* What kind of fd a handle carries; it decides how the interrupt thread reads it. */
enum rte_intr_handle_type {
	RTE_INTR_HANDLE_UNKNOWN = 0,
	RTE_INTR_HANDLE_UIO,
	RTE_INTR_HANDLE_UIO_INTX,
	RTE_INTR_HANDLE_VFIO_LEGACY,
	RTE_INTR_HANDLE_VFIO_MSI,
	RTE_INTR_HANDLE_VFIO_MSIX,
	RTE_INTR_HANDLE_ALARM,
	RTE_INTR_HANDLE_EXT,          /* the callback itself drains the fd */
	RTE_INTR_HANDLE_VDEV,
	RTE_INTR_HANDLE_DEV_EVENT,
	RTE_INTR_HANDLE_VFIO_REQ,
	RTE_INTR_HANDLE_MAX
};

typedef void (*rte_intr_callback_fn)(void *cb_arg);

/* Runs when a callback removed by rte_intr_callback_unregister_pending is gone. */
typedef void (*rte_intr_unregister_callback_fn)(struct rte_intr_handle *intr_handle,
						void *cb_arg);

/* Adds cb(cb_arg) to the handle's fd (several may share one fd). 0, or < 0. */
int rte_intr_callback_register(const struct rte_intr_handle *intr_handle,
				rte_intr_callback_fn cb, void *cb_arg);

/*
 * Removes cb with cb_arg ((void *)-1: any argument) from the handle's fd.
 * The number removed; -ENOENT for an fd with nothing registered, -EAGAIN while
 * that fd's callbacks are running, -EINVAL for a bad handle.
 */
int rte_intr_callback_unregister(const struct rte_intr_handle *intr_handle,
				rte_intr_callback_fn cb, void *cb_arg);

/*
 * From inside a running callback: marks cb with cb_arg for removal once the
 * source's callbacks are done, then calls ucb_fn (optional). The number marked;
 * -EAGAIN when the source is not running.
 */
int
rte_intr_callback_unregister_pending(const struct rte_intr_handle *intr_handle,
				rte_intr_callback_fn cb_fn, void *cb_arg,
				rte_intr_unregister_callback_fn ucb_fn);

/* As rte_intr_callback_unregister, waiting while the callbacks run. */
__rte_experimental
int
rte_intr_callback_unregister_sync(const struct rte_intr_handle *intr_handle,
				rte_intr_callback_fn cb, void *cb_arg);

/* Device interrupt control: 0, or a negative value. */
int rte_intr_enable(const struct rte_intr_handle *intr_handle);
int rte_intr_disable(const struct rte_intr_handle *intr_handle);
int rte_intr_ack(const struct rte_intr_handle *intr_handle);

/* Non-zero on the interrupt thread. */
int rte_thread_is_intr(void);

/* A new handle (flags: RTE_INTR_INSTANCE_F_*), or NULL with rte_errno set. */
__rte_experimental
struct rte_intr_handle *
rte_intr_instance_alloc(uint32_t flags);

/* Frees a handle; NULL is ignored. */
__rte_experimental
void
rte_intr_instance_free(struct rte_intr_handle *intr_handle);

/* Field access. Setters: 0 or a negative errno (rte_errno set). */
__rte_experimental
int
rte_intr_fd_set(struct rte_intr_handle *intr_handle, int fd);

__rte_experimental
int
rte_intr_fd_get(const struct rte_intr_handle *intr_handle);

__rte_experimental
int
rte_intr_type_set(struct rte_intr_handle *intr_handle,
		  enum rte_intr_handle_type type);

__rte_experimental
enum rte_intr_handle_type
rte_intr_type_get(const struct rte_intr_handle *intr_handle);

/* Internal to drivers: the datapath (Rx) interrupt helpers. */
__rte_internal
int
rte_intr_tls_epfd(void);

__rte_internal
int
rte_intr_rx_ctl(struct rte_intr_handle *intr_handle,
		int epfd, int op, unsigned int vec, void *data);

__rte_internal
void
rte_intr_free_epoll_fd(struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_efd_enable(struct rte_intr_handle *intr_handle, uint32_t nb_efd);

__rte_internal
void
rte_intr_efd_disable(struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_dp_is_en(struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_allow_others(struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_cap_multiple(struct rte_intr_handle *intr_handle);

__rte_internal
struct rte_intr_handle *
rte_intr_instance_dup(const struct rte_intr_handle *src);

__rte_internal
int
rte_intr_dev_fd_set(struct rte_intr_handle *intr_handle, int fd);

__rte_internal
int
rte_intr_dev_fd_get(const struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_max_intr_set(struct rte_intr_handle *intr_handle, int max_intr);

__rte_internal
int
rte_intr_max_intr_get(const struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_nb_efd_set(struct rte_intr_handle *intr_handle, int nb_efd);

__rte_internal
int
rte_intr_nb_efd_get(const struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_nb_intr_get(const struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_efd_counter_size_set(struct rte_intr_handle *intr_handle,
			      uint8_t efd_counter_size);

__rte_internal
int
rte_intr_efd_counter_size_get(const struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_efds_index_set(struct rte_intr_handle *intr_handle, int index, int fd);

__rte_internal
int
rte_intr_efds_index_get(const struct rte_intr_handle *intr_handle, int index);

__rte_internal
int
rte_intr_elist_index_set(struct rte_intr_handle *intr_handle, int index,
			 struct rte_epoll_event elist);

__rte_internal
struct rte_epoll_event *
rte_intr_elist_index_get(struct rte_intr_handle *intr_handle, int index);

__rte_internal
int
rte_intr_vec_list_alloc(struct rte_intr_handle *intr_handle, const char *name,
			int size);

__rte_internal
int
rte_intr_vec_list_index_set(struct rte_intr_handle *intr_handle, int index,
			    int vec);

__rte_internal
int
rte_intr_vec_list_index_get(const struct rte_intr_handle *intr_handle,
			    int index);

__rte_internal
void
rte_intr_vec_list_free(struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_event_list_update(struct rte_intr_handle *intr_handle, int size);

__rte_internal
void *
rte_intr_instance_windows_handle_get(struct rte_intr_handle *intr_handle);

__rte_internal
int
rte_intr_instance_windows_handle_set(struct rte_intr_handle *intr_handle,
				     void *windows_handle);

#ifdef __cplusplus
}
#endif

#endif
