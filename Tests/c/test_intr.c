/*
 * The interrupt thread seen from C: eventfd callbacks, their order, unregistering
 * (count, -EAGAIN while running, pending from inside, sync), a source registered
 * while the thread waits, the handle instance API and every bad input.
 */
#define ALLOW_EXPERIMENTAL_API
#define ALLOW_INTERNAL_API
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_epoll.h>

#include "eal_test.h"

struct probe {
	int efd;
	struct rte_intr_handle *h;
	volatile int calls;
	volatile int on_intr;
	volatile int running;
	volatile int gate;
	volatile int ucb_calls;
	volatile int pending_ret;
	int order[8];
	volatile int norder;
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Waits up to ms milliseconds for *v to reach want. */
static int wait_for(volatile int *v, int want, int ms)
{
	uint64_t end = now_us() + (uint64_t)ms * 1000;
	while (now_us() < end) {
		if (__atomic_load_n(v, __ATOMIC_SEQ_CST) == want)
			return 1;
		usleep(100);
	}
	return __atomic_load_n(v, __ATOMIC_SEQ_CST) == want;
}

static void kick(int fd) { uint64_t one = 1; if (write(fd, &one, 8) != 8) abort(); }
static void drain(int fd) { uint64_t v; if (read(fd, &v, 8) < 0 && errno != EAGAIN) abort(); }

static struct rte_intr_handle *ext_handle(int *fd)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	*fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(h != NULL);
	CHECK_EQ(rte_intr_fd_set(h, *fd), 0);
	CHECK_EQ(rte_intr_type_set(h, RTE_INTR_HANDLE_EXT), 0);
	return h;
}

static void counting_cb(void *arg)
{
	struct probe *p = arg;
	drain(p->efd);
	if (rte_thread_is_intr())
		__atomic_add_fetch(&p->on_intr, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
}

static void test_once_per_write(void)
{
	int fd, i;
	struct probe p = {0};
	struct rte_intr_handle *h = ext_handle(&fd);
	p.efd = fd;
	CHECK_EQ(rte_intr_callback_register(h, counting_cb, &p), 0);
	for (i = 1; i <= 10; i++) {
		kick(fd);
		CHECK(wait_for(&p.calls, i, 2000));
	}
	usleep(20000);
	CHECK_EQ(p.calls, 10);
	CHECK_EQ(p.on_intr, 10);
	CHECK_EQ(rte_thread_is_intr(), 0);
	CHECK_EQ(rte_intr_callback_unregister(h, counting_cb, &p), 1);
	kick(fd);
	usleep(20000);
	CHECK_EQ(p.calls, 10);
	close(fd);
	rte_intr_instance_free(h);
}

static void order_cb(struct probe *p, int n)
{
	p->order[p->norder] = n;
	__atomic_add_fetch(&p->norder, 1, __ATOMIC_SEQ_CST);
}
static void first_cb(void *a) { order_cb(a, 1); }
static void second_cb(void *a) { order_cb(a, 2); }
static void third_cb(void *a) { struct probe *p = a; drain(p->efd); order_cb(a, 3); }

static void test_registration_order(void)
{
	int fd;
	struct probe p = {0};
	struct rte_intr_handle *h = ext_handle(&fd);
	p.efd = fd;
	CHECK_EQ(rte_intr_callback_register(h, first_cb, &p), 0);
	CHECK_EQ(rte_intr_callback_register(h, second_cb, &p), 0);
	CHECK_EQ(rte_intr_callback_register(h, third_cb, &p), 0);
	kick(fd);
	CHECK(wait_for(&p.norder, 3, 2000));
	CHECK_EQ(p.order[0], 1);
	CHECK_EQ(p.order[1], 2);
	CHECK_EQ(p.order[2], 3);
	/* two copies of one callback with different arguments: (void *)-1 takes both */
	CHECK_EQ(rte_intr_callback_register(h, first_cb, NULL), 0);
	CHECK_EQ(rte_intr_callback_unregister(h, first_cb, (void *)-1), 2);
	CHECK_EQ(rte_intr_callback_unregister(h, second_cb, NULL), 0);
	CHECK_EQ(rte_intr_callback_unregister(h, second_cb, &p), 1);
	CHECK_EQ(rte_intr_callback_unregister(h, third_cb, &p), 1);
	CHECK_EQ(rte_intr_callback_unregister(h, third_cb, &p), -ENOENT);
	close(fd);
	rte_intr_instance_free(h);
}

static void blocking_cb(void *a)
{
	struct probe *p = a;
	drain(p->efd);
	__atomic_store_n(&p->running, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&p->gate, __ATOMIC_SEQ_CST))
		usleep(100);
	usleep(30000);
	__atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
}

static void test_unregister_while_running(void)
{
	int fd;
	struct probe p = {0};
	struct rte_intr_handle *h = ext_handle(&fd);
	p.efd = fd;
	CHECK_EQ(rte_intr_callback_register(h, blocking_cb, &p), 0);
	kick(fd);
	CHECK(wait_for(&p.running, 1, 2000));
	CHECK_EQ(rte_intr_callback_unregister(h, blocking_cb, &p), -EAGAIN);
	CHECK_EQ(rte_intr_callback_unregister_pending(h, blocking_cb, NULL, NULL), 0);
	__atomic_store_n(&p.gate, 1, __ATOMIC_SEQ_CST);
	/* sync waits out the running callback, then removes it */
	CHECK_EQ(rte_intr_callback_unregister_sync(h, blocking_cb, &p), 1);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(rte_intr_callback_unregister_sync(h, blocking_cb, &p), -ENOENT);
	close(fd);
	rte_intr_instance_free(h);
}

static void after_unregister(struct rte_intr_handle *h, void *a)
{
	struct probe *p = a;
	if (rte_intr_fd_get(h) == p->efd && rte_thread_is_intr())
		__atomic_add_fetch(&p->ucb_calls, 1, __ATOMIC_SEQ_CST);
}

static void self_removing_cb(void *a)
{
	struct probe *p = a;
	drain(p->efd);
	p->pending_ret = rte_intr_callback_unregister_pending(p->h, self_removing_cb, a,
							       after_unregister);
	__atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
}

static void test_unregister_pending(void)
{
	int fd;
	struct probe p = {0};
	struct rte_intr_handle *h = ext_handle(&fd);
	p.efd = fd;
	p.h = h;
	CHECK_EQ(rte_intr_callback_unregister_pending(h, self_removing_cb, &p, NULL), -ENOENT);
	CHECK_EQ(rte_intr_callback_register(h, self_removing_cb, &p), 0);
	CHECK_EQ(rte_intr_callback_register(h, counting_cb, &p), 0);
	/* not running: refused */
	CHECK_EQ(rte_intr_callback_unregister_pending(h, self_removing_cb, &p, NULL), -EAGAIN);
	kick(fd);
	CHECK(wait_for(&p.ucb_calls, 1, 2000));
	CHECK_EQ(p.pending_ret, 1);
	CHECK(wait_for(&p.calls, 2, 2000));
	/* the other callback stays */
	kick(fd);
	CHECK(wait_for(&p.calls, 3, 2000));
	usleep(20000);
	CHECK_EQ(p.calls, 3);
	CHECK_EQ(p.ucb_calls, 1);
	CHECK_EQ(rte_intr_callback_unregister(h, self_removing_cb, &p), 0);
	CHECK_EQ(rte_intr_callback_unregister(h, counting_cb, &p), 1);
	close(fd);
	rte_intr_instance_free(h);
}

static void test_registered_while_waiting(void)
{
	int fd, i;
	struct probe p = {0};
	for (i = 0; i < 3; i++) {
		struct rte_intr_handle *h = ext_handle(&fd);
		memset(&p, 0, sizeof(p));
		p.efd = fd;
		usleep(20000); /* the thread is asleep on its current list */
		kick(fd);
		uint64_t t0 = now_us();
		CHECK_EQ(rte_intr_callback_register(h, counting_cb, &p), 0);
		CHECK(wait_for(&p.calls, 1, 1000));
		CHECK(now_us() - t0 < 50000);
		CHECK_EQ(rte_intr_callback_unregister_sync(h, counting_cb, &p), 1);
		/* the handle may go: the thread kept its own copy */
		rte_intr_instance_free(h);
		close(fd);
	}
}

static int intr_thread_named(void)
{
	return count_threads_named("eal-intr-thread");
}

static void dummy_cb(void *a) { (void)a; }

static void test_bad_input(void)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	rte_errno = 0;
	CHECK(rte_intr_instance_alloc(2) == NULL);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK(rte_intr_instance_alloc(0xffffffff) == NULL);
	CHECK_EQ(rte_errno, EINVAL);

	/* NULL handle */
	rte_errno = 0;
	CHECK_EQ(rte_intr_callback_register(NULL, dummy_cb, NULL), -EINVAL);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_intr_callback_unregister(NULL, dummy_cb, NULL), -EINVAL);
	CHECK_EQ(rte_intr_callback_unregister_pending(NULL, dummy_cb, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_intr_callback_unregister_sync(NULL, dummy_cb, NULL), -EINVAL);
	rte_errno = 0;
	CHECK_EQ(rte_intr_fd_get(NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_intr_fd_set(NULL, 3), -EINVAL);
	rte_errno = 0;
	CHECK_EQ(rte_intr_type_get(NULL), RTE_INTR_HANDLE_UNKNOWN);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_intr_type_set(NULL, RTE_INTR_HANDLE_EXT), -EINVAL);
	CHECK_EQ(rte_intr_dev_fd_get(NULL), -1);
	CHECK_EQ(rte_intr_dev_fd_set(NULL, 3), -EINVAL);
	CHECK_EQ(rte_intr_max_intr_get(NULL), -EINVAL);
	CHECK_EQ(rte_intr_max_intr_set(NULL, 1), -EINVAL);
	CHECK_EQ(rte_intr_nb_efd_get(NULL), -EINVAL);
	CHECK_EQ(rte_intr_nb_efd_set(NULL, 1), -EINVAL);
	CHECK_EQ(rte_intr_nb_intr_get(NULL), -EINVAL);
	CHECK_EQ(rte_intr_efd_counter_size_get(NULL), -EINVAL);
	CHECK_EQ(rte_intr_efd_counter_size_set(NULL, 8), -EINVAL);
	CHECK_EQ(rte_intr_efds_index_get(NULL, 0), -EINVAL);
	CHECK_EQ(rte_intr_efds_index_set(NULL, 0, 3), -EINVAL);
	CHECK(rte_intr_elist_index_get(NULL, 0) == NULL);
	CHECK_EQ(rte_intr_vec_list_alloc(NULL, "v", 4), -EINVAL);
	CHECK_EQ(rte_intr_vec_list_index_get(NULL, 0), -EINVAL);
	CHECK_EQ(rte_intr_vec_list_index_set(NULL, 0, 1), -EINVAL);
	CHECK_EQ(rte_intr_event_list_update(NULL, 4), -EINVAL);
	CHECK(rte_intr_instance_dup(NULL) == NULL);
	CHECK(rte_intr_instance_windows_handle_get(NULL) == NULL);
	CHECK_EQ(rte_intr_instance_windows_handle_set(NULL, NULL), -EINVAL);
	CHECK_EQ(rte_intr_enable(NULL), -1);
	CHECK_EQ(rte_intr_disable(NULL), -1);
	CHECK_EQ(rte_intr_ack(NULL), -1);
	CHECK_EQ(rte_intr_efd_enable(NULL, 1), -EINVAL);
	CHECK_EQ(rte_intr_rx_ctl(NULL, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 0, NULL), -EPERM);
	{
		struct rte_epoll_event e;
		memset(&e, 0, sizeof(e));
		rte_errno = 0;
		CHECK_EQ(rte_intr_elist_index_set(NULL, 0, e), -EINVAL);
		CHECK_EQ(rte_errno, EINVAL);
	}
	/* DPDK would walk a NULL handle's vectors here; SwiftEAL does nothing */
	rte_intr_free_epoll_fd(NULL);
	rte_intr_efd_disable(NULL);
	rte_intr_vec_list_free(NULL);
	rte_intr_instance_free(NULL);

	/* fd -1 */
	CHECK_EQ(rte_intr_fd_set(h, -1), 0);
	CHECK_EQ(rte_intr_callback_register(h, dummy_cb, NULL), -EINVAL);
	CHECK_EQ(rte_intr_callback_unregister(h, dummy_cb, NULL), -EINVAL);
	CHECK_EQ(rte_intr_callback_unregister_pending(h, dummy_cb, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_intr_callback_unregister_sync(h, dummy_cb, NULL), -EINVAL);
	CHECK_EQ(rte_intr_type_set(h, RTE_INTR_HANDLE_EXT), 0);
	CHECK_EQ(rte_intr_enable(h), -1);

	/* NULL callback: refused, rte_errno untouched */
	CHECK_EQ(rte_intr_fd_set(h, fd), 0);
	rte_errno = 0;
	CHECK_EQ(rte_intr_callback_register(h, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_errno, 0);
	/* nothing registered on this fd */
	CHECK_EQ(rte_intr_callback_unregister(h, dummy_cb, NULL), -ENOENT);

	/* indexes past the vectors */
	CHECK_EQ(rte_intr_efds_index_get(h, RTE_MAX_RXTX_INTR_VEC_ID), -EINVAL);
	CHECK_EQ(rte_intr_efds_index_set(h, RTE_MAX_RXTX_INTR_VEC_ID, 3), -ERANGE);
	rte_errno = 0;
	CHECK(rte_intr_elist_index_get(h, RTE_MAX_RXTX_INTR_VEC_ID) == NULL);
	CHECK_EQ(rte_errno, ERANGE);
	CHECK_EQ(rte_intr_max_intr_set(h, RTE_MAX_RXTX_INTR_VEC_ID + 1), -ERANGE);
	CHECK_EQ(rte_intr_vec_list_index_get(h, 0), -ERANGE);
	CHECK_EQ(rte_intr_vec_list_alloc(h, "v", RTE_MAX_RXTX_INTR_VEC_ID + 1), -ERANGE);
	CHECK_EQ(rte_intr_event_list_update(h, 0), -EINVAL);
	CHECK_EQ(rte_intr_event_list_update(h, -1), -EINVAL);
	CHECK_EQ(rte_intr_event_list_update(h, 65536), -EINVAL);
	CHECK_EQ(rte_intr_nb_intr_get(h), RTE_MAX_RXTX_INTR_VEC_ID); /* unchanged */
	CHECK_EQ(rte_intr_efds_index_get(h, -1), -EINVAL);
	CHECK_EQ(rte_intr_vec_list_index_set(h, -1, 1), -ERANGE);
	/* no vectors asked for: refused (DPDK asserts) */
	rte_errno = 0;
	CHECK_EQ(rte_intr_efd_enable(h, 0), -EINVAL);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_intr_nb_efd_get(h), 0);

	/* an unknown handle type: accepted, but the thread cannot read the fd as one
	 * and drops the source without calling back */
	CHECK_EQ(rte_intr_type_set(h, RTE_INTR_HANDLE_UNKNOWN), 0);
	struct probe p = {0};
	p.efd = fd;
	CHECK_EQ(rte_intr_callback_register(h, counting_cb, &p), 0);
	kick(fd);
	usleep(50000);
	CHECK_EQ(p.calls, 0);
	CHECK_EQ(rte_intr_callback_unregister(h, counting_cb, &p), -ENOENT);
	CHECK_EQ(rte_intr_enable(h), -1);
	CHECK_EQ(rte_intr_disable(h), -1);
	CHECK_EQ(rte_intr_ack(h), -1);

	/* device types refuse without a device (dev fd unset, then a non-device fd) */
	enum rte_intr_handle_type dev[] = { RTE_INTR_HANDLE_UIO, RTE_INTR_HANDLE_UIO_INTX,
		RTE_INTR_HANDLE_VFIO_LEGACY, RTE_INTR_HANDLE_VFIO_MSI, RTE_INTR_HANDLE_VFIO_MSIX,
		RTE_INTR_HANDLE_VFIO_REQ, RTE_INTR_HANDLE_ALARM, RTE_INTR_HANDLE_DEV_EVENT,
		RTE_INTR_HANDLE_EXT };
	for (unsigned i = 0; i < sizeof(dev) / sizeof(dev[0]); i++) {
		rte_intr_type_set(h, dev[i]);
		rte_intr_dev_fd_set(h, -1);
		CHECK_EQ(rte_intr_enable(h), -1);
		CHECK_EQ(rte_intr_disable(h), -1);
		CHECK_EQ(rte_intr_ack(h), -1);
		rte_intr_dev_fd_set(h, fd);
		CHECK_EQ(rte_intr_enable(h), -1);
		CHECK_EQ(rte_intr_disable(h), -1);
		CHECK_EQ(rte_intr_ack(h), (dev[i] == RTE_INTR_HANDLE_VFIO_MSI ||
					   dev[i] == RTE_INTR_HANDLE_VFIO_MSIX) ? 0 : -1);
	}
	/* a virtual device needs nothing */
	rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV);
	CHECK_EQ(rte_intr_enable(h), 0);
	CHECK_EQ(rte_intr_disable(h), 0);
	CHECK_EQ(rte_intr_ack(h), 0);

	close(fd);
	rte_intr_instance_free(h);
}

static void test_instance_api(void)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_SHARED);
	CHECK(h != NULL);
	CHECK_EQ(rte_intr_type_get(h), RTE_INTR_HANDLE_UNKNOWN);
	CHECK_EQ(rte_intr_nb_intr_get(h), RTE_MAX_RXTX_INTR_VEC_ID);
	CHECK_EQ(rte_intr_max_intr_get(h), 0);
	CHECK_EQ(rte_intr_nb_efd_get(h), 0);
	CHECK_EQ(rte_intr_fd_set(h, 7), 0);
	CHECK_EQ(rte_intr_dev_fd_set(h, 9), 0);
	CHECK_EQ(rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV), 0);
	CHECK_EQ(rte_intr_max_intr_set(h, 4), 0);
	CHECK_EQ(rte_intr_nb_efd_set(h, 3), 0);
	CHECK_EQ(rte_intr_efd_counter_size_set(h, 8), 0);
	CHECK_EQ(rte_intr_efds_index_set(h, 2, 42), 0);
	struct rte_epoll_event ev = { .fd = 5, .epdata = { .event = EPOLLIN } };
	CHECK_EQ(rte_intr_elist_index_set(h, 1, ev), 0);
	CHECK_EQ(rte_intr_elist_index_get(h, 1)->fd, 5);
	CHECK_EQ(rte_intr_vec_list_alloc(h, "vec", 4), 0);
	CHECK_EQ(rte_intr_vec_list_alloc(h, "vec", 8), 0); /* already there: kept */
	CHECK_EQ(rte_intr_vec_list_index_set(h, 3, 11), 0);
	CHECK_EQ(rte_intr_vec_list_index_get(h, 3), 11);
	CHECK_EQ(rte_intr_vec_list_index_get(h, 4), -ERANGE);
	struct rte_intr_handle *d = rte_intr_instance_dup(h);
	CHECK(d != NULL);
	CHECK_EQ(rte_intr_fd_get(d), 7);
	CHECK_EQ(rte_intr_dev_fd_get(d), 9);
	CHECK_EQ(rte_intr_type_get(d), RTE_INTR_HANDLE_VDEV);
	CHECK_EQ(rte_intr_max_intr_get(d), 4);
	CHECK_EQ(rte_intr_nb_efd_get(d), 3);
	CHECK_EQ(rte_intr_efd_counter_size_get(d), 8);
	CHECK_EQ(rte_intr_efds_index_get(d, 2), 42);
	CHECK_EQ(rte_intr_elist_index_get(d, 1)->fd, 5);
	CHECK_EQ(rte_intr_vec_list_index_get(d, 0), -ERANGE); /* the vector list is not copied */
	CHECK_EQ(rte_intr_dp_is_en(d), 1);
	CHECK_EQ(rte_intr_allow_others(d), 1);
	CHECK_EQ(rte_intr_cap_multiple(d), 1);
	rte_intr_instance_free(d);
	CHECK_EQ(rte_intr_event_list_update(h, 1000), 0);
	CHECK_EQ(rte_intr_nb_intr_get(h), 1000);
	CHECK_EQ(rte_intr_efds_index_get(h, 2), 42);
	CHECK_EQ(rte_intr_efds_index_set(h, 999, 1), 0);
	CHECK_EQ(rte_intr_max_intr_set(h, 1000), 0);
	rte_intr_vec_list_free(h);
	CHECK_EQ(rte_intr_vec_list_index_get(h, 0), -ERANGE);
	rte_intr_vec_list_free(h);
	CHECK(rte_intr_instance_windows_handle_set(h, NULL) == 0);
	rte_intr_instance_free(h);
}

static void test_rx_vectors(void)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	struct rte_epoll_event out[4];
	int tls = rte_intr_tls_epfd();
	CHECK(tls >= 0);
	CHECK_EQ(rte_intr_tls_epfd(), tls);
	rte_intr_type_set(h, RTE_INTR_HANDLE_VFIO_MSIX);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 1, NULL), -EPERM);
	CHECK_EQ(rte_intr_efd_enable(h, 2), 0);
	CHECK_EQ(rte_intr_nb_efd_get(h), 2);
	CHECK_EQ(rte_intr_max_intr_get(h), 3);
	CHECK_EQ(rte_intr_allow_others(h), 1);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 2, (void *)0x42), 0);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 2, (void *)0x42), -EEXIST);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 3, NULL), -EPERM);
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 0), 0);
	kick(rte_intr_efds_index_get(h, 1));
	memset(out, 0, sizeof(out));
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 1000), 1);
	CHECK_EQ(out[0].fd, rte_intr_efds_index_get(h, 1));
	CHECK_EQ(out[0].epfd, tls);
	CHECK_EQ(out[0].status, RTE_EPOLL_VALID);
	CHECK(out[0].epdata.data == (void *)0x42);
	CHECK(out[0].epdata.event & EPOLLIN);
	/* the library drained the vector's eventfd */
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 0), 0);
	CHECK_EQ(rte_intr_elist_index_get(h, 1)->status, RTE_EPOLL_VALID);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_DEL, 2, NULL), 0);
	CHECK_EQ(rte_intr_elist_index_get(h, 1)->status, RTE_EPOLL_INVALID);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_DEL, 2, NULL), -EPERM);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, 9, 2, NULL), -EPERM);
	CHECK_EQ(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 1, NULL), 0);
	rte_intr_free_epoll_fd(h);
	CHECK_EQ(rte_intr_elist_index_get(h, 0)->status, RTE_EPOLL_INVALID);
	rte_intr_efd_disable(h);
	CHECK_EQ(rte_intr_nb_efd_get(h), 0);
	CHECK_EQ(rte_intr_max_intr_get(h), 0);
	CHECK_EQ(rte_intr_dp_is_en(h), 0);
	CHECK_EQ(rte_intr_allow_others(h), 1);

	/* plain epoll API */
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct rte_epoll_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.epdata.event = EPOLLIN;
	ev.epdata.data = (void *)0x77;
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, NULL), -1);
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, -1, &ev), -1);
	CHECK_EQ(ev.status, RTE_EPOLL_INVALID);
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev), 0);
	CHECK_EQ(ev.status, RTE_EPOLL_VALID);
	CHECK_EQ(ev.fd, efd);
	CHECK_EQ(ev.epfd, tls);
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev), -1);
	CHECK_EQ(ev.status, RTE_EPOLL_INVALID); /* a failed ADD rolls the status back */
	ev.status = RTE_EPOLL_VALID;
	kick(efd);
	CHECK_EQ(rte_epoll_wait_interruptible(RTE_EPOLL_PER_THREAD, out, 4, 1000), 1);
	CHECK(out[0].epdata.data == (void *)0x77);
	/* MOD keeps the event: its fd is still reported with its data */
	ev.epdata.event = EPOLLIN | EPOLLPRI;
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_MOD, efd, &ev), 0);
	memset(out, 0, sizeof(out));
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 1000), 1);
	CHECK(out[0].epdata.data == (void *)0x77);
	CHECK_EQ(out[0].fd, efd);
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, NULL, 4, 0), -1);
	CHECK_EQ(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 0, 0), -1);
	CHECK_EQ(rte_epoll_wait(-5, out, 4, 0), -1);
	CHECK_EQ(rte_epoll_wait_interruptible(RTE_EPOLL_PER_THREAD, NULL, 4, 0), -1);
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev), 0);
	CHECK_EQ(ev.status, RTE_EPOLL_INVALID);
	CHECK_EQ(ev.fd, -1);
	CHECK_EQ(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev), -1);
	close(efd);
	rte_intr_instance_free(h);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (test_eal_init(argv[0], "test_intr") < 0)
		return check_report();
	CHECK_EQ(intr_thread_named(), 1);
	test_once_per_write();
	test_registration_order();
	test_unregister_while_running();
	test_unregister_pending();
	test_registered_while_waiting();
	test_bad_input();
	test_instance_api();
	test_rx_vectors();
	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK_EQ(intr_thread_named(), 0);
	return check_report();
}
