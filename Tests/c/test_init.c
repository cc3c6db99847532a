/*
 * rte_eal_init / rte_eal_cleanup as a user sees them: the consumed count and argv,
 * a second call, bad options (each in a child process), a second primary with the
 * same prefix, a restart after cleanup, the runtime directory and config file modes,
 * the config on the lowest free descriptor (as DPDK's).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_tailq.h>
#include <rte_log.h>

#include "check.h"

static const char *self;

/* Registered before main, as DPDK libraries do; the heads live in the shared config. */
static struct rte_tailq_elem ti_tailq = { .name = "ti_tailq" };
EAL_REGISTER_TAILQ(ti_tailq)

/* Child: rte_eal_init(args); exit 0 when it returned >= 0, 10 + rte_errno % 100 otherwise. */
static int child_init(int argc, char **argv)
{
	int ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 10 + rte_errno % 100;
	if (ret + 1 < argc && strcmp(argv[ret + 1], "--check-hugepages") == 0 &&
	    rte_eal_has_hugepages() != 1)
		return 1;
	/* the caller's own options start at argv[ret] */
	if (ret + 1 < argc && strcmp(argv[ret + 1], "--check-secondary") == 0 &&
	    rte_eal_process_type() != RTE_PROC_SECONDARY)
		return 5;
	/* every process sees the same tail queue head, at the same address */
	struct rte_tailq_head *h = rte_eal_tailq_lookup("ti_tailq");
	if (h == NULL || h != ti_tailq.head || strcmp(h->name, "ti_tailq") != 0)
		return 6;
	/* registered after init: a secondary only finds the primary's heads, never makes one */
	static struct rte_tailq_elem late_p = { .name = "ti_late_p" }, late_s = { .name = "ti_late_s" };
	if (rte_eal_process_type() == RTE_PROC_SECONDARY &&
	    (rte_eal_tailq_register(&late_s) != -1 || late_s.head != NULL ||
	     rte_eal_tailq_lookup("ti_late_s") != NULL))
		return 8;
	if (rte_eal_process_type() == RTE_PROC_PRIMARY &&
	    (rte_eal_tailq_register(&late_p) != 0 || late_p.head == NULL ||
	     late_p.head != rte_eal_tailq_lookup("ti_late_p")))
		return 9;
	if (getenv("HOLD_FD") == NULL && getenv("TAILQ_ADDR") &&
	    strtoull(getenv("TAILQ_ADDR"), NULL, 16) != (unsigned long long)(uintptr_t)h)
		return 7;
	if (getenv("HOLD_FD")) {
		/* tell the parent init is done, then wait until it closes the pipe */
		int fd = atoi(getenv("HOLD_FD"));
		char buf;
		uintptr_t addr = (uintptr_t)rte_eal_tailq_lookup("ti_tailq");
		if (write(fd, &addr, sizeof(addr)) != sizeof(addr))
			return 3;
		int rfd = atoi(getenv("WAIT_FD"));
		if (read(rfd, &buf, 1) < 0)
			return 4;
	}
	return rte_eal_cleanup() == 0 ? 0 : 2;
}

/* What the last child printed on stderr (the EAL's messages). */
static char child_err[8192];

/* Runs this program as a child with the given EAL args; returns its exit status, or
 * 128 + the signal that killed it. */
static int run_child(const char *const *args)
{
	FILE *err = tmpfile();
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[32] = { self, "--child" };
		int n = 2;
		for (int i = 0; args[i] && n < 31; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		int devnull = open("/dev/null", 1);
		dup2(devnull, 1);
		dup2(err ? fileno(err) : devnull, 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	child_err[0] = 0;
	if (err) {
		rewind(err);
		size_t n = fread(child_err, 1, sizeof(child_err) - 1, err);
		child_err[n] = 0;
		fclose(err);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A refusal: rte_eal_init returned -1 with `errno_expected` (the child exits 10 + it, a
 * clean exit, never a signal) and the EAL said why ("EAL: FATAL: ..." and `message`). */
static int refused(int st, int errno_expected, const char *message)
{
	int ok = st == 10 + errno_expected && strstr(child_err, "EAL: FATAL: ") != NULL &&
		 (message == NULL || strstr(child_err, message) != NULL);
	if (!ok)
		fprintf(stderr, "not a clean refusal (status %d, want %d, message \"%s\"):\n%s\n",
			st, 10 + errno_expected, message ? message : "", child_err);
	return ok;
}

/* A child that ran init and cleanup to the end (exit 0); else what it said is shown. */
static int ran(int st)
{
	if (st != 0)
		fprintf(stderr, "child exited %d:\n%s\n", st, child_err);
	return st == 0;
}

/* Whether a 64 MB primary can run on 2 MB hugepages here (root, hugetlbfs mounted, 32
 * free pages): the suite's runner gives each program its own hugetlbfs instance. */
static int hugepages_usable(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long free_pages = 0;
	if (f) {
		if (fscanf(f, "%ld", &free_pages) != 1)
			free_pages = 0;
		fclose(f);
	}
	int mounted = 0;
	char line[512];
	FILE *m = fopen("/proc/mounts", "r");
	while (m && fgets(line, sizeof(line), m))
		if (strstr(line, " hugetlbfs "))
			mounted = 1;
	if (m)
		fclose(m);
	return getuid() == 0 && mounted && free_pages >= 32;
}

#define BASE "--no-huge", "-m", "64", "--no-pci", "--no-telemetry"

static void bad_options(void)
{
	static const char *const cases[][12] = {
		{ "-l", "0", "--bogus", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "999", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-c", "zz", BASE, "--file-prefix", "ti_bad", NULL },
		{ "--lcores", "(0", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "-l", "0", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--main-lcore", "5000", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "-n", "0", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--proc-type", "sideways", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--iova-mode", "xx", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--huge-unlink=maybe", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--socket-mem", "64", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--in-memory", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--vfio-intr", "loud", BASE, "--file-prefix", "ti_bad", NULL },
		{ "-l", "0", "--base-virtaddr", "xyz", BASE, "--file-prefix", "ti_bad", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = run_child(cases[i]);
		if (!refused(st, EINVAL, "Invalid 'command line' arguments."))
			fprintf(stderr, "bad option case %zu (%s %s %s)\n", i, cases[i][0], cases[i][1], cases[i][2]);
		CHECK(refused(st, EINVAL, "Invalid 'command line' arguments."));
	}
	static const char *const good[] = { "-l", "0", BASE, "--file-prefix", "ti_good", NULL };
	CHECK(ran(run_child(good)));

	/* -m takes the next word as its argument, even "--no-huge": that option is then not
	 * in effect, the later "-m 64" is, and the EAL runs on hugepages (DPDK does the same) */
	static const char *const swallowed[] = { "-l", "0", "-m", BASE, "--file-prefix", "ti_swallow",
		"--", "--check-hugepages", NULL };
	if (hugepages_usable()) {
		CHECK(ran(run_child(swallowed)));
	} else {
		printf("no usable hugepages: the -m/--no-huge case checks a refusal instead\n");
		int st = run_child(swallowed);
		CHECK(st >= 10 && st < 128 && strstr(child_err, "EAL: FATAL: ") != NULL);
	}
}

/* A primary holds the prefix; a second primary is refused, auto becomes secondary. */
static void second_primary(void)
{
	int up[2], hold[2];
	CHECK(pipe(up) == 0 && pipe(hold) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char ufd[16], wfd[16];
		snprintf(ufd, sizeof(ufd), "%d", up[1]);
		snprintf(wfd, sizeof(wfd), "%d", hold[0]);
		setenv("HOLD_FD", ufd, 1);
		setenv("WAIT_FD", wfd, 1);
		close(up[0]);
		close(hold[1]);
		execl(self, self, "--child", "-l", "0", BASE, "--file-prefix", "ti_two", (char *)NULL);
		_exit(127);
	}
	close(up[1]);
	close(hold[0]);
	uintptr_t tailq_addr = 0;
	CHECK_EQ(read(up[0], &tailq_addr, sizeof(tailq_addr)), sizeof(tailq_addr)); /* the first primary is up */
	CHECK(tailq_addr != 0);
	char addr_text[32];
	snprintf(addr_text, sizeof(addr_text), "%llx", (unsigned long long)tailq_addr);
	setenv("TAILQ_ADDR", addr_text, 1);

	char path[512];
	snprintf(path, sizeof(path), "%s/ti_two/config",
		getuid() == 0 ? "/var/run/dpdk" : (getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") : "/tmp"));
	if (getuid() != 0 && getenv("XDG_RUNTIME_DIR")) {
		snprintf(path, sizeof(path), "%s/dpdk/ti_two/config", getenv("XDG_RUNTIME_DIR"));
	} else if (getuid() != 0) {
		snprintf(path, sizeof(path), "/tmp/dpdk/ti_two/config");
	}
	CHECK_EQ(rte_eal_primary_proc_alive(path), 1);

	static const char *const second[] = { "-l", "0", BASE, "--file-prefix", "ti_two",
		"--proc-type", "primary", NULL };
	int st = run_child(second);
	CHECK(refused(st, EAGAIN, "Is another primary process running?"));

	/* secondaries attach to the running primary's config */
	static const char *const sec[] = { "-l", "1", BASE, "--file-prefix", "ti_two",
		"--proc-type", "secondary", "--", "--check-secondary", NULL };
	CHECK(ran(run_child(sec)));
	static const char *const autosec[] = { "-l", "1", BASE, "--file-prefix", "ti_two",
		"--proc-type", "auto", "--", "--check-secondary", NULL };
	CHECK(ran(run_child(autosec)));
	CHECK_EQ(rte_eal_primary_proc_alive(path), 1); /* a secondary's exit leaves the primary's lock */
	unsetenv("TAILQ_ADDR");

	close(up[0]);
	close(hold[1]); /* let the first one clean up and exit */
	int wst;
	waitpid(pid, &wst, 0);
	CHECK(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	CHECK_EQ(rte_eal_primary_proc_alive(path), 0);

	/* the same prefix starts again after cleanup */
	static const char *const again[] = { "-l", "0", BASE, "--file-prefix", "ti_two", NULL };
	CHECK(ran(run_child(again)));
	CHECK(ran(run_child(again)));
}

static void in_process(void)
{
	char *argv[] = { (char *)self, "-l", "0", "--no-huge", "-m", "64", "--no-pci",
		"--no-telemetry", "--file-prefix", "ti_main", "--", "app1", "-x", NULL };
	int argc = 13;

	CHECK_EQ(rte_eal_process_type(), RTE_PROC_PRIMARY);
	CHECK(strcmp(rte_eal_get_runtime_dir(), "") == 0);

	/* the lowest free descriptor goes to the config file, as in DPDK: dpdk-test's
	 * eal_flags tests take the running prefix from fd 3's path */
	int lowest = dup(0);
	close(lowest);

	int ret = rte_eal_init(argc, argv);
	CHECK_EQ(ret, 10);
	CHECK(ret >= 0 && strcmp(argv[ret], self) == 0); /* program name stored at argv[ret] */
	CHECK(ret >= 0 && strcmp(argv[ret + 1], "app1") == 0);
	CHECK(ret >= 0 && strcmp(argv[ret + 2], "-x") == 0);

	rte_errno = 0;
	CHECK_EQ(rte_eal_init(argc, argv), -1);
	CHECK_EQ(rte_errno, EALREADY);

	CHECK_EQ(rte_eal_process_type(), RTE_PROC_PRIMARY);
	CHECK_EQ(rte_eal_has_hugepages(), 0);
	CHECK_EQ(rte_eal_has_pci(), 0);
	CHECK_EQ(rte_eal_iova_mode(), RTE_IOVA_VA);

	const char *dir = rte_eal_get_runtime_dir();
	CHECK(strstr(dir, "/dpdk/ti_main") != NULL);
	struct stat st;
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	CHECK(stat(cfg, &st) == 0 && (st.st_mode & 0777) == 0600);
	char link[64], target[512] = "";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", lowest);
	/* (/proc shows the path resolved: /var/run is often a link to /run) */
	CHECK(readlink(link, target, sizeof(target) - 1) > 0 &&
	      strlen(target) >= 20 && strcmp(target + strlen(target) - 20, "/dpdk/ti_main/config") == 0);
	if (strstr(target, "/dpdk/ti_main/config") == NULL)
		printf("fd %d is %s, not the config\n", lowest, target);
	CHECK_EQ(rte_eal_primary_proc_alive(cfg), 0); /* ourselves: not "another" primary */
	CHECK_EQ(rte_eal_primary_proc_alive(NULL), 0);
	/* asking must not have dropped our lock on the config (closing any descriptor of a
	 * file releases the process's fcntl locks on it): a second primary is still refused */
	static const char *const second[] = { "-l", "0", BASE, "--file-prefix", "ti_main", NULL };
	CHECK(refused(run_child(second), EAGAIN, "Is another primary process running?"));

	/* after init the default log stream is the console (stderr), prefixed by type */
	fflush(stderr);
	int saved = dup(2);
	FILE *cap = tmpfile();
	dup2(fileno(cap), 2);
	RTE_LOG(ERR, EAL, "marker %d\n", 42);
	RTE_LOG(DEBUG, USER1, "below the default level\n");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char text[256] = "";
	rewind(cap);
	size_t n = fread(text, 1, sizeof(text) - 1, cap);
	text[n] = 0;
	fclose(cap);
	CHECK(strstr(text, "EAL: marker 42\n") != NULL);
	CHECK(strstr(text, "below the default") == NULL);

	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK(stat(cfg, &st) != 0); /* nothing left to trip a later primary */
	rte_errno = 0;
	CHECK_EQ(rte_eal_cleanup(), -1);
	CHECK_EQ(rte_errno, EALREADY);
	rte_errno = 0;
	CHECK_EQ(rte_eal_init(argc, argv), -1); /* once per process, as DPDK */
	CHECK_EQ(rte_errno, EALREADY);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		argv[1] = argv[0];
		return child_init(argc - 1, argv + 1);
	}
	bad_options();
	second_primary();
	in_process();
	return check_report();
}
