/*
 * What rte_eal_init takes, rte_eal_cleanup gives back, and so does every failed init:
 * the process's file descriptors (/proc/self/fd), mappings (/proc/self/maps), threads
 * (/proc/self/task) and its runtime directory are the same before init and afterwards.
 * Each case runs in its own process (init is once per process):
 *   - init then cleanup;
 *   - a secondary with no primary (fails attaching the config);
 *   - a primary while another process holds the prefix's config lock;
 *   - init under RLIMIT_NOFILE limits that let it open 0, 1, 2, ... descriptors, so
 *     that each step that opens one (config, pipes, timerfd, epoll) fails in turn.
 * glibc keeps freed thread stacks and per-thread malloc arenas mapped; the program
 * re-executes itself with tunables that turn both off, so what is left is ours.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "check.h"

#define TUNABLES "glibc.pthread.stack_cache_size=0:glibc.malloc.arena_max=1"

static char self[PATH_MAX];

struct snapshot {
	char fds[4096];
	char maps[65536];
	int threads;
};

/* "fd -> target" lines, the directory's own descriptor left out. */
static void list_fds(char *out, size_t cap)
{
	DIR *d = opendir("/proc/self/fd");
	size_t used = 0;
	out[0] = 0;
	if (d == NULL) {
		snprintf(out, cap, "opendir failed: %s", strerror(errno));
		return;
	}
	int own = dirfd(d);
	struct dirent *e;
	/* fd numbers come in directory order, which is ascending for procfs */
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == own)
			continue;
		char path[64], target[256];
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = 0;
		used += snprintf(out + used, cap - used, "%s -> %s\n", e->d_name, target);
		if (used >= cap)
			break;
	}
	closedir(d);
}

/* The mappings, except the brk heap and the main stack, which grow and stay grown. */
static void list_maps(char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t used = 0;
	out[0] = 0;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) && used < cap) {
		if (strstr(line, "[heap]") || strstr(line, "[stack]"))
			continue;
		used += snprintf(out + used, cap - used, "%s", line);
	}
	fclose(f);
}

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void take(struct snapshot *s)
{
	list_fds(s->fds, sizeof(s->fds));
	list_maps(s->maps, sizeof(s->maps));
	s->threads = count_threads();
}

/* Prints the lines of `a` that `b` lacks, each after `tag`. */
static void print_missing(const char *a, const char *b, const char *tag)
{
	char line[512];
	while (*a) {
		const char *end = strchr(a, '\n');
		size_t n = end ? (size_t)(end - a + 1) : strlen(a);
		snprintf(line, sizeof(line), "%.*s", (int)n, a);
		if (strstr(b, line) == NULL)
			fprintf(stderr, "%s%s", tag, line);
		a += n;
	}
}

/* Prints what differs; returns a bit set: 1 fds, 2 maps, 4 threads. */
static int compare(const struct snapshot *a, const struct snapshot *b, const char *what)
{
	int r = 0;
	if (strcmp(a->fds, b->fds) != 0) {
		fprintf(stderr, "%s: descriptors differ\n", what);
		print_missing(a->fds, b->fds, "  gone: ");
		print_missing(b->fds, a->fds, "  new:  ");
		r |= 1;
	}
	if (strcmp(a->maps, b->maps) != 0) {
		fprintf(stderr, "%s: mappings differ\n", what);
		print_missing(a->maps, b->maps, "  gone: ");
		print_missing(b->maps, a->maps, "  new:  ");
		r |= 2;
	}
	if (a->threads != b->threads) {
		fprintf(stderr, "%s: %d threads before, %d after\n", what, a->threads, b->threads);
		r |= 4;
	}
	return r;
}

static void runtime_dir(char *out, size_t cap, const char *prefix)
{
	if (getuid() == 0)
		snprintf(out, cap, "/var/run/dpdk/%s", prefix);
	else if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
		snprintf(out, cap, "%s/dpdk/%s", getenv("XDG_RUNTIME_DIR"), prefix);
	else
		snprintf(out, cap, "/tmp/dpdk/%s", prefix);
}

/* Child: init with (prefix, proc type), optionally under a descriptor limit, cleanup
 * when init worked; exit status = compare() bits, 8 when the runtime dir is left,
 * 16 when init did not do what `expect` says (0 success, 1 failure, -1 either). */
static int child(const char *prefix, const char *proc_type, int extra_fds, int expect)
{
	char *argv[] = { self, "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--file-prefix", (char *)prefix, "--proc-type", (char *)proc_type, NULL };
	struct snapshot before, after;
	struct rlimit old;
	char dir[PATH_MAX];
	struct stat st;

	runtime_dir(dir, sizeof(dir), prefix);
	int dir_existed = stat(dir, &st) == 0;
	take(&before);
	getrlimit(RLIMIT_NOFILE, &old);
	if (extra_fds >= 0) {
		int lowest = dup(0); /* the lowest free descriptor number */
		close(lowest);
		struct rlimit lim = { (rlim_t)(lowest + extra_fds), old.rlim_max };
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	int ret = rte_eal_init(12, argv);
	int err = rte_errno;
	setrlimit(RLIMIT_NOFILE, &old);
	if (ret >= 0 && rte_eal_cleanup() != 0)
		return 32;
	fprintf(stderr, "%s (%s, %d descriptors): init %d, rte_errno %d\n", prefix, proc_type,
		extra_fds, ret, ret < 0 ? err : 0);
	take(&after);
	int r = compare(&before, &after, prefix);
	if (!dir_existed && stat(dir, &st) == 0) {
		fprintf(stderr, "%s: runtime directory %s left behind\n", prefix, dir);
		r |= 8;
	}
	if ((expect == 0 && ret < 0) || (expect == 1 && ret >= 0))
		r |= 16;
	return r;
}

static pid_t start(const char *prefix, const char *proc_type, int extra_fds, int expect)
{
	pid_t pid = fork();
	if (pid == 0) {
		char n[16], e[16];
		snprintf(n, sizeof(n), "%d", extra_fds);
		snprintf(e, sizeof(e), "%d", expect);
		execl(self, self, "--child", prefix, proc_type, n, e, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int finish(pid_t pid)
{
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run(const char *prefix, const char *proc_type, int extra_fds, int expect)
{
	return finish(start(prefix, proc_type, extra_fds, expect));
}

/* Makes the prefix's runtime dir and a `size`-byte config file write-locked by this
 * process, as a primary holds it; returns the descriptor (closing it drops the lock). */
static int hold_config(const char *prefix, off_t size, char *cfg, size_t cap)
{
	char dir[PATH_MAX];
	runtime_dir(dir, sizeof(dir), prefix);
	snprintf(cfg, cap, "mkdir -p %s", dir);
	CHECK_EQ(system(cfg), 0);
	snprintf(cfg, cap, "%s/config", dir);
	int fd = open(cfg, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK(fd >= 0 && ftruncate(fd, size) == 0 && fcntl(fd, F_SETLK, &fl) == 0);
	return fd;
}

static void drop_config(int fd, const char *cfg)
{
	char dir[PATH_MAX];
	close(fd);
	unlink(cfg);
	snprintf(dir, sizeof(dir), "%s", cfg);
	*strrchr(dir, '/') = 0;
	rmdir(dir);
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n < 0 ? 0 : n] = 0;
	const char *t = getenv("GLIBC_TUNABLES");
	if (t == NULL || strcmp(t, TUNABLES) != 0) {
		setenv("GLIBC_TUNABLES", TUNABLES, 1);
		execv(self, argv);
		perror("execv");
		return 1;
	}
	if (argc == 6 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));

	char prefix[64];
	int pid = (int)getpid();

	snprintf(prefix, sizeof(prefix), "tir_ok_%d", pid);
	CHECK_EQ(run(prefix, "primary", -1, 0), 0);

	snprintf(prefix, sizeof(prefix), "tir_nosec_%d", pid);
	CHECK_EQ(run(prefix, "secondary", -1, 1), 0);

	/* another process holds the config lock, as a running primary would */
	char cfg[PATH_MAX + 16];
	snprintf(prefix, sizeof(prefix), "tir_held_%d", pid);
	int fd = hold_config(prefix, 0, cfg, sizeof(cfg));
	CHECK_EQ(run(prefix, "primary", -1, 1), 0);
	drop_config(fd, cfg);

	/* a secondary waiting on a primary that dies before sizing its config file (mapping
	 * the empty file would fault), then on one that dies before publishing it */
	for (int sized = 0; sized <= 1; sized++) {
		snprintf(prefix, sizeof(prefix), "tir_dies%d_%d", sized, pid);
		fd = hold_config(prefix, sized ? 1 << 20 : 0, cfg, sizeof(cfg));
		pid_t child = start(prefix, "secondary", -1, 1);
		usleep(300 * 1000);
		close(fd); /* the "primary" is gone */
		CHECK_EQ(finish(child), 0);
		drop_config(-1, cfg);
	}

	/* every descriptor-opening step failing in turn, then enough for all of them */
	for (int k = 0; k <= 8; k++) {
		snprintf(prefix, sizeof(prefix), "tir_fds%d_%d", k, pid);
		int st = run(prefix, "primary", k, -1);
		if (st != 0)
			fprintf(stderr, "FAIL: limit of %d more descriptors: status %d\n", k, st);
		CHECK_EQ(st, 0);
	}
	return check_report();
}
