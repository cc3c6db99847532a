/*
 * SwiftEAL internal: what follows an fbarray's elements in its mapping. The mask starts
 * at the first 8-byte boundary after the elements: a header word (the number of 64-bit
 * mask words, as DPDK records it) and then one bit per element, element i at bit i % 64
 * of word i / 64, 1 = used. Bits past len are always 0.
 */
#ifndef SWIFTEAL_FBARRAY_LAYOUT_H
#define SWIFTEAL_FBARRAY_LAYOUT_H

#include <stdint.h>
#include <sys/file.h>

struct fbarray_mask_header {
	uint32_t n_words;
	uint32_t reserved;
};

/* flock(2): in Swift the name resolves to struct flock's initializer. */
static inline int fbarray_flock(int fd, int op) { return flock(fd, op); }

#endif
