/*
 * The trace points of test_trace.c, defined once for both of its translation units:
 * parts/test_trace.c registers them (rte_trace_point_register.h first), test_trace.c
 * records with them.
 */
#ifndef TEST_TRACE_TP_H
#define TEST_TRACE_TP_H

#include <rte_trace_point.h>

struct tt_pair {
	int a;
	uint16_t b;
};

RTE_TRACE_POINT(tt_u64, RTE_TRACE_POINT_ARGS(uint64_t val), rte_trace_point_emit_u64(val);)
RTE_TRACE_POINT(tt_str, RTE_TRACE_POINT_ARGS(const char *s, int32_t n),
	rte_trace_point_emit_string(s); rte_trace_point_emit_i32(n);)
RTE_TRACE_POINT(tt_mix,
	RTE_TRACE_POINT_ARGS(const struct tt_pair *p, struct tt_pair q, uint8_t align, double event),
	rte_trace_point_emit_int(p->a); rte_trace_point_emit_u16(q.b);
	rte_trace_point_emit_u8(align); rte_trace_point_emit_double(event);)
RTE_TRACE_POINT(tt_void, RTE_TRACE_POINT_ARGS(void),)
RTE_TRACE_POINT_FP(tt_fp, RTE_TRACE_POINT_ARGS(uint32_t v), rte_trace_point_emit_u32(v);)

#endif
