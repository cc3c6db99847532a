/*
 * DPDK's libraries call the EAL from their ELF constructors. With LD_PRELOAD=libswifteal.so
 * those calls reach SwiftEAL before SwiftEAL's own constructors have run: the dynamic
 * loader initialises the program's libraries (DPDK's librte_eal, ethdev, ...) before the
 * preloaded one. This program is linked to real DPDK 22.11 libraries whose constructors
 * make every such call DPDK's libraries and drivers make (found by reading the
 * .init_array functions of all 307 of Debian's DPDK objects): rte_log_register_type_and_
 * pick_level (130 objects), rte_eal_tailq_register (17), rte_cpu_get_flag_enabled (15),
 * rte_bus_register (8), __rte_trace_point_register (4), rte_class_register (2),
 * rte_eal_iopl_init (net_virtio) and rte_hypervisor_get (net_vdev_netvsc). It checks that
 * the loader did run them first (LD_DEBUG in a child), that they reached SwiftEAL, and
 * that what they registered is there and works after rte_eal_init: log types (and a
 * --log-level given to init applies to them), buses, the eth class, trace points, tailqs
 * (a hash table made in the shared tailq), the CRC routine chosen by CPU flag.
 * Built against DPDK's headers, linked to the libraries in preload_constructors.libs,
 * run by Tests/c/run.sh with the preload.
 */
#define ALLOW_EXPERIMENTAL_API
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_class.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_log.h>
#include <rte_net_crc.h>
#include <rte_tailq.h>
#include <rte_trace.h>
#include <rte_trace_point.h>

#include "check.h"

static const char *library_of(const char *sym)
{
	Dl_info info;
	void *p = dlsym(RTLD_DEFAULT, sym);
	if (p == NULL || dladdr(p, &info) == 0 || info.dli_fname == NULL)
		return "";
	const char *slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}

/* The loader's order of initialisers, from LD_DEBUG=files in a child of this program
 * (which only exits): the position of `lib`'s "calling init" line, or -1. */
static char order[1 << 16];
static int init_position(const char *lib)
{
	int pos = 0;
	for (char *line = order; line && *line; pos++) {
		char *end = strchr(line, '\n');
		if (end)
			*end = 0;
		char *c = strstr(line, "calling init: ");
		int hit = c && strstr(c, lib) != NULL;
		if (end)
			*end = '\n';
		if (hit)
			return pos;
		line = end ? end + 1 : NULL;
	}
	return -1;
}

static void loader_order(const char *self)
{
	int fds[2];
	if (pipe(fds) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		setenv("LD_DEBUG", "files", 1);
		execl(self, self, "--exit", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(order) - 1 && (r = read(fds[0], order + n, sizeof(order) - 1 - n)) > 0)
		n += (size_t)r;
	order[n] = 0;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	int ours = init_position("libswifteal.so");
	static const char *const dpdk[] = { "librte_eal.so", "librte_ethdev.so", "librte_hash.so",
		"librte_bus_pci.so", "librte_bus_vdev.so", "librte_net.so", "librte_net_virtio.so",
		"librte_net_vdev_netvsc.so", NULL };
	printf("initialisers: libswifteal.so at %d", ours);
	for (int i = 0; dpdk[i]; i++) {
		int p = init_position(dpdk[i]);
		printf(", %s at %d", dpdk[i], p);
		CHECK(p >= 0 && ours > p);
	}
	printf("\n");
}

static int has_log_type(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_log_list_types(f, "");
	fclose(f);
	char want[128];
	snprintf(want, sizeof(want), "\n%s\n", name);
	int found = buf && (strncmp(buf, want + 1, strlen(want + 1)) == 0 || strstr(buf, want) != NULL);
	free(buf);
	return found;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0;
	setvbuf(stdout, NULL, _IONBF, 0);

	loader_order(argv[0]);
	static const char *const entry_points[] = { "rte_log_register_type_and_pick_level",
		"rte_eal_tailq_register", "rte_cpu_get_flag_enabled", "rte_bus_register",
		"__rte_trace_point_register", "rte_class_register", "rte_eal_iopl_init", "rte_hypervisor_get",
		NULL };
	for (int i = 0; entry_points[i]; i++) {
		const char *lib = library_of(entry_points[i]);
		if (strncmp(lib, "libswifteal", 11) != 0)
			printf("FAIL: %s comes from '%s'\n", entry_points[i], lib);
		CHECK(strncmp(lib, "libswifteal", 11) == 0);
	}

	/* before rte_eal_init: what the constructors registered */
	static const char *const types[] = { "lib.ethdev", "lib.net", "bus.vdev", "pmd.net.virtio.init",
		"pmd.net.vdev_netvsc", NULL };
	for (int i = 0; types[i]; i++) {
		if (!has_log_type(types[i]))
			printf("FAIL: no log type %s\n", types[i]);
		CHECK(has_log_type(types[i]));
	}
	CHECK(rte_bus_find_by_name("pci") != NULL);
	CHECK(rte_bus_find_by_name("vdev") != NULL);
	CHECK(rte_class_find_by_name("eth") != NULL);
	rte_trace_point_t *tp = rte_trace_point_lookup("lib.ethdev.configure");
	CHECK(tp != NULL);

	char *args[] = { argv[0], "-l", "0", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
			 "--log-level=lib.ethdev:debug", "--file-prefix", "preload_constructors", NULL };
	int ret = rte_eal_init(11, args);
	CHECK(ret >= 0);
	if (ret < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return check_report();
	}

	/* a type registered (at INFO) before init takes init's --log-level */
	int ethdev_type = rte_log_register("lib.ethdev");
	CHECK(ethdev_type >= 0);
	CHECK_EQ(rte_log_get_level(ethdev_type), RTE_LOG_DEBUG);
	/* tailqs registered early are in the shared config: a hash table goes in one */
	CHECK(rte_eal_tailq_lookup("RTE_HASH") != NULL);
	struct rte_hash_parameters hp = { .name = "preload_h", .entries = 64, .key_len = 4, .socket_id = 0 };
	struct rte_hash *h = rte_hash_create(&hp);
	CHECK(h != NULL);
	CHECK(h != NULL && rte_hash_find_existing("preload_h") == h);
	uint32_t key = 7;
	CHECK(h != NULL && rte_hash_add_key(h, &key) >= 0 && rte_hash_lookup(h, &key) >= 0);
	rte_hash_free(h);
	/* librte_net chose its CRC routine by CPU flag in its constructor */
	CHECK_EQ(rte_net_crc_calc("123456789", 9, RTE_NET_CRC32_ETH), 0xCBF43926u);
	/* a trace point registered early can be enabled */
	CHECK(tp != NULL && rte_trace_point_enable(tp) == 0 && rte_trace_point_is_enabled(tp));
	CHECK(tp != NULL && rte_trace_point_disable(tp) == 0);
	CHECK_EQ(rte_eth_dev_count_avail(), 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
