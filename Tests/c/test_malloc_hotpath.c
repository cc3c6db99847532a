/*
 * rte_malloc's paths allocate nothing from the process's own allocator: this program
 * interposes the malloc family (an executable's wins over libc's for every library)
 * and counts the main thread's calls during a second pass (the first may set up lazily
 * initialised runtime data) of: small blocks through the lcore cache (rte_malloc,
 * rte_zmalloc, rte_calloc, rte_realloc in place and moving), large blocks on the locked
 * path, aligned blocks, rte_malloc_validate, rte_malloc_virt2iova, rte_free of a freed
 * block (the error path), and rte_memzone_lookup hits and misses.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "check.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static pthread_t counted;
static volatile int counting;
static unsigned long allocs;

static void note(void)
{
	if (counting && pthread_equal(pthread_self(), counted))
		allocs++;
}

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { note(); return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { note(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { note(); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n)
{
	note();
	*p = __libc_memalign(a, n);
	return *p ? 0 : 12;
}

static uintptr_t sink;

static void pass(void)
{
	static void *keep[300];
	for (int i = 0; i < 300; i++) {
		keep[i] = rte_malloc(NULL, 16 + (i * 53) % 16000, 0);
		sink += (uintptr_t)keep[i];
	}
	for (int i = 0; i < 300; i++)
		rte_free(keep[i]);
	for (int i = 0; i < 2000; i++) {
		void *p = rte_malloc(NULL, 64, 0), *z = rte_zmalloc(NULL, 4096, 0), *c = rte_calloc(NULL, 10, 10, 0);
		size_t usable;
		sink += (uintptr_t)rte_malloc_validate(p, &usable) + usable + rte_malloc_virt2iova(p);
		p = rte_realloc(p, 100, 0);         /* in place */
		p = rte_realloc(p, 3000, 0);        /* moves */
		void *big = rte_malloc(NULL, 300000, 0), *al = rte_malloc(NULL, 100, 4096);
		big = rte_realloc(big, 200000, 0);  /* shrinks in place */
		sink += (uintptr_t)p + (uintptr_t)z + (uintptr_t)c + (uintptr_t)big + (uintptr_t)al;
		rte_free(p);
		rte_free(z);
		rte_free(c);
		rte_free(big);
		rte_free(al);
		sink += (uintptr_t)rte_memzone_lookup("hot_zone") + (uintptr_t)rte_memzone_lookup("no_such_zone");
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--file-prefix", "tmalloc_hot", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(9, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	CHECK(rte_memzone_reserve("hot_zone", 1000, SOCKET_ID_ANY, 0) != NULL);
	counted = pthread_self();
	pass();
	counting = 1;
	pass();
	counting = 0;
	printf("allocator calls during the second pass: %lu\n", allocs);
	CHECK_EQ(allocs, 0);
	/* the error path of rte_free logs (which may allocate): only that it stays whole */
	void *p = rte_malloc(NULL, 64, 0);
	rte_free(p);
	rte_log_set_global_level(RTE_LOG_EMERG);
	rte_free(p);
	rte_log_set_global_level(RTE_LOG_DEBUG);
	CHECK(rte_malloc_validate(p, NULL) == -1);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
