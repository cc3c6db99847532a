/*
 * The EAL's own trace points (DPDK 22.11's "lib.eal.*": same names, ids, fields and
 * handles __rte_eal_trace_*), defined with RTE_TRACE_POINT. Registered in
 * trace_points.c; Swift calls the inline functions where DPDK's EAL emits them.
 * DPDK's rte_eal_trace.h cannot be shipped (it needs an uninstalled private header),
 * so the interrupt points take the handle's fields in a struct of their own.
 */
#ifndef EAL_TRACE_H
#define EAL_TRACE_H

#include <stdint.h>
#include <string.h>
#include <rte_trace_point.h>

/* What the interrupt trace points record of an rte_intr_handle. */
struct eal_trace_intr {
	int dev_fd;
	int fd;
	int type;
	uint32_t max_intr;
	uint32_t nb_efd;
};

RTE_TRACE_POINT(rte_eal_trace_generic_void, RTE_TRACE_POINT_ARGS(void),)
RTE_TRACE_POINT(rte_eal_trace_generic_u64, RTE_TRACE_POINT_ARGS(uint64_t in), rte_trace_point_emit_u64(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_u32, RTE_TRACE_POINT_ARGS(uint32_t in), rte_trace_point_emit_u32(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_u16, RTE_TRACE_POINT_ARGS(uint16_t in), rte_trace_point_emit_u16(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_u8, RTE_TRACE_POINT_ARGS(uint8_t in), rte_trace_point_emit_u8(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i64, RTE_TRACE_POINT_ARGS(int64_t in), rte_trace_point_emit_i64(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i32, RTE_TRACE_POINT_ARGS(int32_t in), rte_trace_point_emit_i32(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i16, RTE_TRACE_POINT_ARGS(int16_t in), rte_trace_point_emit_i16(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i8, RTE_TRACE_POINT_ARGS(int8_t in), rte_trace_point_emit_i8(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_int, RTE_TRACE_POINT_ARGS(int in), rte_trace_point_emit_int(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_long, RTE_TRACE_POINT_ARGS(long in), rte_trace_point_emit_long(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_float, RTE_TRACE_POINT_ARGS(float in), rte_trace_point_emit_float(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_double, RTE_TRACE_POINT_ARGS(double in), rte_trace_point_emit_double(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_ptr, RTE_TRACE_POINT_ARGS(const void *ptr), rte_trace_point_emit_ptr(ptr);)
RTE_TRACE_POINT(rte_eal_trace_generic_str, RTE_TRACE_POINT_ARGS(const char *str), rte_trace_point_emit_string(str);)
RTE_TRACE_POINT(rte_eal_trace_generic_size_t, RTE_TRACE_POINT_ARGS(size_t sz), rte_trace_point_emit_size_t(sz);)
RTE_TRACE_POINT(rte_eal_trace_generic_func, RTE_TRACE_POINT_ARGS(const char *func), rte_trace_point_emit_string(func);)

RTE_TRACE_POINT(rte_eal_trace_alarm_set,
	RTE_TRACE_POINT_ARGS(uint64_t us, const void *cb_fn, const void *cb_arg, int rc),
	rte_trace_point_emit_u64(us); rte_trace_point_emit_ptr(cb_fn);
	rte_trace_point_emit_ptr(cb_arg); rte_trace_point_emit_int(rc);)
RTE_TRACE_POINT(rte_eal_trace_alarm_cancel,
	RTE_TRACE_POINT_ARGS(const void *cb_fn, const void *cb_arg, int count),
	rte_trace_point_emit_ptr(cb_fn); rte_trace_point_emit_ptr(cb_arg);
	rte_trace_point_emit_int(count);)

RTE_TRACE_POINT(rte_eal_trace_mem_zmalloc,
	RTE_TRACE_POINT_ARGS(const char *type, size_t size, unsigned int align, int socket, const void *ptr),
	rte_trace_point_emit_string(type); rte_trace_point_emit_size_t(size);
	rte_trace_point_emit_u32(align); rte_trace_point_emit_int(socket); rte_trace_point_emit_ptr(ptr);)
RTE_TRACE_POINT(rte_eal_trace_mem_malloc,
	RTE_TRACE_POINT_ARGS(const char *type, size_t size, unsigned int align, int socket, const void *ptr),
	rte_trace_point_emit_string(type); rte_trace_point_emit_size_t(size);
	rte_trace_point_emit_u32(align); rte_trace_point_emit_int(socket); rte_trace_point_emit_ptr(ptr);)
RTE_TRACE_POINT(rte_eal_trace_mem_realloc,
	RTE_TRACE_POINT_ARGS(size_t size, unsigned int align, int socket, const void *ptr),
	rte_trace_point_emit_size_t(size); rte_trace_point_emit_u32(align);
	rte_trace_point_emit_int(socket); rte_trace_point_emit_ptr(ptr);)
RTE_TRACE_POINT(rte_eal_trace_mem_free, RTE_TRACE_POINT_ARGS(const void *ptr), rte_trace_point_emit_ptr(ptr);)

RTE_TRACE_POINT(rte_eal_trace_memzone_reserve,
	RTE_TRACE_POINT_ARGS(const char *name, size_t len, int socket_id, unsigned int flags,
		unsigned int align, unsigned int bound, const void *mz),
	rte_trace_point_emit_string(name); rte_trace_point_emit_size_t(len);
	rte_trace_point_emit_int(socket_id); rte_trace_point_emit_u32(flags);
	rte_trace_point_emit_u32(align); rte_trace_point_emit_u32(bound); rte_trace_point_emit_ptr(mz);)
RTE_TRACE_POINT(rte_eal_trace_memzone_lookup,
	RTE_TRACE_POINT_ARGS(const char *name, const void *memzone),
	rte_trace_point_emit_string(name); rte_trace_point_emit_ptr(memzone);)
RTE_TRACE_POINT(rte_eal_trace_memzone_free,
	RTE_TRACE_POINT_ARGS(const char *name, const void *addr, int rc),
	rte_trace_point_emit_string(name); rte_trace_point_emit_ptr(addr); rte_trace_point_emit_int(rc);)

RTE_TRACE_POINT(rte_eal_trace_thread_remote_launch,
	RTE_TRACE_POINT_ARGS(const void *f, const void *arg, unsigned int worker_id, int rc),
	rte_trace_point_emit_ptr(f); rte_trace_point_emit_ptr(arg);
	rte_trace_point_emit_u32(worker_id); rte_trace_point_emit_int(rc);)
RTE_TRACE_POINT(rte_eal_trace_thread_lcore_ready,
	RTE_TRACE_POINT_ARGS(unsigned int lcore_id, const char *cpuset),
	rte_trace_point_emit_u32(lcore_id); rte_trace_point_emit_string(cpuset);)

#define EAL_TRACE_INTR_FIELDS \
	rte_trace_point_emit_int(rc); \
	rte_trace_point_emit_int(handle->dev_fd); \
	rte_trace_point_emit_int(handle->fd); \
	rte_trace_point_emit_int(handle->type); \
	rte_trace_point_emit_u32(handle->max_intr); \
	rte_trace_point_emit_u32(handle->nb_efd);

RTE_TRACE_POINT(rte_eal_trace_intr_callback_register,
	RTE_TRACE_POINT_ARGS(const struct eal_trace_intr *handle, const void *cb, const void *cb_arg, int rc),
	EAL_TRACE_INTR_FIELDS rte_trace_point_emit_ptr(cb); rte_trace_point_emit_ptr(cb_arg);)
RTE_TRACE_POINT(rte_eal_trace_intr_callback_unregister,
	RTE_TRACE_POINT_ARGS(const struct eal_trace_intr *handle, const void *cb, const void *cb_arg, int rc),
	EAL_TRACE_INTR_FIELDS rte_trace_point_emit_ptr(cb); rte_trace_point_emit_ptr(cb_arg);)
RTE_TRACE_POINT(rte_eal_trace_intr_enable,
	RTE_TRACE_POINT_ARGS(const struct eal_trace_intr *handle, int rc), EAL_TRACE_INTR_FIELDS)
RTE_TRACE_POINT(rte_eal_trace_intr_disable,
	RTE_TRACE_POINT_ARGS(const struct eal_trace_intr *handle, int rc), EAL_TRACE_INTR_FIELDS)

/* Handles change under the recording code's acquire loads: release ordering. */
static inline uint64_t eal_trace_load(uint64_t *h) { return __atomic_load_n(h, __ATOMIC_ACQUIRE); }
static inline void eal_trace_store(uint64_t *h, uint64_t v) { __atomic_store_n(h, v, __ATOMIC_RELEASE); }
static inline uint64_t eal_trace_fetch_or(uint64_t *h, uint64_t v) { return __atomic_fetch_or(h, v, __ATOMIC_RELEASE); }
static inline uint64_t eal_trace_fetch_and(uint64_t *h, uint64_t v) { return __atomic_fetch_and(h, v, __ATOMIC_RELEASE); }

/* The size registration accumulates (rte_trace_point_register.h's thread-local). */
RTE_DECLARE_PER_LCORE(volatile int, trace_point_sz);
static inline int eal_trace_point_sz(void) { return RTE_PER_LCORE(trace_point_sz); }
static inline void eal_trace_point_sz_set(int v) { RTE_PER_LCORE(trace_point_sz) = v; }

/* The per-thread buffer's layout, as rte_trace_point.h's inline code writes it. */
#define EAL_TRACE_HEADER_SIZE 64           /* offset, len, the stream header */
#define EAL_TRACE_STREAM_HEADER_SIZE 56    /* magic, uuid, lcore id, thread name */
#define EAL_TRACE_CTF_MAGIC 0xC1FC1FC1u
#if defined(ALLOW_EXPERIMENTAL_API) && !defined(_RTE_TRACE_POINT_REGISTER_H_)
_Static_assert(sizeof(struct __rte_trace_header) == EAL_TRACE_HEADER_SIZE, "trace header");
_Static_assert(sizeof(struct __rte_trace_stream_header) == EAL_TRACE_STREAM_HEADER_SIZE, "stream header");
#endif

#endif
