/*
 * rte_fbarray as a user sees it after rte_eal_init: every bad input with DPDK 22.11's
 * rte_errno and return value, the backing file in the runtime directory, duplicate
 * names, attach/detach/destroy in one process, dump_metadata's text.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>

#include "check.h"

/* The call returns `ret` and leaves rte_errno == `err`. */
#define CHECK_ERR(call, ret, err) do { \
	rte_errno = 0; \
	CHECK_EQ((call), (ret)); \
	CHECK_EQ(rte_errno, (err)); \
} while (0)

static int file_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/fbarray_%s", rte_eal_get_runtime_dir(), name);
	return stat(path, &st) == 0;
}

static void bad_init(void)
{
	struct rte_fbarray a;
	char n63[64], n64[65], n100[101];
	memset(n63, 'a', 63); n63[63] = 0;
	memset(n64, 'b', 64); n64[64] = 0;
	memset(n100, 'c', 100); n100[100] = 0;
	memset(&a, 0, sizeof(a));

	CHECK_ERR(rte_fbarray_init(NULL, "x", 10, 4), -1, EINVAL);
	CHECK_ERR(rte_fbarray_init(&a, NULL, 10, 4), -1, EINVAL);
	CHECK_ERR(rte_fbarray_init(&a, n64, 10, 4), -1, ENAMETOOLONG);
	CHECK_ERR(rte_fbarray_init(&a, n100, 10, 4), -1, ENAMETOOLONG);
	CHECK_ERR(rte_fbarray_init(&a, "x", 0, 4), -1, EINVAL);
	CHECK_ERR(rte_fbarray_init(&a, "x", 10, 0), -1, EINVAL);
	CHECK_ERR(rte_fbarray_init(&a, "x", 0x80000000u, 4), -1, EINVAL);
	CHECK_ERR(rte_fbarray_init(&a, "x", UINT_MAX, 1), -1, EINVAL);
	/* more than the address space (DPDK's 32-bit product wraps and maps too little):
	 * refused (no file system can back it: ENOSPC when the space is reserved first),
	 * and the backing file it began is gone */
	rte_errno = 0;
	CHECK_EQ(rte_fbarray_init(&a, "huge", INT_MAX, UINT_MAX), -1);
	CHECK(rte_errno == EFBIG || rte_errno == ENOMEM || rte_errno == EINVAL || rte_errno == ENOSPC);
	CHECK(!file_exists("huge"));
	/* sizes are checked before the name's length, as DPDK does */
	CHECK_ERR(rte_fbarray_init(&a, n100, 0, 4), -1, EINVAL);
	CHECK(!file_exists("x"));

	/* 63 characters is the longest name; the empty name is accepted */
	CHECK_ERR(rte_fbarray_init(&a, n63, 10, 4), 0, 0);
	CHECK(file_exists(n63));
	CHECK_EQ(strcmp(a.name, n63), 0);
	CHECK_ERR(rte_fbarray_destroy(&a), 0, 0);
	CHECK(!file_exists(n63));
	CHECK_ERR(rte_fbarray_init(&a, "", 10, 4), 0, 0);
	CHECK_ERR(rte_fbarray_destroy(&a), 0, 0);
}

static void bad_calls(void)
{
	struct rte_fbarray a, b;
	CHECK_ERR(rte_fbarray_init(&a, "calls", 100, 8), 0, 0);
	CHECK_EQ(a.len, 100);
	CHECK_EQ(a.elt_sz, 8);
	CHECK_EQ(a.count, 0);
	CHECK(a.data != NULL);
	CHECK(file_exists("calls"));

	/* a name in use cannot be created again, in this process or another (EBUSY, as DPDK) */
	CHECK_ERR(rte_fbarray_init(&b, "calls", 100, 8), -1, EBUSY);
	CHECK_ERR(rte_fbarray_init(&b, "calls", 5, 1), -1, EBUSY);

	/* elements */
	rte_errno = 0;
	CHECK(rte_fbarray_get(NULL, 0) == NULL);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK(rte_fbarray_get(&a, 100) == NULL);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK(rte_fbarray_get(&a, UINT_MAX) == NULL);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK((char *)rte_fbarray_get(&a, 99) == (char *)a.data + 99 * 8);
	CHECK_ERR(rte_fbarray_find_idx(NULL, a.data), -1, EINVAL);
	CHECK_ERR(rte_fbarray_find_idx(&a, NULL), -1, EINVAL);
	CHECK_ERR(rte_fbarray_find_idx(&a, (char *)a.data - 1), -1, EINVAL);
	CHECK_ERR(rte_fbarray_find_idx(&a, (char *)a.data + 800), -1, EINVAL);
	CHECK_ERR(rte_fbarray_find_idx(&a, (char *)a.data + 799), 99, 0);
	CHECK_ERR(rte_fbarray_find_idx(&a, (char *)a.data + 13), 1, 0);

	/* bits */
	CHECK_ERR(rte_fbarray_set_used(NULL, 0), -1, EINVAL);
	CHECK_ERR(rte_fbarray_set_free(NULL, 0), -1, EINVAL);
	CHECK_ERR(rte_fbarray_is_used(NULL, 0), -1, EINVAL);
	CHECK_ERR(rte_fbarray_set_used(&a, 100), -1, EINVAL);
	CHECK_ERR(rte_fbarray_set_free(&a, 100), -1, EINVAL);
	CHECK_ERR(rte_fbarray_is_used(&a, 100), -1, EINVAL);
	CHECK_ERR(rte_fbarray_set_used(&a, 5), 0, 0);
	CHECK_ERR(rte_fbarray_set_used(&a, 5), 0, 0); /* already used: still 0 */
	CHECK_EQ(a.count, 1);
	CHECK_ERR(rte_fbarray_set_free(&a, 6), 0, 0); /* already free: still 0 */
	CHECK_EQ(a.count, 1);
	CHECK_ERR(rte_fbarray_is_used(&a, 5), 1, 0);
	CHECK_ERR(rte_fbarray_is_used(&a, 6), 0, 0);

	/* every search: NULL array, start at and past the end */
	int (*one[])(struct rte_fbarray *, unsigned int) = {
		rte_fbarray_find_next_free, rte_fbarray_find_next_used,
		rte_fbarray_find_prev_free, rte_fbarray_find_prev_used,
		rte_fbarray_find_contig_free, rte_fbarray_find_contig_used,
		rte_fbarray_find_rev_contig_free, rte_fbarray_find_rev_contig_used,
		rte_fbarray_find_biggest_free, rte_fbarray_find_biggest_used,
		rte_fbarray_find_rev_biggest_free, rte_fbarray_find_rev_biggest_used,
	};
	for (unsigned i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		CHECK_ERR(one[i](NULL, 0), -1, EINVAL);
		CHECK_ERR(one[i](&a, 100), -1, EINVAL);
		CHECK_ERR(one[i](&a, UINT_MAX), -1, EINVAL);
	}
	int (*nfn[])(struct rte_fbarray *, unsigned int, unsigned int) = {
		rte_fbarray_find_next_n_free, rte_fbarray_find_next_n_used,
		rte_fbarray_find_prev_n_free, rte_fbarray_find_prev_n_used,
	};
	for (unsigned i = 0; i < sizeof(nfn) / sizeof(nfn[0]); i++) {
		CHECK_ERR(nfn[i](NULL, 0, 1), -1, EINVAL);
		CHECK_ERR(nfn[i](&a, 100, 1), -1, EINVAL);
		CHECK_ERR(nfn[i](&a, 0, 0), -1, EINVAL);   /* n of 0 */
		CHECK_ERR(nfn[i](&a, 0, 101), -1, EINVAL); /* n > len */
	}
	/* nothing found: ENOSPC for free elements, ENOENT for used ones */
	CHECK_ERR(rte_fbarray_find_next_used(&a, 6), -1, ENOENT);
	CHECK_ERR(rte_fbarray_find_prev_used(&a, 4), -1, ENOENT);
	CHECK_ERR(rte_fbarray_find_next_n_used(&a, 0, 2), -1, ENOENT);
	CHECK_ERR(rte_fbarray_find_next_n_free(&a, 99, 2), -1, ENOSPC);
	CHECK_ERR(rte_fbarray_find_prev_n_free(&a, 0, 2), -1, ENOSPC);
	CHECK_ERR(rte_fbarray_find_biggest_used(&a, 6), -1, ENOENT);
	CHECK_ERR(rte_fbarray_find_rev_biggest_used(&a, 4), -1, ENOENT);
	/* answers */
	CHECK_ERR(rte_fbarray_find_next_used(&a, 0), 5, 0);
	CHECK_ERR(rte_fbarray_find_contig_free(&a, 0), 5, 0);
	CHECK_ERR(rte_fbarray_find_contig_free(&a, 5), 0, 0);
	CHECK_ERR(rte_fbarray_find_rev_contig_free(&a, 99), 94, 0);
	CHECK_ERR(rte_fbarray_find_biggest_free(&a, 0), 6, 0);
	CHECK_ERR(rte_fbarray_find_rev_biggest_free(&a, 99), 6, 0);
	CHECK_ERR(rte_fbarray_find_next_n_free(&a, 3, 3), 6, 0);
	CHECK_ERR(rte_fbarray_find_prev_n_free(&a, 7, 3), 2, 0);

	/* a full array */
	for (unsigned i = 0; i < 100; i++)
		rte_fbarray_set_used(&a, i);
	CHECK_EQ(a.count, 100);
	CHECK_ERR(rte_fbarray_find_next_free(&a, 0), -1, ENOSPC);
	CHECK_ERR(rte_fbarray_find_prev_free(&a, 99), -1, ENOSPC);
	CHECK_ERR(rte_fbarray_find_biggest_free(&a, 0), -1, ENOSPC);
	CHECK_ERR(rte_fbarray_find_contig_used(&a, 10), 90, 0);

	/* dump: NULL arguments, an invalid array, a good one */
	rte_errno = 0;
	rte_fbarray_dump_metadata(NULL, stdout);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	rte_fbarray_dump_metadata(&a, NULL);
	CHECK_EQ(rte_errno, EINVAL);
	char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	b = a;
	b.len = 0;
	rte_errno = 0;
	rte_fbarray_dump_metadata(&b, f);
	CHECK_EQ(rte_errno, EINVAL);
	b = a;
	b.data = NULL; /* described for attach, not mapped: refused, not read */
	rte_errno = 0;
	rte_fbarray_dump_metadata(&b, f);
	CHECK_EQ(rte_errno, EINVAL);
	rte_fbarray_dump_metadata(&a, f);
	fclose(f);
	CHECK(strcmp(buf, "Invalid file-backed array\n"
		"Invalid file-backed array\n"
		"File-backed array: calls\n"
		"size: 100 occupied: 100 elt_sz: 8\n"
		"msk idx 0: 0xffffffffffffffff\n"
		"msk idx 1: 0x0000000fffffffff\n") == 0);

	/* attach: NULL, bad struct, already mapped here (EEXIST) */
	CHECK_ERR(rte_fbarray_attach(NULL), -1, EINVAL);
	b = a;
	b.len = 0;
	CHECK_ERR(rte_fbarray_attach(&b), -1, EINVAL);
	b = a;
	b.elt_sz = 0;
	CHECK_ERR(rte_fbarray_attach(&b), -1, EINVAL);
	b = a;
	memset(b.name, 'n', sizeof(b.name));
	CHECK_ERR(rte_fbarray_attach(&b), -1, ENAMETOOLONG);
	CHECK_ERR(rte_fbarray_attach(&a), -1, EEXIST);

	/* detach/destroy: NULL, an array this process does not have mapped */
	CHECK_ERR(rte_fbarray_detach(NULL), -1, EINVAL);
	CHECK_ERR(rte_fbarray_destroy(NULL), -1, EINVAL);
	b = a;
	b.data = (char *)a.data + (1 << 20);
	CHECK_ERR(rte_fbarray_detach(&b), -1, ENOENT);
	CHECK_ERR(rte_fbarray_destroy(&b), -1, ENOENT);

	/* detach keeps the file and the struct; attach maps it again with the bits */
	unsigned long long *p = rte_fbarray_get(&a, 42);
	*p = 0x1234567890abcdefull;
	void *data = a.data;
	CHECK_ERR(rte_fbarray_detach(&a), 0, 0);
	CHECK(a.data == data);
	CHECK(file_exists("calls"));
	CHECK_ERR(rte_fbarray_detach(&a), -1, ENOENT);
	CHECK_ERR(rte_fbarray_attach(&a), 0, 0);
	CHECK(a.data == data);
	CHECK_EQ(*(unsigned long long *)rte_fbarray_get(&a, 42), 0x1234567890abcdefull);
	CHECK_ERR(rte_fbarray_is_used(&a, 99), 1, 0);

	/* destroy removes the file and zeroes the struct; a second destroy finds nothing */
	CHECK_ERR(rte_fbarray_destroy(&a), 0, 0);
	CHECK(!file_exists("calls"));
	CHECK(a.data == NULL && a.len == 0 && a.count == 0 && a.elt_sz == 0 && a.name[0] == 0);
	CHECK_ERR(rte_fbarray_destroy(&a), -1, ENOENT);
	/* all calls on a destroyed array are refused */
	CHECK_ERR(rte_fbarray_find_next_free(&a, 0), -1, EINVAL);
	CHECK_ERR(rte_fbarray_set_used(&a, 0), -1, EINVAL);

	/* the name is free again */
	CHECK_ERR(rte_fbarray_init(&a, "calls", 64, 1), 0, 0);
	CHECK_ERR(rte_fbarray_find_next_free(&a, 63), 63, 0);
	CHECK_ERR(rte_fbarray_destroy(&a), 0, 0);
}

/* A big array maps lazily: only the pages touched are backed. */
static void big_array(void)
{
	struct rte_fbarray a;
	CHECK_ERR(rte_fbarray_init(&a, "big", 1u << 24, 64), 0, 0);
	CHECK_ERR(rte_fbarray_set_used(&a, (1u << 24) - 1), 0, 0);
	CHECK_ERR(rte_fbarray_find_next_used(&a, 0), (1 << 24) - 1, 0);
	CHECK_ERR(rte_fbarray_find_biggest_free(&a, 0), 0, 0);
	CHECK_ERR(rte_fbarray_find_contig_free(&a, 0), (1 << 24) - 1, 0);
	CHECK_ERR(rte_fbarray_find_prev_n_free(&a, (1u << 24) - 1, 1u << 23), (1 << 24) - 1 - (1 << 23), 0);
	CHECK_ERR(rte_fbarray_destroy(&a), 0, 0);
}

int main(void)
{
	char *args[] = { "test_fbarray", "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "test_fbarray", "--log-level", "1", NULL };
	int ret = rte_eal_init((int)(sizeof(args) / sizeof(args[0])) - 1, args);
	CHECK(ret >= 0);
	if (ret < 0)
		return check_report();
	bad_init();
	bad_calls();
	big_array();
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
