/*
 * SwiftEAL: file-backed arrays (rte_fbarray).
 *
 * An fbarray is a fixed number of equally sized elements plus one "used" bit per
 * element, kept together in a single mapping. After rte_eal_init the mapping is backed
 * by the file fbarray_<name> in the runtime directory, so another process of the same
 * prefix can rte_fbarray_attach() the array (the struct itself normally lives in shared
 * memory, and attach maps the data at the address stored in it). With --no-shconf or
 * --in-memory, and before rte_eal_init, the memory is private to the process.
 *
 * Multi-process rules: init and destroy affect every process (destroy fails with EBUSY
 * while another process is attached); attach and detach affect only the calling process.
 * The rwlock inside the struct is taken by every call that reads or changes the bits.
 *
 * Int-returning calls give -1 and set rte_errno on failure; rte_fbarray_get gives NULL.
 */
#ifndef RTE_FBARRAY_H
#define RTE_FBARRAY_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>

#include <rte_rwlock.h>

#define RTE_FBARRAY_NAME_LEN 64

struct rte_fbarray {
	char name[RTE_FBARRAY_NAME_LEN]; /* at most 63 characters and a NUL */
	unsigned int count;              /* elements marked used */
	unsigned int len;                /* elements in the array */
	unsigned int elt_sz;             /* bytes per element */
	void *data;                      /* elements, then the used-bit mask */
	rte_rwlock_t rwlock;             /* guards count and the mask, across processes */
};

/* Creates the array: maps zeroed storage and fills in *arr. A name already in use (in
 * this or another process) gives EBUSY; a bad name, len or elt_sz gives EINVAL or
 * ENAMETOOLONG (63 characters at most; len at most INT_MAX). */
int
rte_fbarray_init(struct rte_fbarray *arr, const char *name, unsigned int len,
		unsigned int elt_sz);

/* Maps an array another process created (by the name, len and elt_sz in *arr) at arr->data. */
int
rte_fbarray_attach(struct rte_fbarray *arr);

/* Unmaps the array, removes its file and zeroes *arr; EBUSY while others are attached. */
int
rte_fbarray_destroy(struct rte_fbarray *arr);

/* Unmaps the array in this process only. */
int
rte_fbarray_detach(struct rte_fbarray *arr);

/* Address of element idx, or NULL. */
void *
rte_fbarray_get(const struct rte_fbarray *arr, unsigned int idx);

/* Index of the element containing the address elt. */
int
rte_fbarray_find_idx(const struct rte_fbarray *arr, const void *elt);

/* Marks element idx used (or free); 0 also when it already was. */
int
rte_fbarray_set_used(struct rte_fbarray *arr, unsigned int idx);

int
rte_fbarray_set_free(struct rte_fbarray *arr, unsigned int idx);

/* 1 when element idx is used, 0 when free. */
int
rte_fbarray_is_used(struct rte_fbarray *arr, unsigned int idx);

/* Lowest free/used index at or above start. */
int
rte_fbarray_find_next_free(struct rte_fbarray *arr, unsigned int start);

int
rte_fbarray_find_next_used(struct rte_fbarray *arr, unsigned int start);

/* Lowest index at or above start that begins n consecutive free/used elements. */
int
rte_fbarray_find_next_n_free(struct rte_fbarray *arr, unsigned int start,
		unsigned int n);

int
rte_fbarray_find_next_n_used(struct rte_fbarray *arr, unsigned int start,
		unsigned int n);

/* Number of consecutive free/used elements from start upwards (0 if start is not). */
int
rte_fbarray_find_contig_free(struct rte_fbarray *arr,
		unsigned int start);

int
rte_fbarray_find_contig_used(struct rte_fbarray *arr, unsigned int start);

/* Highest free/used index at or below start. */
int
rte_fbarray_find_prev_free(struct rte_fbarray *arr, unsigned int start);

int
rte_fbarray_find_prev_used(struct rte_fbarray *arr, unsigned int start);

/* Lowest index of the highest run of n free/used elements that ends at or below start. */
int
rte_fbarray_find_prev_n_free(struct rte_fbarray *arr, unsigned int start,
		unsigned int n);

int
rte_fbarray_find_prev_n_used(struct rte_fbarray *arr, unsigned int start,
		unsigned int n);

/* Number of consecutive free/used elements from start downwards (0 if start is not). */
int
rte_fbarray_find_rev_contig_free(struct rte_fbarray *arr,
		unsigned int start);

int
rte_fbarray_find_rev_contig_used(struct rte_fbarray *arr, unsigned int start);

/* First index of the longest run of free/used elements at or above start (a run that
 * contains start counts from start); the lowest such run wins a tie. */
int
rte_fbarray_find_biggest_free(struct rte_fbarray *arr, unsigned int start);

int
rte_fbarray_find_biggest_used(struct rte_fbarray *arr, unsigned int start);

/* The same looking down from start (a run containing start counts up to start); the
 * highest such run wins a tie; the answer is still the run's lowest index. */
int
rte_fbarray_find_rev_biggest_free(struct rte_fbarray *arr, unsigned int start);

int
rte_fbarray_find_rev_biggest_used(struct rte_fbarray *arr, unsigned int start);

/* Prints name, sizes and the used-bit mask words to f. */
void
rte_fbarray_dump_metadata(struct rte_fbarray *arr, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* RTE_FBARRAY_H */
