/*
 * rte_eal_init as DPDK 22.11 answers it: for each command line (run in a child),
 * the return value, rte_errno, the arguments left to the application, and the lcore
 * layout. Linked once to DPDK's librte_eal and once to libswifteal; outputs must match.
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
		fprintf(out, "%s%s", argv[i], i + 1 < argc ? " " : "");
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

int main(int argc, char **argv)
{
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
	};
	(void)argc;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			/* EAL's own chatter (usage text on stdout, logs on stderr) is not compared */
			FILE *out = fdopen(dup(1), "w");
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 1);
			dup2(devnull, 2);
			char *args[32];
			int n = 0;
			args[n++] = argv[0];
			int j;
			for (j = 0; lines[i][j]; j++)
				args[n++] = (char *)lines[i][j];
			args[n++] = "--no-huge"; /* after "--" these belong to the application */
			args[n++] = "-m";
			args[n++] = "64";
			args[n++] = "--no-pci";
			args[n++] = "--no-telemetry";
			args[n++] = "--file-prefix";
			args[n++] = "diff_init";
			args[n] = NULL;
			fprintf(out, "case %zu: ", i);
			report(n, args, out);
			fclose(out);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			printf("case %zu: child status %d\n", i, st);
	}
	return 0;
}
