/* test_trace.c's trace points, registered from constructors as applications do. */
#define ALLOW_EXPERIMENTAL_API
#include <rte_trace_point_register.h>
#include "test_trace.h"

RTE_TRACE_POINT_REGISTER(tt_u64, test.trace.u64)
RTE_TRACE_POINT_REGISTER(tt_str, test.trace.str)
RTE_TRACE_POINT_REGISTER(tt_mix, test.trace.mix)
RTE_TRACE_POINT_REGISTER(tt_void, test.void)
RTE_TRACE_POINT_REGISTER(tt_fp, test.fp)
