/*
 * ABI facts of rte_interrupts.h, rte_epoll.h, rte_alarm.h and rte_bitops.h: built
 * against include/ and against DPDK 22.11's headers, the outputs must be identical.
 */
#define ALLOW_EXPERIMENTAL_API
#define ALLOW_INTERNAL_API
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_alarm.h>
#include <rte_bitops.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>

#define SIZE(t) printf("sizeof(%s)=%zu align=%zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, f) printf("offsetof(%s,%s)=%zu size=%zu\n", #t, #f, offsetof(t, f), sizeof(((t *)0)->f))
#define VAL(v) printf("%s=%lld size=%zu\n", #v, (long long)(v), sizeof(v))

/* Each API has exactly the given type (checked at compile time, printed as 1).
 */
#define SIG(fn, type) printf("%s: %d\n", #fn, __builtin_types_compatible_p(__typeof__(&fn), type))

int main(void)
{
	SIZE(struct rte_epoll_data);
	OFF(struct rte_epoll_data, event); OFF(struct rte_epoll_data, data);
	OFF(struct rte_epoll_data, cb_fun); OFF(struct rte_epoll_data, cb_arg);
	SIZE(struct rte_epoll_event);
	OFF(struct rte_epoll_event, status); OFF(struct rte_epoll_event, fd);
	OFF(struct rte_epoll_event, epfd); OFF(struct rte_epoll_event, epdata);
	SIZE(rte_intr_event_cb_t); SIZE(rte_intr_callback_fn);
	SIZE(rte_intr_unregister_callback_fn); SIZE(rte_eal_alarm_callback);
	SIZE(enum rte_intr_handle_type); SIZE(struct rte_intr_handle *);

	VAL(RTE_INTR_EVENT_ADD); VAL(RTE_INTR_EVENT_DEL); VAL(RTE_EPOLL_PER_THREAD);
	VAL(RTE_EPOLL_INVALID); VAL(RTE_EPOLL_VALID); VAL(RTE_EPOLL_EXEC);
	VAL(RTE_INTR_INSTANCE_F_PRIVATE); VAL(RTE_INTR_INSTANCE_F_SHARED);
	VAL(RTE_MAX_RXTX_INTR_VEC_ID); VAL(RTE_INTR_VEC_ZERO_OFFSET); VAL(RTE_INTR_VEC_RXTX_OFFSET);
	VAL(RTE_INTR_HANDLE_UNKNOWN); VAL(RTE_INTR_HANDLE_UIO); VAL(RTE_INTR_HANDLE_UIO_INTX);
	VAL(RTE_INTR_HANDLE_VFIO_LEGACY); VAL(RTE_INTR_HANDLE_VFIO_MSI); VAL(RTE_INTR_HANDLE_VFIO_MSIX);
	VAL(RTE_INTR_HANDLE_ALARM); VAL(RTE_INTR_HANDLE_EXT); VAL(RTE_INTR_HANDLE_VDEV);
	VAL(RTE_INTR_HANDLE_DEV_EVENT); VAL(RTE_INTR_HANDLE_VFIO_REQ); VAL(RTE_INTR_HANDLE_MAX);
	VAL(RTE_BIT32(0)); VAL(RTE_BIT32(31)); VAL(RTE_BIT64(0)); VAL(RTE_BIT64(63));

	/* the bitops inlines */
	{
		volatile uint32_t w = 0x5;
		volatile uint64_t q = 0x5;
		VAL(rte_bit_relaxed_get32(2, &w)); VAL(rte_bit_relaxed_get32(1, &w));
		rte_bit_relaxed_set32(1, &w); VAL(w);
		rte_bit_relaxed_clear32(0, &w); VAL(w);
		VAL(rte_bit_relaxed_test_and_set32(3, &w)); VAL(w);
		VAL(rte_bit_relaxed_test_and_clear32(3, &w)); VAL(w);
		VAL(rte_bit_relaxed_get64(2, &q)); rte_bit_relaxed_set64(40, &q); VAL(q);
		rte_bit_relaxed_clear64(0, &q); VAL(q);
		VAL(rte_bit_relaxed_test_and_set64(63, &q)); VAL(q);
		VAL(rte_bit_relaxed_test_and_clear64(63, &q)); VAL(q);
	}

	SIG(rte_epoll_wait, int (*)(int, struct rte_epoll_event *, int, int));
	SIG(rte_epoll_wait_interruptible, int (*)(int, struct rte_epoll_event *, int, int));
	SIG(rte_epoll_ctl, int (*)(int, int, int, struct rte_epoll_event *));
	SIG(rte_eal_alarm_set, int (*)(uint64_t, rte_eal_alarm_callback, void *));
	SIG(rte_eal_alarm_cancel, int (*)(rte_eal_alarm_callback, void *));
	SIG(rte_intr_callback_register, int (*)(const struct rte_intr_handle *, rte_intr_callback_fn, void *));
	SIG(rte_intr_callback_unregister, int (*)(const struct rte_intr_handle *, rte_intr_callback_fn, void *));
	SIG(rte_intr_callback_unregister_pending, int (*)(const struct rte_intr_handle *, rte_intr_callback_fn, void *, rte_intr_unregister_callback_fn));
	SIG(rte_intr_callback_unregister_sync, int (*)(const struct rte_intr_handle *, rte_intr_callback_fn, void *));
	SIG(rte_intr_enable, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_disable, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_ack, int (*)(const struct rte_intr_handle *));
	SIG(rte_thread_is_intr, int (*)(void));
	SIG(rte_intr_instance_alloc, struct rte_intr_handle *(*)(uint32_t));
	SIG(rte_intr_instance_free, void (*)(struct rte_intr_handle *));
	SIG(rte_intr_instance_dup, struct rte_intr_handle *(*)(const struct rte_intr_handle *));
	SIG(rte_intr_fd_set, int (*)(struct rte_intr_handle *, int));
	SIG(rte_intr_fd_get, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_type_set, int (*)(struct rte_intr_handle *, enum rte_intr_handle_type));
	SIG(rte_intr_type_get, enum rte_intr_handle_type (*)(const struct rte_intr_handle *));
	SIG(rte_intr_tls_epfd, int (*)(void));
	SIG(rte_intr_rx_ctl, int (*)(struct rte_intr_handle *, int, int, unsigned int, void *));
	SIG(rte_intr_free_epoll_fd, void (*)(struct rte_intr_handle *));
	SIG(rte_intr_efd_enable, int (*)(struct rte_intr_handle *, uint32_t));
	SIG(rte_intr_efd_disable, void (*)(struct rte_intr_handle *));
	SIG(rte_intr_dp_is_en, int (*)(struct rte_intr_handle *));
	SIG(rte_intr_allow_others, int (*)(struct rte_intr_handle *));
	SIG(rte_intr_cap_multiple, int (*)(struct rte_intr_handle *));
	SIG(rte_intr_dev_fd_set, int (*)(struct rte_intr_handle *, int));
	SIG(rte_intr_dev_fd_get, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_max_intr_set, int (*)(struct rte_intr_handle *, int));
	SIG(rte_intr_max_intr_get, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_nb_efd_set, int (*)(struct rte_intr_handle *, int));
	SIG(rte_intr_nb_efd_get, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_nb_intr_get, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_efd_counter_size_set, int (*)(struct rte_intr_handle *, uint8_t));
	SIG(rte_intr_efd_counter_size_get, int (*)(const struct rte_intr_handle *));
	SIG(rte_intr_efds_index_set, int (*)(struct rte_intr_handle *, int, int));
	SIG(rte_intr_efds_index_get, int (*)(const struct rte_intr_handle *, int));
	SIG(rte_intr_elist_index_set, int (*)(struct rte_intr_handle *, int, struct rte_epoll_event));
	SIG(rte_intr_elist_index_get, struct rte_epoll_event *(*)(struct rte_intr_handle *, int));
	SIG(rte_intr_vec_list_alloc, int (*)(struct rte_intr_handle *, const char *, int));
	SIG(rte_intr_vec_list_index_set, int (*)(struct rte_intr_handle *, int, int));
	SIG(rte_intr_vec_list_index_get, int (*)(const struct rte_intr_handle *, int));
	SIG(rte_intr_vec_list_free, void (*)(struct rte_intr_handle *));
	SIG(rte_intr_event_list_update, int (*)(struct rte_intr_handle *, int));
	SIG(rte_intr_instance_windows_handle_get, void *(*)(struct rte_intr_handle *));
	SIG(rte_intr_instance_windows_handle_set, int (*)(struct rte_intr_handle *, void *));
	return 0;
}
