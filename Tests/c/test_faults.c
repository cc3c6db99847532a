/*
 * Fault injection through the syscall layer (SWIFTEAL_FAULT, System/FaultPlan.swift):
 * for each kind of system call (mmap, ftruncate, fallocate, open, flock, epoll, memfd)
 * the walk fails call N = 1, 2, ... of that kind in a fresh child process (fork + exec
 * of this program) until a child runs to the end without the fault firing, so every
 * call site that rte_eal_init, heap growth (rte_malloc needing pages), rte_memzone_reserve,
 * the frees that shrink the heap and rte_eal_cleanup reach fails once. Each child:
 *   init, malloc (6 MB: new pages), memzone (5 MB), free (pages back), again (1 MB),
 *   alarm (the interrupt thread serves), cleanup; it reports each phase's outcome and checks itself after a failed init and
 *   after cleanup: no fd, no mapping the library made (mmap/munmap are watched below),
 *   no lock in /proc/locks, no thread, no runtime dir, no page file, no hugepage in use.
 * The parent checks the phase that met the fault failed cleanly (-1/NULL, rte_errno,
 * an EAL message for init) or coped, that every later phase worked (the heap grows
 * again after a failed growth), that the runtime dir, the page files and the pages are
 * gone after the child, and that a retry in a fresh process without the fault works.
 * Then the environment cases: hugepages exhausted (a 4 MB hugetlbfs mount), a read-only
 * runtime dir, one another user owns, no hugetlbfs mount at all, no CAP_SYS_ADMIN (no
 * physical addresses from pagemap) and another uid.
 * Hugepage cases run as root on private, size-limited hugetlbfs mounts (their own page
 * accounting, as test_memory.c). make check runs the default walk (about half a minute);
 * SWIFTEAL_FAULTS_FULL=1 (make faults) walks every kind in every memory mode, a
 * secondary process too, and retries after every case.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "check.h"

/* ------------------------------------------------------------------------------------
 * The mappings the library makes: this program defines mmap and munmap, so the
 * library's calls (through the PLT) land here while glibc's own (thread stacks, malloc
 * arenas) do not. A set of [lo, hi) ranges; what is left after cleanup leaked.
 */
#define MAX_RANGES 8192
static struct range { uintptr_t lo, hi; } ranges[MAX_RANGES];
static int nranges, ranges_overflow;
static pthread_mutex_t ranges_lock = PTHREAD_MUTEX_INITIALIZER;

static void ranges_remove(uintptr_t lo, uintptr_t hi)
{
	for (int i = 0; i < nranges; i++) {
		struct range r = ranges[i];
		if (r.hi <= lo || r.lo >= hi)
			continue;
		if (r.lo < lo && r.hi > hi) { /* split in two */
			if (nranges == MAX_RANGES) {
				ranges_overflow = 1;
				return;
			}
			ranges[i].hi = lo;
			ranges[nranges++] = (struct range){ hi, r.hi };
		} else if (r.lo < lo) {
			ranges[i].hi = lo;
		} else if (r.hi > hi) {
			ranges[i].lo = hi;
		} else {
			ranges[i--] = ranges[--nranges];
		}
	}
}

static void ranges_add(uintptr_t lo, uintptr_t hi)
{
	ranges_remove(lo, hi);
	if (nranges == MAX_RANGES)
		ranges_overflow = 1;
	else
		ranges[nranges++] = (struct range){ lo, hi };
}

static size_t page_round(size_t len)
{
	return (len + 4095) & ~(size_t)4095;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		pthread_mutex_lock(&ranges_lock);
		ranges_add((uintptr_t)p, (uintptr_t)p + page_round(len));
		pthread_mutex_unlock(&ranges_lock);
	}
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	int r = (int)syscall(SYS_munmap, addr, len);
	if (r == 0) {
		pthread_mutex_lock(&ranges_lock);
		ranges_remove((uintptr_t)addr, (uintptr_t)addr + page_round(len));
		pthread_mutex_unlock(&ranges_lock);
	}
	return r;
}

static size_t mapped_bytes(void)
{
	size_t total = 0;
	pthread_mutex_lock(&ranges_lock);
	for (int i = 0; i < nranges; i++)
		total += ranges[i].hi - ranges[i].lo;
	pthread_mutex_unlock(&ranges_lock);
	return total;
}

/* ------------------------------------------------------------------------------------
 * What a process holds, and what is on disk.
 */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return d ? n - (strcmp(dir, "/proc/self/fd") == 0) : -1; /* opendir's own fd */
}

/* DPDK's telemetry library, which rte_eal_init starts, cannot be stopped (DPDK's can't
 * either): its thread and its listening socket stay after rte_eal_cleanup by design
 * (its socket file goes). What this process holds is counted without them. */
static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL) {
		char path[300], comm[32] = "";
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) && strncmp(comm, "telemetry-v", 11) == 0) {
			fclose(f);
			continue;
		}
		if (f)
			fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), listening = 0;
		socklen_t len = sizeof(listening);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening)
			continue; /* telemetry's: no socket of the EAL's listens */
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* Locks this process holds (fcntl and flock), from /proc/locks. */
static int count_locks(void)
{
	FILE *f = fopen("/proc/locks", "r");
	char line[256];
	int n = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char kind[16], adv[16], mode[16];
		int pid;
		if (strstr(line, "->") == NULL && sscanf(line, "%*d: %15s %15s %15s %d", kind, adv, mode, &pid) == 4 &&
		    pid == getpid())
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

/* Files `<prefix>map_*` in a hugetlbfs directory. */
static int count_page_files(const char *dir, const char *prefix)
{
	char stem[128];
	snprintf(stem, sizeof(stem), "%smap_", prefix);
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, stem, strlen(stem)) == 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

/* Hugepages held by the files of a (private) hugetlbfs mount. */
static long mount_used(const char *dir)
{
	struct statfs s;
	if (dir == NULL || statfs(dir, &s) != 0)
		return 0;
	return (long)(s.f_blocks - s.f_bfree);
}

static long free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The runtime directory of `prefix` for this user, as DPDK names it. */
static void runtime_dir(char *out, size_t len, const char *prefix)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() == 0)
		snprintf(out, len, "/var/run/dpdk/%s", prefix);
	else if (xdg && *xdg)
		snprintf(out, len, "%s/dpdk/%s", xdg, prefix);
	else
		snprintf(out, len, "/tmp/dpdk/%s", prefix);
}

/* ------------------------------------------------------------------------------------
 * Child: one run of the phases. argv: self --child PREFIX HUGEDIR|- EAL-ARGS...
 */
static struct {
	int fds, threads, locks;
	size_t mapped;
	const char *prefix, *hugedir;
	int secondary;       /* the runtime dir, page files and pages are the primary's */
} base;

static void phase(const char *name)
{
	printf("phase: %s\n", name);
}

static void result(const char *name, int ok, int err)
{
	if (ok)
		printf("result: %s ok\n", name);
	else
		printf("result: %s failed %d (%s)\n", name, err, strerror(err));
}

/* Nothing of the EAL left in this process or on disk. */
static void check_clean(const char *when)
{
	char dir[512];
	struct stat st;
	runtime_dir(dir, sizeof(dir), base.prefix);
	int fds = count_fds(), threads = count_threads(), locks = count_locks();
	size_t mapped = mapped_bytes();
	int files = base.hugedir ? count_page_files(base.hugedir, base.prefix) : 0;
	long used = mount_used(base.hugedir);
	int rundir = stat(dir, &st) == 0;
	printf("clean %s: fds %+d, threads %+d, locks %d, mapped %+zd bytes, page files %d, pages in use %ld, runtime dir %s\n",
	       when, fds - base.fds, threads - base.threads, locks, (ssize_t)(mapped - base.mapped), files, used,
	       rundir ? "left" : "gone");
	CHECK_EQ(fds, base.fds);
	CHECK_EQ(threads, base.threads);
	CHECK_EQ(locks, base.locks);
	CHECK_EQ(mapped, base.mapped);
	CHECK(!ranges_overflow);
	if (base.secondary)
		return;
	CHECK_EQ(files, 0);
	CHECK_EQ(used, 0);
	CHECK(!rundir);
}

static int alarm_fired;

static void alarm_cb(void *arg)
{
	(void)arg;
	__atomic_store_n(&alarm_fired, 1, __ATOMIC_RELEASE);
}

static int child(int argc, char **argv)
{
	base.prefix = argv[2];
	base.hugedir = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	char **eal = argv + 3;
	eal[0] = argv[0];
	int eal_argc = argc - 3;
	setvbuf(stdout, NULL, _IONBF, 0);
	base.fds = count_fds();
	base.threads = count_threads();
	base.locks = count_locks();
	base.mapped = mapped_bytes();
	for (int i = 1; i < eal_argc; i++)
		base.secondary |= strcmp(eal[i], "--proc-type=secondary") == 0;

	phase("init");
	int rc = rte_eal_init(eal_argc, eal);
	if (rc < 0) {
		int e = rte_errno;
		result("init", 0, e);
		CHECK_EQ(rc, -1);
		CHECK(e != 0);
		check_clean("after failed init");
		return check_report();
	}
	result("init", 1, 0);
	printf("iova: %s, physical addresses: %d\n", rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "VA",
	       rte_eal_using_phys_addrs());
	long used0 = mount_used(base.hugedir);

	/* --legacy-mem in PA mode: memory is runs of physically contiguous pages, maybe
	 * single ones, and never grows; the sizes fit in one page */
	int legacy = 0;
	for (int i = 1; i < eal_argc; i++)
		legacy |= strcmp(eal[i], "--legacy-mem") == 0;

	/* rte_malloc's failure is NULL alone: DPDK's leaves rte_errno as it was */
	phase("malloc");
	size_t len = legacy ? 1 << 20 : 6 << 20;
	rte_errno = 0;
	char *p = rte_malloc("tfault", len, 0);
	if (p) {
		memset(p, 0x5a, len);
		CHECK_EQ(rte_malloc_validate(p, NULL), 0);
	} else {
		CHECK(rte_errno == 0 || rte_errno == ENOMEM);
		CHECK_EQ(mount_used(base.hugedir), used0); /* a failed growth keeps no page */
	}
	result("malloc", p != NULL, ENOMEM);

	phase("memzone");
	const struct rte_memzone *mz = rte_memzone_reserve("tfault_zone", legacy ? 1 << 20 : 5 << 20, SOCKET_ID_ANY, 0);
	int mz_err = rte_errno;
	if (mz) {
		memset(mz->addr, 0xa5, mz->len);
		CHECK(rte_memzone_lookup("tfault_zone") == mz);
	} else {
		CHECK_EQ(mz_err, ENOMEM);
		CHECK(rte_memzone_lookup("tfault_zone") == NULL);
	}
	result("memzone", mz != NULL, mz_err);

	phase("free");
	if (mz)
		CHECK_EQ(rte_memzone_free(mz), 0);
	rte_free(p);
	CHECK_EQ(mount_used(base.hugedir), used0); /* the heap gave its pages back */
	result("free", 1, 0);

	phase("again");
	void *q = rte_malloc(NULL, 1 << 20, 0);
	if (q)
		memset(q, 1, 1 << 20);
	result("again", q != NULL, ENOMEM);
	rte_free(q);

	/* the interrupt thread serves: an alarm fires */
	phase("alarm");
	rc = rte_eal_alarm_set(1000, alarm_cb, NULL);
	for (int i = 0; i < 2000 && rc == 0 && !__atomic_load_n(&alarm_fired, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	CHECK_EQ(rc, 0);
	CHECK(alarm_fired);
	result("alarm", rc == 0 && alarm_fired, rc < 0 ? -rc : ETIMEDOUT);

	phase("cleanup");
	rc = rte_eal_cleanup();
	CHECK_EQ(rc, 0);
	result("cleanup", rc == 0, rte_errno);
	check_clean("after cleanup");
	return check_report();
}

/* ------------------------------------------------------------------------------------
 * Parent: running children and reading what they say.
 */
static const char *self;
static int full;

enum {
	AS_NOBODY = 1,       /* setgid/setuid 65534 */
	NO_SYS_ADMIN = 2,    /* CAP_SYS_ADMIN out of the bounding set: pagemap shows no frames */
	RO_RUNDIR = 4,       /* a read-only tmpfs on /var/run/dpdk */
	NO_HUGETLBFS = 8,    /* every hugetlbfs mount gone */
};

#define PHASES 7
static const char *const phase_names[PHASES] = { "init", "malloc", "memzone", "free", "again", "alarm", "cleanup" };

struct outcome {
	int status;          /* exit code, or 128 + signal; 255 when timed out */
	int passed, failed;  /* the child's own checks */
	int fired;           /* the fault was injected */
	int fault_phase;     /* in which phase (index), -1 when it did not fire */
	char site[160];      /* the call site the report named */
	int ran[PHASES];     /* 1 ok, -1 failed, 0 not reached */
	int err[PHASES];
	int eal_message;     /* an "EAL: " line after the fault */
	char *out;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int phase_index(const char *name)
{
	for (int i = 0; i < PHASES; i++)
		if (strncmp(name, phase_names[i], strlen(phase_names[i])) == 0 &&
		    (name[strlen(phase_names[i])] == '\n' || name[strlen(phase_names[i])] == ' ' ||
		     name[strlen(phase_names[i])] == 0))
			return i;
	return -1;
}

static void parse(struct outcome *o, const char *kind)
{
	char want[64];
	snprintf(want, sizeof(want), "SWIFTEAL_FAULT: %s call ", kind ? kind : "");
	int cur = -1;
	o->fault_phase = -1;
	for (char *line = o->out; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next = 0;
		int i, e;
		char name[32];
		if (strncmp(line, "phase: ", 7) == 0) {
			cur = phase_index(line + 7);
		} else if (sscanf(line, "result: %31s failed %d", name, &e) == 2 && (i = phase_index(name)) >= 0) {
			o->ran[i] = -1;
			o->err[i] = e;
		} else if (sscanf(line, "result: %31s ok", name) == 1 && (i = phase_index(name)) >= 0) {
			o->ran[i] = 1;
		} else if (kind && strncmp(line, want, strlen(want)) == 0 && strstr(line, " fails: ")) {
			o->fired = 1;
			o->fault_phase = cur;
			const char *at = strstr(line, " at ");
			const char *end = strstr(line, " fails: ");
			if (at && end > at)
				snprintf(o->site, sizeof(o->site), "%.*s", (int)(end - at - 4), at + 4);
		} else if (o->fired && strncmp(line, "EAL: ", 5) == 0) {
			o->eal_message = 1;
		} else {
			int p, f;
			if (sscanf(line, "%d passed, %d failed", &p, &f) == 2) {
				o->passed = p;
				o->failed = f;
			}
		}
		if (next)
			*next = '\n';
		line = next ? next + 1 : NULL;
	}
}

/* Drops CAP_SYS_ADMIN from the bounding set (before exec: root's new capabilities are
 * the bounding set). */
static void drop_sys_admin(void)
{
	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) != 0)
		_exit(120);
}

/* A read-only, empty tmpfs on the runtime root. */
static void read_only_rundir(void)
{
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		_exit(121);
	mkdir("/var/run/dpdk", 0700);
	if (mount("tfault", "/var/run/dpdk", "tmpfs", MS_RDONLY, "mode=0700") != 0)
		_exit(122);
}

/* Unmounts every hugetlbfs mount in a namespace of the child's own. */
static void no_hugetlbfs(void)
{
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		_exit(123);
	for (int round = 0; round < 8; round++) {
		FILE *f = fopen("/proc/self/mounts", "r");
		char dev[256], dir[512], type[64];
		int left = 0;
		while (f && fscanf(f, "%255s %511s %63s %*[^\n]", dev, dir, type) == 3)
			if (strcmp(type, "hugetlbfs") == 0) {
				left++;
				umount2(dir, MNT_DETACH);
			}
		if (f)
			fclose(f);
		if (!left)
			return;
	}
	_exit(124);
}

/* Runs `self --child prefix hugedir eal...` with SWIFTEAL_FAULT=fault (NULL: none). */
static void run_child(struct outcome *o, const char *fault, const char *kind, int env, const char *prefix,
		      const char *hugedir, const char *const *eal, double timeout)
{
	memset(o, 0, sizeof(*o));
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		o->status = 254;
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (fault)
			setenv("SWIFTEAL_FAULT", fault, 1); /* this program's parent side has no threads */
		const char *argv[64] = { self, "--child", prefix, hugedir ? hugedir : "-" };
		int n = 4;
		for (int i = 0; eal[i] && n < 63; i++)
			argv[n++] = eal[i];
		argv[n] = NULL;
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		if (env & NO_SYS_ADMIN)
			drop_sys_admin();
		if (env & RO_RUNDIR)
			read_only_rundir();
		if (env & NO_HUGETLBFS)
			no_hugetlbfs();
		if (env & AS_NOBODY) {
			if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
				_exit(125);
		}
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	size_t cap = 1 << 16, len = 0;
	o->out = malloc(cap);
	double end = now() + timeout;
	int timed_out = 0;
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int left = (int)((end - now()) * 1000);
		if (left <= 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue;
		if (len + 4096 > cap)
			o->out = realloc(o->out, cap *= 2);
		ssize_t r = read(pfd[0], o->out + len, cap - len - 1);
		if (r <= 0)
			break;
		len += r;
	}
	o->out[len] = 0;
	close(pfd[0]);
	int st;
	waitpid(pid, &st, 0);
	o->status = timed_out ? 255 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	parse(o, kind);
}

static void show(const struct outcome *o, const char *label)
{
	printf("---- %s (exit %d) ----\n%s----\n", label, o->status, o->out);
}

static char hugedir[64], tinydir[64];

/* Files of this test (prefix tf_) on every hugetlbfs mount it can see. */
static int files_of_ours(void)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char dev[256], dir[512], type[64];
	int n = 0;
	while (f && fscanf(f, "%255s %511s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "hugetlbfs") != 0)
			continue;
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL)
			n += strncmp(e->d_name, "tf_", 3) == 0;
		if (d)
			closedir(d);
	}
	if (f)
		fclose(f);
	return n;
}

/* free_hugepages back at `before` (-1: not asked), once no child of this test runs. The
 * pool is the machine's and others take pages from it meanwhile: what stays missing must
 * not be this test's, that is no file of its on any hugetlbfs mount (its children's
 * memfd pages went with them) and no page in use on its own mounts. */
static int pool_back(long before)
{
	for (int i = 0; before >= 0 && free_hugepages() < before && i < 40; i++)
		usleep(50000);
	long now_free = free_hugepages();
	if (before < 0 || now_free >= before)
		return 1;
	int files = files_of_ours();
	long used = (hugedir[0] ? mount_used(hugedir) : 0) + (tinydir[0] ? mount_used(tinydir) : 0);
	printf("free_hugepages %ld, was %ld: %s (%d files of this test on hugetlbfs mounts, %ld pages on its own)\n",
	       now_free, before, files || used ? "left behind" : "other processes' pages", files, used);
	return files == 0 && used == 0;
}

/* What a child left: the runtime dir, page files, pages; free_hugepages back. */
static int left_behind(const char *prefix, const char *hugedir, long free_before, int as_nobody)
{
	char dir[512];
	struct stat st;
	int bad = 0;
	if (as_nobody)
		snprintf(dir, sizeof(dir), "%s/dpdk/%s", getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") : "/tmp", prefix);
	else
		runtime_dir(dir, sizeof(dir), prefix);
	if (stat(dir, &st) == 0) {
		printf("left behind: %s\n", dir);
		bad++;
	}
	if (hugedir && count_page_files(hugedir, prefix) != 0) {
		printf("left behind: %d page files in %s\n", count_page_files(hugedir, prefix), hugedir);
		bad++;
	}
	if (hugedir && mount_used(hugedir) != 0) {
		printf("left behind: %ld hugepages in use on %s\n", mount_used(hugedir), hugedir);
		bad++;
	}
	return bad + !pool_back(free_before);
}

/* ------------------------------------------------------------------------------------
 * The walk.
 */
struct scenario {
	const char *name;
	const char *prefix;
	int huge;                      /* uses the private hugetlbfs mount */
	const char *const *eal;
	const char *kinds[8];
	int secondary;                 /* a secondary: the runtime dir holds `entries` */
	int entries;
};

static int have_huge;
#define MAX_SITES 96
static struct {
	char scenario[16], kind[16];
	int traced, calls;
	char sites[MAX_SITES][160];
	int nsites;
} table[64];
static int ntable;

static void note_site(int t, const char *site)
{
	for (int i = 0; i < table[t].nsites; i++)
		if (strcmp(table[t].sites[i], site) == 0)
			return;
	if (table[t].nsites < MAX_SITES)
		snprintf(table[t].sites[table[t].nsites++], 160, "%s", site);
}

/* A retry without faults in a fresh process: every phase works. */
static void retry(const struct scenario *s, const char *label)
{
	struct outcome r;
	run_child(&r, NULL, NULL, 0, s->prefix, s->huge ? hugedir : NULL, s->eal, 20);
	int ok = r.status == 0 && r.failed == 0 && r.passed > 0;
	for (int i = 0; i < PHASES; i++)
		ok = ok && r.ran[i] == 1;
	CHECK(ok);
	if (!ok) {
		printf("FAIL retry after %s\n", label);
		show(&r, "retry");
	}
	free(r.out);
}

/* One faulted run: SWIFTEAL_FAULT=kind:n. Returns whether the fault fired. */
static int run_case(const struct scenario *s, const char *kind, int n, int t)
{
	char fault[64], label[128];
	snprintf(fault, sizeof(fault), "%s:%d", kind, n);
	snprintf(label, sizeof(label), "%s %s", s->name, fault);
	struct outcome o;
	run_child(&o, fault, kind, 0, s->prefix, s->huge ? hugedir : NULL, s->eal, 20);
	int ok = o.status == 0 && o.failed == 0 && o.passed > 0;
	if (!ok)
		printf("FAIL %s: exit %d, child checks %d passed %d failed\n", label, o.status, o.passed, o.failed);
	/* the phase that met the fault failed cleanly or coped; every other one worked
	 * (a failed init ends the run: nothing after it runs) */
	int init_failed = o.fired && o.fault_phase == 0 && o.ran[0] == -1;
	for (int i = init_failed ? 1 : 0; i < PHASES; i++) {
		if (o.ran[i] == 1 || (init_failed && o.ran[i] == 0) || (o.fired && i == o.fault_phase && o.ran[i] == -1))
			continue;
		printf("FAIL %s: phase %s %s (the fault was in %s)\n", label, phase_names[i],
		       o.ran[i] ? "failed" : "not reached",
		       !o.fired ? "no phase: it did not fire" : o.fault_phase >= 0 ? phase_names[o.fault_phase] : "a constructor");
		ok = 0;
	}
	if (o.fired && o.fault_phase >= 0 && o.ran[o.fault_phase] == -1) {
		if (o.err[o.fault_phase] == 0) {
			printf("FAIL %s: %s failed without rte_errno\n", label, phase_names[o.fault_phase]);
			ok = 0;
		}
		if (o.fault_phase == 0 && !o.eal_message) {
			printf("FAIL %s: init failed without an EAL message\n", label);
			ok = 0;
		}
	}
	if (s->secondary) {
		char dir[512];
		runtime_dir(dir, sizeof(dir), s->prefix);
		if (count_entries(dir) != s->entries) {
			printf("left behind: %d files in %s, were %d\n", count_entries(dir), dir, s->entries);
			ok = 0;
		}
	} else if (left_behind(s->prefix, s->huge ? hugedir : NULL, -1, 0)) {
		ok = 0;
	}
	CHECK(ok);
	if (!ok)
		show(&o, label);
	if (o.fired) {
		note_site(t, o.site);
		table[t].calls++;
		printf("%-7s %-13s %-8s %-7s %s\n", s->name, fault, o.fault_phase >= 0 ? phase_names[o.fault_phase] : "ctor",
		       o.fault_phase >= 0 && o.ran[o.fault_phase] == -1 ? "failed" : "coped", o.site);
		/* a retry, where a leftover would show: after every case in the full walk,
		 * after failed inits otherwise */
		if (full || init_failed)
			retry(s, label);
	}
	free(o.out);
	return o.fired;
}

/* The calls of `kind` a trace run made: their numbers, sites and phases. */
struct call { int n, phase; char site[160]; };

static int traced_calls(const char *out, const char *kind, struct call *calls, int max)
{
	char want[64];
	snprintf(want, sizeof(want), "SWIFTEAL_FAULT: %s call ", kind);
	int count = 0, cur = -1;
	for (const char *line = out; line && *line;) {
		const char *next = strchr(line, '\n');
		int n;
		char site[160];
		if (strncmp(line, "phase: ", 7) == 0)
			cur = phase_index(line + 7);
		else if (strncmp(line, want, strlen(want)) == 0 && count < max &&
			 sscanf(line + strlen(want), "%d at %159s", &n, site) == 2) {
			calls[count].n = n;
			calls[count].phase = cur;
			snprintf(calls[count].site, sizeof(calls[count].site), "%s", site);
			count++;
		}
		line = next ? next + 1 : NULL;
	}
	return count;
}

/* Each kind of the scenario: a trace run says which calls it makes where; the full walk
 * then fails each of them in turn (N = 1, 2, ... until one does not fire), the quick one
 * the first call of each site in each phase (every site, each context it is reached in). */
static void walk(const struct scenario *s, const char *const *kinds, const char *only)
{
	struct outcome tr;
	run_child(&tr, "trace", NULL, 0, s->prefix, s->huge ? hugedir : NULL, s->eal, 20);
	int ok = tr.status == 0 && tr.failed == 0 && tr.passed > 0;
	for (int i = 0; i < PHASES; i++)
		ok = ok && tr.ran[i] == 1;
	CHECK(ok);
	if (!ok)
		show(&tr, "trace run");
	static struct call calls[4096];
	for (int k = 0; kinds[k]; k++) {
		const char *kind = kinds[k];
		if (only) {
			char key[64];
			snprintf(key, sizeof(key), "%s:%s", s->name, kind);
			if (strcmp(only, s->name) != 0 && strcmp(only, key) != 0)
				continue;
		}
		int t = ntable++;
		snprintf(table[t].scenario, sizeof(table[t].scenario), "%s", s->name);
		snprintf(table[t].kind, sizeof(table[t].kind), "%s", kind);
		int total = traced_calls(tr.out, kind, calls, 4096);
		table[t].traced = total;
		if (full) {
			for (int n = 1; n < 100000; n++)
				if (!run_case(s, kind, n, t) && n > total)
					break;
			continue;
		}
		for (int i = 0; i < total; i++) {
			int first = 1;
			for (int j = 0; j < i && first; j++)
				first = !(calls[j].phase == calls[i].phase && strcmp(calls[j].site, calls[i].site) == 0);
			if (first)
				run_case(s, kind, calls[i].n, t);
		}
	}
	free(tr.out);
}

/* A primary holding `prefix` for secondaries: its pid, its stdin (closing it ends it). */
static pid_t start_primary(const char *const *eal, int *go)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[64] = { self, "--primary" };
		int n = 2;
		for (int i = 0; eal[i] && n < 63; i++)
			argv[n++] = eal[i];
		argv[n] = NULL;
		dup2(in[0], 0);
		dup2(out[1], 1);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	char buf[64] = "";
	struct pollfd p = { .fd = out[0], .events = POLLIN };
	ssize_t r = poll(&p, 1, 20000) == 1 ? read(out[0], buf, sizeof(buf) - 1) : -1;
	close(out[0]);
	*go = in[1];
	if (r <= 0 || strncmp(buf, "ready", 5) != 0) {
		printf("FAIL the primary for the secondary walk did not start: %s\n", buf);
		close(in[1]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static int stop_primary(pid_t pid, int go)
{
	int st;
	close(go);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A secondary's faults: its init attaches the primary's config, memseg lists, pages and
 * memzone table; it allocates from the primary's heap (-m 32: no growth in a secondary).
 * The secondary must leave the primary and its files as they were. */
static void walk_secondary(const char *const *kinds, const char *only)
{
	const char *prim[] = { "-l", "0", "--no-pci", "--huge-dir", hugedir, "-m", "32", "--file-prefix", "tf_sec", NULL };
	const char *sec[] = { "-l", "1", "--no-pci", "--proc-type=secondary", "--file-prefix", "tf_sec", NULL };
	long before = free_hugepages();
	int go;
	pid_t pid = start_primary(prim, &go);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	char dir[512];
	runtime_dir(dir, sizeof(dir), "tf_sec");
	int entries = count_entries(dir);
	struct scenario s = { "second", "tf_sec", 0, sec, { NULL }, 1, entries };
	walk(&s, kinds, only);
	CHECK_EQ(count_entries(dir), entries); /* no socket or file of a secondary left */
	CHECK(kill(pid, 0) == 0);
	CHECK_EQ(stop_primary(pid, go), 0);
	CHECK_EQ(left_behind("tf_sec", hugedir, before, 0), 0);
}

/* ------------------------------------------------------------------------------------
 * The environment cases.
 */
static void expect(const char *label, const struct outcome *o, int init_ok, int init_err, const char *message)
{
	int ok = o->status == 0 && o->failed == 0 && o->passed > 0;
	if (init_ok) {
		for (int i = 0; i < PHASES; i++)
			ok = ok && o->ran[i] == 1;
	} else {
		ok = ok && o->ran[0] == -1 && (init_err == 0 || o->err[0] == init_err);
	}
	if (message && !strstr(o->out, message)) {
		printf("FAIL %s: no \"%s\" in its output\n", label, message);
		ok = 0;
	}
	printf("%-36s init %s%s%s\n", label, o->ran[0] == 1 ? "ok" : "failed",
	       o->ran[0] == -1 ? ", rte_errno " : "", o->ran[0] == -1 ? strerror(o->err[0]) : "");
	CHECK(ok);
	if (!ok)
		show(o, label);
}

static void environment_cases(void)
{
	struct outcome o;
	long before = free_hugepages();

	/* hugepages exhausted: a 4 MB mount (two pages) */
	const char *too_much[] = { "-l", "0", "--no-pci", "--huge-dir", tinydir, "-m", "8", "--file-prefix", "tf_tiny", NULL };
	run_child(&o, NULL, NULL, 0, "tf_tiny", tinydir, too_much, 60);
	expect("exhausted: -m 8 on 4 MB", &o, 0, ENOMEM, "EAL: ");
	CHECK_EQ(left_behind("tf_tiny", tinydir, before, 0), 0);
	free(o.out);
	const char *grow[] = { "-l", "0", "--no-pci", "--huge-dir", tinydir, "--file-prefix", "tf_tiny", NULL };
	run_child(&o, NULL, NULL, 0, "tf_tiny", tinydir, grow, 60);
	int ok = o.status == 0 && o.failed == 0 && o.ran[0] == 1 && o.ran[1] == -1 && o.err[1] == ENOMEM &&
		 o.ran[2] == -1 && o.err[2] == ENOMEM && o.ran[3] == 1 && o.ran[4] == 1 && o.ran[5] == 1 && o.ran[6] == 1;
	printf("%-36s malloc %s, memzone %s, again %s\n", "exhausted: growth on 4 MB", o.ran[1] == 1 ? "ok" : "failed",
	       o.ran[2] == 1 ? "ok" : "failed", o.ran[4] == 1 ? "ok" : "failed");
	CHECK(ok);
	if (!ok)
		show(&o, "exhausted growth");
	CHECK_EQ(left_behind("tf_tiny", tinydir, before, 0), 0);
	free(o.out);

	/* a read-only runtime directory */
	const char *nohuge[] = { "-l", "0", "--no-pci", "--no-huge", "-m", "16", "--file-prefix", "tf_ro", NULL };
	run_child(&o, NULL, NULL, RO_RUNDIR, "tf_ro", NULL, nohuge, 60);
	expect("read-only runtime dir", &o, 0, EINVAL, "Cannot create runtime directory");
	free(o.out);
	/* nothing to share: DPDK goes on without one */
	const char *noshconf[] = { "-l", "0", "--no-pci", "--no-huge", "-m", "16", "--no-shconf", "--file-prefix", "tf_ro", NULL };
	run_child(&o, NULL, NULL, RO_RUNDIR, "tf_ro", NULL, noshconf, 60);
	expect("read-only runtime dir, --no-shconf", &o, 1, 0, "No DPDK runtime directory created");
	free(o.out);

	/* no hugetlbfs mounted anywhere, hugepages asked for */
	const char *huge[] = { "-l", "0", "--no-pci", "--file-prefix", "tf_nomount", NULL };
	run_child(&o, NULL, NULL, NO_HUGETLBFS, "tf_nomount", NULL, huge, 60);
	expect("no hugetlbfs mount", &o, 0, EACCES, "hugetlbfs");
	CHECK_EQ(left_behind("tf_nomount", NULL, before, 0), 0);
	free(o.out);
	/* the same prefix works once hugetlbfs is there again */
	const char *huge_ok[] = { "-l", "0", "--no-pci", "--huge-dir", hugedir, "--file-prefix", "tf_nomount", NULL };
	run_child(&o, NULL, NULL, 0, "tf_nomount", hugedir, huge_ok, 60);
	expect("  retry with a mount", &o, 1, 0, NULL);
	free(o.out);

	/* no CAP_SYS_ADMIN: pagemap shows no frames, so IOVA as VA */
	const char *cap[] = { "-l", "0", "--no-pci", "--huge-dir", hugedir, "--file-prefix", "tf_cap", NULL };
	run_child(&o, NULL, NULL, NO_SYS_ADMIN, "tf_cap", hugedir, cap, 60);
	expect("no CAP_SYS_ADMIN", &o, 1, 0, "iova: VA, physical addresses: 0");
	CHECK_EQ(left_behind("tf_cap", hugedir, before, 0), 0);
	free(o.out);

	/* another user: its own runtime dir, no pagemap; and one it cannot write to */
	char xdg[64], ro_xdg[64];
	snprintf(xdg, sizeof(xdg), "/tmp/tfault-xdg.%d", (int)getpid());
	snprintf(ro_xdg, sizeof(ro_xdg), "/tmp/tfault-roxdg.%d", (int)getpid());
	mkdir(xdg, 0700);
	mkdir(ro_xdg, 0755);
	CHECK_EQ(chown(xdg, 65534, 65534), 0);
	char *old_xdg = getenv("XDG_RUNTIME_DIR") ? strdup(getenv("XDG_RUNTIME_DIR")) : NULL;
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	const char *user[] = { "-l", "0", "--no-pci", "--huge-dir", hugedir, "--file-prefix", "tf_user", NULL };
	CHECK_EQ(chmod(hugedir, 0777), 0);
	run_child(&o, NULL, NULL, AS_NOBODY, "tf_user", hugedir, user, 60);
	expect("uid 65534", &o, 1, 0, "iova: VA, physical addresses: 0");
	CHECK_EQ(left_behind("tf_user", hugedir, before, 1), 0);
	free(o.out);
	setenv("XDG_RUNTIME_DIR", ro_xdg, 1);
	run_child(&o, NULL, NULL, AS_NOBODY, "tf_user", NULL, nohuge, 60);
	expect("uid 65534, runtime root not its own", &o, 0, EINVAL, "Cannot create runtime directory");
	free(o.out);
	if (old_xdg) {
		setenv("XDG_RUNTIME_DIR", old_xdg, 1);
		free(old_xdg);
	} else {
		unsetenv("XDG_RUNTIME_DIR");
	}
	chmod(hugedir, 0755);
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/dpdk", xdg);
	rmdir(sub);
	CHECK_EQ(rmdir(xdg), 0); /* the user's runtime dirs went with its cleanup */
	rmdir(ro_xdg);
}

/* Private hugetlbfs instances: 64 MB for the walks, 4 MB for exhaustion. min_size holds
 * their pages for this test from the mount on: other processes that empty the machine's
 * pool meanwhile (DPDK's own memory autotests do) cannot make a growth fail here. */
static int setup_hugedirs(void)
{
	if (geteuid() != 0) {
		printf("SKIP hugepage cases: not root (no hugetlbfs mount)\n");
		return 0;
	}
	if (free_hugepages() < 40) {
		printf("SKIP hugepage cases: fewer than 40 free 2 MB hugepages (scripts/hugepages.sh reserves them)\n");
		return 0;
	}
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("SKIP hugepage cases: no private mount namespace (%s)\n", strerror(errno));
		return 0;
	}
	snprintf(hugedir, sizeof(hugedir), "/tmp/tfault-huge.%d", (int)getpid());
	snprintf(tinydir, sizeof(tinydir), "/tmp/tfault-tiny.%d", (int)getpid());
	mkdir(hugedir, 0700);
	mkdir(tinydir, 0700);
	if (mount("nodev", hugedir, "hugetlbfs", 0, "pagesize=2M,size=64M,min_size=64M") != 0 ||
	    mount("nodev", tinydir, "hugetlbfs", 0, "pagesize=2M,size=4M,min_size=4M") != 0) {
		printf("SKIP hugepage cases: cannot mount hugetlbfs (%s)\n", strerror(errno));
		umount(hugedir);
		rmdir(hugedir);
		rmdir(tinydir);
		return 0;
	}
	return 1;
}

/* --primary EAL-ARGS...: init, say "ready", wait for EOF on stdin, clean up. */
static int primary(int argc, char **argv)
{
	argv[1] = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(argc - 1, argv + 1) < 0) {
		printf("primary: init failed %d\n", rte_errno);
		return 1;
	}
	/* one write: printf("ready\n") becomes puts, two writes on an unbuffered stdout, and
	 * the parent, done reading at "ready", could close the pipe before the newline
	 * came (SIGPIPE killed this primary under load) */
	if (write(1, "ready\n", 6) != 6)
		return 1;
	char c;
	while (read(0, &c, 1) > 0)
		;
	return rte_eal_cleanup() == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 3 && strcmp(argv[1], "--child") == 0)
		return child(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--primary") == 0)
		return primary(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	full = getenv("SWIFTEAL_FAULTS_FULL") && atoi(getenv("SWIFTEAL_FAULTS_FULL")) > 0;
#ifdef RTE_LIB_MEMPOOL
	/* built against DPDK's headers (the suite builds every test twice): the same
	 * program and library, so the long walk runs once, in the build against ours */
	if (full)
		printf("the full walk runs in the build against SwiftEAL's headers; this one walks the quick way\n");
	full = 0;
#endif
	const char *only = getenv("SWIFTEAL_FAULTS_ONLY"); /* "scenario" or "scenario:kind" */
	double t0 = now();
	have_huge = setup_hugedirs();

#define HD "--huge-dir", hugedir
	const char *huge[] = { "-l", "0-1", "--no-pci", HD, "--file-prefix", "tf_huge", NULL };
	const char *sfs[] = { "-l", "0-1", "--no-pci", HD, "--single-file-segments", "--file-prefix", "tf_sfs", NULL };
	const char *inmem[] = { "-l", "0-1", "--no-pci", "--in-memory", "--file-prefix", "tf_inmem", NULL };
	const char *legacy[] = { "-l", "0-1", "--no-pci", HD, "--legacy-mem", "-m", "16", "--file-prefix", "tf_legacy", NULL };
	const char *nohuge[] = { "-l", "0-1", "--no-pci", "--no-huge", "-m", "32", "--file-prefix", "tf_nohuge", NULL };
	struct scenario all[] = {
		{ "huge", "tf_huge", 1, huge, { "mmap", "ftruncate", "fallocate", "open", "flock", "epoll", NULL } },
		{ "nohuge", "tf_nohuge", 0, nohuge, { "memfd", "ftruncate", "mmap", NULL } },
		{ "sfs", "tf_sfs", 1, sfs, { "fallocate", "flock", "open", NULL } },
		{ "inmem", "tf_inmem", 1, inmem, { "memfd", "mmap", NULL } },
		{ "legacy", "tf_legacy", 1, legacy, { "mmap", NULL } },
	};
	const char *every[] = { "mmap", "ftruncate", "fallocate", "open", "flock", "epoll", "memfd", NULL };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (all[i].huge && !have_huge)
			continue;
		/* make check: the file-per-page walk and --no-huge's own calls; a scenario
		 * named alone, or the full walk: every kind */
		if (!full && !only && i >= 2)
			continue;
		if (only && strncmp(only, all[i].name, strlen(all[i].name)) != 0)
			continue;
		/* each case is judged on the private mount's exact page count; the machine's
		 * free_hugepages once the walk is done */
		long before = have_huge ? free_hugepages() : -1;
		walk(&all[i], full || only ? every : all[i].kinds, only);
		CHECK(pool_back(before));
	}
	if (have_huge && (!only || strncmp(only, "second", 6) == 0))
		walk_secondary(every, only);
	if (have_huge && (!only || strcmp(only, "env") == 0))
		environment_cases();

	printf("\ncalls failed, by scenario and kind, and their sites:\n");
	for (int t = 0; t < ntable; t++) {
		printf("%-7s %-9s %4d calls traced, %4d failed, %2d sites:", table[t].scenario, table[t].kind, table[t].traced,
		       table[t].calls, table[t].nsites);
		for (int i = 0; i < table[t].nsites; i++)
			printf(" %s", table[t].sites[i]);
		printf("\n");
	}
	printf("took %.1f s\n", now() - t0);
	if (have_huge) {
		CHECK_EQ(mount_used(hugedir), 0);
		umount(hugedir);
		umount(tinydir);
		rmdir(hugedir);
		rmdir(tinydir);
	}
	return check_report();
}
