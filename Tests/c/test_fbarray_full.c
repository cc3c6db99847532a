/*
 * rte_fbarray_init on a full file system: ENOSPC, never SIGBUS. DPDK extends the backing
 * file with ftruncate (sparse) and dies writing the mask header when no block is left
 * (and only reads as fine when there is room for that one page).
 * The runtime dir here is a 2 MB tmpfs (room for what init writes: the config with the
 * heaps, the memzone table, a --no-huge memseg list) mounted over /var/run/dpdk in a
 * mount namespace of this program's own (root only; without root nothing can be mounted
 * and the program says so). The EAL runs in a child, so a SIGBUS shows as a failed check.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>

#include "check.h"

static int file_exists(const char *name)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/fbarray_%s", rte_eal_get_runtime_dir(), name);
	return stat(path, &st) == 0;
}

/* The child: everything EAL; its counts go back to the parent through `counts`. */
static int child(int counts)
{
	char *args[] = { "test_fbarray_full", "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			 "--no-telemetry", "--file-prefix", "tfull", NULL };
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tfull", "/var/run/dpdk", "tmpfs", 0, "size=2m,mode=0700") != 0) {
		perror("a 2 MB tmpfs on /var/run/dpdk");
		return 100;
	}
	if (rte_eal_init(10, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return 101;
	}
	struct statvfs vfs;
	statvfs(rte_eal_get_runtime_dir(), &vfs);
	unsigned long long avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	printf("%llu bytes free in %s\n", avail, rte_eal_get_runtime_dir());

	/* far more than the file system holds: refused at once, no file left */
	struct rte_fbarray big, fits, more;
	rte_errno = 0;
	CHECK_EQ(rte_fbarray_init(&big, "big", 1u << 20, 64), -1); /* 64 MB */
	CHECK_EQ(rte_errno, ENOSPC);
	CHECK(!file_exists("big"));

	/* with not one block left, even a one-page array is ENOSPC (DPDK: SIGBUS on the
	 * header write) */
	char filler[512];
	snprintf(filler, sizeof(filler), "%s/filler", rte_eal_get_runtime_dir());
	FILE *f = fopen(filler, "w");
	static char zeros[4096];
	while (f && fwrite(zeros, 1, sizeof(zeros), f) == sizeof(zeros) && fflush(f) == 0)
		;
	if (f)
		fclose(f);
	struct rte_fbarray tiny;
	rte_errno = 0;
	CHECK_EQ(rte_fbarray_init(&tiny, "tiny", 10, 4), -1);
	CHECK_EQ(rte_errno, ENOSPC);
	CHECK(!file_exists("tiny"));
	unlink(filler);

	/* one that fits takes most of the space; it works to its last element */
	unsigned len = (unsigned)(avail * 3 / 4 / 64);
	CHECK_EQ(rte_fbarray_init(&fits, "fits", len, 64), 0);
	CHECK_EQ(rte_fbarray_set_used(&fits, len - 1), 0);
	memset(rte_fbarray_get(&fits, len - 1), 0xab, 64);
	CHECK_EQ(rte_fbarray_find_next_used(&fits, 0), (int)len - 1);

	/* the next does not fit in what is left: ENOSPC, not SIGBUS */
	rte_errno = 0;
	CHECK_EQ(rte_fbarray_init(&more, "more", len, 64), -1);
	CHECK_EQ(rte_errno, ENOSPC);
	CHECK(!file_exists("more"));

	/* and once the first is gone, it does */
	CHECK_EQ(rte_fbarray_destroy(&fits), 0);
	CHECK_EQ(rte_fbarray_init(&more, "more", len, 64), 0);
	CHECK_EQ(rte_fbarray_set_used(&more, len / 2), 0);
	CHECK_EQ(rte_fbarray_destroy(&more), 0);
	CHECK_EQ(rte_eal_cleanup(), 0);
	int c[2] = { check_passed_, check_failed_ };
	return write(counts, c, sizeof(c)) == sizeof(c) ? 0 : 102;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getuid() != 0) {
		printf("not root: cannot mount a small file system; nothing checked\n");
		return check_report();
	}
	int counts[2], c[2] = { 0, 0 };
	if (pipe(counts) != 0)
		return 1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(counts[1]));
	close(counts[1]);
	if (read(counts[0], c, sizeof(c)) == sizeof(c)) {
		check_passed_ += c[0];
		check_failed_ += c[1];
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		fprintf(stderr, "FAIL: the EAL process died of signal %d (%s)\n", WTERMSIG(st), strsignal(WTERMSIG(st)));
	CHECK(WIFEXITED(st));
	CHECK_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	return check_report();
}
