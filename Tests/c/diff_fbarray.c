/*
 * Differential test of rte_fbarray: one seeded random program, built against DPDK 22.11's
 * headers and linked once to DPDK's librte_eal and once to libswifteal.so. Every call's
 * result and rte_errno go to stdout (rte_errno is set to a sentinel before each call, so
 * a call that touches it on success shows up too); the runner compares the two outputs.
 * A plain boolean model checks each answer as well; its disagreements go to stderr and
 * to the exit status, so the model's reading of DPDK's semantics is itself checked
 * against DPDK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <stdbool.h>
#include <limits.h>
#include <errno.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>

#define SENTINEL 12345

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	/* xorshift64*: the same stream under both libraries */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}
static unsigned rndn(unsigned n) { return n ? (unsigned)(rnd() % n) : 0; }

static int mismatches, quirk_dpdk, quirk_correct;
static bool *model;
static unsigned mlen, mcount;

/* errno the model expects from a successful call (most leave it alone) */
static int ok_errno = SENTINEL;

static void show(const char *what, unsigned a, unsigned b, long long r, long long expect_r, int expect_e)
{
	int e = rte_errno;
	printf("%s(%u,%u) = %lld errno %d\n", what, a, b, r, e);
	if (r != expect_r || (r < 0 && e != expect_e) || (r >= 0 && e != ok_errno)) {
		mismatches++;
		if (mismatches < 30)
			fprintf(stderr, "MODEL %s(%u,%u): got %lld/%d, model %lld/%d\n", what, a, b, r, e,
				expect_r, expect_e);
	}
}

/* The model's answers: value >= 0, or -errno. */
static long long m_err(bool used) { return used ? -ENOENT : -ENOSPC; }

static long long m_next(unsigned s, bool used)
{
	if (s >= mlen) return -EINVAL;
	for (unsigned i = s; i < mlen; i++) if (model[i] == used) return i;
	return m_err(used);
}
static long long m_prev(unsigned s, bool used)
{
	if (s >= mlen) return -EINVAL;
	for (long long i = s; i >= 0; i--) if (model[i] == used) return i;
	return m_err(used);
}
static long long m_next_n(unsigned s, unsigned n, bool used)
{
	if (s >= mlen || n == 0 || n > mlen) return -EINVAL;
	unsigned run = 0;
	for (unsigned i = s; i < mlen; i++) {
		run = model[i] == used ? run + 1 : 0;
		if (run == n) return i - n + 1;
	}
	return m_err(used);
}
/*
 * DPDK 22.11's find_next_n_free counts the unused bits past len in the mask's last word
 * as free, so it can answer with a window that runs past the end of the array (or starts
 * beyond it). SwiftEAL answers correctly; this is DPDK's answer, used to keep the two
 * outputs comparable (see the call site).
 */
static long long m_next_n_free_dpdk(unsigned s, unsigned n)
{
	if (s >= mlen || n == 0 || n > mlen) return -EINVAL;
	if (mlen - mcount < n) return -ENOSPC;
	unsigned run = 0, end = (mlen + 63) / 64 * 64;
	for (unsigned i = s; i < end; i++) {
		run = i >= mlen || !model[i] ? run + 1 : 0;
		if (run == n) return i - n + 1;
	}
	return -ENOSPC;
}
static long long m_prev_n(unsigned s, unsigned n, bool used)
{
	if (s >= mlen || n == 0 || n > mlen) return -EINVAL;
	unsigned run = 0;
	for (long long i = s; i >= 0; i--) {
		run = model[i] == used ? run + 1 : 0;
		if (run == n) return i;
	}
	return m_err(used);
}
static long long m_contig(unsigned s, bool used)
{
	if (s >= mlen) return -EINVAL;
	unsigned c = 0;
	for (unsigned i = s; i < mlen && model[i] == used; i++) c++;
	return c;
}
static long long m_rev_contig(unsigned s, bool used)
{
	if (s >= mlen) return -EINVAL;
	unsigned c = 0;
	for (long long i = s; i >= 0 && model[i] == used; i--) c++;
	return c;
}
static long long m_biggest(unsigned s, bool used)
{
	if (s >= mlen) return -EINVAL;
	long long best = -1, bestlen = 0, run = 0;
	for (unsigned i = s; i <= mlen; i++) {
		if (i < mlen && model[i] == used) { run++; continue; }
		if (run > bestlen) { bestlen = run; best = i - run; }
		run = 0;
	}
	/* DPDK's forward scan ends on a failed search and then clears rte_errno */
	ok_errno = 0;
	return best >= 0 ? best : m_err(used);
}
static long long m_rev_biggest(unsigned s, bool used)
{
	if (s >= mlen) return -EINVAL;
	long long best = -1, bestlen = 0, run = 0;
	for (long long i = s; i >= -1; i--) {
		if (i >= 0 && model[i] == used) { run++; continue; }
		if (run > bestlen) { bestlen = run; best = i + 1; }
		/* the reverse scan clears rte_errno unless its last chunk began at 0 */
		if (run) ok_errno = i + 1 == 0 ? SENTINEL : 0;
		run = 0;
	}
	return best >= 0 ? best : m_err(used);
}

#define CALL(what, a, b, call, modelcall) do { \
	ok_errno = SENTINEL; \
	long long _m = (modelcall); \
	rte_errno = SENTINEL; \
	long long _r = (call); \
	show(what, a, b, _r, _m < 0 ? -1 : _m, _m < 0 ? (int)-_m : 0); \
} while (0)

static unsigned pick_start(void)
{
	switch (rndn(8)) {
	case 0: return mlen;
	case 1: return mlen + rndn(3);
	case 2: return UINT_MAX - rndn(2);
	case 3: return mlen - 1;
	case 4: return 0;
	default: return rndn(mlen);
	}
}

static unsigned pick_n(void)
{
	switch (rndn(10)) {
	case 0: return 0;
	case 1: return mlen;
	case 2: return mlen + 1 + rndn(2);
	case 3: return rndn(mlen) + 1;
	case 4: return 64 + rndn(3) - 1;
	default: return 1 + rndn(mlen < 20 ? mlen : 20);
	}
}

static void set_state(struct rte_fbarray *a, unsigned i, bool used)
{
	rte_errno = SENTINEL;
	int r = used ? rte_fbarray_set_used(a, i) : rte_fbarray_set_free(a, i);
	long long m = i >= mlen ? -1 : 0;
	if (r != m || (r < 0 && rte_errno != EINVAL)) {
		mismatches++;
		fprintf(stderr, "MODEL set(%u,%d) = %d errno %d\n", i, used, r, rte_errno);
	}
	if (i < mlen && model[i] != used) {
		model[i] = used;
		mcount += used ? 1 : -1;
	}
}

static void run_array(unsigned len, unsigned elt_sz, unsigned ops)
{
	struct rte_fbarray a;
	char name[32];
	memset(&a, 0, sizeof(a));
	snprintf(name, sizeof(name), "diff_%u", len);
	rte_errno = SENTINEL;
	int r = rte_fbarray_init(&a, name, len, elt_sz);
	printf("init %s len %u elt_sz %u = %d errno %d\n", name, len, elt_sz, r, rte_errno);
	if (r != 0) { mismatches++; return; }
	model = calloc(len, sizeof(bool));
	mlen = len;
	mcount = 0;
	for (unsigned k = 0; k < ops; k++) {
		unsigned op = rndn(24);
		unsigned s = pick_start(), n;
		switch (op) {
		case 0: case 1: case 2: {
			/* a run of one state, sometimes long */
			unsigned from = rndn(len), cnt = rndn(op == 2 ? len : 70) + 1;
			bool used = rndn(2);
			for (unsigned i = from; i < len && i < from + cnt; i++) set_state(&a, i, used);
			printf("fill %u+%u %d count %u\n", from, cnt, used, a.count);
			break;
		}
		case 3: {
			unsigned i = rndn(5) == 0 ? pick_start() : rndn(len);
			bool used = rndn(2);
			set_state(&a, i, used);
			printf("set %u %d count %u\n", i, used, a.count);
			break;
		}
		case 4: {
			rte_errno = SENTINEL;
			int u = rte_fbarray_is_used(&a, s);
			printf("is_used(%u) = %d errno %d\n", s, u, rte_errno);
			if (u != (s >= len ? -1 : model[s])) mismatches++;
			break;
		}
		case 5: CALL("next_free", s, 0, rte_fbarray_find_next_free(&a, s), m_next(s, false)); break;
		case 6: CALL("next_used", s, 0, rte_fbarray_find_next_used(&a, s), m_next(s, true)); break;
		case 7: CALL("prev_free", s, 0, rte_fbarray_find_prev_free(&a, s), m_prev(s, false)); break;
		case 8: CALL("prev_used", s, 0, rte_fbarray_find_prev_used(&a, s), m_prev(s, true)); break;
		case 9:
			n = pick_n();
			if (m_next_n(s, n, false) == m_next_n_free_dpdk(s, n)) {
				CALL("next_n_free", s, n, rte_fbarray_find_next_n_free(&a, s, n), m_next_n(s, n, false));
			} else {
				/* DPDK's past-the-end answer: print the call, not the answer */
				rte_errno = SENTINEL;
				long long r = rte_fbarray_find_next_n_free(&a, s, n);
				printf("next_n_free(%u,%u) = (DPDK past-end quirk)\n", s, n);
				if (r == m_next_n_free_dpdk(s, n)) {
					quirk_dpdk++;
				} else if ((r < 0 ? -rte_errno : r) == m_next_n(s, n, false)) {
					quirk_correct++;
				} else {
					mismatches++;
					fprintf(stderr, "MODEL next_n_free(%u,%u): got %lld/%d\n", s, n, r, rte_errno);
				}
			}
			break;
		case 10: n = pick_n(); CALL("next_n_used", s, n, rte_fbarray_find_next_n_used(&a, s, n), m_next_n(s, n, true)); break;
		case 11: n = pick_n(); CALL("prev_n_free", s, n, rte_fbarray_find_prev_n_free(&a, s, n), m_prev_n(s, n, false)); break;
		case 12: n = pick_n(); CALL("prev_n_used", s, n, rte_fbarray_find_prev_n_used(&a, s, n), m_prev_n(s, n, true)); break;
		case 13: CALL("contig_free", s, 0, rte_fbarray_find_contig_free(&a, s), m_contig(s, false)); break;
		case 14: CALL("contig_used", s, 0, rte_fbarray_find_contig_used(&a, s), m_contig(s, true)); break;
		case 15: CALL("rev_contig_free", s, 0, rte_fbarray_find_rev_contig_free(&a, s), m_rev_contig(s, false)); break;
		case 16: CALL("rev_contig_used", s, 0, rte_fbarray_find_rev_contig_used(&a, s), m_rev_contig(s, true)); break;
		case 17: CALL("biggest_free", s, 0, rte_fbarray_find_biggest_free(&a, s), m_biggest(s, false)); break;
		case 18: CALL("biggest_used", s, 0, rte_fbarray_find_biggest_used(&a, s), m_biggest(s, true)); break;
		case 19: CALL("rev_biggest_free", s, 0, rte_fbarray_find_rev_biggest_free(&a, s), m_rev_biggest(s, false)); break;
		case 20: CALL("rev_biggest_used", s, 0, rte_fbarray_find_rev_biggest_used(&a, s), m_rev_biggest(s, true)); break;
		case 21: {
			rte_errno = SENTINEL;
			char *p = rte_fbarray_get(&a, s);
			long long off = p ? (long long)(p - (char *)a.data) : -1;
			printf("get(%u) = %lld errno %d\n", s, off, rte_errno);
			if (p) {
				*p = (char)s; /* data is writable */
				rte_errno = SENTINEL;
				int idx = rte_fbarray_find_idx(&a, p + rndn(elt_sz));
				printf("find_idx = %d errno %d\n", idx, rte_errno);
				if (idx != (int)s) mismatches++;
			}
			break;
		}
		case 22: {
			rte_errno = SENTINEL;
			int idx = rte_fbarray_find_idx(&a, (char *)a.data + (long long)rndn(elt_sz * 3) - elt_sz +
				(rndn(2) ? 0 : (long long)elt_sz * len - elt_sz));
			printf("find_idx* = %d errno %d\n", idx, rte_errno);
			break;
		}
		default:
			if (a.count != mcount) mismatches++;
			printf("count %u\n", a.count);
			break;
		}
	}
	rte_errno = SENTINEL;
	r = rte_fbarray_destroy(&a);
	printf("destroy = %d errno %d len %u\n", r, rte_errno, a.len);
	free(model);
}

#define SHOW(call) do { \
	rte_errno = SENTINEL; \
	long long _r = (long long)(call); \
	printf("%s = %lld errno %d\n", #call, _r, rte_errno); \
} while (0)

/* Fixed calls: bad input, names in use, attach/detach/destroy, dump_metadata's text. */
static void lifecycle(void)
{
	static struct rte_fbarray a, b, c;
	char n63[64], n64[65];
	memset(n63, 'a', 63); n63[63] = 0;
	memset(n64, 'b', 64); n64[64] = 0;

	SHOW(rte_fbarray_init(NULL, "x", 10, 4));
	SHOW(rte_fbarray_init(&a, NULL, 10, 4));
	SHOW(rte_fbarray_init(&a, n64, 10, 4));
	SHOW(rte_fbarray_init(&a, "x", 0, 4));
	SHOW(rte_fbarray_init(&a, "x", 10, 0));
	SHOW(rte_fbarray_init(&a, "x", 0x80000000u, 4));
	SHOW(rte_fbarray_init(&a, "x", UINT_MAX, 4));
	SHOW(rte_fbarray_init(&a, n64, 0, 0));
	SHOW(rte_fbarray_init(&a, n63, 10, 4));
	SHOW(rte_fbarray_destroy(&a));
	SHOW(rte_fbarray_init(&a, "", 1, 1));
	SHOW(rte_fbarray_destroy(&a));

	SHOW(rte_fbarray_init(&a, "life", 150, 3));
	printf("name '%s' len %u elt_sz %u count %u\n", a.name, a.len, a.elt_sz, a.count);
	SHOW(rte_fbarray_init(&b, "life", 150, 3));
	SHOW(rte_fbarray_attach(&a));
	SHOW(rte_fbarray_attach(NULL));
	c = a; c.len = 0;
	SHOW(rte_fbarray_attach(&c));
	c = a; c.elt_sz = 0;
	SHOW(rte_fbarray_attach(&c));
	c = a; memset(c.name, 'n', sizeof(c.name));
	SHOW(rte_fbarray_attach(&c));
	c = a; c.data = (char *)a.data + (1 << 22);
	SHOW(rte_fbarray_detach(&c));
	SHOW(rte_fbarray_destroy(&c));
	SHOW(rte_fbarray_detach(NULL));
	SHOW(rte_fbarray_destroy(NULL));
	SHOW(rte_fbarray_get(NULL, 0) == NULL);
	SHOW(rte_fbarray_find_idx(NULL, a.data));
	SHOW(rte_fbarray_find_idx(&a, NULL));
	for (unsigned i = 0; i < 150; i += 3)
		rte_fbarray_set_used(&a, i);
	for (unsigned i = 64; i < 128; i++)
		rte_fbarray_set_used(&a, i);
	fflush(stdout);
	rte_fbarray_dump_metadata(&a, stdout);
	rte_errno = SENTINEL;
	rte_fbarray_dump_metadata(NULL, stdout);
	printf("dump(NULL) errno %d\n", rte_errno);
	rte_errno = SENTINEL;
	rte_fbarray_dump_metadata(&a, NULL);
	printf("dump(f NULL) errno %d\n", rte_errno);
	c = a; c.len = 0;
	rte_errno = SENTINEL;
	rte_fbarray_dump_metadata(&c, stdout);
	printf("dump(len 0) errno %d\n", rte_errno);
	c = a; memset(c.name, 'n', sizeof(c.name));
	rte_errno = SENTINEL;
	rte_fbarray_dump_metadata(&c, stdout);
	printf("dump(long name) errno %d\n", rte_errno);
	fflush(stdout);

	SHOW(rte_fbarray_detach(&a));
	SHOW(rte_fbarray_detach(&a));
	SHOW(rte_fbarray_destroy(&a));
	SHOW(rte_fbarray_attach(&a));
	SHOW(rte_fbarray_is_used(&a, 147));
	SHOW(rte_fbarray_find_biggest_used(&a, 0));
	SHOW(rte_fbarray_destroy(&a));
	printf("after destroy: name '%s' len %u elt_sz %u count %u data %s\n", a.name, a.len, a.elt_sz,
		a.count, a.data ? "set" : "NULL");
	SHOW(rte_fbarray_destroy(&a));
	SHOW(rte_fbarray_find_next_free(&a, 0));
	SHOW(rte_fbarray_init(&b, "life", 150, 3));
	SHOW(rte_fbarray_destroy(&b));
}

int main(void)
{
	char *args[] = { "diff_fbarray", "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "diff_fbarray", "--log-level", "1", NULL };
	if (rte_eal_init((int)(sizeof(args) / sizeof(args[0])) - 1, args) < 0) {
		printf("rte_eal_init failed\n");
		return 1;
	}
	lifecycle();
	static const unsigned lens[] = { 1, 2, 63, 64, 65, 127, 128, 129, 200, 1000, 4103, 70000 };
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		run_array(lens[i], 1 + rndn(24), lens[i] > 10000 ? 1500 : 2500);
	rte_eal_cleanup();
	fprintf(stderr, "%d model mismatches; next_n_free past the end: %d answered as DPDK does, %d correctly\n",
		mismatches, quirk_dpdk, quirk_correct);
	return mismatches ? 1 : 0;
}
