/*
 * One primary per --file-prefix whatever happens around it, and runtime paths that stay
 * where they belong. Every EAL process here is this program re-executed ("--child"):
 *  - the runtime directory removed from outside while a primary runs: a new primary
 *    starts, the old one's cleanup leaves the new one's config, a third is refused;
 *  - --file-prefix values '../../x', 'a/b', '.', '..', '%', '' are refused with EINVAL
 *    and nothing is made outside the runtime root;
 *  - a non-root user whose /tmp/dpdk or /tmp/dpdk/<prefix> was made by another user,
 *    with a `config` symlink in it: init refuses and the link's target is untouched;
 *  - prefixes that differ only in invalid UTF-8 (p\xff, p\xfe) are two prefixes, and
 *    the program name reaches the usage text byte for byte;
 *  - a secondary started after its primary was killed with SIGKILL fails with
 *    E_RTE_NO_CONFIG, and so does one facing a config of another layout version;
 *  - two --proc-type=auto processes started together: one primary, one secondary.
 * As root the program runs in a mount namespace of its own with a private /tmp, and
 * the non-root cases run as user nobody.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "check.h"

#define NOBODY 65534
#define AUTO_ROUNDS 40

static char self[PATH_MAX];

/* What a child reports once rte_eal_init has returned. */
struct report {
	int ret;
	int err;
	int type;
};

/* ---- child ---- */

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* --child <prefix as hex> <proc-type>; env GO_FD (wait for it before init), REPORT_FD
 * (where the report goes), WAIT_FD (hold the EAL until it reaches EOF). */
static int child(const char *hex, const char *type)
{
	char prefix[256];
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n && i < sizeof(prefix) - 1; i++)
		prefix[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	prefix[n < sizeof(prefix) ? n : sizeof(prefix) - 1] = 0;
	char *argv[] = { self, "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--file-prefix", prefix, "--proc-type", (char *)type, NULL };
	char buf;
	if (getenv("GO_FD") && read(atoi(getenv("GO_FD")), &buf, 1) < 0)
		return 90;
	struct report r = { 0, 0, -1 };
	r.ret = rte_eal_init(12, argv) < 0 ? -1 : 0;
	r.err = r.ret < 0 ? rte_errno : 0;
	r.type = r.ret < 0 ? -1 : (int)rte_eal_process_type();
	if (getenv("REPORT_FD") && write(atoi(getenv("REPORT_FD")), &r, sizeof(r)) != sizeof(r))
		return 91;
	if (r.ret < 0)
		return 1;
	if (getenv("WAIT_FD"))
		while (read(atoi(getenv("WAIT_FD")), &buf, 1) > 0)
			;
	return rte_eal_cleanup() == 0 ? 0 : 2;
}

/* ---- parent ---- */

struct proc {
	pid_t pid;
	int report; /* read end */
	int release; /* write end; closing it lets a holding child clean up */
};

struct how {
	int go_fd;          /* -1, or an fd the child waits on before init */
	int hold;           /* keep the EAL until released */
	int as_nobody;      /* switch to user nobody (root only) */
	const char *xdg;    /* XDG_RUNTIME_DIR for the child; NULL: unset */
	const char *argv0;  /* the child's program name; NULL: this program's path */
};

static void to_hex(const char *s, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)s[i]);
	out[2 * len] = 0;
}

static void start_bytes(struct proc *p, const char *prefix, size_t len, const char *type,
			const struct how *how)
{
	int rep[2], rel[2];
	char hex[512];
	to_hex(prefix, len, hex);
	/* close-on-exec, so that no other child keeps this one's pipes open */
	if (pipe2(rep, O_CLOEXEC) != 0 || pipe2(rel, O_CLOEXEC) != 0)
		abort();
	fflush(NULL);
	p->pid = fork();
	if (p->pid == 0) {
		char num[16];
		close(rep[0]);
		close(rel[1]);
		fcntl(rep[1], F_SETFD, 0);
		fcntl(rel[0], F_SETFD, 0);
		if (how->go_fd >= 0)
			fcntl(how->go_fd, F_SETFD, 0);
		snprintf(num, sizeof(num), "%d", rep[1]);
		setenv("REPORT_FD", num, 1);
		if (how->hold) {
			snprintf(num, sizeof(num), "%d", rel[0]);
			setenv("WAIT_FD", num, 1);
		}
		if (how->go_fd >= 0) {
			snprintf(num, sizeof(num), "%d", how->go_fd);
			setenv("GO_FD", num, 1);
		}
		if (how->xdg)
			setenv("XDG_RUNTIME_DIR", how->xdg, 1);
		else
			unsetenv("XDG_RUNTIME_DIR");
		if (how->as_nobody && (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
			_exit(92);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(self, how->argv0 ? how->argv0 : self, "--child", hex, type, (char *)NULL);
		_exit(127);
	}
	close(rep[1]);
	close(rel[0]);
	p->report = rep[0];
	p->release = rel[1];
}

static void start(struct proc *p, const char *prefix, const char *type, const struct how *how)
{
	start_bytes(p, prefix, strlen(prefix), type, how);
}

/* The child's report (ret -2 when it died first). */
static struct report report_of(struct proc *p)
{
	struct report r = { -2, 0, -1 };
	if (read(p->report, &r, sizeof(r)) != sizeof(r))
		r.ret = -2;
	return r;
}

/* Lets the child clean up and returns its exit status. */
static int finish(struct proc *p)
{
	int st;
	close(p->release);
	close(p->report);
	waitpid(p->pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs a child to its end; its report. */
static struct report run(const char *prefix, const char *type, const struct how *how)
{
	struct proc p;
	start(&p, prefix, type, how);
	struct report r = report_of(&p);
	finish(&p);
	return r;
}

static const struct how plain = { .go_fd = -1 };
static const struct how holding = { .go_fd = -1, .hold = 1 };

static void runtime_dir(char *out, size_t cap, const char *prefix)
{
	if (getuid() == 0)
		snprintf(out, cap, "/var/run/dpdk/%s", prefix);
	else if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
		snprintf(out, cap, "%s/dpdk/%s", getenv("XDG_RUNTIME_DIR"), prefix);
	else
		snprintf(out, cap, "/tmp/dpdk/%s", prefix);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void sh(const char *fmt, const char *arg)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof(cmd), fmt, arg);
	CHECK_EQ(system(cmd), 0);
}

/* Item 1: a primary outlived by the runtime directory it made. */
static void removed_runtime_dir(int pid)
{
	char prefix[64], dir[PATH_MAX], cfg[PATH_MAX + 8];
	struct proc p1, p3;
	snprintf(prefix, sizeof(prefix), "tpg_rm_%d", pid);
	runtime_dir(dir, sizeof(dir), prefix);
	snprintf(cfg, sizeof(cfg), "%s/config", dir);

	start(&p1, prefix, "primary", &holding);
	CHECK_EQ(report_of(&p1).ret, 0);
	sh("rm -rf '%s'", dir); /* a tmpfiles cleaner, say */
	start(&p3, prefix, "primary", &holding);
	CHECK_EQ(report_of(&p3).ret, 0);
	CHECK_EQ(finish(&p1), 0);
	CHECK(exists(cfg)); /* P1's cleanup left P3's config */
	struct report r4 = run(prefix, "primary", &plain);
	CHECK_EQ(r4.ret, -1); /* P3 is the primary: P4 is refused */
	CHECK_EQ(r4.err, EAGAIN);
	struct report s = run(prefix, "secondary", &plain);
	CHECK_EQ(s.ret, 0); /* and a secondary finds P3 */
	CHECK_EQ(s.type, RTE_PROC_SECONDARY);
	CHECK_EQ(finish(&p3), 0);
	CHECK(!exists(dir));
}

/* Item 2: prefixes that would leave the runtime root. `xdg` is a root the children
 * (as a non-root user) use, so whatever escapes lands in the test's own tree. */
static void bad_prefixes(const char *top, int as_nobody)
{
	static const char *const bad[] = { "../../x", "a/b", ".", "..", "%", "a%b", "", "/abs" };
	char xdg[PATH_MAX], path[PATH_MAX + 32];
	snprintf(xdg, sizeof(xdg), "%s/xdg/run", top);
	sh("mkdir -p '%s'", xdg);
	if (as_nobody)
		sh("chown -R 65534:65534 '%s/xdg'", top);
	struct how how = { .go_fd = -1, .as_nobody = as_nobody, .xdg = xdg };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct report r = run(bad[i], "primary", &how);
		if (r.ret != -1 || r.err != EINVAL)
			fprintf(stderr, "FAIL: --file-prefix '%s': ret %d rte_errno %d\n", bad[i], r.ret, r.err);
		CHECK_EQ(r.ret, -1);
		CHECK_EQ(r.err, EINVAL);
	}
	/* nothing made where those would point */
	snprintf(path, sizeof(path), "%s/xdg/x", top);
	CHECK(!exists(path));
	snprintf(path, sizeof(path), "%s/dpdk/a", xdg);
	CHECK(!exists(path));
	snprintf(path, sizeof(path), "%s/dpdk/config", xdg);
	CHECK(!exists(path));
	snprintf(path, sizeof(path), "%s/config", xdg);
	CHECK(!exists(path));
	/* a good prefix still works there */
	struct report ok = run("tpg_fine", "primary", &how);
	CHECK_EQ(ok.ret, 0);
}

/* Writes `content` to a new file owned by nobody. */
static void victim(const char *path)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	CHECK(fd >= 0 && write(fd, "precious", 8) == 8);
	close(fd);
	CHECK_EQ(chown(path, NOBODY, NOBODY), 0);
}

static int untouched(const char *path)
{
	char buf[16] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	return n == 8 && memcmp(buf, "precious", 8) == 0;
}

/* Item 3 (root only): nobody's runtime dirs under /tmp (a private tmpfs here), made
 * first by another user with a `config` symlink to a file of nobody's. */
static void foreign_runtime_dirs(void)
{
	const struct how nobody = { .go_fd = -1, .as_nobody = 1, .xdg = NULL };
	victim("/tmp/victim");
	/* /tmp/dpdk itself is another user's */
	CHECK_EQ(mkdir("/tmp/dpdk", 0777), 0);
	CHECK_EQ(chmod("/tmp/dpdk", 0777), 0);
	CHECK_EQ(mkdir("/tmp/dpdk/tpg", 0777), 0);
	CHECK_EQ(chmod("/tmp/dpdk/tpg", 0777), 0);
	CHECK_EQ(symlink("/tmp/victim", "/tmp/dpdk/tpg/config"), 0);
	struct report r = run("tpg", "primary", &nobody);
	CHECK_EQ(r.ret, -1);
	CHECK(untouched("/tmp/victim"));
	/* /tmp/dpdk is nobody's, the prefix directory another user's */
	CHECK_EQ(chown("/tmp/dpdk", NOBODY, NOBODY), 0);
	CHECK_EQ(chmod("/tmp/dpdk", 0700), 0);
	r = run("tpg", "primary", &nobody);
	CHECK_EQ(r.ret, -1);
	CHECK(untouched("/tmp/victim"));
	/* both nobody's, but a `config` symlink planted while the directory was open */
	CHECK_EQ(lchown("/tmp/dpdk/tpg", NOBODY, NOBODY), 0);
	CHECK_EQ(chmod("/tmp/dpdk/tpg", 0700), 0);
	r = run("tpg", "primary", &nobody);
	CHECK_EQ(r.ret, -1);
	CHECK(untouched("/tmp/victim"));
	/* /tmp/dpdk a symlink to a directory of the attacker's */
	sh("rm -rf /tmp/dpdk && mkdir -m 0777 /tmp/evil && ln -s /tmp/evil /tmp/dpdk%s", "");
	r = run("tpg", "primary", &nobody);
	CHECK_EQ(r.ret, -1);
	CHECK(!exists("/tmp/evil/tpg"));
	/* and with the ground cleared, nobody's init works and makes its dirs 0700 */
	sh("rm -rf /tmp/dpdk /tmp/evil%s", "");
	r = run("tpg", "primary", &nobody);
	CHECK_EQ(r.ret, 0);
	struct stat st;
	CHECK(stat("/tmp/dpdk", &st) == 0 && st.st_uid == NOBODY && (st.st_mode & 0777) == 0700);
}

/* Item 4: prefixes and the program name keep their bytes. */
static void byte_prefixes(int pid)
{
	char a[64], b[64];
	int n = snprintf(a, sizeof(a), "tpg_%d_\xff", pid);
	snprintf(b, sizeof(b), "tpg_%d_\xfe", pid);
	struct proc pa, pb;
	start_bytes(&pa, a, n, "primary", &holding);
	CHECK_EQ(report_of(&pa).ret, 0);
	/* not the same runtime dir: no primary there for a secondary, room for a primary */
	struct report s = run(b, "secondary", &plain);
	CHECK_EQ(s.ret, -1);
	start_bytes(&pb, b, n, "primary", &holding);
	CHECK_EQ(report_of(&pb).ret, 0);
	CHECK_EQ(finish(&pb), 0);
	CHECK_EQ(finish(&pa), 0);

	/* the usage text names the program as it was called */
	int out[2];
	CHECK_EQ(pipe2(out, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t c = fork();
	if (c == 0) {
		dup2(out[1], 1);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		execl(self, "prog\xff\xfe", "--usage-child", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	char text[8192];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof(text) - 1 && (r = read(out[0], text + got, sizeof(text) - 1 - got)) > 0)
		got += (size_t)r;
	text[got] = 0;
	close(out[0]);
	waitpid(c, NULL, 0);
	CHECK(strstr(text, "Usage: prog\xff\xfe [options]") != NULL);
}

/* Item 5: a stale config (primary killed) and one of another layout version. */
static void stale_configs(int pid)
{
	char prefix[64], dir[PATH_MAX], cfg[PATH_MAX + 8];
	struct proc p;
	snprintf(prefix, sizeof(prefix), "tpg_kill_%d", pid);
	runtime_dir(dir, sizeof(dir), prefix);
	start(&p, prefix, "primary", &holding);
	CHECK_EQ(report_of(&p).ret, 0);
	kill(p.pid, SIGKILL);
	CHECK_EQ(finish(&p), 128 + SIGKILL);
	struct report s = run(prefix, "secondary", &plain);
	CHECK_EQ(s.ret, -1);
	CHECK_EQ(s.err, E_RTE_NO_CONFIG);
	/* a new primary takes the prefix over */
	struct report np = run(prefix, "primary", &plain);
	CHECK_EQ(np.ret, 0);
	sh("rm -rf '%s'", dir);

	/* a live process holds a config with the magic but another version (the first
	 * words of SwiftEAL's config: magic, version, then the primary's address) */
	snprintf(prefix, sizeof(prefix), "tpg_ver_%d", pid);
	runtime_dir(dir, sizeof(dir), prefix);
	sh("mkdir -p -m 0700 '%s'", dir);
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	int fd = open(cfg, O_CREAT | O_RDWR, 0600);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct { uint32_t magic, version; uint64_t addr; } head = { 19820526, 999, 0x100000000ull };
	CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0 && fcntl(fd, F_SETLK, &fl) == 0);
	CHECK(pwrite(fd, &head, sizeof(head), 0) == (ssize_t)sizeof(head));
	s = run(prefix, "secondary", &plain);
	CHECK_EQ(s.ret, -1);
	CHECK_EQ(s.err, E_RTE_NO_CONFIG);
	close(fd);
	sh("rm -rf '%s'", dir);
}

/* Item 6: two auto processes released at the same moment. */
static void auto_race(int pid)
{
	char prefix[64];
	int bad = 0;
	snprintf(prefix, sizeof(prefix), "tpg_auto_%d", pid);
	for (int round = 0; round < AUTO_ROUNDS; round++) {
		int go[2];
		CHECK_EQ(pipe2(go, O_CLOEXEC), 0);
		struct how how = { .go_fd = go[0], .hold = 1 };
		struct proc a, b;
		start(&a, prefix, "auto", &how);
		start(&b, prefix, "auto", &how);
		close(go[0]);
		usleep(2000);
		close(go[1]); /* both read EOF at once */
		struct report ra = report_of(&a), rb = report_of(&b);
		int sa = finish(&a), sb = finish(&b);
		int ok = ra.ret >= 0 && rb.ret >= 0 && sa == 0 && sb == 0 && ra.type + rb.type == 1;
		if (!ok) {
			fprintf(stderr, "FAIL: auto round %d: (ret %d errno %d type %d exit %d) (ret %d errno %d type %d exit %d)\n",
				round, ra.ret, ra.err, ra.type, sa, rb.ret, rb.err, rb.type, sb);
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

/* Root: a mount namespace of our own with an empty /tmp, so the non-root cases
 * cannot meet (or leave) anything in the machine's /tmp. */
static int private_tmp(void)
{
	if (getuid() != 0)
		return 0;
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		perror("private mount namespace");
		return 0;
	}
	/* a checkout under /tmp (CI clones there) stays visible: this program and the
	 * library it runs on live in it. Held open in this namespace before /tmp is
	 * covered, then bound back in place. */
	char exe[PATH_MAX], keep[PATH_MAX] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int keep_fd = -1;
	if (n > 5 && strncmp(exe, "/tmp/", 5) == 0) {
		exe[n] = 0;
		char *slash = strchr(exe + 5, '/');
		size_t len = slash ? (size_t)(slash - exe) : (size_t)n;
		memcpy(keep, exe, len);
		keep[len] = 0;
		keep_fd = open(keep, O_PATH | O_DIRECTORY);
	}
	if (mount("tpg-tmp", "/tmp", "tmpfs", 0, "mode=1777") != 0) {
		perror("private /tmp");
		return 0;
	}
	if (keep_fd >= 0) {
		char from[64];
		snprintf(from, sizeof(from), "/proc/self/fd/%d", keep_fd);
		if (mkdir(keep, 0755) != 0 || mount(from, keep, NULL, MS_BIND | MS_REC, NULL) != 0) {
			perror("keeping the checkout under the private /tmp");
			return 0;
		}
		close(keep_fd);
	}
	return 1;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n < 0 ? 0 : n] = 0;
	if (argc == 4 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "--usage-child") == 0) {
		char *args[] = { argv[0], "--no-such-option", NULL };
		return rte_eal_init(2, args) < 0 ? 0 : 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	int pid = (int)getpid();
	int isolated = private_tmp();
	char top[] = "/tmp/tpg.XXXXXX";
	CHECK(mkdtemp(top) != NULL);
	CHECK_EQ(chmod(top, 0755), 0);

	removed_runtime_dir(pid);
	bad_prefixes(top, isolated);
	if (isolated)
		foreign_runtime_dirs();
	else
		printf("not root: the other-user runtime dir cases need root (SharedConfigTests cover the checks)\n");
	byte_prefixes(pid);
	stale_configs(pid);
	auto_race(pid);

	sh("rm -rf '%s'", top);
	return check_report();
}
