/* SPDX-License-Identifier: BSD-3-Clause
 * SwiftEAL: DPDK 22.11-compatible declarations, written for SwiftEAL.
 */
#ifndef _RTE_MALLOC_H_
#define _RTE_MALLOC_H_

/**
 * @file
 * The EAL's heaps: memory from the EAL's pages (hugepages unless --no-huge), one heap
 * per NUMA socket plus the external heaps an application makes from memory it mapped
 * itself (rte_malloc_heap_create, rte_malloc_heap_memory_add).
 *
 * Every pointer is aligned to at least a cache line (64 bytes); `align` 0 asks for no
 * more than that, otherwise it must be a power of two. `type` names what is allocated
 * for debugging and may be NULL. Allocation calls return NULL on failure: size 0, an
 * alignment that is not a power of two, a socket with no heap, or no memory.
 *
 * Multi-process: the heaps are shared by every process of a --file-prefix; a block
 * allocated in one process can be used and freed in another (at the same address).
 * External memory must be attached in each process before it uses it.
 */

#include <stdio.h>
#include <stddef.h>

#include <rte_memory.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What rte_malloc_get_socket_stats reports for one heap. */
struct rte_malloc_socket_stats {
	size_t heap_totalsz_bytes; /**< Bytes of memory in the heap. */
	size_t heap_freesz_bytes;  /**< Free bytes (heap_totalsz_bytes - heap_allocsz_bytes). */
	size_t greatest_free_size; /**< Largest free element; one element's overhead (128) less
	                                is what a single memzone can still get. */
	unsigned free_count;       /**< Free elements and blocks. */
	unsigned alloc_count;      /**< Allocated elements and blocks. */
	size_t heap_allocsz_bytes; /**< Bytes in use, overheads included. */
};

/**
 * Allocates `size` bytes on the calling lcore's socket (falling back to the other
 * sockets). The memory is not cleared.
 * @return the memory, or NULL (size 0, `align` not a power of two, no memory).
 */
void *
rte_malloc(const char *type, size_t size, unsigned align)
	__rte_alloc_size(2);

/** rte_malloc, with the memory set to zero. */
void *
rte_zmalloc(const char *type, size_t size, unsigned align)
	__rte_alloc_size(2);

/**
 * Zeroed memory for `num` elements of `size` bytes.
 * @return the memory, or NULL (also when num * size overflows).
 */
void *
rte_calloc(const char *type, size_t num, size_t size, unsigned align)
	__rte_alloc_size(2, 3);

/**
 * Resizes a block, in place when it can, keeping its contents up to the smaller size.
 * `ptr` NULL allocates; `size` 0 frees `ptr` and returns NULL. The new block may be on
 * another socket than the old one.
 * @return the block (the old one is then no longer valid if it moved), or NULL with
 *   the old block left as it was.
 */
void *
rte_realloc(void *ptr, size_t size, unsigned int align)
	__rte_alloc_size(2);

/** rte_realloc, with the block on `socket` (SOCKET_ID_ANY: any). */
void *
rte_realloc_socket(void *ptr, size_t size, unsigned int align, int socket)
	__rte_alloc_size(2);

/** rte_malloc on `socket`; SOCKET_ID_ANY behaves as rte_malloc. */
void *
rte_malloc_socket(const char *type, size_t size, unsigned align, int socket)
	__rte_alloc_size(2);

/** rte_zmalloc on `socket`; SOCKET_ID_ANY behaves as rte_zmalloc. */
void *
rte_zmalloc_socket(const char *type, size_t size, unsigned align, int socket)
	__rte_alloc_size(2);

/** rte_calloc on `socket`; SOCKET_ID_ANY behaves as rte_calloc. */
void *
rte_calloc_socket(const char *type, size_t num, size_t size, unsigned align, int socket)
	__rte_alloc_size(2, 3);

/**
 * Frees a block from rte_malloc and friends; NULL does nothing. A pointer that is not
 * a live block (never allocated, already freed, or whose bounds were overwritten) is
 * reported in the log and left alone.
 */
void
rte_free(void *ptr);

/**
 * Checks the markers before and after a block.
 * @param size if not NULL and the block is sound, set to its usable size.
 * @return 0 when `ptr` is a live block with intact markers, -1 otherwise.
 */
int
rte_malloc_validate(const void *ptr, size_t *size);

/**
 * Statistics of the heap of `socket` (an internal socket or an external heap's id).
 * @return 0, or -1 when no heap has that socket.
 */
int
rte_malloc_get_socket_stats(int socket,
		struct rte_malloc_socket_stats *socket_stats);

/**
 * Adds memory the application mapped to the external heap `heap_name`: `len` bytes at
 * `va_addr`, both multiples of `page_sz` (a power of two). `iova_addrs` gives one IO
 * address per page (then `n_pages` must be len / page_sz) or is NULL (RTE_BAD_IOVA).
 * The memory's previous contents are lost. Other processes must attach it.
 * @return 0, or -1 with rte_errno EINVAL (bad argument), ENOENT (no such heap),
 *   EPERM (a socket heap), EBUSY (the memory, or part of it, is already registered),
 *   ENOSPC (no room to record the memory).
 */
int
rte_malloc_heap_memory_add(const char *heap_name, void *va_addr, size_t len,
		rte_iova_t iova_addrs[], unsigned int n_pages, size_t page_sz);

/**
 * Removes memory added with rte_malloc_heap_memory_add (the same whole area); nothing
 * may be allocated in it, and other processes must have detached it.
 * @return 0, or -1 with rte_errno EINVAL, EPERM, ENOENT (no such heap or area) or
 *   EBUSY (something is still allocated in it).
 */
int
rte_malloc_heap_memory_remove(const char *heap_name, void *va_addr, size_t len);

/**
 * Makes memory another process added to an external heap usable in this one.
 * @return 0, or -1 with rte_errno EINVAL, EPERM or ENOENT.
 */
int
rte_malloc_heap_memory_attach(const char *heap_name, void *va_addr, size_t len);

/**
 * Undoes rte_malloc_heap_memory_attach in this process.
 * @return 0, or -1 with rte_errno EINVAL, EPERM or ENOENT.
 */
int
rte_malloc_heap_memory_detach(const char *heap_name, void *va_addr, size_t len);

/**
 * Creates an empty external heap; it gets a socket id of its own
 * (rte_malloc_heap_get_socket).
 * @return 0, or -1 with rte_errno EINVAL (name NULL, empty or too long), EEXIST or
 *   ENOSPC (RTE_MAX_HEAPS heaps exist).
 */
int
rte_malloc_heap_create(const char *heap_name);

/**
 * Destroys an external heap that holds no memory and no allocation.
 * @return 0, or -1 with rte_errno EINVAL, ENOENT, EPERM (a socket heap) or EBUSY.
 */
int
rte_malloc_heap_destroy(const char *heap_name);

/**
 * The socket id of the heap named `name` ("socket_<n>" for the socket heaps).
 * @return the id, or -1 with rte_errno EINVAL (NULL or bad name) or ENOENT.
 */
int
rte_malloc_heap_get_socket(const char *name);

/**
 * @return 1 when `socket_id` is an external heap's, 0 for an internal socket or
 *   SOCKET_ID_ANY, -1 for an id no heap has.
 */
int
rte_malloc_heap_socket_is_external(int socket_id);

/** Prints every heap's statistics; `type` is accepted and ignored, as in DPDK. */
void
rte_malloc_dump_stats(FILE *f, const char *type);

/** Prints every heap and its elements. */
void
rte_malloc_dump_heaps(FILE *f);

/**
 * The IO address of a live block's byte `addr`.
 * @return the address, or RTE_BAD_IOVA (not a block, or memory without IO addresses).
 */
rte_iova_t
rte_malloc_virt2iova(const void *addr);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_MALLOC_H_ */
