/*
 * The small misc API from a C program: rte_strscpy / rte_strsplit / rte_strlcpy /
 * rte_strlcat edge cases, dumps, uuids, str_to_size, random bounds, version, the
 * reciprocal inlines, and tailq registration before rte_eal_init. Bad input (NULL,
 * zero sizes) must be refused, never crash.
 */
#define ALLOW_EXPERIMENTAL_API 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hexdump.h>
#include <rte_random.h>
#include <rte_reciprocal.h>
#include <rte_string_fns.h>
#include <rte_tailq.h>
#include <rte_uuid.h>
#include <rte_version.h>
#include "check.h"

static struct rte_tailq_elem misc_tailq = { .name = "TEST_MISC_TAILQ" };
EAL_REGISTER_TAILQ(misc_tailq)

static void
test_strscpy(void)
{
	char dst[8];

	memset(dst, 'Z', sizeof(dst));
	CHECK_EQ(rte_strscpy(dst, "abc", sizeof(dst)), 3);
	CHECK(strcmp(dst, "abc") == 0);
	CHECK_EQ(rte_strscpy(dst, "abcdefg", sizeof(dst)), 7);      /* exact fit */
	CHECK(strcmp(dst, "abcdefg") == 0);
	rte_errno = 0;
	CHECK_EQ(rte_strscpy(dst, "abcdefgh", sizeof(dst)), -E2BIG); /* one too long */
	CHECK_EQ(rte_errno, E2BIG);
	CHECK(strcmp(dst, "abcdefg") == 0);
	rte_errno = 0;
	CHECK_EQ(rte_strscpy(dst, "xy", 1), -E2BIG);
	CHECK_EQ(rte_errno, E2BIG);
	CHECK_EQ(dst[0], 0);
	memset(dst, 'Z', sizeof(dst));
	CHECK_EQ(rte_strscpy(dst, "xy", 0), -E2BIG);                  /* dst untouched */
	CHECK_EQ(dst[0], 'Z');
	CHECK_EQ(rte_strscpy(dst, "", 1), 0);
	CHECK_EQ(dst[0], 0);
	/* NULL pointers are refused (DPDK would crash) */
	rte_errno = 0;
	CHECK_EQ(rte_strscpy(NULL, "abc", 4), -EINVAL);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_strscpy(dst, NULL, 4), -EINVAL);
	CHECK_EQ(rte_strscpy(NULL, NULL, 0), -E2BIG);
}

static void
test_strsplit(void)
{
	char s[32];
	char *tok[4];

	strcpy(s, "a,b,c");
	CHECK_EQ(rte_strsplit(s, sizeof(s), tok, 4, ','), 3);
	CHECK(strcmp(tok[0], "a") == 0 && strcmp(tok[1], "b") == 0 && strcmp(tok[2], "c") == 0);
	strcpy(s, "a,b,c,d,e");
	CHECK_EQ(rte_strsplit(s, sizeof(s), tok, 2, ','), 2);          /* rest in the last token */
	CHECK(strcmp(tok[1], "b,c,d,e") == 0);
	strcpy(s, ",x,,");
	CHECK_EQ(rte_strsplit(s, sizeof(s), tok, 4, ','), 3);          /* empty tokens count */
	CHECK(tok[0][0] == 0 && strcmp(tok[1], "x") == 0 && tok[2][0] == 0);
	strcpy(s, "abc");
	CHECK_EQ(rte_strsplit(s, sizeof(s), tok, 0, ','), 0);
	CHECK_EQ(rte_strsplit(s, 0, tok, 4, ','), 0);
	CHECK_EQ(rte_strsplit(s, -1, tok, 4, ','), 0);
	CHECK_EQ(rte_strsplit(s, sizeof(s), tok, -3, ','), 0);
	s[0] = 0;
	CHECK_EQ(rte_strsplit(s, sizeof(s), tok, 4, ','), 0);
	strcpy(s, "a,b,c");
	CHECK_EQ(rte_strsplit(s, 3, tok, 4, ','), 2);                  /* stops after stringlen */
	errno = 0;
	CHECK_EQ(rte_strsplit(NULL, 10, tok, 4, ','), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(rte_strsplit(s, 10, NULL, 4, ','), -1);
	CHECK_EQ(errno, EINVAL);
}

static void
test_strlcpy(void)
{
	char d[6];

	CHECK_EQ(rte_strlcpy(d, "hello world", sizeof(d)), 11);
	CHECK(strcmp(d, "hello") == 0);
	CHECK_EQ(rte_strlcpy(d, "hi", sizeof(d)), 2);
	CHECK_EQ(rte_strlcat(d, "abc", sizeof(d)), 5);
	CHECK(strcmp(d, "hiabc") == 0);
	CHECK_EQ(rte_strlcat(d, "xyz", sizeof(d)), 8);
	CHECK(strcmp(d, "hiabc") == 0);
	memcpy(d, "123456", 6);                                         /* unterminated */
	CHECK_EQ(rte_strlcat(d, "ab", sizeof(d)), 8);
}

static void
test_dumps(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	const unsigned char data[20] = "0123456789abcdefXYZ";

	rte_hexdump(f, "T", data, 20);
	rte_memdump(f, "M", data, 3);
	rte_hexdump(f, NULL, NULL, 0);
	rte_hexdump(f, "nullbuf", NULL, 16);                       /* refused: title line only */
	rte_memdump(f, NULL, NULL, 4);
	rte_hexdump(NULL, "x", data, 4);                            /* no stream: nothing */
	rte_memdump(NULL, "x", data, 4);
	fclose(f);
	CHECK(strstr(text, "T at [") == text);
	CHECK(strstr(text, "], len=20\n00000000: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 | 0123456789abcdef\n") != NULL);
	CHECK(strstr(text, "00000010: 58 59 5A 00                                     | XYZ.\n") != NULL);
	CHECK(strstr(text, "M: 30:31:32\n") != NULL);
	CHECK(strstr(text, "  Dump data at [(nil)], len=0\n") != NULL);
	CHECK(strstr(text, "nullbuf at [(nil)], len=16\n") != NULL);
	free(text);
}

static void
test_uuid(void)
{
	rte_uuid_t u, v;
	char out[RTE_UUID_STRLEN];

	CHECK_EQ(rte_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", u), 0);
	rte_uuid_unparse(u, out, sizeof(out));
	CHECK(strcmp(out, "6ba7b810-9dad-11d1-80b4-00c04fd430c8") == 0);
	CHECK(!rte_uuid_is_null(u));
	rte_uuid_copy(v, u);
	CHECK_EQ(rte_uuid_compare(u, v), 0);
	v[15]++;
	CHECK(rte_uuid_compare(u, v) < 0);
	CHECK(rte_uuid_compare(v, u) > 0);
	memset(v, 0, sizeof(v));
	CHECK(rte_uuid_is_null(v));
	CHECK_EQ(rte_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c", u), -1);
	CHECK_EQ(rte_uuid_parse("6ba7b810_9dad-11d1-80b4-00c04fd430c8", u), -1);
	CHECK_EQ(rte_uuid_parse(NULL, u), -1);
	CHECK_EQ(rte_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", NULL), -1);
	rte_uuid_unparse(u, out, 0);
	rte_uuid_unparse(NULL, out, sizeof(out));
	rte_uuid_unparse(u, NULL, sizeof(out));
	CHECK(rte_uuid_is_null(NULL));
}

static void
test_sizes(void)
{
	CHECK_EQ(rte_str_to_size("64M"), 64ULL << 20);
	CHECK_EQ(rte_str_to_size("1G"), 1ULL << 30);
	CHECK_EQ(rte_str_to_size("512k"), 512ULL << 10);
	CHECK_EQ(rte_str_to_size("0x100"), 256);
	CHECK_EQ(rte_str_to_size("-5M"), 0);
	CHECK_EQ(rte_str_to_size("junk"), 0);
	CHECK_EQ(rte_str_to_size(NULL), 0);
}

static void
test_random(void)
{
	int ok = 1;
	uint64_t seen = 0;

	CHECK_EQ(rte_rand_max(0), 0);
	CHECK_EQ(rte_rand_max(1), 0);
	for (int i = 0; i < 10000; i++) {
		uint64_t v = rte_rand_max(37);
		ok &= v < 37;
		seen |= 1ULL << v;
	}
	CHECK(ok);
	CHECK_EQ(seen, (1ULL << 37) - 1);
	for (int i = 0; i < 1000; i++) {
		double d = rte_drand();
		ok &= d >= 0.0 && d < 1.0;
		ok &= rte_rand_max(UINT64_MAX) < UINT64_MAX;
	}
	CHECK(ok);
	rte_srand(99);
	uint64_t a = rte_rand();
	rte_srand(99);
	CHECK_EQ(rte_rand(), a);
}

static void
test_version(void)
{
	char want[64];
	snprintf(want, sizeof(want), "%s %d.%02d.%d%s", RTE_VER_PREFIX, RTE_VER_YEAR,
		 RTE_VER_MONTH, RTE_VER_MINOR, RTE_VER_SUFFIX);
	CHECK(strcmp(rte_version(), want) == 0);
	CHECK(strcmp(rte_version(), "DPDK 22.11.11") == 0);
	CHECK_EQ(rte_version_year(), 22);
	CHECK_EQ(rte_version_month(), 11);
	CHECK_EQ(rte_version_minor(), 11);
	CHECK_EQ(rte_version_release(), 99);
	CHECK(strcmp(rte_version_prefix(), "DPDK") == 0);
	CHECK(strcmp(rte_version_suffix(), "") == 0);
	CHECK(RTE_VERSION >= RTE_VERSION_NUM(22, 11, 0, 0));
}

static void
test_reciprocal(void)
{
	int ok = 1;
	rte_srand(7);
	for (int i = 0; i < 2000; i++) {
		uint32_t d = (uint32_t)rte_rand() | 1, a = (uint32_t)rte_rand();
		if (i & 1)
			d >>= (i % 31);
		if (d == 0)
			d = 1;
		ok &= rte_reciprocal_divide(a, rte_reciprocal_value(d)) == a / d;
		uint64_t d64 = rte_rand() >> (i % 63), a64 = rte_rand();
		if (d64 == 0)
			d64 = 1;
		struct rte_reciprocal_u64 r = rte_reciprocal_value_u64(d64);
		ok &= rte_reciprocal_divide_u64(a64, &r) == a64 / d64;
	}
	CHECK(ok);
}

static void
test_tailq(void)
{
	static struct rte_tailq_elem dup = { .name = "TEST_MISC_TAILQ" };
	static struct rte_tailq_elem other = { .name = "TEST_MISC_OTHER" };
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	/* registered from the constructor; heads exist only once the EAL is initialised */
	CHECK(misc_tailq.head == NULL);
	CHECK(rte_eal_tailq_lookup("TEST_MISC_TAILQ") == NULL);
	CHECK(rte_eal_tailq_lookup(NULL) == NULL);
	CHECK_EQ(rte_eal_tailq_register(&dup), -1);                 /* same name twice */
	CHECK(dup.head == NULL);
	CHECK_EQ(rte_eal_tailq_register(&misc_tailq), -1);          /* same element twice */
	CHECK_EQ(rte_eal_tailq_register(&other), 0);
	CHECK_EQ(rte_eal_tailq_register(NULL), -1);
	f = open_memstream(&text, &size);
	rte_dump_tailq(f);
	rte_dump_tailq(NULL);
	fclose(f);
	CHECK(strstr(text, "Tailq 0: qname:<>, tqh_first:(nil), tqh_last:(nil)\n") == text);
	CHECK(strstr(text, "Tailq 31: ") != NULL);
	free(text);
}

int
main(void)
{
	test_strscpy();
	test_strsplit();
	test_strlcpy();
	test_dumps();
	test_uuid();
	test_sizes();
	test_random();
	test_version();
	test_reciprocal();
	test_tailq();
	return check_report();
}
