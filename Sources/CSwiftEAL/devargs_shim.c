/*
 * SwiftEAL: rte_devargs_parsef, variadic, so C: the formatted string goes to
 * rte_devargs_parse (Swift, Devargs/).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <rte_log.h>
#include <rte_devargs.h>

int
rte_devargs_parsef(struct rte_devargs *da, const char *format, ...)
{
	va_list ap;
	char *dev;
	int len, ret;

	if (da == NULL || format == NULL)
		return -EINVAL;
	va_start(ap, format);
	len = vsnprintf(NULL, 0, format, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	dev = calloc(1, (size_t)len + 1);
	if (dev == NULL) {
		rte_log(RTE_LOG_ERR, RTE_LOGTYPE_EAL, "EAL: not enough memory to parse device\n");
		return -ENOMEM;
	}
	va_start(ap, format);
	vsnprintf(dev, (size_t)len + 1, format, ap);
	va_end(ap);
	ret = rte_devargs_parse(da, dev);
	free(dev);
	return ret;
}
