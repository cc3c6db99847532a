/*
 * A small external heap, as dpdk-test's malloc_autotest uses one (test_realloc: two 4 KiB
 * pages): every block comes from it, small ones too, and rte_realloc behaves as DPDK's
 * elements do (grown in place into free space just above, moved when the free space is
 * below or too small, kept in place when shrunk or already aligned). Then rte_mem_map,
 * the EAL's internal mmap helper, with DPDK's flag values as its libraries pass them
 * compiled in (rte_mempool_populate_anon: SHARED | ANONYMOUS). Built against DPDK's
 * headers, run once linked to DPDK and once to SwiftEAL: the outputs must be identical.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

/* rte_eal_paging.h is not installed: DPDK's libraries carry its values compiled in. */
void *rte_mem_map(void *requested_addr, size_t size, int prot, int flags, int fd, uint64_t offset);
int rte_mem_unmap(void *virt, size_t size);
#define DPDK_PROT_READ 1
#define DPDK_PROT_WRITE 2
#define DPDK_MAP_SHARED 1
#define DPDK_MAP_ANONYMOUS 2
#define DPDK_MAP_PRIVATE 4

static void *base;
static size_t len;

static const char *where(const void *p)
{
	if (p == NULL)
		return "NULL";
	if ((const char *)p >= (const char *)base && (const char *)p < (const char *)base + len)
		return "in the heap";
	return "OUTSIDE the heap";
}

static int is_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void realloc_steps(int sock)
{
	char *a = rte_zmalloc_socket(NULL, 1024, 64, sock);
	printf("zmalloc 1024: %s, zero %d\n", where(a), a && is_zero(a, 1024));
	if (!a)
		return;
	strcpy(a, "kept across a move");
	char *b = rte_realloc_socket(a, 2048, 64, sock);
	printf("realloc to 2048: %s, contents kept %d, rest zero %d\n", where(b),
	       b && strcmp(b, "kept across a move") == 0, b && is_zero(b + 32, 1024 - 32));
	if (!b)
		return;
	char *c = rte_zmalloc_socket(NULL, 2048, 64, sock);
	printf("zmalloc 2048: %s, zero %d\n", where(c), c && is_zero(c, 2048));
	if (!c)
		return;
	rte_free(b);
	char *d = rte_realloc_socket(c, 3072, 64, sock);
	printf("after freeing the block above, realloc to 3072: %s, in place %d\n", where(d), d == c);
	d = rte_realloc_socket(c, 5120, 64, sock);
	printf("realloc to 5120: %s, in place %d\n", where(d), d == c);
	rte_free(d);

	char *e = rte_malloc_socket(NULL, 1024, 64, sock);
	char *f = rte_realloc_socket(e, 512, 64, sock);
	printf("shrink 1024 -> 512: %s, in place %d\n", where(f), f == e);
	rte_free(f);

	char *g = rte_malloc_socket(NULL, 1024, 64, sock);
	unsigned align = 128;
	while (g && ((uintptr_t)g & (align - 1)) == 0)
		align *= 2;
	char *h = rte_realloc_socket(g, 1024, align, sock);
	printf("realloc to an alignment it lacks: %s, aligned %d\n", where(h),
	       h && ((uintptr_t)h & (align - 1)) == 0);
	rte_free(h);

	char *lo = rte_malloc_socket(NULL, 1024, 64, sock);
	char *hi = rte_malloc_socket(NULL, 1024, 64, sock);
	printf("two 1024 blocks: %s, %s\n", where(lo), where(hi));
	rte_free(lo);
	char *k = rte_realloc_socket(hi, 2304, 64, sock);
	printf("free space too small above: realloc 1024 -> 2304: %s, moved %d\n", where(k), k && k != hi);
	rte_free(k);

	size_t got = 0;
	char *n = rte_realloc_socket(NULL, 1024, 64, sock);
	int v = rte_malloc_validate(n, &got);
	printf("realloc(NULL, 1024): %s, validate %d, usable %zu\n", where(n), v, got);
	rte_free(n);

	/* sizes of every small class still come from this heap */
	for (size_t sz = 1; sz <= 4096; sz *= 4) {
		char *s = rte_malloc_socket(NULL, sz, 0, sock);
		printf("malloc %zu: %s\n", sz, where(s));
		rte_free(s);
	}
}

static void mem_map(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t odd = 3 * pg + 0x17f;
	int rw = DPDK_PROT_READ | DPDK_PROT_WRITE;
	struct {
		const char *name;
		int flags;
	} cases[] = {
		{ "SHARED | ANONYMOUS", DPDK_MAP_SHARED | DPDK_MAP_ANONYMOUS },
		{ "PRIVATE | ANONYMOUS", DPDK_MAP_PRIVATE | DPDK_MAP_ANONYMOUS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = rte_mem_map(NULL, odd, rw, cases[i].flags, -1, 0);
		int ok = p != NULL;
		if (ok) {
			memset(p, 0x5a, odd);
			ok = p[odd - 1] == 0x5a;
		}
		printf("rte_mem_map(%s, %#zx bytes): %s, writable %d\n", cases[i].name, odd,
		       p ? "mapped" : "NULL", ok);
		if (p)
			printf("  rte_mem_unmap: %d\n", rte_mem_unmap(p, odd));
	}
	/* a file mapping without ANONYMOUS and a bad fd: the mmap error */
	rte_errno = 0;
	void *bad = rte_mem_map(NULL, pg, rw, DPDK_MAP_SHARED, -1, 0);
	printf("rte_mem_map(SHARED, fd -1): %s, rte_errno %d\n", bad ? "mapped" : "NULL", rte_errno);
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
			 "--file-prefix", "diff_malloc_small_heap", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(10, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return 1;
	}
	len = 2 * (size_t)sysconf(_SC_PAGESIZE);
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r1 = rte_malloc_heap_create("small");
	int sock = rte_malloc_heap_get_socket("small");
	int r2 = rte_malloc_heap_memory_add("small", base, len, NULL, 0, (size_t)sysconf(_SC_PAGESIZE));
	printf("heap create %d, memory add %d (%zu bytes)\n", r1, r2, len);
	realloc_steps(sock);
	int r3 = rte_malloc_heap_memory_remove("small", base, len);
	int r4 = rte_malloc_heap_destroy("small");
	printf("memory remove %d, destroy %d\n", r3, r4);
	munmap(base, len);
	mem_map();
	rte_eal_cleanup();
	return 0;
}
