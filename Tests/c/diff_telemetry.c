/*
 * The EAL's telemetry commands as DPDK 22.11 answers them: a process with telemetry on
 * (the default) reserves memzones and fills an external heap, then asks its own
 * telemetry socket (as dpdk-telemetry.py does) for /eal/params, /eal/app_params,
 * /eal/memzone_list, /eal/memzone_info, /eal/heap_list and /eal/heap_info, with good
 * and odd parameters. Built against DPDK's headers, run once linked to DPDK and once to
 * SwiftEAL: the replies must be identical once the values that differ between runs
 * are masked, each only after it was checked against the API (an address must be the
 * memzone's, a size the heap's rte_malloc_get_socket_stats figure). The command list
 * is shown for "/", "/help", "/info" and "/eal/..." only: DPDK's drivers add theirs.
 * Indexes DPDK reads past its tables with (memzone 2560, heap 32, "-1") are left to
 * test_telemetry: DPDK crashes or hangs there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "telemetry_client.h"

static char reply[65536];
static int sock;

static const char *zones[] = { "tm_small", "tm_pages", "tm_aligned" };
#define NZONES 3

/* Masks what differs between runs in a reply: memzone addresses and their pages, the
 * heaps' figures, the pid. */
static void mask(void)
{
	char v[64], t[64];
	for (int i = 0; i < NZONES; i++) {
		const struct rte_memzone *mz = rte_memzone_lookup(zones[i]);
		if (!mz)
			continue;
		snprintf(v, sizeof(v), "\"%p\"", mz->addr);
		snprintf(t, sizeof(t), "\"<%s address>\"", zones[i]);
		tel_replace(reply, sizeof(reply), v, t);
		uintptr_t page = (uintptr_t)mz->addr & ~(uintptr_t)(mz->hugepage_sz - 1);
		snprintf(v, sizeof(v), "\"%p\"", (void *)page);
		snprintf(t, sizeof(t), "\"<%s page>\"", zones[i]);
		tel_replace(reply, sizeof(reply), v, t);
	}
	struct {
		const char *name;
		int socket;
	} heaps[] = { { "socket_0", 0 }, { "tm_ext", rte_malloc_heap_get_socket("tm_ext") } };
	for (size_t i = 0; i < sizeof(heaps) / sizeof(heaps[0]); i++) {
		char name[80];
		snprintf(name, sizeof(name), "\"Name\":\"%s\"", heaps[i].name);
		if (!strstr(reply, name))
			continue;
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats(heaps[i].socket, &st) != 0)
			continue;
		tel_mask_number(reply, sizeof(reply), "Heap_size", st.heap_totalsz_bytes, "<total>");
		tel_mask_number(reply, sizeof(reply), "Free_size", st.heap_freesz_bytes, "<free>");
		tel_mask_number(reply, sizeof(reply), "Alloc_size", st.heap_allocsz_bytes, "<allocated>");
		tel_mask_number(reply, sizeof(reply), "Greatest_free_size", st.greatest_free_size, "<greatest>");
		tel_mask_number(reply, sizeof(reply), "Alloc_count", st.alloc_count, "<alloc_count>");
		tel_mask_number(reply, sizeof(reply), "Free_count", st.free_count, "<free_count>");
	}
	tel_mask_number(reply, sizeof(reply), "pid", (unsigned long long)getpid(), "<pid>");
}

static void ask(const char *cmd)
{
	if (tel_query(sock, cmd, reply, sizeof(reply)) < 0) {
		printf("%s -> no reply\n", cmd);
		return;
	}
	mask();
	printf("%s -> %s\n", cmd, reply);
}

/* "/" with only the commands the EAL and the library register. */
static void command_list(void)
{
	if (tel_query(sock, "/", reply, sizeof(reply)) < 0) {
		printf("/ -> no reply\n");
		return;
	}
	printf("/ -> the EAL's and the library's:");
	for (char *p = strchr(reply, '['); p && *p; ) {
		char *q = strchr(p, '"');
		if (!q)
			break;
		char *e = strchr(q + 1, '"');
		if (!e)
			break;
		*e = 0;
		if (strcmp(q + 1, "/") == 0 || strcmp(q + 1, "/help") == 0 || strcmp(q + 1, "/info") == 0 ||
		    strncmp(q + 1, "/eal/", 5) == 0)
			printf(" %s", q + 1);
		p = e + 1;
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char *args[] = { "diff_telemetry", "-l", "0", "--no-huge", "-m", "64", "--no-pci", "--file-prefix",
			 "diff_telemetry", "--", "app-arg", "--app-flag", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(12, args) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		return 1;
	}
	printf("memzones: %d %d %d\n",
	       rte_memzone_reserve(zones[0], 1000, SOCKET_ID_ANY, 0) != NULL,
	       rte_memzone_reserve(zones[1], 3 << 20, SOCKET_ID_ANY, 0) != NULL,
	       rte_memzone_reserve_aligned(zones[2], 8192, SOCKET_ID_ANY, 0, 4096) != NULL);
	size_t len = 1 << 20;
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r1 = rte_malloc_heap_create("tm_ext");
	int r2 = rte_malloc_heap_memory_add("tm_ext", va, len, NULL, 0, 4096);
	printf("external heap: %d %d (rte_errno %d)\n", r1, r2, r2 ? rte_errno : 0);
	void *blocks[3] = { rte_malloc(NULL, 1000, 0), rte_malloc(NULL, 100000, 0),
			    rte_malloc_socket(NULL, 5000, 0, rte_malloc_heap_get_socket("tm_ext")) };
	printf("blocks: %d %d %d\n", blocks[0] != NULL, blocks[1] != NULL, blocks[2] != NULL);

	char banner[1024];
	sock = tel_connect(rte_eal_get_runtime_dir(), banner, sizeof(banner));
	if (sock < 0) {
		printf("no telemetry socket\n");
		return 1;
	}
	snprintf(reply, sizeof(reply), "%s", banner);
	mask();
	printf("banner: %s\n", reply);
	command_list();
	static const char *const cmds[] = {
		"/info", "/help,/eal/params", "/help,/eal/app_params", "/help,/eal/memzone_list",
		"/help,/eal/memzone_info", "/help,/eal/heap_list", "/help,/eal/heap_info",
		"/eal/params", "/eal/params,ignored", "/eal/app_params",
		"/eal/memzone_list", "/eal/memzone_info", "/eal/memzone_info,0", "/eal/memzone_info,1",
		"/eal/memzone_info,2", "/eal/memzone_info,3", "/eal/memzone_info,999",
		"/eal/memzone_info,abc", "/eal/memzone_info,1x", "/eal/memzone_info, 2",
		"/eal/heap_list", "/eal/heap_list,9", "/eal/heap_info", "/eal/heap_info,0", "/eal/heap_info,1",
		"/eal/heap_info,2", "/eal/heap_info,31", "/eal/heap_info,abc", "/eal/heap_info,1x", NULL,
	};
	for (int i = 0; cmds[i]; i++)
		ask(cmds[i]);

	/* a freed memzone leaves the list; a freed block changes the figures */
	rte_memzone_free(rte_memzone_lookup(zones[1]));
	rte_free(blocks[1]);
	blocks[1] = NULL;
	ask("/eal/memzone_list");
	ask("/eal/memzone_info,1");
	ask("/eal/heap_info,0");
	close(sock);

	for (int i = 0; i < 3; i++)
		rte_free(blocks[i]);
	rte_malloc_heap_memory_remove("tm_ext", va, len);
	rte_malloc_heap_destroy("tm_ext");
	munmap(va, len);
	rte_eal_cleanup();
	return 0;
}
