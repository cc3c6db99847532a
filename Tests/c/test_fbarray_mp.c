/*
 * rte_fbarray between two processes. The primary creates an array whose struct itself
 * lives in shared memory (element 0 of a one-element "holder" fbarray), so count and the
 * rwlock are shared as in DPDK's own use. A secondary, started by fork+exec, attaches the
 * holder and then the array by name at the recorded address, sees the primary's bits and
 * data, sets its own; the primary sees them. While the child is attached, destroy is
 * refused with EBUSY; once it has detached, destroy succeeds and removes the file.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>

#include "check.h"

#define PREFIX "test_fbarray_mp"
#define LEN 1000
#define ELT 16

static int file_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/fbarray_%s", rte_eal_get_runtime_dir(), name);
	return stat(path, &st) == 0;
}

/* Child: argv = self --child <holder data address> <to-parent fd> <from-parent fd> */
static int child(char **argv)
{
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--proc-type", "secondary", "--file-prefix", PREFIX, "--log-level", "1", NULL };
	void *holder_data = (void *)(uintptr_t)strtoull(argv[2], NULL, 16);
	int to_parent = atoi(argv[3]), from_parent = atoi(argv[4]);
	char c;

	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		return 20;
	if (rte_eal_process_type() != RTE_PROC_SECONDARY)
		return 21;

	/* the holder: known by name, size and address */
	struct rte_fbarray holder;
	memset(&holder, 0, sizeof(holder));
	strcpy(holder.name, "mp_holder");
	holder.len = 1;
	holder.elt_sz = sizeof(struct rte_fbarray);
	holder.data = holder_data;
	if (rte_fbarray_attach(&holder) != 0)
		return 22;
	struct rte_fbarray *arr = rte_fbarray_get(&holder, 0);

	/* the array itself, from the shared struct */
	if (strcmp(arr->name, "mp_array") != 0 || arr->len != LEN || arr->elt_sz != ELT)
		return 23;
	if (rte_fbarray_attach(arr) != 0)
		return 24;
	/* attaching twice in one process is refused */
	if (rte_fbarray_attach(arr) != -1 || rte_errno != EEXIST)
		return 25;
	/* the primary's bits and data */
	if (arr->count != 3 || rte_fbarray_find_next_used(arr, 0) != 0 ||
	    rte_fbarray_find_next_used(arr, 1) != 500 || rte_fbarray_find_prev_used(arr, LEN - 1) != 999 ||
	    rte_fbarray_find_biggest_free(arr, 0) != 1)
		return 26;
	if (strcmp(rte_fbarray_get(arr, 500), "from the primary") != 0)
		return 27;
	/* our own */
	for (unsigned i = 600; i < 610; i++)
		if (rte_fbarray_set_used(arr, i) != 0)
			return 28;
	rte_fbarray_set_free(arr, 500);
	strcpy(rte_fbarray_get(arr, 605), "from the secondary");
	/* the child may not destroy while the primary is attached either */
	if (rte_fbarray_destroy(arr) != -1 || rte_errno != EBUSY)
		return 29;

	/* tell the parent, and stay attached until it says go */
	c = 1;
	if (write(to_parent, &c, 1) != 1 || read(from_parent, &c, 1) != 1)
		return 30;
	/* the primary's refused destroy left its claim in place: ours is refused too */
	if (rte_fbarray_destroy(arr) != -1 || rte_errno != EBUSY)
		return 34;
	if (rte_fbarray_detach(arr) != 0 || rte_fbarray_detach(&holder) != 0)
		return 31;
	c = 2;
	if (write(to_parent, &c, 1) != 1 || read(from_parent, &c, 1) != 1)
		return 32;
	return rte_eal_cleanup() == 0 ? 0 : 33;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "--child") == 0)
		return child(argv);

	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--file-prefix", PREFIX, "--log-level", "1", NULL };
	int ret = rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal);
	CHECK(ret >= 0);
	if (ret < 0)
		return check_report();

	static struct rte_fbarray holder;
	CHECK_EQ(rte_fbarray_init(&holder, "mp_holder", 1, sizeof(struct rte_fbarray)), 0);
	struct rte_fbarray *arr = rte_fbarray_get(&holder, 0);
	CHECK_EQ(rte_fbarray_init(arr, "mp_array", LEN, ELT), 0);
	CHECK(file_exists("mp_holder") && file_exists("mp_array"));
	rte_fbarray_set_used(arr, 0);
	rte_fbarray_set_used(arr, 500);
	rte_fbarray_set_used(arr, 999);
	strcpy(rte_fbarray_get(arr, 500), "from the primary");

	int up[2], down[2];
	CHECK_EQ(pipe(up), 0);
	CHECK_EQ(pipe(down), 0);
	char addr[32], upfd[16], downfd[16];
	snprintf(addr, sizeof(addr), "%llx", (unsigned long long)(uintptr_t)holder.data);
	snprintf(upfd, sizeof(upfd), "%d", up[1]);
	snprintf(downfd, sizeof(downfd), "%d", down[0]);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *cargv[] = { argv[0], "--child", addr, upfd, downfd, NULL };
		execv("/proc/self/exe", cargv);
		_exit(127);
	}
	close(up[1]);
	close(down[0]);
	char c = 0;

	/* the child is attached and has set its bits */
	CHECK_EQ(read(up[0], &c, 1), 1);
	CHECK_EQ(c, 1);
	CHECK_EQ(arr->count, 12);
	CHECK_EQ(rte_fbarray_is_used(arr, 500), 0);
	CHECK_EQ(rte_fbarray_find_next_used(arr, 1), 600);
	CHECK_EQ(rte_fbarray_find_contig_used(arr, 600), 10);
	CHECK_EQ(rte_fbarray_find_biggest_free(arr, 0), 1);
	CHECK_EQ(rte_fbarray_find_contig_free(arr, 1), 599);
	CHECK(strcmp(rte_fbarray_get(arr, 605), "from the secondary") == 0);
	/* destroy while another process is attached: refused, nothing lost */
	rte_errno = 0;
	CHECK_EQ(rte_fbarray_destroy(arr), -1);
	CHECK_EQ(rte_errno, EBUSY);
	CHECK(file_exists("mp_array"));
	CHECK_EQ(arr->len, LEN);
	CHECK_EQ(rte_fbarray_find_next_used(arr, 1), 600);
	/* and a new array of that name is refused too */
	struct rte_fbarray other;
	rte_errno = 0;
	CHECK_EQ(rte_fbarray_init(&other, "mp_array", 10, 1), -1);
	CHECK_EQ(rte_errno, EBUSY);

	/* let the child detach; then destroy works */
	c = 1;
	CHECK_EQ(write(down[1], &c, 1), 1);
	CHECK_EQ(read(up[0], &c, 1), 1);
	CHECK_EQ(c, 2);
	CHECK_EQ(rte_fbarray_destroy(arr), 0);
	CHECK(!file_exists("mp_array"));
	CHECK_EQ(rte_fbarray_destroy(&holder), 0);
	CHECK(!file_exists("mp_holder"));
	CHECK_EQ(write(down[1], &c, 1), 1);

	int status = 0;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
