/* SwiftEAL: memory dumps for debugging. */
#ifndef _RTE_HEXDUMP_H_
#define _RTE_HEXDUMP_H_

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Offset, 16 bytes in hex and as text per line, under a title line (title may be NULL). */
extern void
rte_hexdump(FILE *f, const char *title, const void *buf, unsigned int len);

/* The bytes in hex separated by colons on one line, after "title: " when given. */
void
rte_memdump(FILE *f, const char *title, const void *buf, unsigned int len);

#ifdef __cplusplus
}
#endif

#endif
