/*
 * Differential: the misc API (hexdump/memdump, strerror, str_to_size, strsplit,
 * strscpy, uuid, version, reciprocal, srand/rand stream) printed identically by
 * DPDK's librte_eal and by libswifteal. Pointers are masked out of dumps.
 */
#define ALLOW_EXPERIMENTAL_API 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hexdump.h>
#include <rte_string_fns.h>
#include <rte_uuid.h>
#include <rte_version.h>
#include <rte_random.h>
#include <rte_reciprocal.h>

/* Runs a dump into memory and prints it with "0x..." addresses replaced. */
static void
masked(void (*fn)(FILE *, const char *, const void *, unsigned int),
       const char *title, const void *buf, unsigned int len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	fn(f, title, buf, len);
	fclose(f);
	for (char *p = text; *p; p++) {
		if (p[0] == '0' && p[1] == 'x') {
			fputs("PTR", stdout);
			p += 2;
			while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
				p++;
			p--;
		} else {
			putchar(*p);
		}
	}
	free(text);
}

static void
dumps(void)
{
	unsigned char buf[100];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 37 + 5);
	memcpy(buf + 40, "Hello, DPDK ~ world\t\n", 21);
	unsigned int lens[] = {0, 1, 15, 16, 17, 31, 32, 33, 100};
	for (unsigned i = 0; i < RTE_DIM(lens); i++) {
		printf("hexdump len %u\n", lens[i]);
		masked(rte_hexdump, "title", buf, lens[i]);
		masked(rte_hexdump, NULL, buf, lens[i]);
		printf("memdump len %u\n", lens[i]);
		masked(rte_memdump, "title", buf, lens[i]);
		masked(rte_memdump, NULL, buf, lens[i]);
	}
	masked(rte_hexdump, "", buf, 3);
	masked(rte_memdump, "", buf, 3);
}

static void
strerrors(void)
{
	int codes[] = {0, 1, 2, 12, 22, 34, 95, 133, 134, 200, 999, 1000, 1001, 1002, 1003,
		       1004, 5000, -1, -22, 0x7fffffff, -0x7fffffff - 1};
	for (unsigned i = 0; i < RTE_DIM(codes); i++)
		printf("strerror(%d) = %s\n", codes[i], rte_strerror(codes[i]));
}

static void
sizes(void)
{
	const char *in[] = {"0", "1", "42", "2K", "2k", "3M", "3m", "4G", "4g", "5T", "5t",
		"1 G", "1  G", "1\tG", " 7", "  8M", "0x10", "0x10K", "010", "010M", "-1", " -5",
		"abc", "", "12abc", "12Kb", "18446744073709551615", "18446744073709551616",
		"16777216T", "17179869184G", "1.5G", "+3M", "1P", "1E", "K"};
	for (unsigned i = 0; i < RTE_DIM(in); i++)
		printf("str_to_size(\"%s\") = %llu\n", in[i], (unsigned long long)rte_str_to_size(in[i]));
}

static void
split(const char *s, int stringlen, int maxtokens, char delim)
{
	char buf[64];
	char *tok[8];
	memset(buf, 'Z', sizeof(buf));
	memcpy(buf, s, strlen(s) + 1);
	errno = 0;
	int n = rte_strsplit(buf, stringlen, tok, maxtokens, delim);
	int e = errno;
	printf("strsplit(\"%s\", %d, %d, '%c') = %d errno=%d:", s, stringlen, maxtokens, delim, n, e);
	for (int i = 0; i < n; i++)
		printf(" [%s]", tok[i]);
	printf("\n");
}

static void
splits(void)
{
	split("a,b,c", 64, 8, ',');
	split("a,b,c", 64, 2, ',');
	split("a,b,c", 64, 1, ',');
	split("a,b,c", 64, 0, ',');
	split("a,b,c", 3, 8, ',');
	split("a,b,c", 0, 8, ',');
	split(",a,,b,", 64, 8, ',');
	split(",,,", 64, 8, ',');
	split("", 64, 8, ',');
	split("abc", 64, 8, ',');
	split("a b  c", 64, 8, ' ');
	split("a,b,c", 64, -1, ',');
	split("a,b,c", -5, 8, ',');
	char *tok[2];
	errno = 0;
	int n = rte_strsplit(NULL, 10, tok, 2, ',');
	int e = errno;
	printf("strsplit(NULL) = %d errno=%d\n", n, e);
	char s[] = "x,y";
	errno = 0;
	n = rte_strsplit(s, 10, NULL, 2, ',');
	e = errno;
	printf("strsplit(tokens NULL) = %d errno=%d\n", n, e);
}

static void
scpy(const char *src, size_t dsize)
{
	char dst[32];
	memset(dst, 'Z', sizeof(dst));
	rte_errno = 0;
	ssize_t r = rte_strscpy(dst, src, dsize);
	printf("strscpy(\"%s\", %zu) = %zd rte_errno=%d dst=[%.*s]\n", src, dsize, r, rte_errno,
	       (int)strnlen(dst, sizeof(dst)), dst);
}

static void
scpys(void)
{
	scpy("hello", 32);
	scpy("hello", 6);
	scpy("hello", 5);
	scpy("hello", 1);
	scpy("hello", 0);
	scpy("", 1);
	scpy("", 0);
}

static void
uuid(const char *s)
{
	rte_uuid_t u;
	char out[RTE_UUID_STRLEN];
	memset(u, 0xAB, sizeof(u));
	int r = rte_uuid_parse(s, u);
	printf("uuid_parse(\"%s\") = %d", s, r);
	if (r == 0) {
		rte_uuid_unparse(u, out, sizeof(out));
		printf(" -> %s null=%d", out, rte_uuid_is_null(u));
	}
	printf("\n");
}

static void
uuids(void)
{
	uuid("00000000-0000-0000-0000-000000000000");
	uuid("123e4567-e89b-12d3-a456-426614174000");
	uuid("123E4567-E89B-12D3-A456-426614174000");
	uuid("ffffffff-ffff-ffff-ffff-ffffffffffff");
	uuid("123e4567e89b12d3a456426614174000");
	uuid("123e4567-e89b-12d3-a456-42661417400");
	uuid("123e4567-e89b-12d3-a456-4266141740000");
	uuid("123e4567-e89b-12d3-a456-42661417400g");
	uuid("123e4567+e89b-12d3-a456-426614174000");
	uuid("{23e4567-e89b-12d3-a456-426614174000");
	uuid(" 23e4567-e89b-12d3-a456-426614174000");
	uuid("+23e4567-e89b-12d3-a456-426614174000");
	uuid("-23e4567-e89b-12d3-a456-426614174000");
	uuid("");
	rte_uuid_t a = RTE_UUID_INIT(0x12345678, 0x9abc, 0xdef0, 0x1234, 0x56789abcdef0ULL);
	rte_uuid_t b, z;
	memset(z, 0, sizeof(z));
	char out[RTE_UUID_STRLEN];
	size_t lens[] = {37, 36, 20, 9, 1};
	for (unsigned i = 0; i < RTE_DIM(lens); i++) {
		memset(out, 'Z', sizeof(out));
		out[sizeof(out) - 1] = 0;
		rte_uuid_unparse(a, out, lens[i]);
		printf("unparse len %zu = [%s]\n", lens[i], out);
	}
	printf("is_null(z)=%d is_null(a)=%d\n", rte_uuid_is_null(z), rte_uuid_is_null(a));
	for (int i = 0; i < 16; i++) {
		rte_uuid_copy(b, a);
		b[i] ^= 0x80;
		int c1 = rte_uuid_compare(a, b), c2 = rte_uuid_compare(b, a);
		printf("compare flip byte %d: %d %d\n", i, (c1 > 0) - (c1 < 0), (c2 > 0) - (c2 < 0));
	}
	printf("compare equal: %d\n", rte_uuid_compare(a, a));
}

static void
versions(void)
{
	printf("version=[%s] prefix=[%s] suffix=[%s] year=%u month=%u minor=%u release=%u\n",
	       rte_version(), rte_version_prefix(), rte_version_suffix(), rte_version_year(),
	       rte_version_month(), rte_version_minor(), rte_version_release());
}

static void
reciprocals(void)
{
	uint32_t d32[] = {1, 2, 3, 5, 7, 10, 64, 100, 1000, 65535, 65536, 0x7fffffff,
			  0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu};
	for (unsigned i = 0; i < RTE_DIM(d32); i++) {
		struct rte_reciprocal r = rte_reciprocal_value(d32[i]);
		printf("recip32(%u) = m=%u sh1=%u sh2=%u q=%u\n", d32[i], r.m, r.sh1, r.sh2,
		       rte_reciprocal_divide(0xdeadbeefu, r));
	}
	uint64_t d64[] = {1, 2, 3, 5, 7, 10, 64, 100, 1000, 0xffffffffull, 0x100000000ull,
			  0x123456789abcdefull, 0x7fffffffffffffffull, 0x8000000000000000ull,
			  0x8000000000000001ull, 0xffffffffffffffffull};
	for (unsigned i = 0; i < RTE_DIM(d64); i++) {
		struct rte_reciprocal_u64 r = rte_reciprocal_value_u64(d64[i]);
		printf("recip64(%llu) = m=%llu sh1=%u sh2=%u q=%llu\n", (unsigned long long)d64[i],
		       (unsigned long long)r.m, r.sh1, r.sh2,
		       (unsigned long long)rte_reciprocal_divide_u64(0xfedcba9876543210ull, &r));
	}
}

static void
randoms(void)
{
	rte_srand(42);
	for (int i = 0; i < 8; i++)
		printf("rand %d = %llu\n", i, (unsigned long long)rte_rand());
	for (int i = 0; i < 8; i++)
		printf("rand_max(1000) %d = %llu\n", i, (unsigned long long)rte_rand_max(1000));
	printf("rand_max(0)=%llu rand_max(1)=%llu\n", (unsigned long long)rte_rand_max(0),
	       (unsigned long long)rte_rand_max(1));
	printf("rand_max(1<<40)=%llu\n", (unsigned long long)rte_rand_max(1ull << 40));
	printf("drand=%.17g\n", rte_drand());
	rte_srand(0);
	printf("rand after srand(0) = %llu\n", (unsigned long long)rte_rand());
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	dumps();
	strerrors();
	sizes();
	splits();
	scpys();
	uuids();
	versions();
	reciprocals();
	randoms();
	return 0;
}
