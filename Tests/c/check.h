/*
 * The C suite's tiny checker: each test program counts its checks and ends with
 * "N passed, N failed" (the runner sums them). Test-only; not a public header.
 */
#ifndef SWIFTEAL_TEST_CHECK_H
#define SWIFTEAL_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed_, check_failed_;

#define CHECK(cond) do { \
	if (cond) { check_passed_++; } \
	else { check_failed_++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a == _b) { check_passed_++; } \
	else { check_failed_++; fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n", \
		__FILE__, __LINE__, #a, #b, _a, _b); } \
} while (0)

/* Prints the totals and returns the process exit status. A program that ran no check
 * proved nothing: that is one failure, never a pass. */
static inline int check_report(void)
{
	if (check_passed_ == 0 && check_failed_ == 0) {
		fprintf(stderr, "FAIL: the program ran no checks\n");
		printf("FAIL: the program ran no checks\n");
		check_failed_ = 1;
	}
	printf("%d passed, %d failed\n", check_passed_, check_failed_);
	fflush(stdout);
	return check_failed_ ? 1 : 0;
}

#endif
