/*
 * Bad input to rte_log.h and rte_eal.h entry points that DPDK 22.11 would crash on
 * (NULL strings, formats, streams, output arrays, eal_parse_sysfs_value's pointers):
 * SwiftEAL refuses each with the function's failure value and carries on. Then
 * rte_eal_init with no arguments, and a proper init afterwards (a refused call must not
 * use up the one init).
 */
#define ALLOW_INTERNAL_API
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "check.h"

static int vlog_wrapper(uint32_t level, uint32_t type, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = rte_vlog(level, type, fmt, ap);
	va_end(ap);
	return r;
}

static int hook_calls;
static void hook_a(const char *prog) { (void)prog; hook_calls++; }
static void hook_b(const char *prog) { (void)prog; hook_calls++; }

static void log_calls(void)
{
	const char *volatile no_format = NULL;
	CHECK_EQ(rte_log(RTE_LOG_ERR, RTE_LOGTYPE_EAL, no_format), -1);
	CHECK_EQ(vlog_wrapper(RTE_LOG_ERR, RTE_LOGTYPE_EAL, no_format), -1);
	CHECK_EQ(rte_log_register(NULL), -EINVAL);
	CHECK_EQ(rte_log_register_type_and_pick_level(NULL, RTE_LOG_INFO), -EINVAL);
	CHECK_EQ(rte_log_set_level_pattern(NULL, RTE_LOG_INFO), -1);
	CHECK_EQ(rte_log_set_level_regexp(NULL, RTE_LOG_INFO), -1);
	rte_log_list_types(NULL, "x");
	rte_log_dump(NULL);
	CHECK_EQ(rte_log_get_level(RTE_LOGTYPE_EAL), RTE_LOG_INFO); /* nothing changed */
	/* a registration after all that still works */
	int t = rte_log_register("bad_input.type");
	CHECK(t >= RTE_LOGTYPE_FIRST_EXT_ID);
	CHECK_EQ(rte_log_register("bad_input.type"), t);
}

static void eal_calls(const char *self)
{
	int cores[RTE_MAX_LCORE];
	CHECK_EQ(rte_eal_parse_coremask(NULL, cores), -1);
	CHECK_EQ(rte_eal_parse_coremask("0x1", NULL), -1);
	rte_eal_vfio_get_vf_token(NULL);
	rte_uuid_t token;
	memset(token, 0xaa, sizeof(token));
	rte_eal_vfio_get_vf_token(token);
	int zero = 1;
	for (size_t i = 0; i < sizeof(token); i++)
		zero &= token[i] == 0;
	CHECK(zero); /* no --vfio-vf-token: the null UUID */

	CHECK(rte_set_application_usage_hook(hook_a) == NULL);
	CHECK(rte_set_application_usage_hook(hook_b) == hook_a);
	CHECK(rte_set_application_usage_hook(NULL) == hook_b);
	CHECK_EQ(hook_calls, 0);

	rte_errno = 0;
	CHECK_EQ(rte_eal_init(0, NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
	char *no_prog[] = { NULL };
	rte_errno = 0;
	CHECK_EQ(rte_eal_init(1, no_prog), -1);
	CHECK_EQ(rte_errno, EINVAL);

	char prefix[32];
	snprintf(prefix, sizeof(prefix), "test_bad_input_%d", (int)getpid());
	char *argv[] = { (char *)self, "-l", "0", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--file-prefix", prefix, NULL };
	CHECK_EQ(rte_eal_init(10, argv), 9);
	CHECK_EQ(rte_lcore_count(), 1);
	CHECK_EQ(rte_eal_cleanup(), 0);
}

/* DPDK_23, declared in DPDK's internal eal_filesystem.h (see diff_sysfs.c) */
int eal_parse_sysfs_value(const char *filename, unsigned long *val);

static void sysfs_calls(void)
{
	unsigned long v = 7;
	CHECK_EQ(eal_parse_sysfs_value(NULL, &v), -1);
	CHECK_EQ(v, 7);
	CHECK_EQ(eal_parse_sysfs_value("/proc/self/stat", NULL), -1);
}

int main(int argc, char **argv)
{
	(void)argc;
	log_calls();
	sysfs_calls();
	eal_calls(argv[0]);
	return check_report();
}
