/*
 * Timers and CPU facts: rte_get_tsc_hz (0 before init, calibrated after), the
 * inline cycle counters, the three delays and the delay callback, CPU flags
 * against /proc/cpuinfo, intrinsics, the hypervisor, and the SIMD width limit.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_hypervisor.h>
#include <rte_vect.h>

#include "check.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static unsigned delay_calls, delay_last;
static void my_delay(unsigned us)
{
	delay_calls++;
	delay_last = us;
}

/* Whether /proc/cpuinfo's flags line has the word. */
static int cpuinfo_has(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int found = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		char *tok = strtok(strchr(line, ':') + 1, " \n");
		for (; tok; tok = strtok(NULL, " \n"))
			if (strcmp(tok, flag) == 0)
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0", "--no-huge", "-m", "64", "--no-pci",
		"--file-prefix", "swifteal_test_cycles", NULL };
	int n = (int)(sizeof(args) / sizeof(args[0])) - 1;

	/* before init */
	CHECK_EQ(rte_get_tsc_hz(), 0);
	CHECK_EQ(rte_get_timer_hz(), 0);
	CHECK_EQ(rte_vect_get_max_simd_bitwidth(), 0);
	double t0 = now();
	rte_delay_us_block(2000);   /* still waits, on the clock */
	CHECK(now() - t0 >= 0.002);

	CHECK(rte_eal_init(n, args) >= 0);

	/* the TSC */
	uint64_t hz = rte_get_tsc_hz();
	CHECK(hz >= 100000000ULL);              /* at least 100 MHz */
	CHECK_EQ(rte_get_timer_hz(), hz);
	CHECK_EQ(eal_timer_source, EAL_TIMER_TSC);
	uint64_t c0 = rte_rdtsc(), c1 = rte_rdtsc_precise(), c2 = rte_get_tsc_cycles();
	uint64_t c3 = rte_get_timer_cycles();
	CHECK(c0 <= c1 && c1 <= c2 && c2 <= c3);
	/* hz agrees with the monotonic clock over 100 ms within 2% */
	t0 = now();
	c0 = rte_rdtsc();
	struct timespec nap = { 0, 100000000 };
	nanosleep(&nap, NULL);
	c1 = rte_rdtsc();
	double measured = (c1 - c0) / (now() - t0);
	CHECK(measured > hz * 0.98 && measured < hz * 1.02);

	/* delays */
	t0 = now();
	rte_delay_us_block(5000);
	double d = now() - t0;
	CHECK(d >= 0.005 && d < 0.5);
	t0 = now();
	rte_delay_us_sleep(5000);
	d = now() - t0;
	CHECK(d >= 0.005 && d < 0.5);
	t0 = now();
	rte_delay_us_sleep(1000000 + 1000);   /* seconds and microseconds */
	CHECK(now() - t0 >= 1.001);
	t0 = now();
	rte_delay_ms(3);
	CHECK(now() - t0 >= 0.003);
	CHECK(rte_delay_us == rte_delay_us_block);
	rte_delay_us_callback_register(my_delay);
	CHECK(rte_delay_us == my_delay);
	rte_delay_ms(7);
	CHECK_EQ(delay_calls, 1);
	CHECK_EQ(delay_last, 7000);
	rte_delay_us_callback_register(rte_delay_us_sleep);
	t0 = now();
	rte_delay_us(2000);
	CHECK(now() - t0 >= 0.002);
	rte_delay_us_callback_register(NULL);   /* back to a working default */
	t0 = now();
	rte_delay_us(1000);
	CHECK(now() - t0 >= 0.001);
	rte_delay_us_callback_register(rte_delay_us_block);

	/* CPU flags */
	CHECK(strcmp(rte_cpu_get_flag_name(RTE_CPUFLAG_SSE3), "SSE3") == 0);
	CHECK(strcmp(rte_cpu_get_flag_name(RTE_CPUFLAG_1GB_PG), "1GB_PG") == 0);
	CHECK(strcmp(rte_cpu_get_flag_name(RTE_CPUFLAG_WAITPKG), "WAITPKG") == 0);
	CHECK(rte_cpu_get_flag_name(RTE_CPUFLAG_NUMFLAGS) == NULL);
	CHECK(rte_cpu_get_flag_name((enum rte_cpu_flag_t)-1) == NULL);
	CHECK_EQ(rte_cpu_get_flag_enabled(RTE_CPUFLAG_NUMFLAGS), -ENOENT);
	CHECK_EQ(rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)-1), -ENOENT);
	rte_cpu_get_intrinsics_support(NULL);  /* DPDK would write through it; a no-op here */
	for (int i = 0; i < RTE_CPUFLAG_NUMFLAGS; i++) {
		int e = rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)i);
		CHECK(e == 0 || e == 1);
		CHECK(rte_cpu_get_flag_name((enum rte_cpu_flag_t)i) != NULL);
	}
	static const struct { enum rte_cpu_flag_t f; const char *linux_name; } pairs[] = {
		{ RTE_CPUFLAG_SSE2, "sse2" }, { RTE_CPUFLAG_SSE3, "pni" },
		{ RTE_CPUFLAG_SSSE3, "ssse3" }, { RTE_CPUFLAG_SSE4_2, "sse4_2" },
		{ RTE_CPUFLAG_AVX, "avx" }, { RTE_CPUFLAG_AVX2, "avx2" },
		{ RTE_CPUFLAG_AES, "aes" }, { RTE_CPUFLAG_POPCNT, "popcnt" },
		{ RTE_CPUFLAG_CMPXCHG16B, "cx16" }, { RTE_CPUFLAG_RDTSCP, "rdtscp" },
		{ RTE_CPUFLAG_AVX512F, "avx512f" }, { RTE_CPUFLAG_BMI2, "bmi2" },
		{ RTE_CPUFLAG_HYPERVISOR, "hypervisor" }, { RTE_CPUFLAG_LZCNT, "abm" },
		{ RTE_CPUFLAG_1GB_PG, "pdpe1gb" },  /* not rdseed: Linux hides it on some AMD parts */
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		int want = cpuinfo_has(pairs[i].linux_name);
		if (want < 0)
			continue;
		if (rte_cpu_get_flag_enabled(pairs[i].f) != want)
			fprintf(stderr, "flag %s: cpuid %d, /proc/cpuinfo %d\n", pairs[i].linux_name,
				rte_cpu_get_flag_enabled(pairs[i].f), want);
		CHECK_EQ(rte_cpu_get_flag_enabled(pairs[i].f), want);
	}
	CHECK_EQ(rte_cpu_is_supported(), 1);
	struct rte_cpu_intrinsics intr;
	memset(&intr, 0xff, sizeof(intr));
	rte_cpu_get_intrinsics_support(&intr);
	CHECK_EQ(intr.power_monitor, rte_cpu_get_flag_enabled(RTE_CPUFLAG_WAITPKG));
	CHECK_EQ(intr.power_pause, rte_cpu_get_flag_enabled(RTE_CPUFLAG_WAITPKG));

	/* hypervisor */
	enum rte_hypervisor hv = rte_hypervisor_get();
	CHECK_EQ(hv == RTE_HYPERVISOR_NONE, !rte_cpu_get_flag_enabled(RTE_CPUFLAG_HYPERVISOR));
	CHECK(strcmp(rte_hypervisor_get_name(RTE_HYPERVISOR_NONE), "none") == 0);
	CHECK(strcmp(rte_hypervisor_get_name(RTE_HYPERVISOR_KVM), "KVM") == 0);
	CHECK(strcmp(rte_hypervisor_get_name(RTE_HYPERVISOR_HYPERV), "Hyper-V") == 0);
	CHECK(strcmp(rte_hypervisor_get_name(RTE_HYPERVISOR_VMWARE), "VMware") == 0);
	CHECK(strcmp(rte_hypervisor_get_name(RTE_HYPERVISOR_UNKNOWN), "unknown") == 0);
	CHECK(strcmp(rte_hypervisor_get_name((enum rte_hypervisor)99), "unknown") == 0);

	/* SIMD width */
	CHECK_EQ(rte_vect_get_max_simd_bitwidth(), RTE_VECT_DEFAULT_SIMD_BITWIDTH);
	CHECK_EQ(rte_vect_set_max_simd_bitwidth(100), -EINVAL);
	CHECK_EQ(rte_vect_set_max_simd_bitwidth(0), -EINVAL);
	CHECK_EQ(rte_vect_set_max_simd_bitwidth(32), -EINVAL);
	CHECK_EQ(rte_vect_set_max_simd_bitwidth(128), 0);
	CHECK_EQ(rte_vect_get_max_simd_bitwidth(), 128);
	CHECK_EQ(rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_MAX), 0);
	CHECK_EQ(rte_vect_get_max_simd_bitwidth(), RTE_VECT_SIMD_MAX);
	CHECK_EQ(rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_DISABLED), 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
