/*
 * SwiftEAL internal: what follows an fbarray's elements in its mapping. The mask starts
 * at the first 8-byte boundary after the elements: a header (the number of 64-bit mask
 * words, as DPDK records it, and a write sequence) and then one bit per element,
 * element i at bit i % 64 of word i / 64, 1 = used. Bits past len are always 0.
 *
 * The sequence lets searches read without taking the array's rwlock: a writer (which
 * holds the rwlock for writing) makes it odd before it changes the mask or the count
 * and even again after; a search that saw the same even value before and after its
 * reads saw no change. It is in the shared file, so it works across processes.
 */
#ifndef SWIFTEAL_FBARRAY_LAYOUT_H
#define SWIFTEAL_FBARRAY_LAYOUT_H

#include <stdint.h>
#include <sys/file.h>

struct fbarray_mask_header {
	uint32_t n_words;
	uint32_t seq;       /* odd while a writer changes the mask */
};

/* flock(2): in Swift the name resolves to struct flock's initializer. */
static inline int fbarray_flock(int fd, int op) { return flock(fd, op); }

#endif
