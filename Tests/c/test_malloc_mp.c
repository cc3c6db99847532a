/*
 * The heaps and the memzone table are shared with secondary processes: a secondary
 * (fork + exec of this program) finds the primary's zone at the same address with the
 * same bytes, validates and frees blocks the primary allocated, allocates blocks and a
 * zone the primary then reads and frees; beyond the primary's -m 16 the heap grows at its
 * request (test_memory_mp shows the growth in every process), and asked for more than
 * the machine has it gets ENOMEM with nothing half done.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "check.h"

#define ZONE_LEN (256 * 1024)

static void fill(void *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(seed + i * 7);
}

static int holds(const void *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

/* argv: self --secondary <zone addr> <small> <large> <out fd> then EAL options. */
static int secondary(int argc, char **argv)
{
	void *zone_addr = (void *)strtoull(argv[2], NULL, 16);
	void *small = (void *)strtoull(argv[3], NULL, 16);
	void *large = (void *)strtoull(argv[4], NULL, 16);
	int out = atoi(argv[5]);
	argv[5] = argv[0];
	if (rte_eal_init(argc - 5, argv + 5) < 0) {
		printf("secondary: rte_eal_init failed: %d\n", rte_errno);
		return 10;
	}
	CHECK_EQ(rte_eal_process_type(), RTE_PROC_SECONDARY);
	const struct rte_memzone *z = rte_memzone_lookup("mp_zone");
	CHECK(z && z->addr == zone_addr && z->len == ZONE_LEN);
	CHECK(z && holds(z->addr, z->len, 3));
	/* the primary's blocks: sound, with their bytes; freed here */
	size_t usable = 0;
	CHECK_EQ(rte_malloc_validate(small, &usable), 0);
	CHECK(usable >= 100 && holds(small, 100, 5));
	CHECK_EQ(rte_malloc_validate(large, &usable), 0);
	CHECK(usable >= 100000 && holds(large, 100000, 6));
	rte_errno = 0;
	rte_free(small);
	rte_free(large);
	CHECK_EQ(rte_errno, 0);
	CHECK_EQ(rte_malloc_validate(small, NULL), -1);
	/* blocks and a zone of its own, for the primary to find */
	void *mine[3] = { rte_malloc(NULL, 200, 0), rte_zmalloc(NULL, 70000, 4096), rte_calloc(NULL, 10, 30, 0) };
	for (int i = 0; i < 3; i++)
		CHECK(mine[i] != NULL);
	fill(mine[0], 200, 8);
	fill(mine[1], 70000, 9);
	fill(mine[2], 300, 10);
	const struct rte_memzone *zs = rte_memzone_reserve("from_secondary", 65536, SOCKET_ID_ANY, 0);
	CHECK(zs != NULL);
	if (zs)
		fill(zs->addr, zs->len, 11);
	/* beyond the primary's -m 16: the primary maps more for us */
	const struct rte_memzone *grown = rte_memzone_reserve("grown", 64 << 20, SOCKET_ID_ANY, 0);
	CHECK(grown != NULL);
	if (grown) {
		fill(grown->addr, grown->len, 12);
		CHECK(holds(grown->addr, grown->len, 12));
		CHECK_EQ(rte_memzone_free(grown), 0);
	}
	void *big = rte_malloc(NULL, 64 << 20, 0);
	CHECK(big != NULL);
	rte_free(big);
	/* more than the machine has: ENOMEM, nothing half done */
	rte_errno = 0;
	CHECK(rte_memzone_reserve("too_big", (size_t)64 << 30, SOCKET_ID_ANY, 0) == NULL);
	CHECK_EQ(rte_errno, ENOMEM);
	CHECK(rte_malloc(NULL, (size_t)64 << 30, 0) == NULL);
	CHECK(rte_memzone_lookup("too_big") == NULL);
	/* a name the primary holds */
	rte_errno = 0;
	CHECK(rte_memzone_reserve("mp_zone", 64, SOCKET_ID_ANY, 0) == NULL);
	CHECK_EQ(rte_errno, EEXIST);
	char line[128];
	int n = snprintf(line, sizeof(line), "%p %p %p\n", mine[0], mine[1], mine[2]);
	CHECK(write(out, line, (size_t)n) == n);
	close(out);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_failed_ ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 5 && strcmp(argv[1], "--secondary") == 0)
		return secondary(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long free_pages = 0;
	if (f) {
		if (fscanf(f, "%ld", &free_pages) != 1)
			free_pages = 0;
		fclose(f);
	}
	if (geteuid() != 0 || free_pages < 16) {
		/* --no-huge memory is private to the primary: a secondary cannot see it */
		printf("SKIP: needs root and 2 MB hugepages (a secondary maps the primary's page files)\n");
		return check_report();
	}
	char *args[] = { argv[0], "-l", "0", "--no-pci", "-m", "16", "--file-prefix", "tmalloc_mp", NULL };
	if (rte_eal_init(8, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	struct rte_malloc_socket_stats start, end;
	rte_malloc_get_socket_stats(0, &start);
	const struct rte_memzone *z = rte_memzone_reserve("mp_zone", ZONE_LEN, SOCKET_ID_ANY, 0);
	CHECK(z != NULL);
	fill(z->addr, z->len, 3);
	void *small = rte_malloc(NULL, 100, 0), *large = rte_malloc(NULL, 100000, 0);
	fill(small, 100, 5);
	fill(large, 100000, 6);

	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		char za[32], sa[32], la[32], fd[16];
		snprintf(za, sizeof(za), "%llx", (unsigned long long)(uintptr_t)z->addr);
		snprintf(sa, sizeof(sa), "%llx", (unsigned long long)(uintptr_t)small);
		snprintf(la, sizeof(la), "%llx", (unsigned long long)(uintptr_t)large);
		snprintf(fd, sizeof(fd), "%d", p[1]);
		char *sec[] = { argv[0], "--secondary", za, sa, la, fd, "-l", "0", "--no-pci",
				"--proc-type=secondary", "--file-prefix", "tmalloc_mp", NULL };
		execv(argv[0], sec);
		_exit(127);
	}
	close(p[1]);
	char line[128] = "";
	ssize_t got = read(p[0], line, sizeof(line) - 1);
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("secondary exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	CHECK(got > 0);

	/* what the secondary freed is free; what it made is here, with its bytes */
	CHECK_EQ(rte_malloc_validate(small, NULL), -1);
	CHECK_EQ(rte_malloc_validate(large, NULL), -1);
	void *mine[3] = { NULL, NULL, NULL };
	if (got > 0)
		sscanf(line, "%p %p %p", &mine[0], &mine[1], &mine[2]);
	size_t sizes[3] = { 200, 70000, 300 };
	for (int i = 0; i < 3; i++) {
		CHECK(mine[i] != NULL && rte_malloc_validate(mine[i], NULL) == 0);
		if (mine[i])
			CHECK(holds(mine[i], sizes[i], 8 + i));
		rte_free(mine[i]);
	}
	const struct rte_memzone *zs = rte_memzone_lookup("from_secondary");
	CHECK(zs && holds(zs->addr, zs->len, 11));
	CHECK_EQ(rte_memzone_free(zs), 0);
	CHECK_EQ(rte_memzone_free(z), 0);
	rte_malloc_get_socket_stats(0, &end);
	CHECK_EQ(end.alloc_count, start.alloc_count);
	CHECK(end.heap_allocsz_bytes + end.heap_freesz_bytes == end.heap_totalsz_bytes);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
