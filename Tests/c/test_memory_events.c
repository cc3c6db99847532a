/*
 * Dynamic memory as a user sees it through rte_malloc: a big allocation grows the
 * heap, which maps hugepages and fires RTE_MEM_EVENT_ALLOC with their address and
 * length; freeing it gives the pages back (RTE_MEM_EVENT_FREE, same range) and
 * free_hugepages returns to what -m preallocated; an allocation validator over its
 * limit refuses growth (rte_malloc returns NULL) and is told socket, limit and the new
 * length; --socket-limit caps growth; in legacy memory there are no events (ENOTSUP).
 * Hugepages and root needed; skipped with the reason otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "check.h"

#define MB (1UL << 20)

static struct { enum rte_mem_event type; const void *addr; size_t len; } events[64];
static int n_events;
static int asked, allow;
static size_t asked_limit, asked_len;
static int asked_socket = -2;

static void on_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	(void)arg;
	if (n_events < 64)
		events[n_events++] = (typeof(events[0])){ type, addr, len };
}

static int validator(int socket, size_t limit, size_t new_len)
{
	asked++;
	asked_socket = socket;
	asked_limit = limit;
	asked_len = new_len;
	return allow ? 0 : -1;
}

static long free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The event range [a, a+len) holds [p, p+size). */
static int covers(int i, const void *p, size_t size)
{
	return (const char *)events[i].addr <= (const char *)p &&
	       (const char *)p + size <= (const char *)events[i].addr + events[i].len;
}

static int dynamic(int argc, char **argv)
{
	long before = free_hugepages();
	if (rte_eal_init(argc, argv) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	long after_init = free_hugepages();
	CHECK_EQ(rte_mem_event_callback_register("events", on_event, NULL), 0);

	/* growth: mapped, announced with an address and length that hold the block */
	char *p = rte_malloc("grow", 32 * MB, 0);
	CHECK(p != NULL);
	if (p == NULL)
		return check_report();
	memset(p, 0x5a, 32 * MB);
	CHECK(n_events >= 1);
	int alloc_ev = -1;
	for (int i = 0; i < n_events; i++)
		if (events[i].type == RTE_MEM_EVENT_ALLOC && covers(i, p, 32 * MB))
			alloc_ev = i;
	CHECK(alloc_ev >= 0);
	if (alloc_ev >= 0) {
		CHECK_EQ(events[alloc_ev].len % (2 * MB), 0);
		CHECK(rte_mem_virt2memseg(events[alloc_ev].addr, NULL) != NULL);
	}

	/* shrink: the same range announced before the pages go back */
	int before_free = n_events;
	rte_free(p);
	int free_ev = -1;
	for (int i = before_free; i < n_events; i++)
		if (events[i].type == RTE_MEM_EVENT_FREE && alloc_ev >= 0 && covers(i, events[alloc_ev].addr, events[alloc_ev].len))
			free_ev = i;
	CHECK(free_ev >= 0);
	for (int i = 0; i < 40 && free_hugepages() < after_init; i++)
		usleep(50000);
	CHECK(free_hugepages() >= after_init);

	/* a validator over its limit refuses growth, and is told why */
	size_t limit = rte_eal_get_physmem_size() + 8 * MB;
	CHECK_EQ(rte_mem_alloc_validator_register("limit", validator, 0, limit), 0);
	allow = 0;
	n_events = 0;
	rte_errno = 0;
	void *q = rte_malloc("refused", 64 * MB, 0);
	CHECK(q == NULL);
	CHECK(asked >= 1);
	CHECK_EQ(asked_socket, 0);
	CHECK_EQ(asked_limit, limit);
	CHECK(asked_len >= limit);
	CHECK_EQ(n_events, 0); /* nothing was mapped */
	/* under the limit the validator is not asked */
	int asked_before = asked;
	void *small = rte_malloc("small", 4 * MB, 0);
	CHECK(small != NULL);
	CHECK_EQ(asked, asked_before);
	rte_free(small);
	/* allowed, the same request goes through */
	allow = 1;
	q = rte_malloc("allowed", 64 * MB, 0);
	CHECK(q != NULL);
	rte_free(q);
	CHECK_EQ(rte_mem_alloc_validator_unregister("limit", 0), 0);
	CHECK_EQ(rte_mem_event_callback_unregister("events", NULL), 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	for (int i = 0; i < 40 && free_hugepages() < before; i++)
		usleep(50000);
	CHECK(free_hugepages() >= before);
	return check_report();
}

static int limited(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		CHECK(0);
		return check_report();
	}
	/* --socket-limit 16: 8 MB fit, 32 MB more do not */
	void *a = rte_malloc(NULL, 8 * MB, 0);
	CHECK(a != NULL);
	void *b = rte_malloc(NULL, 32 * MB, 0);
	CHECK(b == NULL);
	rte_free(a);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}

static int legacy(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		CHECK(0);
		return check_report();
	}
	CHECK_EQ(rte_mem_event_callback_register("events", on_event, NULL), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	CHECK_EQ(rte_mem_alloc_validator_register("limit", validator, 0, 1), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	/* the heap cannot grow past what was mapped at init */
	CHECK(rte_malloc(NULL, 64 * MB, 0) == NULL);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}

/* Runs `self mode args...` and adds its counts to ours. */
static void run(const char *self, const char *mode, const char *const *args)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[32] = { self, mode };
		int n = 2;
		for (int i = 0; args[i]; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		dup2(pfd[1], 1);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	char buf[4096];
	size_t len = 0;
	ssize_t r;
	while ((r = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	buf[len] = 0;
	close(pfd[0]);
	int st, p = 0, f = 0;
	waitpid(pid, &st, 0);
	char *line = strstr(buf, " passed, ");
	while (line && line > buf && line[-1] >= '0' && line[-1] <= '9')
		line--;
	if (!line || sscanf(line, "%d passed, %d failed", &p, &f) != 2 || !WIFEXITED(st)) {
		CHECK(0);
		fputs(buf, stdout);
		return;
	}
	check_passed_ += p;
	check_failed_ += f;
	printf("%s: %d passed, %d failed\n", mode, p, f);
	if (f)
		fputs(buf, stdout);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && argv[1][0] != '-') {
		const char *mode = argv[1];
		argv[1] = argv[0];
		if (strcmp(mode, "dynamic") == 0)
			return dynamic(argc - 1, argv + 1);
		if (strcmp(mode, "limited") == 0)
			return limited(argc - 1, argv + 1);
		return legacy(argc - 1, argv + 1);
	}
	if (geteuid() != 0 || free_hugepages() < 100) {
		printf("SKIP: needs root and 100 free 2 MB hugepages (scripts/hugepages.sh)\n");
		CHECK(1);
		return check_report();
	}
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "tmev%d", getpid());
	const char *dyn[] = { "-l", "0-1", "--no-pci", "-m", "4", "--file-prefix", prefix, NULL };
	const char *lim[] = { "-l", "0", "--no-pci", "--socket-limit", "16", "--file-prefix", prefix, NULL };
	const char *leg[] = { "-l", "0", "--no-pci", "--legacy-mem", "-m", "16", "--file-prefix", prefix, NULL };
	run(argv[0], "dynamic", dyn);
	run(argv[0], "limited", lim);
	run(argv[0], "legacy", leg);
	return check_report();
}
