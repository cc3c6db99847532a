/*
 * LD_PRELOAD=libswifteal.so over a program linked to DPDK's librte_eal (README, "LD_PRELOAD
 * over a DPDK-linked binary"): the EAL functions SwiftEAL exports resolve to SwiftEAL,
 * those it lacks to DPDK's library, and a program that keeps to the first kind works:
 * init, a launch on every lcore, an alarm, an fbarray, a log line, cleanup.
 * Built against DPDK's headers, linked to librte_eal, run by Tests/c/run.sh with the
 * preload; without it (or with the wrong library first) the checks fail.
 */
#define ALLOW_EXPERIMENTAL_API
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "check.h"

/* The file name of the library that defines `sym` as this process resolves it. */
static const char *library_of(const char *sym)
{
	Dl_info info;
	void *p = dlsym(RTLD_DEFAULT, sym);
	if (p == NULL || dladdr(p, &info) == 0 || info.dli_fname == NULL)
		return "";
	const char *slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}

static void from(const char *sym, const char *lib)
{
	const char *got = library_of(sym);
	if (strncmp(got, lib, strlen(lib)) != 0) {
		fprintf(stderr, "FAIL: %s comes from '%s', not %s\n", sym, got, lib);
		CHECK(0);
	} else {
		CHECK(1);
	}
}

static volatile int launched, alarmed;
static volatile unsigned seen_ids;
/* rte_lcore_id() is an inline read of the TLS per_lcore__lcore_id: the program's TLS
 * relocation must have reached SwiftEAL's variable, which SwiftEAL's threads set */
static int hello(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&launched, 1, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&seen_ids, 1u << rte_lcore_id(), __ATOMIC_SEQ_CST);
	return 0;
}
static void ring(void *arg) { (void)arg; alarmed = 1; }

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	static const char *const ours[] = { "rte_eal_init", "rte_eal_cleanup", "rte_eal_remote_launch",
		"rte_lcore_count", "rte_log", "rte_eal_alarm_set", "rte_fbarray_init", "rte_intr_callback_register",
		"rte_strerror", "eal_parse_sysfs_value" };
	/* the rest come from whichever library defines them: SwiftEAL where it exports them
	 * (the list grows as subsystems land), DPDK's librte_eal otherwise */
	static const char *const either[] = { "rte_malloc", "rte_memzone_reserve", "rte_mp_sendmsg",
		"rte_dev_probe", "rte_service_lcore_add", "rte_memseg_walk", "rte_devargs_parse" };
	Dl_info self_lib;
	void *swifteal = NULL;
	if (dladdr(dlsym(RTLD_DEFAULT, "rte_eal_init"), &self_lib) != 0 && self_lib.dli_fname)
		swifteal = dlopen(self_lib.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
	CHECK(swifteal != NULL);
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		from(ours[i], "libswifteal");
	for (size_t i = 0; i < sizeof(either) / sizeof(either[0]); i++)
		from(either[i], swifteal && dlsym(swifteal, either[i]) ? "libswifteal" : "librte_eal");

	char prefix[32];
	snprintf(prefix, sizeof(prefix), "preload_eal_%d", (int)getpid());
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
			 "--file-prefix", prefix, NULL };
	if (rte_eal_init(10, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	CHECK_EQ(rte_lcore_count(), 2);
	CHECK_EQ(rte_eal_mp_remote_launch(hello, NULL, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CHECK_EQ(launched, 2);
	CHECK_EQ(seen_ids, 3);
	/* rte_errno likewise: set by SwiftEAL, read inline here */
	rte_errno = 0;
	CHECK_EQ(rte_eal_alarm_cancel(NULL, NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);

	CHECK_EQ(rte_eal_alarm_set(2000, ring, NULL), 0);
	for (int i = 0; i < 1000 && !alarmed; i++)
		usleep(1000);
	CHECK(alarmed);

	struct rte_fbarray a;
	CHECK_EQ(rte_fbarray_init(&a, "preload", 100, 8), 0);
	CHECK_EQ(rte_fbarray_set_used(&a, 42), 0);
	CHECK_EQ(rte_fbarray_find_next_used(&a, 0), 42);
	CHECK_EQ(rte_fbarray_destroy(&a), 0);

	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	rte_openlog_stream(f);
	RTE_LOG(ERR, USER1, "through the preload\n");
	rte_openlog_stream(NULL);
	fclose(f);
	CHECK(text != NULL && strstr(text, "through the preload") != NULL);
	free(text);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
