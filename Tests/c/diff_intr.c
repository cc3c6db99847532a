/*
 * Interrupt and alarm API answers (return values and rte_errno) for valid and
 * invalid input, printed line by line: DPDK's librte_eal and SwiftEAL must agree.
 */
#define ALLOW_EXPERIMENTAL_API
#define ALLOW_INTERNAL_API
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <string.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_epoll.h>
#include <rte_alarm.h>

#define P(expr) do { rte_errno = 0; long long _v = (long long)(expr); printf("%-70s = %lld errno=%d\n", #expr, _v, rte_errno); } while (0)
static void cb(void *a) { (void)a; }
static void cb2(void *a) { (void)a; }

int main(int argc, char **argv) {
	struct rte_intr_handle *h;
	int efd = eventfd(0, EFD_NONBLOCK);
	(void)argc; setvbuf(stdout, NULL, _IONBF, 0);
	char *args[] = {argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--file-prefix", "diff_intr", NULL};
	if (rte_eal_init(9, args) < 0) { printf("init failed\n"); return 1; }
	printf("--- after init\n");
	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	P(h != NULL);
	P(rte_intr_fd_get(h)); P(rte_intr_dev_fd_get(h)); P(rte_intr_type_get(h));
	P(rte_intr_max_intr_get(h)); P(rte_intr_nb_efd_get(h)); P(rte_intr_nb_intr_get(h)); P(rte_intr_efd_counter_size_get(h));
	P(rte_intr_fd_set(h, efd)); P(rte_intr_type_set(h, RTE_INTR_HANDLE_EXT));
	P(rte_thread_is_intr());
	P(rte_intr_instance_alloc(2) != NULL); P(rte_intr_instance_alloc(0xffffffff) != NULL);
	P(rte_intr_fd_get(NULL)); P(rte_intr_fd_set(NULL, 3)); P(rte_intr_type_get(NULL)); P(rte_intr_type_set(NULL, 1));
	P(rte_intr_dev_fd_get(NULL)); P(rte_intr_dev_fd_set(NULL, 3)); P(rte_intr_max_intr_get(NULL)); P(rte_intr_max_intr_set(NULL, 3));
	P(rte_intr_nb_efd_get(NULL)); P(rte_intr_nb_efd_set(NULL, 3)); P(rte_intr_nb_intr_get(NULL));
	P(rte_intr_efd_counter_size_get(NULL)); P(rte_intr_efd_counter_size_set(NULL, 8));
	P(rte_intr_efds_index_get(NULL, 0)); P(rte_intr_efds_index_set(NULL, 0, 3));
	P(rte_intr_elist_index_get(NULL, 0) == NULL);
	P(rte_intr_vec_list_alloc(NULL, "x", 4)); P(rte_intr_vec_list_index_get(NULL, 0)); P(rte_intr_vec_list_index_set(NULL, 0, 1));
	P(rte_intr_instance_dup(NULL) == NULL);
	P(rte_intr_instance_windows_handle_get(NULL) == NULL); P(rte_intr_instance_windows_handle_set(NULL, NULL));
	P(rte_intr_instance_windows_handle_get(h) == NULL); P(rte_intr_instance_windows_handle_set(h, (void*)1));
	P(rte_intr_fd_get(h)); P(rte_intr_dev_fd_get(h));
	P(rte_intr_type_set(h, RTE_INTR_HANDLE_MAX)); P(rte_intr_type_set(h, 99)); P(rte_intr_type_set(h, -1)); P(rte_intr_type_get(h));
	P(rte_intr_fd_set(h, -5)); P(rte_intr_fd_get(h)); P(rte_intr_fd_set(h, efd));
	P(rte_intr_max_intr_set(h, 600)); P(rte_intr_max_intr_set(h, 512));  P(rte_intr_max_intr_get(h)); P(rte_intr_max_intr_set(h, 0));
	P(rte_intr_nb_efd_set(h, 600));  P(rte_intr_nb_efd_get(h));P(rte_intr_nb_efd_set(h, 0));
	P(rte_intr_efd_counter_size_set(h, 200)); P(rte_intr_efd_counter_size_get(h)); P(rte_intr_efd_counter_size_set(h, 0));
	P(rte_intr_efds_index_get(h, 0)); P(rte_intr_efds_index_get(h, 511)); P(rte_intr_efds_index_get(h, 512)); 
	P(rte_intr_efds_index_set(h, 512, 3));  P(rte_intr_efds_index_set(h, 5, 77)); P(rte_intr_efds_index_get(h, 5));
	P(rte_intr_elist_index_get(h, 512) == NULL);  P(rte_intr_elist_index_get(h, 0) != NULL);
	{ struct rte_epoll_event e = {0}; e.fd = 9; P(rte_intr_elist_index_set(h, 512, e));  P(rte_intr_elist_index_set(h, 3, e)); P(rte_intr_elist_index_get(h, 3)->fd); }
	P(rte_intr_vec_list_index_get(h, 0)); P(rte_intr_vec_list_index_set(h, 0, 1));
	P(rte_intr_vec_list_alloc(h, "x", 600)); P(rte_intr_vec_list_alloc(h, "x", 4)); P(rte_intr_vec_list_index_get(h, 3)); rte_intr_vec_list_free(h); P(rte_intr_vec_list_alloc(h, "x", 0));P(rte_intr_vec_list_index_get(h, 0)); rte_intr_vec_list_free(h);  P(rte_intr_vec_list_alloc(h, "x", 600));
	P(rte_intr_vec_list_alloc(h, "x", 4)); P(rte_intr_vec_list_alloc(h, NULL, 8)); P(rte_intr_vec_list_index_get(h, 0)); P(rte_intr_vec_list_index_get(h, 3));
	P(rte_intr_vec_list_index_get(h, 4)); P(rte_intr_vec_list_index_get(h, 8)); P(rte_intr_vec_list_index_set(h, 3, 42)); P(rte_intr_vec_list_index_get(h, 3));
	P(rte_intr_vec_list_index_set(h, 4, 42)); 
	rte_intr_vec_list_free(h); P(rte_intr_vec_list_index_get(h, 0)); rte_intr_vec_list_free(h); rte_intr_vec_list_free(NULL);
	P(rte_intr_event_list_update(NULL, 4)); P(rte_intr_event_list_update(h, 0));  P(rte_intr_event_list_update(h, 4));
	P(rte_intr_nb_intr_get(h)); P(rte_intr_efds_index_get(h, 4)); P(rte_intr_efds_index_get(h, 3)); P(rte_intr_efds_index_get(h, 5));
	P(rte_intr_event_list_update(h, 1000)); P(rte_intr_nb_intr_get(h));
	P(rte_intr_max_intr_set(h, 600)); P(rte_intr_max_intr_set(h, 1000)); P(rte_intr_max_intr_set(h, 1001));P(rte_intr_nb_efd_set(h, 1000)); P(rte_intr_nb_efd_set(h, 1001));
	P(rte_intr_efds_index_set(h, 999, 3));P(rte_intr_efds_index_set(h, 1000, 3));
	P(rte_intr_event_list_update(h, 512)); P(rte_intr_nb_intr_get(h)); P(rte_intr_efds_index_set(h, 5, 77));P(rte_intr_max_intr_get(h));P(rte_intr_nb_efd_get(h));
	P(rte_intr_max_intr_set(h, 0)); P(rte_intr_nb_efd_set(h, 0));
	{ struct rte_intr_handle *d = rte_intr_instance_dup(h); P(d != NULL); P(rte_intr_fd_get(d)); P(rte_intr_type_get(d)); P(rte_intr_nb_intr_get(d)); P(rte_intr_efds_index_get(d, 5)); rte_intr_instance_free(d);}
	rte_intr_instance_free(NULL);
	printf("--- register\n");
	P(rte_intr_type_get(h));
	P(rte_intr_callback_register(NULL, cb, NULL));
	P(rte_intr_callback_register(h, NULL, NULL));
	{ struct rte_intr_handle *u = rte_intr_instance_alloc(0); rte_intr_fd_set(u, efd); P(rte_intr_callback_register(u, cb, NULL)); P(rte_intr_callback_unregister(u, cb, NULL));
	  P(rte_intr_callback_unregister_pending(u, cb, NULL, NULL));  P(rte_intr_callback_unregister_sync(u, cb, NULL));
	  P(rte_intr_enable(u)); P(rte_intr_disable(u)); P(rte_intr_ack(u)); rte_intr_instance_free(u); }
	P(rte_intr_callback_unregister(NULL, cb, NULL)); P(rte_intr_callback_unregister_pending(NULL, cb, NULL, NULL)); P(rte_intr_callback_unregister_sync(NULL, cb, NULL));
	P(rte_intr_callback_unregister(h, cb, NULL));
	P(rte_intr_callback_unregister_sync(h, cb, NULL));
	P(rte_intr_callback_register(h, cb, NULL));
	P(rte_intr_callback_register(h, cb, NULL));
	P(rte_intr_callback_register(h, cb, (void*)1));
	P(rte_intr_callback_register(h, cb2, NULL));
	P(rte_intr_callback_unregister_pending(h, cb, NULL, NULL));
	P(rte_intr_callback_unregister(h, NULL, NULL));
	P(rte_intr_callback_unregister(h, cb, NULL));
	P(rte_intr_callback_unregister(h, cb, (void*)-1));
	P(rte_intr_callback_unregister(h, cb, (void*)-1));
	P(rte_intr_callback_unregister_sync(h, cb2, (void*)-1));
	P(rte_intr_callback_unregister(h, cb2, (void*)-1));
	{ int t; struct rte_intr_handle *u = rte_intr_instance_alloc(0); rte_intr_fd_set(u, efd);
	  for (t = 0; t <= 12; t++) { printf("type %d\n", t); rte_intr_type_set(u, t); P(rte_intr_callback_register(u, cb, NULL)); P(rte_intr_callback_unregister(u, cb, NULL));
	    P(rte_intr_enable(u)); P(rte_intr_disable(u)); P(rte_intr_ack(u)); rte_intr_dev_fd_set(u, efd); P(rte_intr_enable(u)); P(rte_intr_disable(u)); P(rte_intr_ack(u)); rte_intr_dev_fd_set(u, -1);
	    P(rte_intr_efd_enable(u, 4));P(rte_intr_nb_efd_get(u)); P(rte_intr_max_intr_get(u)); P(rte_intr_efd_counter_size_get(u)); P(rte_intr_dp_is_en(u)); P(rte_intr_allow_others(u)); P(rte_intr_cap_multiple(u));
	    P(rte_intr_efds_index_get(u, 0) >= 0); rte_intr_efd_disable(u); P(rte_intr_nb_efd_get(u)); P(rte_intr_max_intr_get(u)); P(rte_intr_efds_index_get(u, 0) >= 0);
	  }
	  rte_intr_instance_free(u); }
	P(rte_intr_enable(NULL)); P(rte_intr_disable(NULL)); P(rte_intr_ack(NULL));
	P(rte_intr_dp_is_en(NULL)); P(rte_intr_allow_others(NULL)); P(rte_intr_cap_multiple(NULL));
	P(rte_intr_efd_enable(NULL, 1));
	P(rte_intr_rx_ctl(NULL, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 0, NULL));
	P(rte_intr_rx_ctl(h, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, 0, NULL));
	P(rte_intr_tls_epfd() >= 0);
	printf("--- uio\n");
	{ /* DPDK switches UIO interrupts by writing an int (1 on, 0 off) to the handle's
	   * fd, and UIO_INTX ones by flipping bit 2 of the PCI command register's high byte
	   * (offset 5) through the config fd: a pipe and a file stand in for the device */
	  int p[2], v = -1; unsigned char cfg[64]; char path[] = "/tmp/diff_intr_cfg.XXXXXX"; int cfd = mkstemp(path);
	  if (pipe2(p, O_NONBLOCK) != 0 || cfd < 0) return 1;
	  unlink(path); memset(cfg, 0, sizeof cfg); cfg[5] = 0x03; if (write(cfd, cfg, sizeof cfg) != sizeof cfg) return 1;
	  struct rte_intr_handle *u = rte_intr_instance_alloc(0);
	  rte_intr_type_set(u, RTE_INTR_HANDLE_UIO); rte_intr_fd_set(u, p[1]);
	  P(rte_intr_enable(u)); rte_intr_dev_fd_set(u, cfd);
	  P(rte_intr_enable(u)); P(read(p[0], &v, sizeof v)); P(v);
	  P(rte_intr_disable(u)); P(read(p[0], &v, sizeof v)); P(v);
	  P(rte_intr_ack(u)); P(read(p[0], &v, sizeof v)); P(v);
	  rte_intr_fd_set(u, p[0]); P(rte_intr_enable(u)); P(rte_intr_disable(u)); P(rte_intr_ack(u)); /* read end: EBADF */
	  rte_intr_fd_set(u, -1); P(rte_intr_enable(u));
	  rte_intr_type_set(u, RTE_INTR_HANDLE_UIO_INTX); rte_intr_fd_set(u, p[0]);
	  P(rte_intr_disable(u)); P(pread(cfd, cfg, 8, 0)); P(cfg[5]); P(cfg[4]);
	  P(rte_intr_disable(u)); P(pread(cfd, cfg, 8, 0)); P(cfg[5]);
	  P(rte_intr_enable(u)); P(pread(cfd, cfg, 8, 0)); P(cfg[5]);
	  P(rte_intr_ack(u)); P(pread(cfd, cfg, 8, 0)); P(cfg[5]);
	  rte_intr_dev_fd_set(u, p[1]); P(rte_intr_enable(u)); P(rte_intr_disable(u)); P(rte_intr_ack(u)); /* a pipe has no offset 5 */
	  P(ftruncate(cfd, 3)); rte_intr_dev_fd_set(u, cfd); P(rte_intr_enable(u)); P(rte_intr_disable(u)); /* nor has a short file */
	  rte_intr_instance_free(u); close(p[0]); close(p[1]); close(cfd); }
	printf("--- epoll\n");
	{ struct rte_epoll_event ev[4], out[4]; int tls = rte_intr_tls_epfd();
	  memset(ev, 0, sizeof ev); memset(out, 0, sizeof out);
	  ev[0].epdata.event = EPOLLIN; ev[0].epdata.data = (void *)0x99;
	  P(rte_epoll_wait(-7, out, 4, 0)); P(rte_epoll_wait(tls, out, 0, 0)); P(rte_epoll_wait(tls, NULL, 4, 0)); P(rte_epoll_wait(tls, out, 4, 0));
	  P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 0));
	  P(rte_epoll_wait_interruptible(-7, out, 4, 0)); P(rte_epoll_wait_interruptible(tls, out, 0, 0));
	  P(rte_epoll_ctl(-7, EPOLL_CTL_ADD, efd, &ev[0])); P(ev[0].status); P(ev[0].fd == efd);
	  P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, NULL)); P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, -1, &ev[0]));
	  P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, 99, efd, &ev[0]));
	  P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev[0])); P(ev[0].status); P(ev[0].fd == efd); P(ev[0].epfd == tls);
	  P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, efd, &ev[0])); P(ev[0].status);
	  ev[0].status = RTE_EPOLL_VALID;
	  { uint64_t one = 1; if (write(efd, &one, 8) != 8) return 1; }
	  P(rte_epoll_wait(RTE_EPOLL_PER_THREAD, out, 4, 100)); P(out[0].fd == efd); P(out[0].status); P(out[0].epdata.event); P(out[0].epdata.data == (void *)0x99); P(out[0].epfd == tls);
	  P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev[0])); P(ev[0].status); P(ev[0].fd); P(ev[0].epfd); P(ev[0].epdata.data == NULL);
	  P(rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_DEL, efd, &ev[0]));
	  { uint64_t v; if (read(efd, &v, 8) != 8) return 1; }
	}
	printf("--- alarms\n");
	P(rte_eal_alarm_set(0, cb, NULL)); P(rte_eal_alarm_set(1, NULL, NULL)); P(rte_eal_alarm_set(UINT64_MAX, cb, NULL));
	P(rte_eal_alarm_set(UINT64_MAX - 1000000, cb, NULL)); P(rte_eal_alarm_set(UINT64_MAX - 1000000 + 1, cb, NULL));
	P(rte_eal_alarm_cancel(NULL, NULL)); P(rte_eal_alarm_cancel(cb2, NULL)); P(rte_eal_alarm_cancel(cb, (void*)-1));
	P(rte_eal_alarm_set(1000000, cb, NULL)); P(rte_eal_alarm_set(1000000, cb, NULL)); P(rte_eal_alarm_set(1000000, cb, (void*)5));
	P(rte_eal_alarm_cancel(cb, NULL)); P(rte_eal_alarm_cancel(cb, (void*)-1));
	rte_intr_instance_free(h);
	printf("cleanup %d\n", rte_eal_cleanup());
	return 0;
}
