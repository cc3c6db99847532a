/*
 * SwiftEAL internal: the storage behind the opaque `struct rte_intr_handle`.
 * Public headers only declare the tag; Swift reaches this through a cast. The
 * layout follows DPDK 22.11's private one (64 bytes) so a handle allocated with
 * RTE_INTR_INSTANCE_F_SHARED reads the same in every process.
 */
#ifndef SWIFTEAL_INTR_HANDLE_H
#define SWIFTEAL_INTR_HANDLE_H

#include <stdint.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>
#include <rte_alarm.h>
#include "intr_sys.h"

struct seal_intr_handle {
	union {
		struct {
			int dev_fd;          /* VFIO device fd or UIO config fd */
			int fd;              /* the fd the interrupt thread waits on */
		};
		void *windows_handle;
	};
	uint32_t alloc_flags;        /* RTE_INTR_INSTANCE_F_* */
	uint32_t type;               /* enum rte_intr_handle_type */
	uint32_t max_intr;
	uint32_t nb_efd;
	uint8_t efd_counter_size;
	uint16_t nb_intr;            /* capacity of efds and elist */
	int *efds;                   /* nb_intr event fds */
	struct rte_epoll_event *elist; /* nb_intr epoll events */
	uint16_t vec_list_size;
	int *intr_vec;
};

#endif
