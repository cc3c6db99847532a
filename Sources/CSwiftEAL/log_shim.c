/*
 * SwiftEAL: the variadic log and exit entry points. Swift cannot define a C variadic
 * function, so these take the arguments as a va_list and hand it to Swift.
 */
#include <stdarg.h>
#include <errno.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_debug.h>

/* Swift, Debug/Fatal.swift. */
__attribute__((noreturn)) void swifteal_vexit(int exit_code, const char *format, va_list ap);
__attribute__((noreturn)) void swifteal_vpanic(const char *funcname, const char *format, va_list ap);

int
rte_log(uint32_t level, uint32_t logtype, const char *format, ...)
{
	va_list ap;
	int ret;

	va_start(ap, format);
	ret = rte_vlog(level, logtype, format, ap);
	va_end(ap);
	return ret;
}

void
rte_exit(int exit_code, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	swifteal_vexit(exit_code, format, ap);
}

void
__rte_panic(const char *funcname, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	swifteal_vpanic(funcname, format, ap);
}

/* rte_exit() cleans up through the Init layer's rte_eal_cleanup(), bound weakly so the
 * log layer does not depend upward on it. */
#pragma weak rte_eal_cleanup
int swifteal_eal_cleanup_if_present(void);
int
swifteal_eal_cleanup_if_present(void)
{
	if (rte_eal_cleanup == NULL) {
		rte_errno = ENOSYS;
		return -1;
	}
	return rte_eal_cleanup();
}
