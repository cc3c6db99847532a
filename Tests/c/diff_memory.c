/*
 * rte_memory.h and rte_eal_memconfig.h as DPDK 22.11 answers them: the memseg lists,
 * segments and VA-contiguous runs each backend gives for the same options (counts and
 * sizes, never addresses), the physmem layout dump's shape, and the errors for bad
 * arguments (unknown addresses, NULL segments, DMA masks, event callbacks, validators,
 * external memory). Built against DPDK's headers, run once linked to DPDK and once
 * to SwiftEAL: the outputs must be identical. One child process per option set.
 */
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_eal_memconfig.h>

/* A call's value and the rte_errno it left (read right after the call). */
#define T(label, call) do { \
	rte_errno = 0; \
	long long _r = (long long)(call); \
	int _e = rte_errno; \
	printf("  %s = %lld, rte_errno %d\n", label, _r, _e); \
} while (0)

static int list_cb(const struct rte_memseg_list *msl, void *arg)
{
	(void)arg;
	printf("  list %s: page_sz %llu socket %d len %zu segs %u used %u external %u heap %u\n",
	       msl->memseg_arr.name, (unsigned long long)msl->page_sz, msl->socket_id, msl->len,
	       msl->memseg_arr.len, msl->memseg_arr.count, msl->external, msl->heap);
	return 0;
}

static int segs, first_done, legacy;
static size_t seg_total;
static int seg_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)arg;
	segs++;
	seg_total += ms->len;
	if (!first_done) {
		first_done = 1;
		size_t off = 7;
		int fd = rte_memseg_get_fd_thread_unsafe(ms);
		int fe = fd < 0 ? rte_errno : 0;
		int r = rte_memseg_get_fd_offset_thread_unsafe(ms, &off);
		printf("  first segment: len %zu hugepage_sz %llu socket %d nchannel %u nrank %u flags %u "
		       "in list %d, fd %s (rte_errno %d), offset %s %zu\n",
		       ms->len, (unsigned long long)ms->hugepage_sz, ms->socket_id, ms->nchannel, ms->nrank,
		       ms->flags, rte_mem_virt2memseg_list(ms->addr) == msl, fd >= 0 ? "yes" : "no", fe,
		       r == 0 ? "yes" : "no", r == 0 ? off : 0);
		printf("  virt2memseg finds it: %d; iova is virt2iova: %d\n",
		       rte_mem_virt2memseg((char *)ms->addr + 1, NULL) == ms,
		       rte_mem_virt2iova(ms->addr) == ms->iova);
	}
	return 0;
}

/* Legacy memory's runs follow physical contiguity (machine-dependent): only their total. */
static int runs;
static size_t runs_total;
static int run_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len, void *arg)
{
	(void)msl; (void)ms; (void)arg;
	runs++;
	runs_total += len;
	if (!legacy)
		printf("  run %d: %zu bytes\n", runs, len);
	return 0;
}

static int stop_after(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl; (void)ms;
	return ++*(int *)arg == 3 ? 1 : 0;
}

static void ev(enum rte_mem_event t, const void *a, size_t l, void *arg) { (void)t; (void)a; (void)l; (void)arg; }
static int val(int s, size_t c, size_t n) { (void)s; (void)c; (void)n; return 0; }

/* The physmem dump with addresses, IOVAs and descriptor numbers masked. */
static void masked_dump(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	rte_dump_physmem_layout(f);
	fclose(f);
	int lines = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		/* legacy memory leaves holes between physically contiguous runs: which segment
		 * indexes are used depends on the machine's page layout */
		if (lines++ >= 2 || legacy)
			continue;
		char out[512];
		size_t o = 0;
		for (char *p = line; *p && o < sizeof(out) - 4; p++) {
			if (p[0] == '0' && p[1] == 'x') {
				out[o++] = '0'; out[o++] = 'x'; out[o++] = '?';
				p += 2;
				while (isxdigit((unsigned char)p[0]))
					p++;
				p--;
			} else if (strncmp(p, "fd:", 3) == 0) {
				memcpy(out + o, "fd:?", 4);
				o += 4;
				p += 3;
				while (p[0] == '-' || isdigit((unsigned char)p[0]))
					p++;
				p--;
			} else {
				out[o++] = *p;
			}
		}
		out[o] = 0;
		printf("  dump: %s\n", out);
	}
	printf("  dump lines: %d\n", lines);
	free(buf);
}

static void errors(void)
{
	int x = 0;
	char longname[100];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	T("virt2memseg_list(stack)", rte_mem_virt2memseg_list(&x) != NULL);
	T("virt2memseg(stack, NULL)", rte_mem_virt2memseg(&x, NULL) != NULL);
	T("virt2memseg(NULL, NULL)", rte_mem_virt2memseg(NULL, NULL) != NULL);
	T("iova2virt(0)", rte_mem_iova2virt(0) != NULL);
	T("get_fd(NULL)", rte_memseg_get_fd(NULL));
	size_t off = 5;
	T("get_fd_offset(NULL, &off)", rte_memseg_get_fd_offset(NULL, &off));
	struct rte_memseg fake = { .addr = &x, .len = 4096 };
	T("get_fd(segment of no list)", rte_memseg_get_fd(&fake));
	T("get_fd_offset(segment of no list)", rte_memseg_get_fd_offset(&fake, &off));
	T("lock_page(stack)", rte_mem_lock_page(&x));
	T("lock_page(NULL)", rte_mem_lock_page(NULL));
	T("dma_mask(0)", rte_mem_check_dma_mask(0));
	T("dma_mask(63)", rte_mem_check_dma_mask(63));
	T("dma_mask(64)", rte_mem_check_dma_mask(64));
	T("dma_mask(255)", rte_mem_check_dma_mask(255));
	T("event_register(NULL name)", rte_mem_event_callback_register(NULL, ev, NULL));
	T("event_register(NULL callback)", rte_mem_event_callback_register("a", NULL, NULL));
	T("event_register(long name)", rte_mem_event_callback_register(longname, ev, NULL));
	T("event_register(a)", rte_mem_event_callback_register("a", ev, NULL));
	T("event_register(a) again", rte_mem_event_callback_register("a", ev, NULL));
	T("event_register(a, other arg)", rte_mem_event_callback_register("a", ev, &x));
	T("event_unregister(never registered)", rte_mem_event_callback_unregister("b", NULL));
	T("event_unregister(NULL)", rte_mem_event_callback_unregister(NULL, NULL));
	T("event_unregister(a)", rte_mem_event_callback_unregister("a", NULL));
	T("event_unregister(a) again", rte_mem_event_callback_unregister("a", NULL));
	T("event_unregister(a, other arg)", rte_mem_event_callback_unregister("a", &x));
	T("validator_register(NULL name)", rte_mem_alloc_validator_register(NULL, val, 0, 0));
	T("validator_register(NULL callback)", rte_mem_alloc_validator_register("v", NULL, 0, 0));
	T("validator_register(socket -1)", rte_mem_alloc_validator_register("v", val, -1, 0));
	T("validator_register(long name)", rte_mem_alloc_validator_register(longname, val, 0, 0));
	T("validator_register(v)", rte_mem_alloc_validator_register("v", val, 0, 100));
	T("validator_register(v) again", rte_mem_alloc_validator_register("v", val, 0, 200));
	T("validator_register(v, socket 5)", rte_mem_alloc_validator_register("v", val, 5, 200));
	T("validator_unregister(never registered)", rte_mem_alloc_validator_unregister("w", 0));
	T("validator_unregister(socket -1)", rte_mem_alloc_validator_unregister("v", -1));
	T("validator_unregister(NULL)", rte_mem_alloc_validator_unregister(NULL, 0));
	T("validator_unregister(v)", rte_mem_alloc_validator_unregister("v", 0));
	T("validator_unregister(v, socket 5)", rte_mem_alloc_validator_unregister("v", 5));

	size_t pg = 4096, len = 16 * pg;
	char *va = mmap(NULL, 4 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rte_iova_t iovas[16];
	for (int i = 0; i < 16; i++)
		iovas[i] = 0x10000000 + i * pg;
	T("extmem_register(NULL)", rte_extmem_register(NULL, len, NULL, 0, pg));
	T("extmem_register(len 0)", rte_extmem_register(va, 0, NULL, 0, pg));
	T("extmem_register(page_sz 0)", rte_extmem_register(va, len, NULL, 0, 0));
	T("extmem_register(page_sz 3000)", rte_extmem_register(va, len, NULL, 0, 3000));
	T("extmem_register(len not pages)", rte_extmem_register(va, len + 1, NULL, 0, pg));
	T("extmem_register(va not aligned)", rte_extmem_register(va + 1, len, NULL, 0, pg));
	T("extmem_register(n_pages wrong)", rte_extmem_register(va, len, iovas, 3, pg));
	rte_errno = 0;
	int r = rte_extmem_register(va, len, iovas, 16, pg);
	printf("  extmem_register(ok) = %d\n", r);
	T("extmem_register(again)", rte_extmem_register(va, len, iovas, 16, pg));
	T("virt2memseg_list(extmem) is external", rte_mem_virt2memseg_list(va + 5)->external);
	T("virt2memseg_list(extmem) socket", rte_mem_virt2memseg_list(va + 5)->socket_id);
	T("iova2virt(extmem iova)", rte_mem_iova2virt(0x10000000 + 3 * pg + 9) == va + 3 * pg + 9);
	T("get_fd(extmem segment)", rte_memseg_get_fd(rte_mem_virt2memseg(va, NULL)));
	T("physmem size counts no external memory", rte_eal_get_physmem_size() == 0);
	T("extmem_attach(NULL)", rte_extmem_attach(NULL, len));
	T("extmem_attach(unknown)", rte_extmem_attach(va + 2 * len, len));
	T("extmem_attach(own)", rte_extmem_attach(va, len));
	T("extmem_detach(unknown)", rte_extmem_detach(va + 2 * len, len));
	T("extmem_unregister(NULL)", rte_extmem_unregister(NULL, len));
	T("extmem_unregister(len 0)", rte_extmem_unregister(va, 0));
	T("extmem_unregister(wrong len)", rte_extmem_unregister(va, len - pg));
	T("extmem_unregister(unknown)", rte_extmem_unregister(va + 2 * len, len));
	T("extmem_unregister(ok)", rte_extmem_unregister(va, len));
	T("extmem_unregister(again)", rte_extmem_unregister(va, len));
	T("virt2memseg_list(former extmem)", rte_mem_virt2memseg_list(va) != NULL);
	munmap(va, 4 * len);
}

static int child(int argc, char **argv)
{
	int ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("  rte_eal_init failed, rte_errno %d\n", rte_errno);
		return 0;
	}
	printf("  iova mode %d, phys addrs %d, hugepages %d, physmem %llu, nchannel %u, nrank %u, single file %d\n",
	       rte_eal_iova_mode(), rte_eal_using_phys_addrs(), rte_eal_has_hugepages(),
	       (unsigned long long)rte_eal_get_physmem_size(), rte_memory_get_nchannel(), rte_memory_get_nrank(),
	       rte_mcfg_get_single_file_segments());
	printf("  list walk = %d\n", rte_memseg_list_walk(list_cb, NULL));
	printf("  segment walk = %d: %d segments, %zu bytes\n", rte_memseg_walk(seg_cb, NULL), segs, seg_total);
	for (int i = 0; i < argc; i++)
		legacy |= strcmp(argv[i], "--legacy-mem") == 0;
	printf("  contig walk = %d\n", rte_memseg_contig_walk(run_cb, NULL));
	printf("  runs total %zu bytes\n", runs_total);
	int n = 0;
	printf("  walk stopped by its callback = %d after %d calls\n", rte_memseg_walk(stop_after, &n), n);
	rte_mcfg_mem_read_lock();
	n = 0;
	printf("  thread-unsafe walk under the read lock = %d after %d calls\n", rte_memseg_walk_thread_unsafe(stop_after, &n), n);
	rte_mcfg_mem_read_unlock();
	rte_mcfg_tailq_write_lock();
	rte_mcfg_tailq_write_unlock();
	rte_mcfg_mempool_read_lock();
	rte_mcfg_mempool_read_unlock();
	rte_mcfg_timer_lock();
	rte_mcfg_timer_unlock();
	masked_dump();
	if (getenv("DIFF_MEMORY_ERRORS"))
		errors();
	printf("  cleanup = %d\n", rte_eal_cleanup());
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		argv[1] = argv[0];
		return child(argc - 1, argv + 1);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	static const char *const cases[][16] = {
		{ "errors", "-l", "0", "--no-pci", "-m", "64" },
		{ "", "-l", "0", "--no-pci", "--no-huge", "-m", "16" },
		{ "", "-l", "0", "--no-pci", "--single-file-segments", "-m", "16" },
		{ "", "-l", "0", "--no-pci", "--in-memory", "-m", "16" },
		{ "", "-l", "0", "--no-pci", "--in-memory", "--single-file-segments", "-m", "8" },
		{ "", "-l", "0", "--no-pci", "--legacy-mem", "-m", "8" },
		{ "", "-l", "0", "--no-pci", "-m", "8", "-n", "4", "-r", "2" },
		{ "", "-l", "0", "--no-pci", "--socket-mem", "8" },
		{ "", "-l", "0", "--no-pci", "--huge-unlink", "-m", "8" },
		{ "", "-l", "0", "--no-pci", "--iova-mode", "va", "-m", "8" },
		{ "", "-l", "0", "--no-pci", "-m", "99999" },
		{ "", "-l", "0", "--no-pci", "--socket-mem", "2,2" },
		{ "", "-l", "0", "--no-pci", "--huge-dir", "/tmp", "-m", "2" },
		/* never: the files stay after cleanup and the next run reuses them (flags DIRTY);
		 * then a default run reclaims them */
		{ "", "-l", "0", "--no-pci", "--huge-unlink=never", "-m", "4" },
		{ "", "-l", "0", "--no-pci", "--huge-unlink=never", "-m", "4" },
		{ "", "-l", "0", "--no-pci", "-m", "2" },
	};
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "diffmem%d", getpid());
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		printf("case:");
		for (int i = 1; cases[c][i]; i++)
			printf(" %s", cases[c][i]);
		printf("\n");
		pid_t pid = fork();
		if (pid == 0) {
			const char *args[24] = { argv[0], "--child" };
			int n = 2;
			for (int i = 1; cases[c][i]; i++)
				args[n++] = cases[c][i];
			args[n++] = "--file-prefix";
			args[n++] = prefix;
			args[n] = NULL;
			if (cases[c][0][0])
				setenv("DIFF_MEMORY_ERRORS", "1", 1);
			execv(argv[0], (char *const *)args);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("  exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	return 0;
}
