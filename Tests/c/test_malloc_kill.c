/*
 * kill -9 at random moments, 50 rounds: a primary and two secondaries run a mixed
 * workload (rte_malloc / rte_zmalloc / rte_realloc / rte_free of small and large blocks,
 * blocks big enough to make the heap grow and shrink through the primary, memzones in
 * the primary, rte_mp requests), and one of them, chosen at random, is killed at a
 * random moment, often inside rte_malloc or inside a memory grow. After each kill the
 * survivors' heap validates (the heap's own check in rte_malloc_dump_heaps, every live
 * block of theirs sound with its bytes, the stats adding up) and every lock can be
 * taken; secondaries of a killed primary see it dead and fail further requests cleanly;
 * the next round's primary starts on the same prefix. At the end every hugepage is back.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "mp_test.h"

#define PREFIX "tmalloc_kill"
#define ROUNDS 50
#define SLOTS 48

static struct {
	void *p;
	size_t n;
	unsigned seed;
} blk[SLOTS];
static const struct rte_memzone *zones[4];

static unsigned rnd(void)
{
	static uint64_t s = 0;
	if (s == 0)
		s = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ (uint64_t)(mp_now() * 1e9);
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (unsigned)s;
}

static void fill(void *p, size_t n, unsigned seed)
{
	unsigned char *c = p;
	for (size_t i = 0; i + 1 < n; i += 512)
		c[i] = (unsigned char)(seed + i / 512);
	c[n - 1] = (unsigned char)(seed ^ 0x5a);
}

static int holds(const void *p, size_t n, unsigned seed)
{
	const unsigned char *c = p;
	for (size_t i = 0; i + 1 < n; i += 512)
		if (c[i] != (unsigned char)(seed + i / 512))
			return 0;
	return c[n - 1] == (unsigned char)(seed ^ 0x5a);
}

static size_t pick_size(void)
{
	unsigned r = rnd() % 100;
	if (r < 60)
		return 1 + rnd() % 16384;         /* small blocks */
	if (r < 95)
		return 16385 + rnd() % (1 << 20); /* large */
	return (4u << 20) + rnd() % (4u << 20); /* grows the heap */
}

/* One step of the workload. */
static void step(int primary)
{
	int i = (int)(rnd() % SLOTS);
	unsigned r = rnd() % 10;
	if (blk[i].p == NULL) {
		size_t n = pick_size();
		void *p = r < 7 ? rte_malloc(NULL, n, 0) : rte_zmalloc(NULL, n, 64);
		if (p == NULL)
			return; /* ENOMEM (a dead primary cannot map more) is an answer */
		blk[i].p = p;
		blk[i].n = n;
		blk[i].seed = rnd();
		fill(p, n, blk[i].seed);
	} else if (r < 2) {
		size_t n = pick_size();
		void *q = rte_realloc(blk[i].p, n, 0);
		if (q == NULL)
			return;
		size_t keep = n < blk[i].n ? n : blk[i].n;
		unsigned char *c = q;
		for (size_t k = 0; k + 1 < keep; k += 512)
			CHECK_EQ(c[k], (unsigned char)(blk[i].seed + k / 512));
		blk[i].p = q;
		blk[i].n = n;
		blk[i].seed = rnd();
		fill(q, n, blk[i].seed);
	} else {
		CHECK(holds(blk[i].p, blk[i].n, blk[i].seed));
		rte_free(blk[i].p);
		blk[i].p = NULL;
	}
	if (primary && rnd() % 50 == 0) {
		int z = (int)(rnd() % 4);
		if (zones[z]) {
			CHECK_EQ(rte_memzone_free(zones[z]), 0);
			zones[z] = NULL;
		} else {
			char name[32];
			snprintf(name, sizeof(name), "kill_zone_%d", z);
			zones[z] = rte_memzone_reserve(name, 4096 + rnd() % (1 << 20), SOCKET_ID_ANY, 0);
		}
	}
	if (!primary && rnd() % 200 == 0) {
		struct rte_mp_msg m;
		struct rte_mp_reply rep;
		struct timespec ts = { 2, 0 };
		mp_msg(&m, "kill_ping", NULL);
		if (rte_mp_request_sync(&m, &rep, &ts) == 0)
			free(rep.msgs);
	}
}

static int ping(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg r;
	mp_msg(&r, msg->name, NULL);
	return rte_mp_reply(&r, peer);
}

/* The survivors' check: all of their blocks sound, the heap's own check clean, the
 * stats adding up, and a burst of allocations (every lock can be taken). */
static void validate(void)
{
	for (int i = 0; i < SLOTS; i++) {
		if (!blk[i].p)
			continue;
		size_t usable = 0;
		CHECK(rte_malloc_validate(blk[i].p, &usable) == 0 && usable >= blk[i].n);
		CHECK(holds(blk[i].p, blk[i].n, blk[i].seed));
	}
	char *dump = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);
	rte_malloc_dump_heaps(f);
	fclose(f);
	int checked = 0, bad = 0;
	for (char *l = dump; l && (l = strstr(l, "Heap check: ")) != NULL; l++) {
		checked++;
		if (strncmp(l, "Heap check: sound", 17) != 0) {
			bad++;
			char *end = strchr(l, '\n');
			printf("%.*s\n", end ? (int)(end - l) : 200, l);
		}
	}
	CHECK(checked > 0);
	CHECK_EQ(bad, 0);
	free(dump);
	struct rte_malloc_socket_stats st;
	CHECK_EQ(rte_malloc_get_socket_stats(0, &st), 0);
	CHECK_EQ(st.heap_allocsz_bytes + st.heap_freesz_bytes, st.heap_totalsz_bytes);
	for (int k = 0; k < 200; k++) {
		void *p = rte_malloc(NULL, 1 + (size_t)(rnd() % 40000), 0);
		CHECK(p != NULL);
		rte_free(p);
	}
}

static int child_main(const char *role, char *prog)
{
	int primary = strcmp(role, "primary") == 0;
	char *args[] = { prog, "-l", "0", "--no-pci", "--file-prefix", PREFIX,
			 primary ? "--proc-type=primary" : "--proc-type=secondary", NULL };
	if (rte_eal_init(7, args) < 0) {
		printf("rte_eal_init (%s) failed: %s\n", role, rte_strerror(rte_errno));
		return 3;
	}
	if (primary)
		CHECK_EQ(rte_mp_action_register("kill_ping", ping), 0);
	mp_child_ready();
	for (;;) {
		struct pollfd pf = { .fd = 0, .events = POLLIN };
		if (poll(&pf, 1, 0) == 1) {
			char b;
			if (read(0, &b, 1) != 1)
				break; /* EOF: done */
			if (b == 'v') {
				validate();
				mp_child_ready();
			}
		}
		for (int k = 0; k < 8; k++)
			step(primary);
	}
	if (!primary && !rte_eal_primary_proc_alive(NULL)) {
		/* a dead primary: requests fail, cleanly */
		struct rte_mp_msg m;
		struct rte_mp_reply rep;
		struct timespec ts = { 1, 0 };
		mp_msg(&m, "kill_ping", NULL);
		CHECK_EQ(rte_mp_request_sync(&m, &rep, &ts), -1);
	} else {
		validate();
		for (int i = 0; i < SLOTS; i++) {
			if (blk[i].p)
				CHECK(holds(blk[i].p, blk[i].n, blk[i].seed));
			rte_free(blk[i].p);
			blk[i].p = NULL;
		}
		for (int z = 0; z < 4; z++)
			if (zones[z])
				CHECK_EQ(rte_memzone_free(zones[z]), 0);
	}
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
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

/* Bytes of this test's hugepage files under `dir`. */
static long long hugepage_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long total = 0;
	char path[4200];
	struct stat st;
	while (d && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			total += (long long)st.st_blocks * 512;
	}
	if (d)
		closedir(d);
	return total;
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "--role") == 0)
		return child_main(argv[2], argv[0]);
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN); /* a command to a child that just died */
	/* the 50-round walk runs in the program built on our headers; the one built on
	 * DPDK's (what it adds is the ABI) repeats 10 */
	size_t plen = strlen(argv[0]);
	int rounds = plen > 5 && strcmp(argv[0] + plen - 5, ".dpdk") == 0 ? 10 : ROUNDS;
	if (getenv("KILL_ROUNDS"))
		rounds = atoi(getenv("KILL_ROUNDS"));
	long start_free = free_hugepages();
	if (geteuid() != 0 || start_free < 128) {
		printf("SKIP: needs root and 128 free 2 MB hugepages\n");
		return check_report();
	}
	struct mp_child pri, sec[2];
	int have_pri = 0, have_sec[2] = { 0, 0 };
	int kills[3] = { 0, 0, 0 };
	for (int round = 0; round < rounds; round++) {
		if (!have_pri) {
			CHECK_EQ(mp_spawn(&pri, "primary", PREFIX, "primary", NULL), 0);
			have_pri = mp_wait_ready(&pri, 60);
			CHECK(have_pri);
			if (!have_pri) {
				printf("round %d: the primary did not start\n", round);
				mp_finish(&pri);
				break;
			}
		}
		for (int s = 0; s < 2; s++) {
			if (have_sec[s])
				continue;
			CHECK_EQ(mp_spawn(&sec[s], "worker", PREFIX, "secondary", NULL), 0);
			have_sec[s] = mp_wait_ready(&sec[s], 60);
			CHECK(have_sec[s]);
			if (!have_sec[s]) {
				printf("round %d: a secondary did not start\n", round);
				mp_finish(&sec[s]);
			}
		}
		usleep(20000 + (rnd() % 150) * 1000);
		unsigned v = rnd() % 4; /* 0: the primary, else a secondary */
		printf("round %d: kill %s\n", round, v == 0 ? "the primary" : "a secondary");
		if (v == 0) {
			kills[0]++;
			kill(pri.pid, SIGKILL);
			CHECK_EQ(mp_finish(&pri), 128 + SIGKILL);
			mp_discard(&pri);
			have_pri = 0;
			/* its secondaries: the primary is dead to them; they end cleanly */
			for (int s = 0; s < 2; s++) {
				if (!have_sec[s])
					continue;
				CHECK_EQ(mp_finish(&sec[s]), 0);
				mp_discard(&sec[s]);
				have_sec[s] = 0;
			}
			continue;
		}
		int s = (int)(v & 1);
		if (!have_sec[s])
			s ^= 1;
		if (!have_sec[s])
			continue;
		kills[1 + s]++;
		kill(sec[s].pid, SIGKILL);
		CHECK_EQ(mp_finish(&sec[s]), 128 + SIGKILL);
		mp_discard(&sec[s]);
		have_sec[s] = 0;
		/* the survivors take over whatever it held */
		mp_go_byte(&pri, 'v');
		int ok = mp_wait_ready(&pri, 60);
		CHECK(ok);
		if (!ok) {
			printf("round %d: the primary did not validate in time (a lock still held?)\n", round);
			if (getenv("KILL_DEBUG"))
				sleep(1000);
		}
		int o = s ^ 1;
		if (have_sec[o]) {
			mp_go_byte(&sec[o], 'v');
			ok = mp_wait_ready(&sec[o], 60);
			CHECK(ok);
			if (!ok)
				printf("round %d: a secondary did not validate in time\n", round);
		}
		if (check_failed_)
			break;
	}
	printf("kills: primary %d, secondaries %d and %d\n", kills[0], kills[1], kills[2]);
	for (int s = 0; s < 2; s++)
		if (have_sec[s]) {
			CHECK_EQ(mp_finish(&sec[s]), 0);
			mp_discard(&sec[s]);
		}
	if (have_pri) {
		CHECK_EQ(mp_finish(&pri), 0);
		mp_discard(&pri);
	}
	/* a last primary on the prefix starts, reclaims, and leaves nothing */
	CHECK_EQ(mp_spawn(&pri, "primary", PREFIX, "primary", NULL), 0);
	CHECK(mp_wait_ready(&pri, 60));
	CHECK_EQ(mp_finish(&pri), 0);
	mp_discard(&pri);
	CHECK_EQ(hugepage_bytes("/dev/hugepages"), 0);
	/* the machine's pool: back where it was, unless other processes (other tests run
	 * beside this one) hold pages now; none of ours is left above */
	long now = free_hugepages();
	for (int i = 0; i < 50 && now < start_free; i++) {
		usleep(100000);
		now = free_hugepages();
	}
	if (now < start_free)
		printf("note: %ld fewer free hugepages than at the start, none in this test's files: other processes hold them\n",
		       start_free - now);
	else
		CHECK(now >= start_free);
	return check_report();
}
