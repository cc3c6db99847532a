/* SwiftEAL: fatal errors, assertions and stack dumps. */
#ifndef _RTE_DEBUG_H_
#define _RTE_DEBUG_H_

#include <rte_log.h>
#include <rte_branch_prediction.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Log the calling thread's backtrace (level ERR, type EAL). */
void rte_dump_stack(void);

/* Log "PANIC in <function>():" and the message, dump the stack, abort(). */
#define rte_panic(...) rte_panic_(__func__, __VA_ARGS__, "dummy")
#define rte_panic_(func, format, ...) __rte_panic(func, format "%.0s", __VA_ARGS__)

#ifdef RTE_ENABLE_ASSERT
#define RTE_ASSERT(exp) RTE_VERIFY(exp)
#else
#define RTE_ASSERT(exp) do {} while (0)
#endif

/* Panic unless exp holds, naming the line and the expression. */
#define RTE_VERIFY(exp) do { \
	if (unlikely(!(exp))) \
		rte_panic("line %d\tassert \"%s\" failed\n", __LINE__, #exp); \
} while (0)

/* Use rte_panic(), which supplies funcname. */
void __rte_panic(const char *funcname, const char *format, ...)
#ifdef __GNUC__
#if (__GNUC__ > 4 || (__GNUC__ == 4 && __GNUC_MINOR__ > 2))
	__rte_cold
#endif
#endif
	__rte_noreturn
	__rte_format_printf(2, 3);

#ifdef __cplusplus
}
#endif

#endif
