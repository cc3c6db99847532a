/* SwiftEAL: 128-bit universally unique identifiers. */
#ifndef _RTE_UUID_H_
#define _RTE_UUID_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef unsigned char rte_uuid_t[16];

/* Bytes of a UUID written as its five groups: a is 32 bits, b c d 16 bits, e 48 bits. */
#define RTE_UUID_INIT(a, b, c, d, e) { \
	((a) >> 24) & 0xff, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, (a) & 0xff, \
	((b) >> 8) & 0xff, (b) & 0xff, \
	((c) >> 8) & 0xff, (c) & 0xff, \
	((d) >> 8) & 0xff, (d) & 0xff, \
	((e) >> 40) & 0xff, ((e) >> 32) & 0xff, ((e) >> 24) & 0xff, \
	((e) >> 16) & 0xff, ((e) >> 8) & 0xff, (e) & 0xff \
}

#define RTE_UUID_STRLEN (36 + 1)

bool rte_uuid_is_null(const rte_uuid_t uu);

static inline void
rte_uuid_copy(rte_uuid_t dst, const rte_uuid_t src)
{
	memcpy(dst, src, sizeof(rte_uuid_t));
}

int rte_uuid_compare(const rte_uuid_t a, const rte_uuid_t b);
int rte_uuid_parse(const char *in, rte_uuid_t uu);
void rte_uuid_unparse(const rte_uuid_t uu, char *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif
