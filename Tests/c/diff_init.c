/*
 * rte_eal_init as DPDK 22.11 answers it: for each command line (run in a child),
 * the return value, rte_errno, the arguments left to the application, the lcore
 * layout, what the EAL printed (stdout and stderr, pids, addresses and the prefix
 * masked) and the runtime directory's files after init and after cleanup. Linked once
 * to DPDK's librte_eal and once to libswifteal; outputs must match, but for the lines
 * diff_init.known documents with a reason.
 * Each case is this program re-executed ("--case N"), so no EAL code runs after a bare
 * fork; the file prefix carries the parent's pid so concurrent runs do not collide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>
#include <ctype.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_vect.h>

static const char *file_prefix;

/* The runtime directory a primary with `prefix` uses (as root, or not). */
static void runtime_dir(char *buf, size_t len, const char *prefix)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (getuid() == 0)
		snprintf(buf, len, "/var/run/dpdk/%s", prefix);
	else if (xdg)
		snprintf(buf, len, "%s/dpdk/%s", xdg, prefix);
	else
		snprintf(buf, len, "/tmp/dpdk/%s", prefix);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t case_no;

/* The files in the runtime directory, sorted, on a line of their own; "(no directory)"
 * when there is none. */
static void list_dir(FILE *out, const char *when, const char *dir)
{
	DIR *d = opendir(dir);
	fprintf(out, "case %zu: runtime dir %s: [", case_no, when);
	if (!d) {
		fprintf(out, "(no directory)]\n");
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 64)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++) {
		fprintf(out, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	fprintf(out, "]\n");
}

static void report(int argc, char **argv, FILE *out)
{
	char dir[512];
	runtime_dir(dir, sizeof(dir), file_prefix);
	int ret = rte_eal_init(argc, argv);
	fprintf(out, "ret=%d", ret);
	if (ret < 0) {
		fprintf(out, " errno=%d\n", rte_errno);
		list_dir(out, "after the failed init", dir);
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
	fprintf(out, " simd=%u", rte_vect_get_max_simd_bitwidth());
	fprintf(out, " runtime_dir_is_ours=%d", strcmp(rte_eal_get_runtime_dir(), dir) == 0);
	/* the listings go on lines after the report line, which stays whole when they differ */
	char *listing = NULL;
	size_t listing_len = 0;
	FILE *after_init = open_memstream(&listing, &listing_len);
	list_dir(after_init, "after init", dir);
	fclose(after_init);
	fprintf(out, " cleanup=%d\n", rte_eal_cleanup());
	fputs(listing, out);
	free(listing);
	list_dir(out, "after cleanup", dir);
}

/* Writes what the EAL printed on one stream, a line at a time, with what differs from
 * run to run masked: the program's path (two binaries), the file prefix, this process's
 * and its parent's pid, addresses. The EAL usage text is one line: SwiftEAL's is in its
 * own words (DPDK's text is not copied), what follows it (the application's) is kept. */
static void print_captured(FILE *out, size_t i, const char *stream, FILE *cap, const char *self)
{
	char line[1024], pid[16], ppid[16];
	int in_usage = 0;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(ppid, sizeof(ppid), "%d", (int)getppid());
	rewind(cap);
	while (fgets(line, sizeof(line), cap)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "Usage: ", 7) == 0) {
			fprintf(out, "case %zu: %s: [the EAL usage text]\n", i, stream);
			in_usage = 1;
			continue;
		}
		if (in_usage && strstr(line, "===== Application Usage =====") == NULL)
			continue;
		in_usage = 0;
		fprintf(out, "case %zu: %s: ", i, stream);
		for (const char *p = line; *p;) {
			size_t plen = strlen(file_prefix), slen = strlen(self);
			if (strncmp(p, self, slen) == 0) {
				fputs("PROG", out);
				p += slen;
			} else if (strncmp(p, file_prefix, plen) == 0) {
				fputs("PREFIX", out);
				p += plen;
			} else if (strncmp(p, "tid=", 4) == 0 && isxdigit((unsigned char)p[4])) {
				/* a thread id: DPDK prints pthread_self() in hex */
				fputs("tid=TID", out);
				p += 4;
				while (isxdigit((unsigned char)*p))
					p++;
			} else if (strncmp(p, "TSC frequency is ~", 18) == 0) {
				/* measured, so it may differ between two runs */
				fputs("TSC frequency is ~N", out);
				p += 18;
				p += strspn(p, "0123456789");
			} else if (p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2])) {
				size_t n = 2;
				while (isxdigit((unsigned char)p[n]))
					n++;
				if (n >= 2 + 6)
					fputs("0xADDR", out);
				else
					fwrite(p, 1, n, out);
				p += n;
			} else if (isdigit((unsigned char)*p) && (p == line || !isalnum((unsigned char)p[-1]))) {
				size_t n = strspn(p, "0123456789");
				if (!isalnum((unsigned char)p[n]) &&
				    ((n == strlen(pid) && strncmp(p, pid, n) == 0) ||
				     (n == strlen(ppid) && strncmp(p, ppid, n) == 0)))
					fputs("PID", out);
				else
					fwrite(p, 1, n, out);
				p += n;
			} else {
				fputc(*p++, out);
			}
		}
		fputc('\n', out);
	}
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
	/* what DPDK says, word for word, matters too (stderr is compared) */
	{ "-l", "999" },
	{ "-l", "300,0,200" },
	{ "-l", "0-127,200" },
	{ "-l", "1-0,0" },
	{ "-l", "0", "--force-max-simd-bitwidth", "0" },
	{ "-l", "0", "--force-max-simd-bitwidth", "abc" },
	{ "-l", "0", "--log-level", "nonsense", "--log-level", "also-nonsense" },
	{ "-l", "0", "--main-lcore", "5000" },
	{ "-l", "0", "-l", "0" },
	/* refused by DPDK (issue 11, item 7); a case with its own -m gets no "-m 64" */
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

/* The options every case gets: no hugepages, no devices, the run's own prefix. They go
 * before a "--", after which they would be the application's. */
static const char *const common_args[] = { "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
	"--file-prefix", NULL /* the prefix */ };
#define NCOMMON (sizeof(common_args) / sizeof(common_args[0]))

/* One case, in a process of its own; the report goes to the inherited stdout. */
static int run_case(size_t i, const char *self, const char *prefix)
{
	/* what the EAL prints (usage text on stdout, logs on stderr) is captured */
	FILE *out = fdopen(dup(1), "w");
	FILE *cap_out = tmpfile(), *cap_err = tmpfile();
	if (!out || !cap_out || !cap_err)
		return 3;
	dup2(fileno(cap_out), 1);
	dup2(fileno(cap_err), 2);
	char *args[40];
	int n = 0, j;
	args[n++] = (char *)self;
	int own_m = 0;
	for (j = 0; lines[i][j] && strcmp(lines[i][j], "--") != 0; j++) {
		args[n++] = (char *)lines[i][j];
		own_m |= strcmp(lines[i][j], "-m") == 0;
	}
	for (size_t k = 0; k < NCOMMON; k++) {
		if (own_m && common_args[k] && strcmp(common_args[k], "-m") == 0) {
			k++; /* and its value */
			continue;
		}
		args[n++] = common_args[k] ? (char *)common_args[k] : (char *)prefix;
	}
	for (; lines[i][j]; j++)
		args[n++] = (char *)lines[i][j];
	args[n] = NULL;
	file_prefix = prefix;
	case_no = i;
	fprintf(out, "case %zu: ", i);
	fflush(out);
	report(n, args, out);
	fflush(stdout);
	fflush(stderr);
	print_captured(out, i, "stdout", cap_out, self);
	print_captured(out, i, "stderr", cap_err, self);
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
		/* whatever a case left in the runtime dir was listed; the next starts clean */
		char dir[512], cmd[600];
		runtime_dir(dir, sizeof(dir), prefix);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("case %zu: could not remove %s\n", i, dir);
	}
	return 0;
}
