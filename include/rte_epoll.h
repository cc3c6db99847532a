/*
 * SwiftEAL: epoll with per-event callbacks (DPDK 22.11 compatible).
 *
 * A struct rte_epoll_event is registered with rte_epoll_ctl and handed back by
 * rte_epoll_wait; before the waiter returns it, the event's epdata.cb_fun (if any)
 * runs with the event's fd and epdata.cb_arg.
 */
#ifndef __RTE_EPOLL_H__
#define __RTE_EPOLL_H__

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTE_INTR_EVENT_ADD            1UL
#define RTE_INTR_EVENT_DEL            2UL

/* Runs for a ready event inside rte_epoll_wait. */
typedef void (*rte_intr_event_cb_t)(int fd, void *arg);

struct rte_epoll_data {
	uint32_t event;               /* epoll event mask (EPOLLIN ...) */
	void *data;                   /* caller's pointer, returned with the event */
	rte_intr_event_cb_t cb_fun;   /* optional callback */
	void *cb_arg;                 /* its argument */
};

/* Values of rte_epoll_event.status. */
enum {
	RTE_EPOLL_INVALID = 0,        /* not in any epoll set */
	RTE_EPOLL_VALID,              /* registered */
	RTE_EPOLL_EXEC,               /* its callback is running */
};

struct rte_epoll_event {
	uint32_t status;              /* RTE_EPOLL_* (set by the library) */
	int fd;                       /* the fd it watches (set by the library) */
	int epfd;                     /* the epoll instance holding it (set by the library) */
	struct rte_epoll_data epdata;
};

/* Use the calling thread's own epoll instance. */
#define RTE_EPOLL_PER_THREAD        -1

/*
 * Waits up to timeout ms (-1: forever, 0: poll) for at most maxevents (> 0)
 * events; a signal does not end the wait. Returns the number of events copied
 * into events, or a negative value on error.
 */
int
rte_epoll_wait(int epfd, struct rte_epoll_event *events,
	       int maxevents, int timeout);

/* As rte_epoll_wait, but a signal ends the wait with -1. */
int
rte_epoll_wait_interruptible(int epfd, struct rte_epoll_event *events,
	       int maxevents, int timeout);

/*
 * EPOLL_CTL_ADD/DEL/MOD of fd on epfd (or RTE_EPOLL_PER_THREAD), watching
 * event->epdata.event. ADD records fd and epfd in *event. 0, or a negative value.
 */
int
rte_epoll_ctl(int epfd, int op, int fd,
	      struct rte_epoll_event *event);

#ifdef __cplusplus
}
#endif

#endif /* __RTE_EPOLL_H__ */
