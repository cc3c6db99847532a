/* diff_trace.c's trace points, registered from constructors. */
#define ALLOW_EXPERIMENTAL_API
#include <rte_trace_point_register.h>
#include "diff_trace.h"

RTE_TRACE_POINT_REGISTER(dt_a, app.trace.a)
RTE_TRACE_POINT_REGISTER(dt_b, app.trace.b)
RTE_TRACE_POINT_REGISTER(dt_void, app.void)
RTE_TRACE_POINT_REGISTER(dt_fp, app.fp)
