/*
 * rte_eal.h and rte_log.h calls that need no running EAL, as DPDK 22.11 answers them:
 * rte_eal_parse_coremask (including what it leaves in `cores` on failure), the
 * before-init answers of the process API, pattern/regexp level setters on bad input,
 * the application's usage hook after a refused command line (the EAL's own usage text
 * is ours, so only what follows DPDK's separator line is compared), and
 * rte_eal_cleanup without an init (0 once, then EALREADY). Linked once to DPDK's
 * librte_eal and once to libswifteal; outputs must match.
 */
#define ALLOW_INTERNAL_API
#define ALLOW_EXPERIMENTAL_API
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

static void usage_hook(const char *prog)
{
	printf("application usage for %s\n", prog);
}

/* A refused rte_eal_init with the hook set; prints its stdout from the separator on. */
static void refused_init_with_hook(void)
{
	char *argv[] = { "prog", "--no-such-option", "--no-huge", "--file-prefix", "diff_eal_api", NULL };
	FILE *cap = tmpfile();
	char text[16384];
	fflush(stdout);
	int saved_out = dup(1), saved_err = dup(2);
	FILE *null = fopen("/dev/null", "w");
	dup2(fileno(cap), 1);
	dup2(fileno(null), 2); /* the alert lines: when they land depends on buffering */
	rte_set_application_usage_hook(usage_hook);
	int r = rte_eal_init(5, argv);
	int e = rte_errno;
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	fclose(null);
	rewind(cap);
	size_t n = fread(text, 1, sizeof(text) - 1, cap);
	text[n] = 0;
	fclose(cap);
	const char *sep = strstr(text, "=====");
	printf("refused init %d rte_errno %d, after the usage: [%s]\n", r, e, sep ? sep : "(no separator)");
}

int main(void)
{
	static const char *const masks[] = { "0x5", "5", " 0x5 ", "0", "", "0x", "zz", "0X3",
		"0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
		"0x00000000000000000000000000000000000001", "g1", "1 1", "0x80000000000000000000000000000000" };
	int cores[RTE_MAX_LCORE];

	for (unsigned i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		memset(cores, 0x55, sizeof(cores));
		int r = rte_eal_parse_coremask(masks[i], cores);
		printf("coremask '%s': %d, cores", masks[i], r);
		for (int j = 0; j < RTE_MAX_LCORE; j++)
			if (cores[j] != -1)
				printf(" [%d]=%d", j, cores[j]);
		printf("\n");
	}
	printf("primary_proc_alive(nonexistent) %d\n", rte_eal_primary_proc_alive("/nonexistent/config"));
	printf("mbuf_user_pool_ops %s\n", rte_eal_mbuf_user_pool_ops() ? "set" : "NULL");
	printf("vfio_intr_mode %d create_uio_dev %d\n", rte_eal_vfio_intr_mode(), rte_eal_create_uio_dev());
	printf("has_hugepages %d has_pci %d iova %d type %d runtime_dir '%s'\n", rte_eal_has_hugepages(),
		rte_eal_has_pci(), rte_eal_iova_mode(), rte_eal_process_type(), rte_eal_get_runtime_dir());
	printf("level_regexp('[') %d\n", rte_log_set_level_regexp("[", RTE_LOG_INFO));
	printf("level_regexp(level 9) %d\n", rte_log_set_level_regexp("x", RTE_LOG_MAX + 1));
	printf("level_pattern(level 9) %d\n", rte_log_set_level_pattern("x", RTE_LOG_MAX + 1));
	printf("level_pattern(no match) %d\n", rte_log_set_level_pattern("nomatch*", RTE_LOG_DEBUG));
	printf("set_level(unknown) %d get_level(unknown) %d can_log(unknown) %d\n",
		rte_log_set_level(100000, RTE_LOG_INFO), rte_log_get_level(100000),
		rte_log_can_log(100000, RTE_LOG_EMERG));
	refused_init_with_hook();
	printf("cleanup before init %d\n", rte_eal_cleanup());
	rte_errno = 0;
	int r = rte_eal_cleanup();
	printf("cleanup again %d rte_errno %d\n", r, rte_errno);
	return 0;
}
