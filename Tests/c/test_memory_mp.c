/*
 * Memory that changes while secondaries run (rte_mp between the processes): a
 * secondary's rte_malloc beyond what is mapped has the primary map pages, and every
 * process maps them at the same address (their memory event callbacks hear of it); a
 * free that empties pages has every process unmap them; the primary's own growth
 * reaches secondaries the same way. Two secondaries at once; afterwards the heap
 * validates, and once everyone is gone the hugepages are all back.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "mp_test.h"

#define PREFIX "tmem_mp"
#define BIG (24 << 20)

/* In a memzone of the primary's: what the processes tell each other. */
struct ctl {
	void *volatile from_secondary;  /* a's block */
	void *volatile from_primary;    /* the primary's block */
};

static size_t alloc_bytes, free_bytes;

static void on_event(enum rte_mem_event ev, const void *addr, size_t len, void *arg)
{
	(void)addr;
	(void)arg;
	if (ev == RTE_MEM_EVENT_ALLOC)
		alloc_bytes += len;
	else
		free_bytes += len;
}

static void fill(void *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += 4096)
		((unsigned char *)p)[i] = (unsigned char)(seed + i / 4096);
	((unsigned char *)p)[n - 1] = (unsigned char)seed;
}

static int holds(const void *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += 4096)
		if (((const unsigned char *)p)[i] != (unsigned char)(seed + i / 4096))
			return 0;
	return ((const unsigned char *)p)[n - 1] == (unsigned char)seed;
}

struct find { const char *addr; int found; };

static int find_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl;
	struct find *f = arg;
	if (f->addr >= (const char *)ms->addr && f->addr < (const char *)ms->addr + ms->len)
		f->found = 1;
	return 0;
}

/* Whether `addr` is in a page mapped now (rte_memseg_walk sees used pages only;
 * rte_mem_virt2memseg answers for any address inside a list, as DPDK's). */
static int in_use(const void *addr)
{
	struct find f = { addr, 0 };
	rte_memseg_walk(find_seg, &f);
	return f.found;
}

static long free_hugepages(void)
{
	long n = -1;
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static int eal_start(char *prog, const char *type)
{
	char ptype[64];
	snprintf(ptype, sizeof(ptype), "--proc-type=%s", type);
	char *args[] = { prog, "-l", "0", "--no-pci", "--file-prefix", PREFIX, ptype, NULL };
	if (rte_eal_init(7, args) < 0) {
		printf("rte_eal_init (%s) failed: %s\n", type, rte_strerror(rte_errno));
		CHECK(0);
		return -1;
	}
	return 0;
}

/* Secondary "a": grows the heap, later frees what it grew. */
static void role_a(struct ctl *c)
{
	size_t before = alloc_bytes;
	void *p = rte_malloc(NULL, BIG, 0);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(alloc_bytes - before >= BIG);
	CHECK(in_use(p));
	fill(p, BIG, 7);
	c->from_secondary = p;
	mp_child_ready();
	/* step 2: the primary read it; the primary's own block reached us */
	if (!mp_child_wait())
		return;
	void *q = c->from_primary;
	CHECK(q != NULL && in_use(q) && holds(q, BIG, 9));
	size_t freed = free_bytes;
	rte_free(p);
	CHECK(free_bytes - freed >= BIG - (4 << 20));
	CHECK(!in_use((char *)p + BIG / 2));
	mp_child_ready();
}

/* Secondary "b": only watches. */
static void role_b(struct ctl *c)
{
	mp_child_ready();
	if (!mp_child_wait())
		return;
	/* a's block, mapped here too, at the same address */
	void *p = c->from_secondary;
	CHECK(p != NULL && alloc_bytes >= BIG);
	CHECK(p != NULL && in_use(p) && holds(p, BIG, 7));
	size_t usable = 0;
	CHECK(p != NULL && rte_malloc_validate(p, &usable) == 0 && usable >= BIG);
	mp_child_ready();
	if (!mp_child_wait())
		return;
	/* a freed it: unmapped here too */
	CHECK(free_bytes >= BIG - (4 << 20));
	CHECK(p != NULL && !in_use((char *)p + BIG / 2));
	/* and a grow of our own, given back at once */
	size_t a0 = alloc_bytes, f0 = free_bytes;
	void *q = rte_zmalloc(NULL, BIG, 4096);
	CHECK(q != NULL && alloc_bytes - a0 >= BIG);
	rte_free(q);
	CHECK(free_bytes - f0 >= BIG - (4 << 20));
	mp_child_ready();
}

static int child_main(const char *role, char *prog)
{
	if (eal_start(prog, "secondary") < 0)
		return 1;
	CHECK_EQ(rte_mem_event_callback_register("tmem_mp", on_event, NULL), 0);
	const struct rte_memzone *z = rte_memzone_lookup("tmem_mp_ctl");
	CHECK(z != NULL);
	if (z) {
		if (strcmp(role, "a") == 0)
			role_a(z->addr);
		else
			role_b(z->addr);
	}
	while (mp_child_wait())
		;
	rte_mem_event_callback_unregister("tmem_mp", NULL);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "--role") == 0)
		return child_main(argv[2], argv[0]);
	setvbuf(stdout, NULL, _IONBF, 0);
	long start_free = free_hugepages();
	if (geteuid() != 0 || start_free < 64) {
		printf("SKIP: needs root and 64 free 2 MB hugepages (secondaries map the primary's page files)\n");
		return check_report();
	}
	if (eal_start(argv[0], "primary") < 0)
		return check_report();
	CHECK_EQ(rte_mem_event_callback_register("tmem_mp", on_event, NULL), 0);
	const struct rte_memzone *z = rte_memzone_reserve("tmem_mp_ctl", sizeof(struct ctl), SOCKET_ID_ANY, 0);
	CHECK(z != NULL);
	if (!z)
		return check_report();
	struct ctl *c = z->addr;
	memset(c, 0, sizeof(*c));

	struct mp_child a, b;
	CHECK_EQ(mp_spawn(&b, "b", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&b, 20));
	CHECK_EQ(mp_spawn(&a, "a", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&a, 20));

	/* a's growth: here at the same address, with a's bytes, our callback told */
	void *p = c->from_secondary;
	CHECK(p != NULL && alloc_bytes >= BIG);
	CHECK(p != NULL && holds(p, BIG, 7) && rte_malloc_validate(p, NULL) == 0);
	mp_go(&b);
	CHECK(mp_wait_ready(&b, 20));

	/* our own growth reaches the secondaries */
	size_t a0 = alloc_bytes;
	void *q = rte_malloc(NULL, BIG, 0);
	CHECK(q != NULL && alloc_bytes - a0 >= BIG);
	if (q)
		fill(q, BIG, 9);
	c->from_primary = q;
	mp_go(&a);
	CHECK(mp_wait_ready(&a, 20));
	/* a freed its block: unmapped here */
	CHECK(free_bytes >= BIG - (4 << 20));
	CHECK(p != NULL && !in_use((char *)p + BIG / 2));
	mp_go(&b);
	CHECK(mp_wait_ready(&b, 20));

	rte_free(q);
	CHECK_EQ(mp_finish(&a), 0);
	CHECK_EQ(mp_finish(&b), 0);
	mp_discard(&a);
	mp_discard(&b);
	struct rte_malloc_socket_stats st;
	CHECK_EQ(rte_malloc_get_socket_stats(0, &st), 0);
	CHECK_EQ(st.heap_allocsz_bytes + st.heap_freesz_bytes, st.heap_totalsz_bytes);
	CHECK_EQ(rte_memzone_free(z), 0);
	rte_mem_event_callback_unregister("tmem_mp", NULL);
	CHECK_EQ(rte_eal_cleanup(), 0);
	/* everyone gone: no page file of ours, and the pool back where it was unless other
	 * processes (tests run beside this one) took pages meanwhile */
	DIR *d = opendir("/dev/hugepages");
	struct dirent *e;
	int files = 0;
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) == 0)
			files++;
	if (d)
		closedir(d);
	CHECK_EQ(files, 0);
	long now = free_hugepages();
	for (int i = 0; i < 50 && now < start_free; i++) {
		usleep(100000);
		now = free_hugepages();
	}
	if (now < start_free)
		printf("note: %ld fewer free hugepages than at the start, no file of ours: other processes hold them\n",
		       start_free - now);
	return check_report();
}
