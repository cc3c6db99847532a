/* SwiftEAL: bounded string copies and splitting. */
#ifndef _RTE_STRING_FNS_H_
#define _RTE_STRING_FNS_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>
#include <string.h>

#include <rte_common.h>

/*
 * Split string (at most stringlen bytes) in place at delim into at most maxtokens
 * tokens; each delimiter found is overwritten with NUL. Returns the number of tokens,
 * or -1 with errno EINVAL when string or tokens is NULL.
 */
int
rte_strsplit(char *string, int stringlen,
	     char **tokens, int maxtokens, char delim);

/* strlcpy(3): copy with truncation into size bytes; returns strlen(src). */
static inline size_t
rte_strlcpy(char *dst, const char *src, size_t size)
{
	return (size_t)snprintf(dst, size, "%s", src);
}

/* strlcat(3): append with truncation; returns the length it tried to create. */
static inline size_t
rte_strlcat(char *dst, const char *src, size_t size)
{
	size_t used = strnlen(dst, size);

	if (used == size)
		return size + strlen(src);
	return used + rte_strlcpy(dst + used, src, size - used);
}

#ifdef RTE_EXEC_ENV_FREEBSD
#ifndef __BSD_VISIBLE
#define strlcpy(dst, src, size) rte_strlcpy(dst, src, size)
#define strlcat(dst, src, size) rte_strlcat(dst, src, size)
#endif
#else
#ifdef RTE_USE_LIBBSD
#include <bsd/string.h>
#else
#define strlcpy(dst, src, size) rte_strlcpy(dst, src, size)
#define strlcat(dst, src, size) rte_strlcat(dst, src, size)
#endif
#endif

/*
 * Copy src into dst (dsize bytes), always NUL-terminated unless dsize is 0.
 * Returns the length copied, or -E2BIG (rte_errno E2BIG) when src does not fit.
 */
ssize_t
rte_strscpy(char *dst, const char *src, size_t dsize);

#ifdef __cplusplus
}
#endif

#endif
