/* The trace points of diff_trace.c (registered by parts/diff_trace.c). */
#ifndef DIFF_TRACE_TP_H
#define DIFF_TRACE_TP_H

#include <rte_trace_point.h>

struct dt_pair {
	int x;
	long y;
};

RTE_TRACE_POINT(dt_a, RTE_TRACE_POINT_ARGS(uint64_t x, const char *s),
	rte_trace_point_emit_u64(x); rte_trace_point_emit_string(s);)
RTE_TRACE_POINT(dt_b, RTE_TRACE_POINT_ARGS(const struct dt_pair *p, struct dt_pair q, int align, double event),
	rte_trace_point_emit_int(p->x); rte_trace_point_emit_long(q.y);
	rte_trace_point_emit_int(align); rte_trace_point_emit_double(event);)
RTE_TRACE_POINT(dt_void, RTE_TRACE_POINT_ARGS(void),)
RTE_TRACE_POINT_FP(dt_fp, RTE_TRACE_POINT_ARGS(uint8_t v), rte_trace_point_emit_u8(v);)

#endif
