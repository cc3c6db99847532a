/*
 * Telemetry on SwiftEAL as a DPDK user meets it: rte_eal_init starts DPDK's
 * librte_telemetry.so.23 (by dlopen) and DPDK's own dpdk-telemetry.py lists this
 * process's parameters, memzones and heaps; indexes DPDK reads past its tables with
 * get a null reply and the process lives on; after rte_eal_cleanup the commands that
 * read the EAL's memory answer null (a client still connected), the socket is gone and
 * so is the runtime directory. Child processes: --no-telemetry and a secondary start no
 * telemetry; without the library (hidden by a bind mount, as root) init goes on.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "check.h"
#include "telemetry_client.h"

#define PREFIX "test_telemetry"
static const char *self;
static char reply[65536];

/* How many entries of `dir` start with `stem`; -1 when the directory is not there. */
static int count_entries(const char *dir, const char *stem)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, stem, strlen(stem)) == 0)
			n++;
	closedir(d);
	return n;
}

/* Child: init with `extra` (NULL-terminated), then how many telemetry sockets its runtime
 * directory holds: exit 10 + that count, 1 when init failed. */
static int child(const char *prefix, char **extra)
{
	char *args[32] = { (char *)self, "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			   "--file-prefix", (char *)prefix };
	int n = 9;
	while (*extra && n < 31)
		args[n++] = *extra++;
	args[n] = NULL;
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "child init failed: %d\n", rte_errno);
		return 1;
	}
	int socks = count_entries(rte_eal_get_runtime_dir(), "dpdk_telemetry");
	rte_eal_cleanup();
	return 10 + (socks < 0 ? 0 : socks);
}

/* Child without the library: the file dlopen would find is hidden by /dev/null in a
 * mount namespace of its own; then as child(). 77 when this cannot be arranged. */
static int child_without_library(const char *prefix)
{
	void *h = dlopen("librte_telemetry.so.23", RTLD_NOW | RTLD_LOCAL);
	struct link_map *lm = NULL;
	char path[4096] = "";
	if (h && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm && lm->l_name)
		snprintf(path, sizeof(path), "%s", lm->l_name);
	if (h)
		dlclose(h);
	if (path[0]) {
		if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("/dev/null", path, NULL, MS_BIND, NULL) != 0) {
			fprintf(stderr, "cannot hide %s: %s\n", path, strerror(errno));
			return 77;
		}
		h = dlopen("librte_telemetry.so.23", RTLD_NOW | RTLD_LOCAL);
		if (h) {
			fprintf(stderr, "%s still loads\n", path);
			return 77;
		}
	}
	char *none[] = { NULL };
	return child(prefix, none);
}

static int run_child(const char *mode, const char *prefix, const char *extra)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, mode, prefix, extra, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* dpdk-telemetry.py -f PREFIX with `cmds` on its standard input; its output in `out`. */
static int telemetry_py(const char *cmds, char *out, size_t cap)
{
	const char *script = "/usr/bin/dpdk-telemetry.py";
	if (access(script, X_OK) != 0) {
		printf("FAIL: %s is missing (make deps installs dpdk-dev)\n", script);
		return -1;
	}
	char in_path[] = "/tmp/test_telemetry_in_XXXXXX";
	int fd = mkstemp(in_path);
	if (fd < 0)
		return -1;
	if (write(fd, cmds, strlen(cmds)) != (ssize_t)strlen(cmds)) {
		close(fd);
		unlink(in_path);
		return -1;
	}
	close(fd);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "python3 %s -f %s < %s 2>&1", script, PREFIX, in_path);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, cap - 1, p) : 0;
	out[n] = 0;
	int rc = p ? pclose(p) : -1;
	unlink(in_path);
	return rc;
}

static void with_dpdk_telemetry_py(const struct rte_memzone *mz, const struct rte_memzone *other)
{
	char cmds[512], out[65536];
	snprintf(cmds, sizeof(cmds), "/eal/memzone_list\n/eal/heap_list\n/eal/params\n/eal/app_params\n"
		 "/eal/heap_info,0\n/eal/heap_info,1\n");
	int rc = telemetry_py(cmds, out, sizeof(out));
	printf("dpdk-telemetry.py (exit %d):\n%s", rc, out);
	CHECK_EQ(rc, 0);
	char *list = strstr(out, "{\"/eal/memzone_list\": [");
	CHECK(list != NULL);
	/* our two zones are the only ones: indexes 0 and 1 */
	CHECK(list && strncmp(list, "{\"/eal/memzone_list\": [0, 1]}", 29) == 0);
	CHECK(strstr(out, "{\"/eal/heap_list\": [0, 1]}") != NULL);
	CHECK(strstr(out, "\"--file-prefix\", \"" PREFIX "\"") != NULL);
	CHECK(strstr(out, "{\"/eal/app_params\": [\"my-app-arg\"]}") != NULL);
	CHECK(strstr(out, "\"Head_id\": 0, \"Name\": \"socket_0\", \"Heap_size\": ") != NULL);
	CHECK(strstr(out, "\"Head_id\": 1, \"Name\": \"tt_ext\", \"Heap_size\": 1048576") != NULL);

	for (int idx = 0; idx < 2; idx++) {
		snprintf(cmds, sizeof(cmds), "/eal/memzone_info,%d\n", idx);
		CHECK_EQ(telemetry_py(cmds, out, sizeof(out)), 0);
		printf("%s", out);
		if (strstr(out, "\"Name\": \"tt_zone\"")) {
			char want[256];
			snprintf(want, sizeof(want), "\"Length\": %zu, \"Address\": \"%p\", \"Socket\": %d",
				 mz->len, mz->addr, mz->socket_id);
			CHECK(strstr(out, want) != NULL);
		} else {
			char want[128];
			snprintf(want, sizeof(want), "\"Name\": \"tt_other\", \"Length\": %zu", other->len);
			CHECK(strstr(out, want) != NULL);
		}
	}
}

static void bad_indexes(int s)
{
	/* DPDK 22.11 crashes or hangs on each of these; the reply is null here */
	static const char *const cmds[] = {
		"/eal/memzone_info,2560", "/eal/memzone_info,-1", "/eal/memzone_info,4294967295",
		"/eal/memzone_info,99999999999999999999", "/eal/heap_info,32", "/eal/heap_info,-1",
		"/eal/heap_info,4294967295", "/eal/memzone_info,", "/eal/heap_info,", NULL,
	};
	for (int i = 0; cmds[i]; i++) {
		char want[128];
		snprintf(want, sizeof(want), "{\"%.*s\":null}", (int)(strchr(cmds[i], ',') - cmds[i]), cmds[i]);
		CHECK_EQ(tel_query(s, cmds[i], reply, sizeof(reply)) > 0, 1);
		CHECK(strcmp(reply, want) == 0);
		if (strcmp(reply, want) != 0)
			printf("%s -> %s\n", cmds[i], reply);
	}
	/* "4294967296" wraps to 0, as DPDK's unsigned int does */
	CHECK(tel_query(s, "/eal/heap_info,4294967296", reply, sizeof(reply)) > 0 &&
	      strstr(reply, "\"Head_id\":0,\"Name\":\"socket_0\"") != NULL);
	if (strstr(reply, "\"Head_id\":0,\"Name\":\"socket_0\"") == NULL)
		printf("/eal/heap_info,4294967296 -> %s\n", reply);
	/* and the process still answers */
	CHECK(tel_query(s, "/eal/heap_list", reply, sizeof(reply)) > 0 &&
	      strcmp(reply, "{\"/eal/heap_list\":[0,1]}") == 0);
}

int main(int argc, char **argv)
{
	self = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 3 && strcmp(argv[1], "--child") == 0) {
		char *extra[] = { argc >= 4 && argv[3][0] ? argv[3] : NULL, NULL };
		return child(argv[2], extra);
	}
	if (argc >= 3 && strcmp(argv[1], "--child-nolib") == 0)
		return child_without_library(argv[2]);

	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--file-prefix", PREFIX,
			 "--", "my-app-arg", NULL };
	if (rte_eal_init(11, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	CHECK_EQ(count_entries(dir, "dpdk_telemetry.v2"), 1);

	const struct rte_memzone *mz = rte_memzone_reserve("tt_zone", 4096, SOCKET_ID_ANY, 0);
	const struct rte_memzone *other = rte_memzone_reserve("tt_other", 100000, SOCKET_ID_ANY, 0);
	CHECK(mz != NULL && other != NULL);
	size_t len = 1 << 20;
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_EQ(rte_malloc_heap_create("tt_ext"), 0);
	CHECK_EQ(rte_malloc_heap_memory_add("tt_ext", va, len, NULL, 0, 4096), 0);
	int ext = rte_malloc_heap_get_socket("tt_ext");
	void *b = rte_malloc_socket(NULL, 1000, 0, ext);
	CHECK(b != NULL);

	if (mz && other)
		with_dpdk_telemetry_py(mz, other);

	char banner[1024];
	int s = tel_connect(dir, banner, sizeof(banner));
	CHECK(s >= 0);
	if (s >= 0)
		bad_indexes(s);

	/* --no-telemetry, and a secondary (DPDK starts telemetry in a primary only) */
	CHECK_EQ(run_child("--child", "test_telemetry_off", "--no-telemetry"), 10);
	CHECK_EQ(run_child("--child", PREFIX, "--proc-type=secondary"), 11); /* the primary's only */
	int r = run_child("--child-nolib", "test_telemetry_nolib", "");
	if (r == 77)
		printf("SKIP without the library: cannot hide it here (not root?)\n");
	else
		CHECK_EQ(r, 10);

	rte_free(b);
	CHECK_EQ(rte_malloc_heap_memory_remove("tt_ext", va, len), 0);
	CHECK_EQ(rte_malloc_heap_destroy("tt_ext"), 0);
	munmap(va, len);
	CHECK_EQ(rte_eal_cleanup(), 0);

	/* the connection made before cleanup: memory questions get null, arguments still */
	if (s >= 0) {
		CHECK(tel_query(s, "/eal/memzone_list", reply, sizeof(reply)) > 0 &&
		      strcmp(reply, "{\"/eal/memzone_list\":null}") == 0);
		CHECK(tel_query(s, "/eal/memzone_info,0", reply, sizeof(reply)) > 0 &&
		      strcmp(reply, "{\"/eal/memzone_info\":null}") == 0);
		CHECK(tel_query(s, "/eal/heap_list", reply, sizeof(reply)) > 0 &&
		      strcmp(reply, "{\"/eal/heap_list\":null}") == 0);
		CHECK(tel_query(s, "/eal/heap_info,0", reply, sizeof(reply)) > 0 &&
		      strcmp(reply, "{\"/eal/heap_info\":null}") == 0);
		CHECK(tel_query(s, "/eal/app_params", reply, sizeof(reply)) > 0 &&
		      strcmp(reply, "{\"/eal/app_params\":[\"my-app-arg\"]}") == 0);
		close(s);
	}
	/* nobody can connect any more, and the runtime directory went with the socket */
	CHECK(tel_connect(dir, banner, sizeof(banner)) < 0);
	struct stat st;
	CHECK(stat(dir, &st) != 0 && errno == ENOENT);
	return check_report();
}
