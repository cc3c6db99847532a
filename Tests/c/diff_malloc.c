/*
 * rte_malloc.h as DPDK 22.11 answers it, for the answers that do not depend on the
 * allocator's insides: NULL or not and rte_errno for bad sizes, alignments, sockets
 * and heap names, the usable size of small blocks, realloc's corner cases, the socket
 * heaps' names and ids, external heaps (create, memory add/remove/attach/detach,
 * destroy) with every bad argument, and the heap table's names. Built against DPDK's
 * headers, run once linked to DPDK and once to SwiftEAL: the outputs must be identical.
 * Left out on purpose (tested in test_malloc, the differences are ours): rte_calloc
 * whose product overflows (DPDK wraps and succeeds, we return NULL), rte_errno after
 * a double free (DPDK leaves it, we set EINVAL) and rte_malloc_validate of a freed
 * block (DPDK says 0, we say -1).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

/* rte_errno is set to 777 first: "777" means the call left it alone. */
#define P(call) do { \
	rte_errno = 777; \
	void *_p = (void *)(uintptr_t)(call); \
	printf("%-72s -> %s, rte_errno %d\n", #call, _p ? "ptr" : "NULL", rte_errno); \
} while (0)
#define I(call) do { \
	rte_errno = 777; \
	long _v = (long)(call); \
	printf("%-72s -> %ld, rte_errno %d\n", #call, _v, rte_errno); \
} while (0)

static void usable(size_t size)
{
	size_t got = 0;
	void *p = rte_malloc(NULL, size, 0);
	int r = rte_malloc_validate(p, &got);
	printf("rte_malloc(%zu): validate %d, usable %zu, 64-aligned %d\n", size, r, got, ((uintptr_t)p & 63) == 0);
	rte_free(p);
}

static void heap_names(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_malloc_dump_stats(f, NULL);
	fclose(f);
	int heaps = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "Heap id:", 8) == 0)
			heaps++;
		else if (strncmp(line, "\tHeap name:", 11) == 0 && line[11])
			printf("  %s (of %d)\n", line + 1, heaps);
	}
	printf("  %d heaps in the dump\n", heaps);
	free(buf);
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "-l", "0-1", "--no-pci", "-m", "64", "--file-prefix", "diff_malloc",
			 "--log-level", "1", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(10, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return 1;
	}

	printf("== sizes and alignments\n");
	P(rte_malloc(NULL, 0, 0));
	P(rte_malloc(NULL, 64, 3));
	P(rte_malloc(NULL, 64, 48));
	P(rte_malloc(NULL, SIZE_MAX, 0));
	P(rte_malloc(NULL, SIZE_MAX - 100, 0));
	P(rte_zmalloc(NULL, 0, 0));
	P(rte_zmalloc(NULL, 64, 100));
	P(rte_calloc(NULL, 0, 8, 0));
	P(rte_calloc(NULL, 8, 0, 0));
	P(rte_calloc(NULL, 8, 8, 7));
	P(rte_malloc_socket(NULL, 0, 0, 0));
	usable(1);
	usable(63);
	usable(64);
	usable(65);
	usable(100);
	usable(1000);

	printf("== sockets\n");
	P(rte_malloc_socket(NULL, 64, 0, SOCKET_ID_ANY));
	P(rte_malloc_socket(NULL, 64, 0, 0));
	P(rte_malloc_socket(NULL, 64, 0, 1));
	P(rte_malloc_socket(NULL, 64, 0, 5));
	P(rte_malloc_socket(NULL, 64, 0, 32));
	P(rte_malloc_socket(NULL, 64, 0, -2));
	P(rte_malloc_socket(NULL, 64, 0, 1000));
	P(rte_zmalloc_socket(NULL, 64, 0, 7));
	P(rte_calloc_socket(NULL, 2, 64, 0, 7));

	printf("== free, validate\n");
	rte_errno = 777;
	rte_free(NULL);
	printf("rte_free(NULL): rte_errno %d\n", rte_errno);
	void *p = rte_malloc(NULL, 100, 0);
	rte_errno = 777;
	rte_free(p);
	printf("rte_free(p): rte_errno %d\n", rte_errno);
	I(rte_malloc_validate(NULL, NULL));
	size_t sz = 0;
	I(rte_malloc_validate(NULL, &sz));
	p = rte_malloc(NULL, 200, 0);
	I(rte_malloc_validate(p, NULL));
	rte_free(p);

	printf("== realloc\n");
	P(rte_realloc(NULL, 100, 0));
	P(rte_realloc(NULL, 0, 0));
	P(rte_realloc(NULL, 100, 3));
	void *q = rte_malloc(NULL, 100, 0);
	P(rte_realloc(q, 0, 0));
	q = rte_malloc(NULL, 100, 0);
	memset(q, 0x3c, 100);
	q = rte_realloc(q, 100, 3);        /* DPDK rounds the alignment up to a line first */
	printf("realloc(q, 100, 3): %s\n", q ? "ptr" : "NULL");
	P(rte_realloc(q, SIZE_MAX, 0));
	P(rte_realloc_socket(q, 200, 0, 5));
	P(rte_realloc_socket(q, 200, 0, 1000));
	q = rte_realloc(q, 5000, 0);
	int kept = q != NULL;
	for (int i = 0; q && i < 100; i++)
		kept &= ((unsigned char *)q)[i] == 0x3c;
	printf("realloc(q, 5000): contents kept %d\n", kept);
	q = rte_realloc_socket(q, 300000, 4096, 0);
	printf("realloc_socket(q, 300000, 4096, 0): aligned %d\n", q && ((uintptr_t)q & 4095) == 0);
	rte_free(q);

	printf("== stats\n");
	struct rte_malloc_socket_stats st;
	I(rte_malloc_get_socket_stats(0, &st));
	I(rte_malloc_get_socket_stats(1, &st));
	I(rte_malloc_get_socket_stats(-1, &st));
	I(rte_malloc_get_socket_stats(32, &st));
	I(rte_malloc_get_socket_stats(1000, &st));

	printf("== heap names and ids\n");
	I(rte_malloc_heap_get_socket("socket_0"));
	I(rte_malloc_heap_get_socket("socket_1"));
	I(rte_malloc_heap_get_socket(NULL));
	I(rte_malloc_heap_get_socket(""));
	I(rte_malloc_heap_get_socket("nope"));
	I(rte_malloc_heap_get_socket("0123456789012345678901234567890123456789"));
	I(rte_malloc_heap_socket_is_external(0));
	I(rte_malloc_heap_socket_is_external(1));
	I(rte_malloc_heap_socket_is_external(SOCKET_ID_ANY));
	I(rte_malloc_heap_socket_is_external(32));
	I(rte_malloc_heap_socket_is_external(256));
	I(rte_malloc_heap_socket_is_external(1000));

	printf("== external heaps\n");
	I(rte_malloc_heap_create(NULL));
	I(rte_malloc_heap_create(""));
	I(rte_malloc_heap_create("0123456789012345678901234567890123456789"));
	I(rte_malloc_heap_create("01234567890123456789012345678901"));
	I(rte_malloc_heap_create("0123456789012345678901234567890"));
	I(rte_malloc_heap_create("socket_0"));
	I(rte_malloc_heap_create("ext"));
	I(rte_malloc_heap_create("ext"));
	int ext = rte_malloc_heap_get_socket("ext");
	I(rte_malloc_heap_get_socket("ext"));
	I(rte_malloc_heap_get_socket("0123456789012345678901234567890"));
	I(rte_malloc_heap_socket_is_external(ext));
	I(rte_malloc_get_socket_stats(ext, &st));
	printf("empty ext: total %zu free %zu greatest %zu free_count %u alloc_count %u alloc %zu\n",
	       st.heap_totalsz_bytes, st.heap_freesz_bytes, st.greatest_free_size, st.free_count,
	       st.alloc_count, st.heap_allocsz_bytes);
	P(rte_malloc_socket(NULL, 64, 0, ext));
	heap_names();

	size_t pg = 4096, len = 64 * pg;
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rte_iova_t iovas[64];
	for (int i = 0; i < 64; i++)
		iovas[i] = 0x10000000 + i * pg;
	I(rte_malloc_heap_memory_add(NULL, va, len, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("", va, len, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("nope", va, len, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("socket_0", va, len, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("ext", NULL, len, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("ext", va, 0, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("ext", va, len, NULL, 0, 0));
	I(rte_malloc_heap_memory_add("ext", va, len, NULL, 0, 3000));
	I(rte_malloc_heap_memory_add("ext", (char *)va + 64, len - pg, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("ext", va, len - 64, NULL, 0, pg));
	I(rte_malloc_heap_memory_add("ext", va, len, iovas, 5, pg));
	I(rte_malloc_heap_memory_add("ext", va, len, iovas, 64, pg));
	I(rte_malloc_get_socket_stats(ext, &st));
	printf("ext with 256 KiB: total %zu free %zu greatest %zu free_count %u alloc_count %u alloc %zu\n",
	       st.heap_totalsz_bytes, st.heap_freesz_bytes, st.greatest_free_size, st.free_count,
	       st.alloc_count, st.heap_allocsz_bytes);
	void *e = rte_malloc_socket(NULL, 1000, 0, ext);
	printf("block from ext: %s, inside its memory %d, iova matches %d\n", e ? "ptr" : "NULL",
	       (char *)e >= (char *)va && (char *)e < (char *)va + len,
	       e && rte_malloc_virt2iova(e) == 0x10000000 + ((uintptr_t)e - (uintptr_t)va));
	P(rte_malloc_socket(NULL, 1 << 20, 0, ext));
	I(rte_malloc_heap_memory_remove("ext", va, len));
	I(rte_malloc_heap_destroy("ext"));
	rte_free(e);
	I(rte_malloc_heap_memory_remove(NULL, va, len));
	I(rte_malloc_heap_memory_remove("nope", va, len));
	I(rte_malloc_heap_memory_remove("socket_0", va, len));
	I(rte_malloc_heap_memory_remove("ext", NULL, len));
	I(rte_malloc_heap_memory_remove("ext", va, 0));
	I(rte_malloc_heap_memory_remove("ext", va, len - pg));
	I(rte_malloc_heap_memory_remove("ext", (char *)va + pg, len - pg));
	I(rte_malloc_heap_memory_attach("ext", va, len));
	I(rte_malloc_heap_memory_attach("ext", va, len - pg));
	I(rte_malloc_heap_memory_attach(NULL, va, len));
	I(rte_malloc_heap_memory_attach("", va, len));
	I(rte_malloc_heap_memory_attach("ext", NULL, len));
	I(rte_malloc_heap_memory_attach("socket_0", va, len));
	I(rte_malloc_heap_memory_attach("nope", va, len));
	I(rte_malloc_heap_memory_detach("ext", va, len - pg));
	I(rte_malloc_heap_memory_detach("socket_0", va, len));
	I(rte_malloc_heap_memory_detach(NULL, va, len));
	I(rte_malloc_heap_memory_remove("ext", va, len));
	I(rte_malloc_get_socket_stats(ext, &st));
	printf("ext emptied: total %zu alloc_count %u\n", st.heap_totalsz_bytes, st.alloc_count);
	I(rte_malloc_heap_destroy(NULL));
	I(rte_malloc_heap_destroy(""));
	I(rte_malloc_heap_destroy("socket_0"));
	I(rte_malloc_heap_destroy("nope"));
	I(rte_malloc_heap_destroy("ext"));
	I(rte_malloc_heap_destroy("ext"));
	I(rte_malloc_heap_socket_is_external(ext));
	I(rte_malloc_get_socket_stats(ext, &st));
	heap_names();
	munmap(va, len);

	printf("== the heap table fills up\n");
	int made = 0;
	char name[32];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		if (rte_malloc_heap_create(name) < 0) {
			printf("heap %d refused: rte_errno %d\n", i, rte_errno);
			break;
		}
		made++;
	}
	printf("%d more heaps made\n", made);
	for (int i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		rte_malloc_heap_destroy(name);
	}
	I(rte_malloc_heap_destroy("0123456789012345678901234567890"));

	printf("== iova\n");
	void *b = rte_malloc(NULL, 64, 0);
	printf("virt2iova of a block is its memory's: %d\n", rte_malloc_virt2iova(b) == rte_mem_virt2iova(b));
	I(rte_malloc_virt2iova(NULL) == RTE_BAD_IOVA);
	rte_free(b);

	rte_eal_cleanup();
	return 0;
}
