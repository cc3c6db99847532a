/*
 * rte_eal_init as DPDK 22.11 answers it: for each command line (run in a child),
 * the return value, rte_errno, the arguments left to the application, and the lcore
 * layout. Linked once to DPDK's librte_eal and once to libswifteal; outputs must match.
 * Each case is this program re-executed ("--case N"), so no EAL code runs after a bare
 * fork; the file prefix carries the parent's pid so concurrent runs do not collide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

static const char *file_prefix;

static void report(int argc, char **argv, FILE *out)
{
	int ret = rte_eal_init(argc, argv);
	fprintf(out, "ret=%d", ret);
	if (ret < 0) {
		fprintf(out, " errno=%d\n", rte_errno);
		return;
	}
	fprintf(out, " rest=[");
	for (int i = ret + 1; i < argc; i++)
		fprintf(out, "%s%s", argv[i] == file_prefix ? "PREFIX" : argv[i], i + 1 < argc ? " " : "");
	fprintf(out, "] prog_at_ret=%d count=%u main=%u", argv[ret] == argv[0], rte_lcore_count(),
		rte_get_main_lcore());
	fprintf(out, " type=%d hugepages=%d pci=%d", rte_eal_process_type(), rte_eal_has_hugepages(),
		rte_eal_has_pci());
	for (unsigned i = 0; i < 8; i++)
		if (rte_lcore_is_enabled(i))
			fprintf(out, " lcore%u(index=%d cpu=%d socket=%u role=%d)", i, rte_lcore_index(i),
				rte_lcore_to_cpu_id(i), rte_lcore_to_socket_id(i), rte_eal_lcore_role(i));
	unsigned id;
	fprintf(out, " workers=");
	RTE_LCORE_FOREACH_WORKER(id)
		fprintf(out, "%u,", id);
	/* with no worker, DPDK's wrapping search never returns */
	if (rte_lcore_count() > 1)
		fprintf(out, " next_wrap=%u", rte_get_next_lcore(rte_get_main_lcore(), 1, 1));
	fprintf(out, " cleanup=%d\n", rte_eal_cleanup());
}

static const char *const lines[][16] = {
	{ "-l", "0-1" },
	{ "-l", "1,0" },
	{ "-l", "1" },
	{ "-c", "0x3", "--main-lcore", "1" },
	{ "--lcores", "1@0,0@1" },
	{ "--lcores", "(0-1)@0" },
	{ "-l", "0", "--", "app", "-x" },
	{ "app1", "-l", "0", "app2", "--", "-z" },
	{ "-l", "0", "--no-shconf" },
	{ "-l", "1-0" },
	{ "-l", "0", "--main-lcore", "1" },
	{ "-l", "0", "-c", "1" },
	{ "-l", "0", "--bogus-option" },
	{ "-l", "0", "-n", "0" },
	{ "-l", "0", "--proc-type", "nope" },
	{ "-l", "0", "--socket-mem", "64" },
	{ "-l", "0", "--in-memory" },
	{ "-l", "0", "--huge-unlink" },
	{ "-l", "0", "--file-prefix=" },
	{ "-l", "0", "--log-level", "lib.eal:nonsense" },
	/* core lists and masks */
	{ "-c", "3" },
	{ "-c", "0" },
	{ "-c", "0x" },
	{ "-c", " 0x1 " },
	{ "-l", "0,0" },
	{ "-l", "" },
	{ "-l", "0-" },
	{ "-l", "0-1", "--main-lcore", "x" },
	{ "-l", "0-1", "--main-lcore", "0" },
	{ "-l", "0", "--lcores", "0" },
	{ "--lcores", "(0,1)@(0,1)" },
	{ "--lcores", "1@(0-1)" },
	{ "--lcores", "0,1" },
	/* memory and process options */
	{ "-l", "0", "-n", "4", "-r", "2" },
	{ "-l", "0", "-r", "17" },
	{ "-l", "0", "-m", "abc" },
	{ "-l", "0", "--socket-limit", "64" },
	{ "-l", "0", "--legacy-mem" },
	{ "-l", "0", "--single-file-segments" },
	{ "-l", "0", "--match-allocations" },
	{ "-l", "0", "--legacy-mem", "--single-file-segments" },
	{ "-l", "0", "--legacy-mem", "--match-allocations" },
	{ "-l", "0", "--huge-unlink=never" },
	{ "-l", "0", "--huge-unlink=existing" },
	{ "-l", "0", "--huge-unlink=always" },
	{ "-l", "0", "--huge-unlink=sometimes" },
	{ "-l", "0", "--proc-type", "primary" },
	{ "-l", "0", "--proc-type", "auto" },
	{ "-l", "0", "--iova-mode", "va" },
	{ "-l", "0", "--iova-mode", "xx" },
	{ "-l", "0", "--base-virtaddr", "0x200000000" },
	{ "-l", "0", "--base-virtaddr", "zz" },
	{ "-l", "0", "--huge-worker-stack" },
	{ "-l", "0", "--huge-worker-stack=64" },
	/* logs, devices and the rest */
	{ "-l", "0", "--log-level", "8", "--log-level", "lib.eal:debug", "--log-level", "lib.*,7" },
	{ "-l", "0", "--log-level", "9" },
	{ "-l", "0", "--log-level", "lib.eal:" },
	{ "-l", "0", "--syslog", "local0" },
	{ "-l", "0", "--syslog", "bogus" },
	{ "-l", "0", "-v" },
	{ "-l", "0", "-a", "0000:00:01.0", "-b", "0000:00:02.0" },
	{ "-l", "0", "--vdev", "net_null0" },
	{ "-l", "0", "--telemetry" },
	{ "-l", "0", "--force-max-simd-bitwidth", "256" },
	{ "-l", "0", "--force-max-simd-bitwidth", "3" },
	{ "-l", "0", "--vfio-intr", "msix" },
	{ "-l", "0", "--vfio-intr", "loud" },
	{ "-l", "0", "--create-uio-dev", "--vmware-tsc-map" },
	{ "-l", "0", "--mbuf-pool-ops-name", "ring_mp_mc" },
	{ "-l", "0", "--vfio-vf-token", "2ab9d4f0-4f1b-4c4e-9a9e-0123456789ab" },
	{ "-l", "0", "--vfio-vf-token", "not-a-uuid" },
	{ "-l", "0", "-a", "0000:00:01.0", "-a", "0000:00:02.0" },
	{ "-l", "0", "-m", "64" },
	{ "-l", "0", "--huge-dir", "/nonexistent" },
	{ "-l", "0", "-d", "" },
	{ "-l", "0", "--log-level", "lib.eal:debug", "-v", "--telemetry", "--no-telemetry" },
	{ "--lcores", "0@0,1@0", "--main-lcore", "1" },
	{ "--lcores", "(0-1)@(0-1)", "--main-lcore", "2" },
	{ "-c", "0x1", "-l", "0" },
	{ "-l", "0", "--iova-mode", "pa" },
	{ "-l", "0", "--in-memory", "--no-shconf" },
	{ "-l", "0", "--trace", "foo" },
	/* From here on the error lines on stderr are compared too (see MSG_FROM).
	 * Refused by DPDK (issue 11, item 7); with its own -m, a case gets no "-m 64". */
	{ "-l", "0", "--huge-dir", "" },
	{ "-l", "0", "--huge-dir=/x", "--huge-dir=" },
	{ "-l", "0", "--huge-dir=", "--huge-dir=/x" },
	{ "-l", "0", "--mbuf-pool-ops-name=" },
	{ "-l", "0", "-m", "-5" },
	{ "-l", "0", "-m", "99999999999999999999" },
	{ "-l", "0", "-m", "5x" },
	{ "--lcores", "0-1@(0,1),0" },
	{ "--lcores", "0-1@0" },
	{ "--lcores", "1-1@0" },
	{ "--lcores", "0@0-1" },
	{ "--lcores", "0-1,1" },
	{ "--lcores", "(0-1)@(0,1),0" },
	{ "--lcores", "0@(0,1),1" },
};

#define NCASES (sizeof(lines) / sizeof(lines[0]))
/* the first case whose error messages are compared as well */
#define MSG_FROM (NCASES - 14)

/* The lines of `log` that say what went wrong ("Invalid ...", "Cannot ...", "FATAL"):
 * the informational ones differ between the two libraries and are not compared. */
static void print_errors(FILE *log, FILE *out)
{
	char line[512];
	rewind(log);
	while (fgets(line, sizeof(line), log))
		if (strncmp(line, "EAL: ", 5) == 0 &&
		    (strstr(line, "nvalid") || strstr(line, "Cannot") || strstr(line, "FATAL")))
			fprintf(out, "  %s", line);
}

/* One case, in a process of its own; the report goes to the inherited stdout. */
static int run_case(size_t i, const char *self, const char *prefix)
{
	/* EAL's own chatter (usage text on stdout, logs on stderr) is not compared */
	FILE *out = fdopen(dup(1), "w");
	FILE *log = i >= MSG_FROM ? tmpfile() : NULL;
	int devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	dup2(log ? fileno(log) : devnull, 2);
	char *args[32];
	int n = 0;
	args[n++] = (char *)self;
	int own_m = 0;
	for (int j = 0; lines[i][j]; j++) {
		args[n++] = (char *)lines[i][j];
		own_m |= strcmp(lines[i][j], "-m") == 0;
	}
	args[n++] = "--no-huge"; /* after "--" these belong to the application */
	if (!own_m) {
		args[n++] = "-m";
		args[n++] = "64";
	}
	args[n++] = "--no-pci";
	args[n++] = "--no-telemetry";
	args[n++] = "--file-prefix";
	args[n++] = (char *)prefix;
	args[n] = NULL;
	file_prefix = prefix;
	fprintf(out, "case %zu: ", i);
	fflush(out);
	report(n, args, out);
	if (log) {
		fflush(stderr);
		print_errors(log, out);
		fclose(log);
	}
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--case") == 0)
		return run_case(strtoul(argv[2], NULL, 10), argv[0], argv[3]);
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "diff_init_%d", (int)getpid());
	for (size_t i = 0; i < NCASES; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			char num[16];
			snprintf(num, sizeof(num), "%zu", i);
			execl("/proc/self/exe", argv[0], "--case", num, prefix, (char *)NULL);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			printf("\ncase %zu: child status %d\n", i, st);
	}
	return 0;
}
