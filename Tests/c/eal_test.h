/*
 * Helpers several C tests share (test-only, not a public header): starting the EAL
 * the common way and counting this process's threads by name.
 */
#ifndef SWIFTEAL_TEST_EAL_H
#define SWIFTEAL_TEST_EAL_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "check.h"

/* rte_eal_init with lcores 0-1, no hugepages and the test's own prefix; stdout
 * unbuffered so a crash keeps what was printed. 0, or -1 with a failed check. */
static inline int test_eal_init(char *prog, const char *prefix)
{
	char *args[] = { prog, "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
			 "--file-prefix", (char *)prefix, NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(9, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return -1;
	}
	return 0;
}

/* How many of this process's threads are named `name` (as /proc shows it). */
static inline int count_threads_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)) != NULL) {
		char path[300], comm[32] = "";
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && strncmp(comm, name, strlen(name)) == 0)
			found++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

#endif
