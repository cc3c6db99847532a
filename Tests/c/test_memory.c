/*
 * EAL memory as a user sees it, one child process per backend: hugetlbfs file per page,
 * --single-file-segments, --in-memory (memfd), --no-huge, --legacy-mem, --huge-unlink.
 * Each child checks that its memory is writable and found by rte_memseg_walk /
 * contig_walk / list_walk / virt2memseg(_list), that rte_mem_virt2iova agrees with
 * /proc/self/pagemap in PA mode, the segment descriptors, and that cleanup leaves no
 * page file behind. The parent checks that free_hugepages comes back after every
 * child, after failed inits and after kill -9 of a primary whose files a new primary
 * then reclaims. Hugepage cases run as root on a private, size-limited hugetlbfs mount
 * (its own page accounting); without hugepages they are skipped with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_eal_memconfig.h>

#include "check.h"

#define HP_SIZE (2UL << 20)
static const char *self;
static char hugedir[64];

/* ---------------------------------------------------------------- child side */

struct expect {
	const char *mode;     /* file, single, memfd, nohuge, legacy, unlink */
	size_t mem;           /* bytes preallocated */
	int lists;            /* memseg lists in use */
};

static struct walk_state {
	size_t total, runs_total;
	int segs, runs, lists, bad_lookup, bad_write, bad_iova, bad_fd, bad_flags;
	int iova_pa, last_fd;
	const struct expect *ex;
} ws;

/* Physical address of addr per pagemap (what rte_mem_virt2iova must say in PA mode). */
static uint64_t pagemap_pa(const void *addr)
{
	uint64_t entry = 0;
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &entry, 8, (off_t)((uintptr_t)addr / pg) * 8) != 8)
		entry = 0;
	close(fd);
	uint64_t pfn = entry & 0x7fffffffffffffULL;
	return pfn ? pfn * pg + (uintptr_t)addr % pg : 0;
}

static int seg_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)arg;
	const struct expect *ex = ws.ex;
	ws.segs++;
	ws.total += ms->len;
	/* writable, at both ends */
	volatile unsigned char *p = ms->addr;
	p[0] = 0xa5;
	p[ms->len - 1] = 0x5a;
	if (p[0] != 0xa5 || p[ms->len - 1] != 0x5a)
		ws.bad_write++;
	if (rte_mem_virt2memseg(ms->addr, NULL) != ms || rte_mem_virt2memseg((char *)ms->addr + ms->len - 1, msl) != ms ||
	    rte_mem_virt2memseg_list((char *)ms->addr + 1) != msl || ms->len != ms->hugepage_sz || ms->len != msl->page_sz)
		ws.bad_lookup++;
	if (ws.iova_pa) {
		uint64_t pa = pagemap_pa(ms->addr);
		if (pa == 0 || ms->iova != pa || rte_mem_virt2iova((char *)ms->addr + 100) != pa + 100 ||
		    rte_mem_iova2virt(ms->iova + 100) != (char *)ms->addr + 100)
			ws.bad_iova++;
	} else if (ms->iova != (uintptr_t)ms->addr) {
		ws.bad_iova++;
	}
	/* flags: preallocated dynamic memory stays for the process's life */
	uint32_t want = (strcmp(ex->mode, "legacy") == 0 || strcmp(ex->mode, "nohuge") == 0) ? 0 : RTE_MEMSEG_FLAG_DO_NOT_FREE;
	if (ms->flags != want)
		ws.bad_flags++;
	/* the descriptor behind the segment */
	size_t off = 12345;
	int fd = rte_memseg_get_fd_thread_unsafe(ms);
	int r = rte_memseg_get_fd_offset_thread_unsafe(ms, &off);
	size_t idx = ((uintptr_t)ms->addr - (uintptr_t)msl->base_va) / msl->page_sz;
	if (strcmp(ex->mode, "single") == 0 || strcmp(ex->mode, "nohuge") == 0 || strcmp(ex->mode, "memfd1") == 0) {
		if (fd < 0 || r != 0 || off != idx * msl->page_sz || (ws.last_fd >= 0 && fd != ws.last_fd))
			ws.bad_fd++;
		ws.last_fd = fd;
	} else if (fd < 0 || r != 0 || off != 0 || fd == ws.last_fd) {
		ws.bad_fd++;
	} else {
		ws.last_fd = fd;
	}
	return 0;
}

static int run_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len, void *arg)
{
	(void)arg;
	ws.runs++;
	ws.runs_total += len;
	/* legacy memory in PA mode: each VA-contiguous run is IOVA-contiguous (DPDK's layout) */
	if (strcmp(ws.ex->mode, "legacy") == 0 && ws.iova_pa)
		for (size_t off = msl->page_sz; off < len; off += msl->page_sz)
			if (rte_mem_virt2memseg((char *)ms->addr + off, msl)->iova != ms->iova + off)
				ws.bad_iova++;
	/* the run is whole mapped segments of one list */
	if (rte_mem_virt2memseg_list((char *)ms->addr + len - 1) != msl ||
	    rte_mem_virt2memseg((char *)ms->addr + len - 1, msl)->len != msl->page_sz)
		ws.bad_lookup++;
	return 0;
}

static int list_cb(const struct rte_memseg_list *msl, void *arg)
{
	(void)arg;
	if (msl->memseg_arr.count > 0)
		ws.lists++;
	return 0;
}

static int stop_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl; (void)ms;
	return (*(int *)arg)++ == 2 ? -1 : 0;
}

/* How many files of this prefix the hugetlbfs directory holds. */
static int count_files(const char *dir, const char *prefix)
{
	char stem[64];
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

static int child(int argc, char **argv)
{
	/* argv: self --child mode mem_mb lists prefix EAL args... */
	struct expect ex = { argv[2], (size_t)atol(argv[3]) << 20, atoi(argv[4]) };
	const char *prefix = argv[5];
	char **eal = argv + 5;
	eal[0] = argv[0];
	int eal_argc = argc - 5;
	ws.ex = &ex;
	ws.last_fd = -1;
	setvbuf(stdout, NULL, _IONBF, 0);

	int ret = rte_eal_init(eal_argc, eal);
	CHECK(ret >= 0);
	if (ret < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return check_report();
	}
	int nohuge = strcmp(ex.mode, "nohuge") == 0;
	ws.iova_pa = rte_eal_iova_mode() == RTE_IOVA_PA;
	CHECK_EQ(rte_eal_has_hugepages(), !nohuge);
	CHECK_EQ(rte_eal_iova_mode(), nohuge ? RTE_IOVA_VA : (geteuid() == 0 ? RTE_IOVA_PA : RTE_IOVA_VA));
	CHECK_EQ(rte_eal_using_phys_addrs(), !nohuge && geteuid() == 0);
	CHECK_EQ(rte_eal_get_physmem_size(), ex.mem);
	CHECK_EQ(rte_mcfg_get_single_file_segments(), strcmp(ex.mode, "single") == 0 || strcmp(ex.mode, "memfd1") == 0);

	CHECK_EQ(rte_memseg_walk(seg_cb, NULL), 0);
	CHECK_EQ(ws.total, ex.mem);
	CHECK_EQ(ws.segs, ex.mem / (nohuge ? (size_t)sysconf(_SC_PAGESIZE) : HP_SIZE));
	CHECK_EQ(ws.bad_write, 0);
	CHECK_EQ(ws.bad_lookup, 0);
	CHECK_EQ(ws.bad_iova, 0);
	CHECK_EQ(ws.bad_fd, 0);
	CHECK_EQ(ws.bad_flags, 0);
	CHECK_EQ(rte_memseg_contig_walk(run_cb, NULL), 0);
	CHECK_EQ(ws.runs_total, ex.mem);
	CHECK(ws.runs >= 1);
	CHECK_EQ(rte_memseg_list_walk(list_cb, NULL), 0);
	CHECK_EQ(ws.lists, ex.lists);
	int calls = 0;
	CHECK_EQ(rte_memseg_walk(stop_cb, &calls), -1); /* a negative answer ends the walk */
	CHECK_EQ(calls, 3);
	/* the pattern written through the walk is still there from a plain pointer */
	struct rte_memseg *first = rte_mem_virt2memseg(NULL, NULL);
	CHECK(first == NULL);

	/* files on disk, per backend */
	int files = count_files(hugedir, prefix);
	if (strcmp(ex.mode, "file") == 0 || strcmp(ex.mode, "legacy") == 0)
		CHECK_EQ(files, ws.segs);
	else if (strcmp(ex.mode, "single") == 0)
		CHECK_EQ(files, 1);
	else
		CHECK_EQ(files, 0); /* memfd, --no-huge, --huge-unlink: nothing on disk */

	char rundir[256];
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK_EQ(count_files(hugedir, prefix), 0);
	struct stat st;
	CHECK(stat(rundir, &st) != 0);
	return check_report();
}

/* --------------------------------------------------------------- parent side */

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

/* Pages held by files of the private mount (its own accounting, whatever else runs). */
static long mount_used(void)
{
	struct statfs s;
	if (statfs(hugedir, &s) != 0)
		return -1;
	return (long)(s.f_blocks - s.f_bfree);
}

/* free_hugepages back at `want`: other processes on the machine may hold pages a moment. */
static int free_back_to(long want)
{
	for (int i = 0; i < 40; i++) {
		if (free_hugepages() >= want)
			return 1;
		usleep(50000);
	}
	/* still short: ours would be on our own mount (memfd pages go with the child); with
	 * nothing there, other processes on the machine hold them (a test run beside this) */
	if (mount_used() == 0) {
		printf("note: free_hugepages %ld, %ld at the start, none on this test's mount: other processes hold them\n",
		       free_hugepages(), want);
		return 1;
	}
	printf("free_hugepages %ld, expected %ld\n", free_hugepages(), want);
	return 0;
}

/* Runs this program as `--child mode mb lists prefix args...`; adds its checks to ours. */
static void run_case(const char *mode, int mb, int lists, const char *prefix, const char *const *eal)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char mbs[16], ls[16];
		snprintf(mbs, sizeof(mbs), "%d", mb);
		snprintf(ls, sizeof(ls), "%d", lists);
		const char *argv[40] = { self, "--child", mode, mbs, ls, prefix };
		int n = 6;
		for (int i = 0; eal[i] && n < 39; i++)
			argv[n++] = eal[i];
		argv[n] = NULL;
		dup2(pfd[1], 1);
		close(pfd[0]);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	char buf[8192];
	size_t len = 0;
	ssize_t r;
	while ((r = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	buf[len] = 0;
	close(pfd[0]);
	int st;
	waitpid(pid, &st, 0);
	int p = 0, f = 0;
	char *line = strstr(buf, " passed, ");
	while (line && line > buf && line[-1] >= '0' && line[-1] <= '9')
		line--;
	if (line && sscanf(line, "%d passed, %d failed", &p, &f) == 2) {
		check_passed_ += p;
		check_failed_ += f;
	}
	char opts[256] = "";
	for (int i = 0; eal[i]; i++)
		if (strcmp(eal[i], "--huge-dir") == 0 || strcmp(eal[i], "--file-prefix") == 0)
			i++;
		else if (eal[i][0] == '-' && eal[i][1] == '-' && strcmp(eal[i], "--no-pci") != 0)
			snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), " %s", eal[i]);
	printf("%-8s %-40s %d passed, %d failed%s\n", mode, opts, p, f,
	       WIFEXITED(st) ? "" : " (killed)");
	if (f || !WIFEXITED(st) || p == 0) {
		CHECK(0);
		fputs(buf, stdout);
	}
}

/* A primary in a child, with its output discarded: its exit status. */
static int run_primary(const char *const *args)
{
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[32] = { self, "--primary" };
		int n = 2;
		for (int i = 0; args[i] && n < 31; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Every segment's bytes: its index in the walk, then its own address. */
static int fill_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl;
	int *n = arg;
	memset(ms->addr, (*n)++ & 0xff, ms->len);
	memcpy(ms->addr, &ms->addr, sizeof(void *));
	return 0;
}

static int verify_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl;
	int *n = arg;
	const unsigned char *p = ms->addr;
	void *stored;
	memcpy(&stored, p, sizeof(void *));
	if (stored != ms->addr || p[ms->len - 1] != (*n & 0xff))
		return -1;
	(*n)++;
	return 0;
}

/* --primary: init, tell the parent through HOLD_FD (if set), wait to be killed or go.
 * --secondary: init as a secondary and check the primary's pattern (exit 0 when all
 * segments hold it at the same addresses). */
static int primary(int argc, char **argv)
{
	int secondary = strcmp(argv[1], "--secondary") == 0;
	argv[1] = argv[0];
	if (rte_eal_init(argc - 1, argv + 1) < 0)
		return 10 + rte_errno % 100;
	int n = 0;
	if (secondary) {
		int segs = 0;
		int ok = rte_memseg_walk(verify_cb, &segs) == 0 && segs > 0 &&
			 rte_eal_process_type() == RTE_PROC_SECONDARY && rte_eal_get_physmem_size() == (uint64_t)segs * HP_SIZE;
		rte_eal_cleanup();
		return ok ? 0 : 4;
	}
	rte_memseg_walk(fill_cb, &n);
	if (getenv("HOLD_FD")) {
		char c = 1;
		if (write(atoi(getenv("HOLD_FD")), &c, 1) != 1)
			return 3;
		pause();
	}
	return rte_eal_cleanup() == 0 ? 0 : 2;
}

/* Starts `--primary args` holding its memory; returns its pid once init is done. */
static pid_t start_holding_primary(const char *const *args)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	char fdbuf[16];
	snprintf(fdbuf, sizeof(fdbuf), "%d", p[1]);
	setenv("HOLD_FD", fdbuf, 1);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		const char *argv[32] = { self, "--primary" };
		int n = 2;
		for (int i = 0; args[i]; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	unsetenv("HOLD_FD");
	char c = 0;
	if (read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

/* A secondary maps the primary's pages at the same addresses and reads its bytes. */
static void secondary_sees_primary(const char *mode_opt)
{
	const char *args[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_sec", "--huge-dir", hugedir, "-m", "8",
			       mode_opt, NULL };
	pid_t pid = start_holding_primary(args);
	CHECK(pid > 0);
	const char *sec[] = { "-l", "1", "--no-pci", "--proc-type=secondary", "--file-prefix", "tmem_sec", NULL };
	pid_t c = fork();
	if (c == 0) {
		const char *argv[16] = { self, "--secondary" };
		int n = 2;
		for (int i = 0; sec[i]; i++)
			argv[n++] = sec[i];
		argv[n] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(c, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("secondary %-24s exit %d\n", mode_opt ? mode_opt : "(file per page)", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	/* a primary killed by a signal leaves its files to the next one, which reclaims them */
	const char *again[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_sec", "--huge-dir", hugedir, "-m", "2", NULL };
	CHECK_EQ(run_primary(again), 0);
	CHECK_EQ(count_files(hugedir, "tmem_sec"), 0);
}

static void kill9_reclaim(void)
{
	long before = free_hugepages(), used = mount_used();
	int p[2];
	if (pipe(p) != 0)
		return;
	char fdbuf[16];
	snprintf(fdbuf, sizeof(fdbuf), "%d", p[1]);
	setenv("HOLD_FD", fdbuf, 1);
	const char *args[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_k9", "--huge-dir", hugedir, "-m", "16", NULL };
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		const char *argv[32] = { self, "--primary" };
		int n = 2;
		for (int i = 0; args[i]; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	unsetenv("HOLD_FD");
	char c = 0;
	CHECK_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	CHECK_EQ(mount_used() - used, 8);              /* 16 MB of 2 MB pages, in files */
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(count_files(hugedir, "tmem_k9"), 8);  /* a dead primary's files stay... */
	CHECK_EQ(mount_used() - used, 8);              /* ...and hold their pages */

	/* a page file some live process holds is left alone by the next primary */
	char held[128];
	snprintf(held, sizeof(held), "%s/tmem_k9map_9000", hugedir);
	int hfd = open(held, O_CREAT | O_RDWR, 0600);
	CHECK(hfd >= 0 && flock(hfd, LOCK_SH) == 0);

	const char *again[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_k9", "--huge-dir", hugedir, "-m", "2", NULL };
	CHECK_EQ(run_primary(again), 0);                /* the new primary reclaims them */
	CHECK_EQ(count_files(hugedir, "tmem_k9"), 1);   /* only the held one remains */
	CHECK(access(held, F_OK) == 0);
	close(hfd);
	unlink(held);
	CHECK_EQ(mount_used(), used);
	CHECK(free_back_to(before));
}

static void failed_inits(void)
{
	long before = free_hugepages(), used = mount_used();
	const char *too_much[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_bad", "--huge-dir", hugedir, "-m", "99999", NULL };
	const char *no_socket[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_bad", "--huge-dir", hugedir, "--socket-mem", "2,2", NULL };
	const char *not_mount[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_bad", "--huge-dir", "/tmp", "-m", "2", NULL };
	const char *missing[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_bad", "--huge-dir", "/nonexistent", NULL };
	CHECK_EQ(run_primary(too_much), 10 + ENOMEM);
	CHECK_EQ(run_primary(no_socket), 10 + ENOMEM);
	CHECK_EQ(run_primary(not_mount), 10 + EACCES);
	CHECK_EQ(run_primary(missing), 10 + EACCES);
	CHECK_EQ(count_files(hugedir, "tmem_bad"), 0);
	CHECK_EQ(mount_used(), used);
	CHECK(free_back_to(before));
	/* the prefix is free again: a good init after the failed ones */
	const char *good[] = { "-l", "0", "--no-pci", "--file-prefix", "tmem_bad", "--huge-dir", hugedir, "-m", "4", NULL };
	CHECK_EQ(run_primary(good), 0);
	CHECK_EQ(mount_used(), used);
}

/* A private hugetlbfs instance of at most 256 MB: per-mount page accounting. */
static int setup_hugedir(void)
{
	if (geteuid() != 0) {
		printf("SKIP hugepage cases: not root (no hugetlbfs mount, no pagemap)\n");
		return 0;
	}
	if (free_hugepages() < 140) {
		printf("SKIP hugepage cases: fewer than 140 free 2 MB hugepages (scripts/hugepages.sh reserves them)\n");
		return 0;
	}
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("SKIP hugepage cases: no private mount namespace (%s)\n", strerror(errno));
		return 0;
	}
	snprintf(hugedir, sizeof(hugedir), "/tmp/tmem-huge.%d", getpid());
	mkdir(hugedir, 0700);
	if (mount("nodev", hugedir, "hugetlbfs", 0, "pagesize=2M,size=256M") != 0) {
		printf("SKIP hugepage cases: cannot mount hugetlbfs (%s)\n", strerror(errno));
		rmdir(hugedir);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		const char *hd = NULL;
		for (int i = 0; i < argc - 1; i++)
			if (strcmp(argv[i], "--huge-dir") == 0)
				hd = argv[i + 1];
		snprintf(hugedir, sizeof(hugedir), "%s", hd ? hd : "/nonexistent");
		return child(argc, argv);
	}
	if (argc > 1 && (strcmp(argv[1], "--primary") == 0 || strcmp(argv[1], "--secondary") == 0))
		return primary(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);

	/* --no-huge needs nothing from the machine */
	const char *nohuge[] = { "-l", "0", "--no-pci", "--no-huge", "-m", "8", "--file-prefix", "tmem_nh", NULL };
	run_case("nohuge", 8, 1, "tmem_nh", nohuge);

	if (setup_hugedir()) {
		long before = free_hugepages();
#define HD "--huge-dir", hugedir
		const char *file[] = { "-l", "0-1", "--no-pci", "-m", "64", HD, "--file-prefix", "tmem_file", NULL };
		const char *single[] = { "-l", "0", "--no-pci", "--single-file-segments", "-m", "64", HD, "--file-prefix", "tmem_sfs", NULL };
		const char *memfd[] = { "-l", "0", "--no-pci", "--in-memory", "-m", "32", "--file-prefix", "tmem_mfd", NULL };
		const char *memfd1[] = { "-l", "0", "--no-pci", "--in-memory", "--single-file-segments", "-m", "16", "--file-prefix", "tmem_mfd1", NULL };
		const char *legacy[] = { "-l", "0", "--no-pci", "--legacy-mem", "-m", "32", HD, "--file-prefix", "tmem_leg", NULL };
		const char *unlink_[] = { "-l", "0", "--no-pci", "--huge-unlink", "-m", "16", HD, "--file-prefix", "tmem_ul", NULL };
		const char *socketmem[] = { "-l", "0", "--no-pci", "--socket-mem", "8", HD, "--file-prefix", "tmem_sm", NULL };
		run_case("file", 64, 1, "tmem_file", file);
		CHECK(free_back_to(before));
		run_case("single", 64, 1, "tmem_sfs", single);
		CHECK(free_back_to(before));
		run_case("memfd", 32, 1, "tmem_mfd", memfd);
		CHECK(free_back_to(before));
		run_case("memfd1", 16, 1, "tmem_mfd1", memfd1);
		CHECK(free_back_to(before));
		run_case("legacy", 32, 1, "tmem_leg", legacy);
		CHECK(free_back_to(before));
		run_case("unlink", 16, 1, "tmem_ul", unlink_);
		CHECK(free_back_to(before));
		run_case("file", 8, 1, "tmem_sm", socketmem);
		CHECK_EQ(mount_used(), 0);
		failed_inits();
		kill9_reclaim();
		CHECK_EQ(mount_used(), 0);
		secondary_sees_primary(NULL);
		secondary_sees_primary("--single-file-segments");
		CHECK_EQ(mount_used(), 0);
		umount(hugedir);
		rmdir(hugedir);
	}
	return check_report();
}
