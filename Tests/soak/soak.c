/*
 * The soak (make soak, Tests/soak/run.sh): a primary on lcores 0-1 and a secondary of the
 * same prefix, every lcore of both running a mixed loop for SOAK_TIME seconds at once:
 *   malloc   rte_malloc / rte_zmalloc / rte_realloc / rte_free of small, large and
 *            several-MB blocks (the heap grows and shrinks), pattern bytes checked
 *            before every free and after every realloc
 *   memzone  reserve (some aligned, some several MB) / lookup / free of the lcore's own
 *            zones, their bytes checked; the secondary also looks up the primary's
 *   fbarray  a private array per lcore, every answer checked against a model, the array
 *            destroyed and made again now and then
 *   alarm    rte_eal_alarm_set / cancel, the callbacks counted (each allocates and
 *            frees a block on the alarm thread): set == fired + cancelled at the end
 *   intr     an eventfd per lcore under an RTE_INTR_HANDLE_EXT handle: every write is
 *            counted by a callback (writes == what the callbacks read), the handle
 *            unregistered, freed and made again now and then
 *   validate rte_malloc_validate on every live block (one each step, all of them every
 *            64 steps); every 2 s the main lcore checks rte_malloc_dump_heaps' "Heap
 *            check:" lines and that rte_malloc_get_socket_stats adds up
 * A watchdog fails a lcore that makes no progress for 60 s. Every minute (and at the
 * start and the end) the primary prints its line; at the end both free everything, the
 * primary waits for the secondary, and the last line "soak-result ..." is what
 * Tests/soak/run.sh judges (with the hugepages and the files left behind).
 *
 * Usage: soak <seconds> <prefix> [<report seconds>] (the primary); the primary starts
 * itself again as `soak --secondary <prefix>`. Exit 0 when nothing failed.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>
#include <rte_interrupts.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#define SLOTS 48
#define ZONES 4
#define FB_LEN 2048
#define MAX_LC 2
#define CTL_MAGIC 0x50a4c71ull

enum kind { K_ALLOC, K_REALLOC, K_FREE, K_MZ_RESERVE, K_MZ_LOOKUP, K_MZ_FREE, K_FBARRAY,
	    K_ALARM_SET, K_ALARM_CANCELLED, K_ALARM_FIRED, K_INTR_WRITE, K_INTR_CALLBACK,
	    K_INTR_CYCLE, K_VALIDATE, K_HEAP_CHECK, K_NOMEM, NKINDS };

/* Shared by both processes, in a memzone the primary reserves first. */
struct ctl {
	uint64_t magic;
	volatile int stop;
	volatile int secondary_done;
	int failures[2];                     /* per process */
	uint64_t counts[2][MAX_LC][NKINDS];  /* per process and lcore, relaxed atomics */
	uint64_t beat[2][MAX_LC];            /* steps done: the watchdog's view */
	double rss_stop[2];                  /* each process's RSS (MB) when told to stop */
	uint64_t slow[2];                    /* malloc / memzone steps that took over 1 s */
	uint64_t slowest_us[2];              /* the longest step */
	double t_start;                      /* the soak's start (CLOCK_MONOTONIC, system-wide) */
};

struct block {
	void *p;
	size_t n;
	unsigned seed;
};

struct zone {
	const struct rte_memzone *mz;
	size_t n;
	unsigned seed;
};

/* One lcore's private state (process-local). */
struct lc {
	unsigned id;
	uint64_t rng;
	struct block blk[SLOTS];
	struct zone zone[ZONES];
	struct rte_fbarray fb;
	int fb_live;
	unsigned fb_gen;
	unsigned char model[FB_LEN];
	uint32_t tag[FB_LEN];
	unsigned model_count;
	uint64_t alarm_set, alarm_cancelled;
	uint64_t alarm_fired;          /* atomic: the alarm thread adds */
	struct rte_intr_handle *intr;
	int efd;
	uint64_t intr_written;
	uint64_t intr_read;            /* atomic: the interrupt thread adds */
	unsigned gen;
};

static struct ctl *ctl;
static int proc;                       /* 0 primary, 1 secondary */
static const char *prefix;
static struct lc lcs[MAX_LC];
static double t_start, t_end;
static int local_failures;             /* before ctl exists */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A failure: counted, its first 50 words printed. */
#define FAIL(...) do { \
	int n_ = ctl ? __atomic_add_fetch(&ctl->failures[proc], 1, __ATOMIC_RELAXED) \
		     : ++local_failures; \
	if (n_ <= 50) { \
		fprintf(stderr, "soak %s FAIL %s:%d: ", proc ? "secondary" : "primary", \
			__FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

static void count(struct lc *l, enum kind k, uint64_t n)
{
	__atomic_add_fetch(&ctl->counts[proc][l->id][k], n, __ATOMIC_RELAXED);
}

static unsigned rnd(struct lc *l)
{
	l->rng ^= l->rng << 13;
	l->rng ^= l->rng >> 7;
	l->rng ^= l->rng << 17;
	return (unsigned)(l->rng >> 11);
}

static int stopping(void)
{
	return __atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE);
}

/* ---- pattern bytes ---- */

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

/* ---- malloc ---- */

static size_t pick_size(struct lc *l)
{
	unsigned r = rnd(l) % 1000;
	if (r < 650)
		return 1 + rnd(l) % 4096;              /* small */
	if (r < 980)
		return 4097 + rnd(l) % (1u << 20);     /* large */
	return (3u << 20) + rnd(l) % (5u << 20);   /* 3-8 MB: grows and shrinks the heap */
}

static void check_block(struct lc *l, int i, const char *when)
{
	struct block *b = &l->blk[i];
	size_t usable = 0;
	count(l, K_VALIDATE, 1);
	if (rte_malloc_validate(b->p, &usable) != 0 || usable < b->n)
		FAIL("lcore %u slot %d: rte_malloc_validate(%p) says unsound (usable %zu of %zu) %s",
		     l->id, i, b->p, usable, b->n, when);
	if (!holds(b->p, b->n, b->seed))
		FAIL("lcore %u slot %d: the bytes of %p (%zu) changed %s", l->id, i, b->p, b->n, when);
}

static void malloc_step(struct lc *l)
{
	int i = (int)(rnd(l) % SLOTS);
	struct block *b = &l->blk[i];
	unsigned r = rnd(l) % 10;
	if (b->p == NULL) {
		size_t n = pick_size(l);
		void *p;
		if (r < 5)
			p = rte_malloc("soak", n, 0);
		else if (r < 8)
			p = rte_zmalloc(NULL, n, 64u << (rnd(l) % 4));
		else
			p = rte_malloc_socket(NULL, n, 0, SOCKET_ID_ANY);
		count(l, K_ALLOC, 1);
		if (p == NULL) {
			count(l, K_NOMEM, 1);
			return;
		}
		if (r >= 5 && r < 8) {
			const unsigned char *c = p;
			for (size_t k = 0; k < n; k += 997)
				if (c[k] != 0) {
					FAIL("rte_zmalloc(%zu) byte %zu is %u", n, k, c[k]);
					break;
				}
		}
		b->p = p;
		b->n = n;
		b->seed = rnd(l);
		fill(p, n, b->seed);
	} else if (r < 2) {
		size_t n = pick_size(l);
		check_block(l, i, "before rte_realloc");
		void *q = rte_realloc(b->p, n, r == 0 ? 0 : 128);
		count(l, K_REALLOC, 1);
		if (q == NULL) {
			count(l, K_NOMEM, 1);
			return; /* the old block stays */
		}
		size_t keep = n < b->n ? n : b->n;
		const unsigned char *c = q;
		for (size_t k = 0; k + 1 < keep; k += 512)
			if (c[k] != (unsigned char)(b->seed + k / 512)) {
				FAIL("rte_realloc(%zu -> %zu) lost byte %zu", b->n, n, k);
				break;
			}
		b->p = q;
		b->n = n;
		b->seed = rnd(l);
		fill(q, n, b->seed);
	} else {
		check_block(l, i, "before rte_free");
		rte_free(b->p);
		count(l, K_FREE, 1);
		b->p = NULL;
	}
}

static void validate_blocks(struct lc *l)
{
	for (int i = 0; i < SLOTS; i++)
		if (l->blk[i].p)
			check_block(l, i, "(periodic)");
}

/* The heap's own check and the stats adding up (the main lcore, every 2 s). */
static void heap_check(struct lc *l)
{
	char *dump = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);
	if (f == NULL) {
		FAIL("open_memstream: %s", strerror(errno));
		return;
	}
	rte_malloc_dump_heaps(f);
	fclose(f);
	int checked = 0;
	for (char *s = dump; s && (s = strstr(s, "Heap check: ")) != NULL; s++) {
		checked++;
		if (strncmp(s, "Heap check: sound", 17) != 0) {
			char *end = strchr(s, '\n');
			FAIL("%.*s", end ? (int)(end - s) : 200, s);
		}
	}
	if (checked == 0)
		FAIL("rte_malloc_dump_heaps printed no \"Heap check:\" line");
	free(dump);
	struct rte_malloc_socket_stats st;
	if (rte_malloc_get_socket_stats(0, &st) != 0)
		FAIL("rte_malloc_get_socket_stats(0): %d", rte_errno);
	else if (st.heap_allocsz_bytes + st.heap_freesz_bytes != st.heap_totalsz_bytes)
		FAIL("socket stats: alloc %zu + free %zu != total %zu", st.heap_allocsz_bytes,
		     st.heap_freesz_bytes, st.heap_totalsz_bytes);
	count(l, K_HEAP_CHECK, 1);
}

/* ---- memzones ---- */

static void zone_name(char *buf, size_t n, int p, unsigned lcore, int z)
{
	snprintf(buf, n, "soak_%c%u_%d", p ? 's' : 'p', lcore, z);
}

static void memzone_step(struct lc *l)
{
	int z = (int)(rnd(l) % ZONES);
	struct zone *m = &l->zone[z];
	char name[RTE_MEMZONE_NAMESIZE];
	zone_name(name, sizeof(name), proc, l->id, z);
	if (m->mz == NULL) {
		size_t n = rnd(l) % 50 == 0 ? (2u << 20) + rnd(l) % (4u << 20) : 64 + rnd(l) % (256u << 10);
		const struct rte_memzone *mz = rnd(l) % 2
			? rte_memzone_reserve(name, n, SOCKET_ID_ANY, 0)
			: rte_memzone_reserve_aligned(name, n, SOCKET_ID_ANY, 0, 4096);
		count(l, K_MZ_RESERVE, 1);
		if (mz == NULL) {
			if (rte_errno == ENOMEM || rte_errno == ENOSPC)
				count(l, K_NOMEM, 1);
			else
				FAIL("rte_memzone_reserve(%s, %zu): rte_errno %d", name, n, rte_errno);
			return;
		}
		if (mz->len < n || strcmp(mz->name, name) != 0)
			FAIL("memzone %s: len %zu for %zu, name %s", name, mz->len, n, mz->name);
		m->mz = mz;
		m->n = n;
		m->seed = rnd(l);
		fill(mz->addr, n, m->seed);
	} else {
		const struct rte_memzone *found = rte_memzone_lookup(name);
		count(l, K_MZ_LOOKUP, 1);
		if (found != m->mz)
			FAIL("rte_memzone_lookup(%s) = %p, reserved %p", name, (void *)found, (void *)m->mz);
		if (!holds(m->mz->addr, m->n, m->seed))
			FAIL("memzone %s: its bytes changed", name);
		if (rte_memzone_free(m->mz) != 0)
			FAIL("rte_memzone_free(%s): rte_errno %d", name, rte_errno);
		count(l, K_MZ_FREE, 1);
		m->mz = NULL;
		if (rte_memzone_lookup(name) != NULL)
			FAIL("rte_memzone_lookup(%s) finds a freed zone", name);
		count(l, K_MZ_LOOKUP, 1);
	}
	/* the other process's zones: found or not, named right when found. The other
	 * process may free the zone between the lookup and the read of its name (a freed
	 * entry is zeroed, as DPDK's; the API hands out the entry itself): an empty name is
	 * that race, not a wrong answer */
	char other[RTE_MEMZONE_NAMESIZE];
	zone_name(other, sizeof(other), !proc, rnd(l) % MAX_LC, (int)(rnd(l) % ZONES));
	const struct rte_memzone *o = rte_memzone_lookup(other);
	count(l, K_MZ_LOOKUP, 1);
	char seen[RTE_MEMZONE_NAMESIZE];
	if (o != NULL)
		memcpy(seen, (const void *)o->name, sizeof(seen));
	if (o != NULL && seen[0] != '\0' && strncmp(seen, "soak_", 5) != 0)
		FAIL("rte_memzone_lookup(%s) found %.*s", other, (int)sizeof(seen), seen);
	const struct rte_memzone *c = rte_memzone_lookup("soak_ctl");
	count(l, K_MZ_LOOKUP, 1);
	if (c == NULL || c->addr != (void *)ctl || ctl->magic != CTL_MAGIC)
		FAIL("rte_memzone_lookup(soak_ctl) = %p", c ? c->addr : NULL);
}

static void free_zones(struct lc *l)
{
	for (int z = 0; z < ZONES; z++) {
		struct zone *m = &l->zone[z];
		if (!m->mz)
			continue;
		if (!holds(m->mz->addr, m->n, m->seed))
			FAIL("memzone %s: its bytes changed (at the end)", m->mz->name);
		if (rte_memzone_free(m->mz) != 0)
			FAIL("rte_memzone_free at the end: rte_errno %d", rte_errno);
		count(l, K_MZ_FREE, 1);
		m->mz = NULL;
	}
}

/* ---- fbarray against a model ---- */

static int fb_err(int r)
{
	return r >= 0 ? r : -rte_errno;
}

static int m_next(struct lc *l, unsigned s, int used, int dir)
{
	for (int i = (int)s; i >= 0 && i < FB_LEN; i += dir)
		if (l->model[i] == used)
			return i;
	return used ? -ENOENT : -ENOSPC;
}

static int m_next_n(struct lc *l, unsigned s, unsigned n, int used)
{
	unsigned run = 0;
	for (unsigned i = s; i < FB_LEN; i++) {
		run = l->model[i] == used ? run + 1 : 0;
		if (run == n)
			return (int)(i - n + 1);
	}
	return used ? -ENOENT : -ENOSPC;
}

static int m_contig(struct lc *l, unsigned s, int used, int dir)
{
	int i = (int)s;
	while (i >= 0 && i < FB_LEN && l->model[i] == used)
		i += dir;
	return dir > 0 ? i - (int)s : (int)s - i;
}

static int m_biggest(struct lc *l, unsigned s, int used)
{
	int best = -1, best_len = 0, run = 0;
	for (int i = (int)s; i <= FB_LEN; i++) {
		if (i < FB_LEN && l->model[i] == used) {
			run++;
		} else {
			if (run > best_len) {
				best_len = run;
				best = i - run;
			}
			run = 0;
		}
	}
	return best >= 0 ? best : used ? -ENOENT : -ENOSPC;
}

static void fb_make(struct lc *l)
{
	char name[RTE_FBARRAY_NAME_LEN];
	snprintf(name, sizeof(name), "soak_%d_%u_%u", (int)getpid(), l->id, l->fb_gen++);
	if (rte_fbarray_init(&l->fb, name, FB_LEN, sizeof(uint32_t)) != 0) {
		FAIL("rte_fbarray_init(%s): rte_errno %d", name, rte_errno);
		return;
	}
	l->fb_live = 1;
	memset(l->model, 0, sizeof(l->model));
	l->model_count = 0;
}

static void fb_drop(struct lc *l)
{
	if (!l->fb_live)
		return;
	if (rte_fbarray_destroy(&l->fb) != 0)
		FAIL("rte_fbarray_destroy(%s): rte_errno %d", l->fb.name, rte_errno);
	l->fb_live = 0;
}

static void fbarray_step(struct lc *l)
{
	if (!l->fb_live)
		return;
	struct rte_fbarray *a = &l->fb;
	unsigned s = rnd(l) % FB_LEN;
	unsigned n = 1 + rnd(l) % 24;
	int op = (int)(rnd(l) % 16), got, want;
	const char *what;
	count(l, K_FBARRAY, 1);
	switch (op) {
	case 0: case 1: case 2: case 3: {
		/* a run of up to n set used or free; the element tagged when used */
		int used = op < 2;
		for (unsigned i = s; i < FB_LEN && i < s + n; i++) {
			int r = used ? rte_fbarray_set_used(a, i) : rte_fbarray_set_free(a, i);
			if (r != 0)
				FAIL("rte_fbarray_set_%s(%u) = %d", used ? "used" : "free", i, r);
			if (used) {
				uint32_t *e = rte_fbarray_get(a, i);
				l->tag[i] = rnd(l);
				if (e)
					*e = l->tag[i];
				else
					FAIL("rte_fbarray_get(%u) = NULL", i);
			}
			if (l->model[i] != used)
				l->model_count += used ? 1 : -1;
			l->model[i] = (unsigned char)used;
		}
		if (a->count != l->model_count)
			FAIL("fbarray count %u, model %u", a->count, l->model_count);
		return;
	}
	case 4:
		what = "is_used";
		got = fb_err(rte_fbarray_is_used(a, s));
		want = l->model[s];
		if (want) {
			uint32_t *e = rte_fbarray_get(a, s);
			if (!e || *e != l->tag[s])
				FAIL("fbarray element %u lost its tag", s);
			else if (rte_fbarray_find_idx(a, e) != (int)s)
				FAIL("rte_fbarray_find_idx(element %u) = %d", s, rte_fbarray_find_idx(a, e));
		}
		break;
	case 5: what = "next_free"; got = fb_err(rte_fbarray_find_next_free(a, s)); want = m_next(l, s, 0, 1); break;
	case 6: what = "next_used"; got = fb_err(rte_fbarray_find_next_used(a, s)); want = m_next(l, s, 1, 1); break;
	case 7: what = "prev_free"; got = fb_err(rte_fbarray_find_prev_free(a, s)); want = m_next(l, s, 0, -1); break;
	case 8: what = "prev_used"; got = fb_err(rte_fbarray_find_prev_used(a, s)); want = m_next(l, s, 1, -1); break;
	case 9: what = "next_n_free"; got = fb_err(rte_fbarray_find_next_n_free(a, s, n)); want = m_next_n(l, s, n, 0); break;
	case 10: what = "next_n_used"; got = fb_err(rte_fbarray_find_next_n_used(a, s, n)); want = m_next_n(l, s, n, 1); break;
	case 11: what = "contig_free"; got = fb_err(rte_fbarray_find_contig_free(a, s)); want = m_contig(l, s, 0, 1); break;
	case 12: what = "contig_used"; got = fb_err(rte_fbarray_find_contig_used(a, s)); want = m_contig(l, s, 1, 1); break;
	case 13: what = "rev_contig_free"; got = fb_err(rte_fbarray_find_rev_contig_free(a, s)); want = m_contig(l, s, 0, -1); break;
	case 14: what = "biggest_free"; got = fb_err(rte_fbarray_find_biggest_free(a, s)); want = m_biggest(l, s, 0); break;
	default: what = "biggest_used"; got = fb_err(rte_fbarray_find_biggest_used(a, s)); want = m_biggest(l, s, 1); break;
	}
	if (got != want)
		FAIL("lcore %u rte_fbarray_find_%s(%u, %u) = %d, model %d", l->id, what, s, n, got, want);
}

/* ---- alarms ---- */

static void alarm_cb(void *arg)
{
	struct lc *l = arg;
	/* the alarm thread allocates too */
	void *p = rte_malloc(NULL, 64 + (l->alarm_set % 512), 0);
	if (p) {
		memset(p, 0xa5, 64);
		rte_free(p);
	}
	__atomic_add_fetch(&l->alarm_fired, 1, __ATOMIC_RELEASE);
	count(l, K_ALARM_FIRED, 1);
}

static uint64_t alarm_pending(struct lc *l)
{
	return l->alarm_set - l->alarm_cancelled - __atomic_load_n(&l->alarm_fired, __ATOMIC_ACQUIRE);
}

static void alarm_step(struct lc *l)
{
	if (rnd(l) % 4 == 0 && alarm_pending(l) > 0) {
		int r = rte_eal_alarm_cancel(alarm_cb, l);
		if (r < 0)
			FAIL("rte_eal_alarm_cancel = %d, rte_errno %d", r, rte_errno);
		else
			l->alarm_cancelled += (unsigned)r;
		count(l, K_ALARM_CANCELLED, r > 0 ? (uint64_t)r : 0);
	} else if (alarm_pending(l) < 6) {
		int r = rte_eal_alarm_set(50 + rnd(l) % 5000, alarm_cb, l);
		if (r != 0)
			FAIL("rte_eal_alarm_set = %d", r);
		else
			l->alarm_set++;
		count(l, K_ALARM_SET, 1);
	}
}

/* Cancels what is pending and waits for the ones running: set == fired + cancelled. */
static void alarm_end(struct lc *l)
{
	int r = rte_eal_alarm_cancel(alarm_cb, l);
	if (r > 0) {
		l->alarm_cancelled += (unsigned)r;
		count(l, K_ALARM_CANCELLED, (uint64_t)r);
	}
	double until = now() + 10;
	while (alarm_pending(l) != 0 && now() < until)
		usleep(1000);
	if (alarm_pending(l) != 0)
		FAIL("lcore %u alarms: set %lu, fired %lu, cancelled %lu", l->id,
		     (unsigned long)l->alarm_set, (unsigned long)l->alarm_fired,
		     (unsigned long)l->alarm_cancelled);
}

/* ---- interrupts ---- */

static void intr_cb(void *arg)
{
	struct lc *l = arg;
	uint64_t v;
	if (read(l->efd, &v, sizeof(v)) == sizeof(v))
		__atomic_add_fetch(&l->intr_read, v, __ATOMIC_RELEASE);
	count(l, K_INTR_CALLBACK, 1);
}

static void intr_make(struct lc *l)
{
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (l->efd < 0 || l->intr == NULL) {
		FAIL("eventfd %d / rte_intr_instance_alloc %p", l->efd, (void *)l->intr);
		return;
	}
	if (rte_intr_fd_set(l->intr, l->efd) != 0 || rte_intr_type_set(l->intr, RTE_INTR_HANDLE_EXT) != 0)
		FAIL("rte_intr_fd_set / type_set");
	int r = rte_intr_callback_register(l->intr, intr_cb, l);
	if (r != 0)
		FAIL("rte_intr_callback_register = %d", r);
}

/* Waits until every write was read by a callback. */
static void intr_settle(struct lc *l, const char *when)
{
	double until = now() + 10;
	while (__atomic_load_n(&l->intr_read, __ATOMIC_ACQUIRE) != l->intr_written && now() < until)
		usleep(200);
	uint64_t got = __atomic_load_n(&l->intr_read, __ATOMIC_ACQUIRE);
	if (got != l->intr_written)
		FAIL("lcore %u interrupts %s: written %lu, the callbacks read %lu", l->id, when,
		     (unsigned long)l->intr_written, (unsigned long)got);
	l->intr_read = l->intr_written = 0;
}

static void intr_drop(struct lc *l)
{
	if (l->intr == NULL)
		return;
	int r;
	double until = now() + 10;
	while ((r = rte_intr_callback_unregister(l->intr, intr_cb, l)) == -EAGAIN && now() < until)
		usleep(100);
	if (r != 1)
		FAIL("rte_intr_callback_unregister = %d", r);
	rte_intr_instance_free(l->intr);
	l->intr = NULL;
	close(l->efd);
	l->efd = -1;
}

static void intr_step(struct lc *l)
{
	if (l->intr == NULL)
		return;
	uint64_t one = 1;
	if (write(l->efd, &one, sizeof(one)) != sizeof(one))
		FAIL("eventfd write: %s", strerror(errno));
	else
		l->intr_written++;
	count(l, K_INTR_WRITE, 1);
	if (rnd(l) % 2000 == 0) {
		/* a new handle: the old one's writes all delivered first */
		intr_settle(l, "before a new handle");
		intr_drop(l);
		intr_make(l);
		count(l, K_INTR_CYCLE, 1);
	}
}

/* ---- the loop of every lcore ---- */

/* A step that waited seconds (a lock, a memory sync with the other process) is counted
 * and its first few told. */
static void note_latency(struct lc *l, double t0, const char *what)
{
	double d = now() - t0;
	uint64_t us = (uint64_t)(d * 1e6), old = __atomic_load_n(&ctl->slowest_us[proc], __ATOMIC_RELAXED);
	while (us > old && !__atomic_compare_exchange_n(&ctl->slowest_us[proc], &old, us, 0,
							__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (d > 1 && __atomic_add_fetch(&ctl->slow[proc], 1, __ATOMIC_RELAXED) <= 10)
		printf("soak %s lcore %u: a %s took %.2f s (%.1f s in)\n", proc ? "secondary" : "primary",
		       l->id, what, d, t0 - ctl->t_start);
}

static uint64_t proc_total(int p, enum kind k);
static void report(const char *when, double t, double rp, double rs, int fp, int fs);
static int fd_count(pid_t pid);
static double rss_mb(pid_t pid);
static double report_every;
static pid_t secondary_pid;
/* the fewest descriptors each process held in this report's interval, sampled every
 * second: what a moment's work opens (a memory sync, a new fbarray) drops out */
static int fds_min[2] = { INT_MAX, INT_MAX };

static void sample_fds(void)
{
	int f[2] = { fd_count(getpid()), secondary_pid > 0 ? fd_count(secondary_pid) : -1 };
	for (int p = 0; p < 2; p++)
		if (f[p] < fds_min[p])
			fds_min[p] = f[p];
}

static int run_lcore(void *arg)
{
	(void)arg;
	struct lc *l = &lcs[rte_lcore_id()];
	int main_lcore = rte_lcore_id() == rte_get_main_lcore();
	double next_check = now() + 2, next_report = t_start + report_every, next_sample = 0;
	l->efd = -1;
	fb_make(l);
	intr_make(l);
	for (uint64_t step = 0; !stopping(); step++) {
		double t0 = now();
		malloc_step(l);
		if (rnd(l) % 16 == 0)
			memzone_step(l);
		note_latency(l, t0, "malloc/memzone step");
		if (l->blk[step % SLOTS].p)
			check_block(l, (int)(step % SLOTS), "(one each step)");
		if (step % 64 == 0)
			validate_blocks(l);
		for (int k = 0; k < 4; k++)
			fbarray_step(l);
		if (rnd(l) % 5000 == 0) {
			fb_drop(l);
			fb_make(l);
		}
		if (rnd(l) % 8 == 0)
			alarm_step(l);
		if (rnd(l) % 4 == 0)
			intr_step(l);
		__atomic_store_n(&ctl->beat[proc][l->id], step, __ATOMIC_RELAXED);
		if (!main_lcore || (step & 63) != 0)
			continue;
		double t = now();
		if (t >= next_check) {
			heap_check(l);
			next_check = t + 2;
		}
		if (proc == 1) {
			/* the primary gone: nothing to soak against */
			if (getppid() == 1) {
				FAIL("the primary died");
				__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
			}
			continue;
		}
		if (t >= next_sample) {
			sample_fds();
			next_sample = t + 1;
		}
		if (t >= next_report) {
			report("", t, rss_mb(getpid()), secondary_pid > 0 ? rss_mb(secondary_pid) : -1,
			       fds_min[0], fds_min[1]);
			fds_min[0] = fds_min[1] = INT_MAX;
			next_report += report_every;
		}
		if (t >= t_end)
			__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
		int st;
		if (secondary_pid > 0 && waitpid(secondary_pid, &st, WNOHANG) == secondary_pid) {
			FAIL("the secondary ended early (status 0x%x)", st);
			secondary_pid = -1;
			__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
		}
	}
	/* the end: the RSS of the steady state, then everything freed and accounted for */
	if (main_lcore)
		ctl->rss_stop[proc] = rss_mb(getpid());
	double t0 = now();
	for (int i = 0; i < SLOTS; i++) {
		if (!l->blk[i].p)
			continue;
		check_block(l, i, "at the end");
		rte_free(l->blk[i].p);
		count(l, K_FREE, 1);
		l->blk[i].p = NULL;
	}
	double t1 = now();
	free_zones(l);
	fb_drop(l);
	double t2 = now();
	alarm_end(l);
	double t3 = now();
	intr_settle(l, "at the end");
	intr_drop(l);
	double t4 = now();
	/* a slow wind-down is worth a word: each part is milliseconds when all is well */
	if (t4 - t0 > 1)
		printf("soak %s lcore %u: the end took %.2f s (blocks %.2f, zones and fbarray %.2f, "
		       "alarms %.2f, interrupts %.2f)\n", proc ? "secondary" : "primary", l->id, t4 - t0,
		       t1 - t0, t2 - t1, t3 - t2, t4 - t3);
	return 0;
}

/* ---- the watchdog (a thread of the primary): every lcore of both must make progress ---- */

static void *watchdog(void *arg)
{
	(void)arg;
	uint64_t last[2][MAX_LC] = {{0}};
	double since[2][MAX_LC];
	int flagged[2][MAX_LC] = {{0}};
	for (int p = 0; p < 2; p++)
		for (int i = 0; i < MAX_LC; i++)
			since[p][i] = now();
	while (!stopping()) {
		usleep(500000);
		for (int p = 0; p < 2; p++)
			for (int i = 0; i < MAX_LC; i++) {
				uint64_t b = __atomic_load_n(&ctl->beat[p][i], __ATOMIC_RELAXED);
				if (b != last[p][i]) {
					last[p][i] = b;
					since[p][i] = now();
				} else if (now() - since[p][i] > 60 && !flagged[p][i]) {
					flagged[p][i] = 1;
					FAIL("%s lcore %d made no progress for 60 s (step %lu)",
					     p ? "secondary" : "primary", i, (unsigned long)b);
				}
			}
	}
	return NULL;
}

/* ---- reporting ---- */

static uint64_t proc_total(int p, enum kind k)
{
	uint64_t n = 0;
	for (int i = 0; i < MAX_LC; i++)
		n += __atomic_load_n(&ctl->counts[p][i][k], __ATOMIC_RELAXED);
	return n;
}

static uint64_t total(enum kind k)
{
	return proc_total(0, k) + proc_total(1, k);
}

/* The calls a process made (what the callbacks and the failed allocations count is not). */
static uint64_t proc_ops(int p)
{
	uint64_t n = 0;
	for (int k = 0; k < NKINDS; k++)
		if (k != K_NOMEM && k != K_ALARM_FIRED && k != K_INTR_CALLBACK)
			n += proc_total(p, (enum kind)k);
	return n;
}

static uint64_t all_ops(void)
{
	return proc_ops(0) + proc_ops(1);
}

/* VmRSS of a process in MB (-1 when it is gone). */
static double rss_mb(pid_t pid)
{
	char path[64], line[256];
	double kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lf kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/* How many descriptors a process holds besides its hugepages' (which come and go with
 * the heap): -1 when it is gone. */
static int fd_count(pid_t pid)
{
	char path[64], link[300], target[300];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len >= 0) {
			target[len] = 0;
			if (strncmp(target, "/dev/hugepages/", 15) == 0)
				continue;
		}
		n++;
	}
	closedir(d);
	return n - (pid == getpid()); /* our own look at the directory */
}

static long free_hugepages(void)
{
	long n = -1;
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	if (f && fscanf(f, "%ld", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

/* How many hugepage files of this prefix exist now. */
static int our_hugepage_files(void)
{
	DIR *d = opendir("/dev/hugepages");
	struct dirent *e;
	int n = 0;
	size_t len = strlen(prefix);
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, len) == 0 && strncmp(e->d_name + len, "map_", 4) == 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

static double rss_first_p = -1, rss_first_s = -1, rss_last_p = -1, rss_last_s = -1;
static int fds_first_p = -1, fds_first_s = -1, fds_last_p = -1, fds_last_s = -1;
static int reports;

static void report(const char *when, double t, double rp, double rs, int fp, int fs)
{
	printf("soak %4.0f s%s: ops %lu (secondary %lu); malloc %lu/%lu/%lu alloc/realloc/free, "
	       "memzone %lu/%lu/%lu reserve/lookup/free, fbarray %lu, alarm %lu/%lu/%lu set/fired/cancelled, "
	       "intr %lu/%lu/%lu writes/callbacks/new handles, validate %lu blocks + %lu heap checks, "
	       "nomem %lu; slowest step %.3f s, %lu over 1 s; failures %d; "
	       "RSS primary %.1f MB, secondary %.1f MB; fds %d, %d (fewest in the interval, besides hugepages); "
	       "free hugepages %ld (%d files ours)\n",
	       t - t_start, when, (unsigned long)all_ops(),
	       (unsigned long)proc_ops(1),
	       (unsigned long)total(K_ALLOC), (unsigned long)total(K_REALLOC), (unsigned long)total(K_FREE),
	       (unsigned long)total(K_MZ_RESERVE), (unsigned long)total(K_MZ_LOOKUP), (unsigned long)total(K_MZ_FREE),
	       (unsigned long)total(K_FBARRAY),
	       (unsigned long)total(K_ALARM_SET), (unsigned long)total(K_ALARM_FIRED), (unsigned long)total(K_ALARM_CANCELLED),
	       (unsigned long)total(K_INTR_WRITE), (unsigned long)total(K_INTR_CALLBACK), (unsigned long)total(K_INTR_CYCLE),
	       (unsigned long)total(K_VALIDATE), (unsigned long)total(K_HEAP_CHECK), (unsigned long)total(K_NOMEM),
	       (ctl->slowest_us[0] > ctl->slowest_us[1] ? ctl->slowest_us[0] : ctl->slowest_us[1]) / 1e6,
	       (unsigned long)(ctl->slow[0] + ctl->slow[1]),
	       ctl->failures[0] + ctl->failures[1], rp, rs, fp, fs, free_hugepages(), our_hugepage_files());
	fflush(stdout);
	if (reports++ == 1) {
		/* the first minute's figures: what the end is compared with */
		rss_first_p = rp;
		rss_first_s = rs;
		fds_first_p = fp;
		fds_first_s = fs;
	}
	rss_last_p = rp;
	rss_last_s = rs;
	fds_last_p = fp;
	fds_last_s = fs;
}

/* ---- processes ---- */

static int init_eal(char *prog, const char *type)
{
	char pfx[128], pt[64];
	snprintf(pfx, sizeof(pfx), "--file-prefix=%s", prefix);
	snprintf(pt, sizeof(pt), "--proc-type=%s", type);
	char *args[] = { prog, "-l", "0-1", "--no-pci", pfx, pt, NULL };
	if (rte_eal_init(6, args) < 0) {
		fprintf(stderr, "soak: rte_eal_init (%s) failed: %s\n", type, rte_strerror(rte_errno));
		return -1;
	}
	if (rte_lcore_count() != MAX_LC) {
		fprintf(stderr, "soak: %u lcores, want %d\n", rte_lcore_count(), MAX_LC);
		return -1;
	}
	for (unsigned i = 0; i < MAX_LC; i++) {
		lcs[i].id = i;
		lcs[i].rng = ((uint64_t)getpid() << 20 ^ (uint64_t)(now() * 1e9)) * 0x9e3779b97f4a7c15ull + i + 1;
	}
	return 0;
}

static int secondary_main(char *prog)
{
	proc = 1;
	if (init_eal(prog, "secondary") < 0)
		return 3;
	const struct rte_memzone *mz = rte_memzone_lookup("soak_ctl");
	if (mz == NULL || ((struct ctl *)mz->addr)->magic != CTL_MAGIC) {
		fprintf(stderr, "soak secondary: no soak_ctl memzone\n");
		rte_eal_cleanup();
		return 3;
	}
	ctl = mz->addr;
	rte_eal_mp_remote_launch(run_lcore, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	int failed = __atomic_load_n(&ctl->failures[1], __ATOMIC_RELAXED);
	__atomic_store_n(&ctl->secondary_done, 1, __ATOMIC_RELEASE);
	ctl = NULL;
	if (rte_eal_cleanup() != 0) {
		fprintf(stderr, "soak secondary: rte_eal_cleanup failed\n");
		return 1;
	}
	return failed ? 1 : 0;
}

static pid_t spawn_secondary(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = 0;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { self, "--secondary", (char *)prefix, NULL };
		execv(self, argv);
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--secondary") == 0) {
		prefix = argv[2];
		return secondary_main(argv[0]);
	}
	if (argc < 3) {
		fprintf(stderr, "usage: %s <seconds> <prefix> [<report every s>]\n", argv[0]);
		return 2;
	}
	double seconds = atof(argv[1]);
	prefix = argv[2];
	report_every = argc > 3 ? atof(argv[3]) : 60;
	long hp_start = free_hugepages();
	if (init_eal(argv[0], "primary") < 0)
		return 3;
	const struct rte_memzone *mz = rte_memzone_reserve("soak_ctl", sizeof(struct ctl), SOCKET_ID_ANY, 0);
	if (mz == NULL) {
		fprintf(stderr, "soak: cannot reserve soak_ctl: %d\n", rte_errno);
		rte_eal_cleanup();
		return 3;
	}
	ctl = mz->addr;
	memset(ctl, 0, sizeof(*ctl));
	ctl->magic = CTL_MAGIC;
	t_start = now();
	t_end = t_start + seconds;
	secondary_pid = spawn_secondary();
	if (secondary_pid < 0)
		FAIL("fork: %s", strerror(errno));
	/* the secondary's start: its lcores begin counting */
	double until = now() + 60;
	while (now() < until && (ctl->beat[1][0] == 0 || ctl->beat[1][1] == 0)) {
		int st;
		if (waitpid(secondary_pid, &st, WNOHANG) == secondary_pid) {
			FAIL("the secondary ended at its start (status 0x%x)", st);
			secondary_pid = -1;
			break;
		}
		usleep(10000);
	}
	if (secondary_pid > 0 && (ctl->beat[1][0] == 0 || ctl->beat[1][1] == 0))
		FAIL("the secondary did not start within 60 s");
	printf("soak: %.0f s on lcores 0-1, prefix %s, primary pid %d, secondary pid %d, "
	       "free hugepages %ld before the primary\n", seconds, prefix, (int)getpid(),
	       (int)secondary_pid, hp_start);
	t_start = now();
	t_end = t_start + seconds;
	ctl->t_start = t_start;
	report(" (start)", t_start, rss_mb(getpid()), rss_mb(secondary_pid), fd_count(getpid()),
	       fd_count(secondary_pid));
	reports = 1; /* the next report is the first minute's */
	pthread_t wd;
	pthread_create(&wd, NULL, watchdog, NULL);
	rte_eal_mp_remote_launch(run_lcore, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	double t_stop = now();
	/* the end line: the secondary is still up (RSS), then it finishes */
	int status = -1;
	until = now() + 120;
	while (secondary_pid > 0 && now() < until) {
		if (__atomic_load_n(&ctl->secondary_done, __ATOMIC_ACQUIRE))
			break;
		int st;
		if (waitpid(secondary_pid, &st, WNOHANG) == secondary_pid) {
			status = st;
			break;
		}
		usleep(10000);
	}
	/* RSS as each process stopped, before freeing its blocks */
	/* an interval that just began has no samples: the last report's stand */
	if (fds_min[0] == INT_MAX) {
		fds_min[0] = fds_last_p;
		fds_min[1] = fds_last_s;
	}
	report(" (end)", t_stop, ctl->rss_stop[0], secondary_pid > 0 ? ctl->rss_stop[1] : -1,
	       fds_min[0], fds_min[1]);
	if (secondary_pid > 0 && status == -1) {
		until = now() + 120;
		while (now() < until && waitpid(secondary_pid, &status, WNOHANG) != secondary_pid)
			usleep(10000);
		if (status == -1) {
			FAIL("the secondary did not finish within 120 s of the end: killed");
			kill(secondary_pid, SIGKILL);
			waitpid(secondary_pid, &status, 0);
		}
	}
	if (secondary_pid > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		FAIL("the secondary exited with status 0x%x", status);
	pthread_join(wd, NULL);
	/* everything of both freed: one last heap check and the stats */
	heap_check(&lcs[0]);
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(0, &st);
	uint64_t ops = all_ops();
	int failures = ctl->failures[0] + ctl->failures[1] + local_failures;
	printf("soak: after freeing: heap %zu of %zu bytes allocated in %u blocks (the control zone's among "
	       "them), %d hugepage files ours\n", st.heap_allocsz_bytes, st.heap_totalsz_bytes, st.alloc_count,
	       our_hugepage_files());
	if (getenv("SOAK_DUMP"))
		rte_malloc_dump_heaps(stdout);
	ctl = NULL;
	if (rte_memzone_free(mz) != 0) {
		fprintf(stderr, "soak: rte_memzone_free(soak_ctl) failed\n");
		failures++;
	}
	if (rte_eal_cleanup() != 0) {
		fprintf(stderr, "soak: rte_eal_cleanup failed\n");
		failures++;
	}
	printf("soak-result seconds=%.0f ops=%lu failures=%d rss_primary=%.1f,%.1f rss_secondary=%.1f,%.1f "
	       "fds_primary=%d,%d fds_secondary=%d,%d\n", t_stop - t_start, (unsigned long)ops, failures,
	       rss_first_p, rss_last_p, rss_first_s, rss_last_s, fds_first_p, fds_last_p, fds_first_s, fds_last_s);
	return failures ? 1 : 0;
}
