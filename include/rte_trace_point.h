/*
 * SwiftEAL: trace points (DPDK 22.11 compatible, experimental API).
 *
 * A trace point is a 64-bit handle (rte_trace_point_t) and an inline function.
 * The handle holds the event size (bits 0-15), the trace point id (bits 16-31),
 * the discard-mode flag (bit 62) and the enable flag (bit 63). While enabled, the
 * function appends to the calling thread's buffer an 8-byte event header (the
 * TSC in bits 0-47, the id in bits 48-63) followed by its fields, packed.
 *
 * Define the function with RTE_TRACE_POINT in a header; register it in one .c
 * file that includes rte_trace_point_register.h first, with
 * RTE_TRACE_POINT_REGISTER(function, name).
 */
#ifndef _RTE_TRACE_POINT_H_
#define _RTE_TRACE_POINT_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdbool.h>
#include <stdio.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_cycles.h>
#include <rte_per_lcore.h>
#include <rte_string_fns.h>
#include <rte_uuid.h>

/* The handle of a trace point. */
typedef uint64_t rte_trace_point_t;

/* Wraps the parameter list given to RTE_TRACE_POINT. */
#define RTE_TRACE_POINT_ARGS

/* The handle __<tp> and the function tp(args) whose body emits the fields. */
#define __RTE_TRACE_POINT(_mode, _tp, _args, ...) \
extern rte_trace_point_t __##_tp; \
static __rte_always_inline void \
_tp _args \
{ \
	__rte_trace_point_emit_header_##_mode(&__##_tp); \
	__VA_ARGS__ \
}

/* A trace point: tp(args) records the fields emitted by the rte_trace_point_emit_*
 * statements of the payload (separated by ';'). */
#define RTE_TRACE_POINT(tp, args, ...) \
	__RTE_TRACE_POINT(generic, tp, args, __VA_ARGS__)

/* A fast-path trace point: compiled out unless RTE_ENABLE_TRACE_FP is defined. */
#define RTE_TRACE_POINT_FP(tp, args, ...) \
	__RTE_TRACE_POINT(fp, tp, args, __VA_ARGS__)

/* Longest string field, NUL included (longer strings are cut). */
#define __RTE_TRACE_EMIT_STRING_LEN_MAX 32
/* Size of the header in front of every event. */
#define __RTE_TRACE_EVENT_HEADER_SZ sizeof(uint64_t)

/* Starts recording the trace point. 0, or -ERANGE when it is not registered. */
__rte_experimental
int rte_trace_point_enable(rte_trace_point_t *tp);

/* Stops recording the trace point. 0, or -ERANGE when it is not registered. */
__rte_experimental
int rte_trace_point_disable(rte_trace_point_t *tp);

/* True when the trace point is registered and enabled. */
__rte_experimental
bool rte_trace_point_is_enabled(rte_trace_point_t *tp);

/* The handle of the trace point called name, or NULL. */
__rte_experimental
rte_trace_point_t *rte_trace_point_lookup(const char *name);

/* Whether fast-path trace points were compiled in. */
__rte_experimental
static __rte_always_inline bool
__rte_trace_point_fp_is_enabled(void)
{
#ifdef RTE_ENABLE_TRACE_FP
	return true;
#else
	return false;
#endif
}

/* Gives the calling thread its trace buffer (per_lcore_trace_mem); leaves it NULL
 * while tracing is off. */
__rte_experimental
void __rte_trace_mem_per_thread_alloc(void);

/* Registration only: adds a field of sz bytes, named field, of CTF type type, to
 * the trace point being registered. */
__rte_experimental
void __rte_trace_point_emit_field(size_t sz, const char *field,
	const char *type);

/* Registers the trace point *trace as name: register_fn is its function, called
 * once with the registration macros in effect to learn its fields. 0, or a
 * negative errno value (also kept for rte_eal_init, which then fails). */
__rte_experimental
int __rte_trace_point_register(rte_trace_point_t *trace, const char *name,
	void (*register_fn)(void));

#ifndef _RTE_TRACE_POINT_REGISTER_H_
#ifdef ALLOW_EXPERIMENTAL_API

#define __RTE_TRACE_EVENT_HEADER_ID_SHIFT (48)

#define __RTE_TRACE_FIELD_SIZE_SHIFT 0
#define __RTE_TRACE_FIELD_SIZE_MASK (0xffffULL << __RTE_TRACE_FIELD_SIZE_SHIFT)
#define __RTE_TRACE_FIELD_ID_SHIFT (16)
#define __RTE_TRACE_FIELD_ID_MASK (0xffffULL << __RTE_TRACE_FIELD_ID_SHIFT)
#define __RTE_TRACE_FIELD_ENABLE_MASK (1ULL << 63)
#define __RTE_TRACE_FIELD_ENABLE_DISCARD (1ULL << 62)

/* The CTF packet header and context at the start of a saved buffer. */
struct __rte_trace_stream_header {
	uint32_t magic;
	rte_uuid_t uuid;
	uint32_t lcore_id;
	char thread_name[__RTE_TRACE_EMIT_STRING_LEN_MAX];
} __rte_packed;

/* A thread's trace buffer: len bytes of events in mem, the next at offset. */
struct __rte_trace_header {
	uint32_t offset;
	uint32_t len;
	struct __rte_trace_stream_header stream_header;
	uint8_t mem[];
};

RTE_DECLARE_PER_LCORE(void *, trace_mem);

/* Room for an event of the size in handle value in, or NULL (no buffer, or full in
 * discard mode). A full buffer in overwrite mode starts again at its beginning. */
static __rte_always_inline void *
__rte_trace_mem_get(uint64_t in)
{
	struct __rte_trace_header *trace =
		(struct __rte_trace_header *)(RTE_PER_LCORE(trace_mem));
	const uint16_t sz = in & __RTE_TRACE_FIELD_SIZE_MASK;

	if (unlikely(trace == NULL)) {
		__rte_trace_mem_per_thread_alloc();
		trace = (struct __rte_trace_header *)(RTE_PER_LCORE(trace_mem));
		if (unlikely(trace == NULL))
			return NULL;
	}
	uint32_t offset = RTE_ALIGN_CEIL(trace->offset, __RTE_TRACE_EVENT_HEADER_SZ);
	if (unlikely((offset + sz) >= trace->len)) {
		if (unlikely(in & __RTE_TRACE_FIELD_ENABLE_DISCARD))
			return NULL;
		offset = 0;
	}
	void *mem = RTE_PTR_ADD(&trace->mem[0], offset);
	trace->offset = offset + sz;
	return mem;
}

/* Writes the event header (timestamp and id) at mem; returns where the fields go. */
static __rte_always_inline void *
__rte_trace_point_emit_ev_header(void *mem, uint64_t in)
{
	uint64_t val = rte_get_tsc_cycles() &
		~(0xffffULL << __RTE_TRACE_EVENT_HEADER_ID_SHIFT);

	val |= (in & __RTE_TRACE_FIELD_ID_MASK) <<
		(__RTE_TRACE_EVENT_HEADER_ID_SHIFT - __RTE_TRACE_FIELD_ID_SHIFT);
	*(uint64_t *)mem = val;
	return RTE_PTR_ADD(mem, __RTE_TRACE_EVENT_HEADER_SZ);
}

/* The start of a trace point function: returns unless enabled and given room. */
#define __rte_trace_point_emit_header_generic(t) \
void *mem; \
do { \
	const uint64_t val = __atomic_load_n(t, __ATOMIC_ACQUIRE); \
	if (likely(!(val & __RTE_TRACE_FIELD_ENABLE_MASK))) \
		return; \
	mem = __rte_trace_mem_get(val); \
	if (unlikely(mem == NULL)) \
		return; \
	mem = __rte_trace_point_emit_ev_header(mem, val); \
} while (0)

#define __rte_trace_point_emit_header_fp(t) \
	if (!__rte_trace_point_fp_is_enabled()) \
		return; \
	__rte_trace_point_emit_header_generic(t)

#define __rte_trace_point_emit(in, type) \
do { \
	memcpy(mem, &(in), sizeof(in)); \
	mem = RTE_PTR_ADD(mem, sizeof(in)); \
} while (0)

/* A string field takes __RTE_TRACE_EMIT_STRING_LEN_MAX bytes; NULL ends the event. */
#define rte_trace_point_emit_string(in) \
do { \
	if (unlikely(in == NULL)) \
		return; \
	rte_strscpy((char *)mem, in, __RTE_TRACE_EMIT_STRING_LEN_MAX); \
	mem = RTE_PTR_ADD(mem, __RTE_TRACE_EMIT_STRING_LEN_MAX); \
} while (0)

#else

/* Without ALLOW_EXPERIMENTAL_API trace points compile to nothing. */
#define __rte_trace_point_emit_header_generic(t) RTE_SET_USED(t)
#define __rte_trace_point_emit_header_fp(t) RTE_SET_USED(t)
#define __rte_trace_point_emit(in, type) RTE_SET_USED(in)
#define rte_trace_point_emit_string(in) RTE_SET_USED(in)

#endif /* ALLOW_EXPERIMENTAL_API */
#endif /* _RTE_TRACE_POINT_REGISTER_H_ */

/* The field emitters of a trace point's payload, by C type. */
#define rte_trace_point_emit_u64(in) __rte_trace_point_emit(in, uint64_t)
#define rte_trace_point_emit_i64(in) __rte_trace_point_emit(in, int64_t)
#define rte_trace_point_emit_u32(in) __rte_trace_point_emit(in, uint32_t)
#define rte_trace_point_emit_i32(in) __rte_trace_point_emit(in, int32_t)
#define rte_trace_point_emit_u16(in) __rte_trace_point_emit(in, uint16_t)
#define rte_trace_point_emit_i16(in) __rte_trace_point_emit(in, int16_t)
#define rte_trace_point_emit_u8(in) __rte_trace_point_emit(in, uint8_t)
#define rte_trace_point_emit_i8(in) __rte_trace_point_emit(in, int8_t)
#define rte_trace_point_emit_int(in) __rte_trace_point_emit(in, int32_t)
#define rte_trace_point_emit_long(in) __rte_trace_point_emit(in, long)
#define rte_trace_point_emit_size_t(in) __rte_trace_point_emit(in, size_t)
#define rte_trace_point_emit_float(in) __rte_trace_point_emit(in, float)
#define rte_trace_point_emit_double(in) __rte_trace_point_emit(in, double)
#define rte_trace_point_emit_ptr(in) __rte_trace_point_emit(in, uintptr_t)

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TRACE_POINT_H_ */
