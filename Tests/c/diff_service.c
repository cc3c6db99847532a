/*
 * Service cores side by side with DPDK 22.11's librte_eal: every answer of
 * rte_service.h and rte_service_component.h on a fixed sequence (bad ids, run states,
 * mappings, lcore add/del/start/stop, statistics after a fixed number of iterations,
 * rte_service_dump with cycle counts masked), and -s/-S command lines in child
 * processes (roles, states, the service lcore list and what the EAL said about them).
 * Only what DPDK survives is exercised (no NULL spec, no calls before init).
 */
#define ALLOW_EXPERIMENTAL_API
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_service.h>
#include <rte_service_component.h>

#define P(x) printf("%s = %lld\n", #x, (long long)(x))
#define WAIT_FOR(cond) do { \
	for (int _i = 0; _i < 50000 && !(cond); _i++) \
		rte_delay_us_sleep(100); \
} while (0)

static volatile uint64_t calls[64];

static int32_t count_cb(void *a)
{
	__atomic_fetch_add(&calls[(uintptr_t)a], 1, __ATOMIC_RELAXED);
	return 0;
}

static int32_t idle_cb(void *a)
{
	__atomic_fetch_add(&calls[(uintptr_t)a], 1, __ATOMIC_RELAXED);
	return -EAGAIN;
}

/* rte_service_dump's text, cycle figures masked (N) unless zero */
static void dump(uint32_t id)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r = rte_service_dump(f, id);
	fclose(f);
	printf("dump(%d) = %d\n", (int)id, r);
	for (char *p = buf; *p; p++) {
		if (strncmp(p, "cycles ", 7) == 0 || strncmp(p, "avg: ", 5) == 0) {
			char *num = strchr(p, ' ') + 1;
			fwrite(p, 1, num - p, stdout);
			char *end = num;
			while (isdigit((unsigned char)*end))
				end++;
			fputs(end - num == 1 && *num == '0' ? "0" : "N", stdout);
			p = end - 1;
			continue;
		}
		putchar(*p);
	}
	free(buf);
}

static volatile int slept;

static int sleeper(void *arg)
{
	(void)arg;
	usleep(200000);
	slept = 1;
	return 0;
}

static int run_iters(void *arg)
{
	uint32_t id = (uint32_t)((uintptr_t)arg >> 16), n = (uint32_t)((uintptr_t)arg & 0xffff);
	int r = 0;
	for (uint32_t i = 0; i < n; i++)
		r |= rte_service_run_iter_on_app_lcore(id, 1);
	return r;
}

static uint32_t reg(const char *name, rte_service_func cb, uintptr_t arg)
{
	struct rte_service_spec s;
	uint32_t id = 999;
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.callback = cb;
	s.callback_userdata = (void *)arg;
	printf("register %s = %d", name, rte_service_component_register(&s, &id));
	printf(" id %u\n", id);
	return id;
}

static void api(void)
{
	uint64_t v = 77;
	uint32_t id = 99, ids[RTE_MAX_LCORE];

	/* nothing registered */
	P(rte_service_get_count());
	P(rte_service_get_by_name("x", &id));
	P(rte_service_get_by_name("x", NULL));
	P(rte_service_get_name(0) == NULL);
	P(rte_service_probe_capability(0, 1));
	P(rte_service_runstate_set(0, 1));
	P(rte_service_runstate_get(64));
	P(rte_service_set_stats_enable(0, 1));
	P(rte_service_set_runstate_mapped_check(0, 0));
	P(rte_service_attr_get(0, 0, &v));
	P(rte_service_attr_reset_all(0));
	P(rte_service_may_be_active(0));
	P(rte_service_map_lcore_set(0, 1, 1));
	P(rte_service_map_lcore_get(0, 1));
	P(rte_service_component_unregister(0));
	P(rte_service_component_runstate_set(0, 1));
	P(rte_service_run_iter_on_app_lcore(0, 1));
	P(rte_service_start_with_defaults());
	dump(0);
	dump(UINT32_MAX);

	/* registration */
	struct rte_service_spec s;
	memset(&s, 0, sizeof(s));
	P(rte_service_component_register(&s, &id));
	strcpy(s.name, "nocb");
	P(rte_service_component_register(&s, &id));
	uint32_t a = reg("svc_a", count_cb, 0);
	uint32_t b = reg("svc_b", idle_cb, 1);
	P(rte_service_get_count());
	P(rte_service_get_by_name("svc_b", &id));
	P(id);
	P(strcmp(rte_service_get_name(a), "svc_a"));
	P(rte_service_probe_capability(a, RTE_SERVICE_CAP_MT_SAFE));
	P(rte_service_probe_capability(a, 0));

	/* run states */
	P(rte_service_runstate_get(a));
	P(rte_service_may_be_active(a));
	P(rte_service_run_iter_on_app_lcore(a, 1));
	P(rte_service_runstate_set(a, 1));
	P(rte_service_run_iter_on_app_lcore(a, 1));
	P(rte_service_component_runstate_set(a, 7));
	P(rte_service_runstate_get(a));
	P(rte_service_run_iter_on_app_lcore(a, 1));
	P(calls[0]);
	P(rte_service_attr_get(a, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	P(v);
	P(rte_service_set_stats_enable(a, 1));
	for (int i = 0; i < 10; i++)
		rte_service_run_iter_on_app_lcore(a, 1);
	P(calls[0]);
	P(rte_service_attr_get(a, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	P(v);
	P(rte_service_attr_get(a, 2, &v));
	P(rte_service_attr_get(a, 0, NULL));
	P(rte_service_set_runstate_mapped_check(a, 0));
	P(rte_service_runstate_get(a));
	P(rte_service_set_runstate_mapped_check(a, 1));
	P(rte_service_runstate_get(a));

	/* lcores */
	P(rte_service_lcore_count());
	P(rte_service_lcore_add(1));
	P(rte_service_lcore_add(RTE_MAX_LCORE));
	P(rte_service_lcore_del(0));
	P(rte_service_lcore_start(0));
	P(rte_service_lcore_stop(0));
	P(rte_service_lcore_start(1));
	P(rte_service_lcore_del(1));
	P(rte_service_lcore_count_services(1));
	P(rte_service_lcore_count_services(0));
	P(rte_service_lcore_count_services(RTE_MAX_LCORE));
	P(rte_service_map_lcore_set(a, 0, 1));
	P(rte_service_map_lcore_set(a, RTE_MAX_LCORE, 1));
	P(rte_service_map_lcore_set(a, 1, 5));
	P(rte_service_map_lcore_get(a, 1));
	P(rte_service_map_lcore_get(a, 0));
	P(rte_service_lcore_count_services(1));
	P(rte_service_runstate_get(a));
	WAIT_FOR(calls[0] > 1000);
	P(calls[0] > 1000);
	P(rte_service_may_be_active(a));
	P(rte_service_lcore_stop(1));
	P(rte_service_runstate_set(a, 0));
	WAIT_FOR(rte_service_may_be_active(a) == 0);
	P(rte_service_may_be_active(a));
	P(rte_service_lcore_stop(1));
	P(rte_service_lcore_stop(1));
	WAIT_FOR(rte_service_lcore_may_be_active(1) == 0);
	P(rte_service_lcore_may_be_active(1));
	P(rte_eal_wait_lcore(1));
	P(rte_eal_get_lcore_state(1));
	P(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	P(v > 0);
	P(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES, &v));
	P(v > 0);
	P(rte_service_lcore_attr_get(1, 2, &v));
	P(rte_service_lcore_attr_get(1, 0, NULL));
	P(rte_service_lcore_attr_get(0, 0, &v));
	P(rte_service_lcore_attr_get(RTE_MAX_LCORE, 0, &v));
	P(rte_service_lcore_attr_reset_all(1));
	P(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	P(v);
	P(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES, &v));
	P(v > 0);
	P(rte_service_lcore_attr_reset_all(0));
	P(rte_service_lcore_attr_reset_all(RTE_MAX_LCORE));

	/* exact statistics: 25 iterations on the service lcore, 3 (not counted) here */
	P(rte_service_attr_reset_all(a));
	P(rte_service_attr_get(a, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	P(v);
	P(rte_service_runstate_set(a, 1));
	P(rte_eal_remote_launch(run_iters, (void *)(uintptr_t)((a << 16) | 25), 1));
	P(rte_eal_wait_lcore(1));
	P(rte_eal_remote_launch(run_iters, (void *)(uintptr_t)((b << 16) | 7), 1));
	P(rte_eal_wait_lcore(1));
	for (int i = 0; i < 3; i++)
		rte_service_run_iter_on_app_lcore(a, 1);
	P(rte_service_attr_get(a, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	P(v);
	P(rte_service_attr_get(a, RTE_SERVICE_ATTR_CYCLES, &v));
	P(v > 0);
	P(rte_service_set_stats_enable(b, 1));
	P(rte_service_component_runstate_set(b, 1));
	P(rte_service_runstate_set(b, 1));
	P(rte_eal_remote_launch(run_iters, (void *)(uintptr_t)((b << 16) | 4), 1));
	P(rte_eal_wait_lcore(1));
	P(rte_service_attr_get(b, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	P(v);
	P(rte_service_attr_get(b, RTE_SERVICE_ATTR_CYCLES, &v));
	P(v);
	P(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	P(v);
	P(rte_service_set_stats_enable(a, 0));
	dump(a);
	dump(UINT32_MAX);
	P(rte_service_set_stats_enable(a, 1));

	/* add, del, list */
	P(rte_service_lcore_del(1));
	P(rte_service_lcore_count());
	P(rte_eal_lcore_role(1));
	P(rte_service_map_lcore_get(a, 1));
	P(rte_service_lcore_add(1));
	P(rte_service_lcore_count_services(1));
	P(rte_service_map_lcore_get(a, 1));
	P(rte_service_lcore_add(0));
	P(rte_eal_lcore_role(0));
	P(rte_service_lcore_count());
	P(rte_service_lcore_del(0));
	P(rte_eal_lcore_role(0));
	P(rte_service_lcore_list(ids, 0));
	P(rte_service_lcore_list(NULL, 4));
	P(rte_service_lcore_list(ids, 4));
	P(ids[0]);

	/* 64 services, unregistering, start_with_defaults, reset_all */
	s.callback = count_cb;
	for (int i = 2; i < 70; i++) {
		snprintf(s.name, sizeof(s.name), "svc%d", i);
		s.callback_userdata = (void *)(uintptr_t)(i % 64);
		int r = rte_service_component_register(&s, &id);
		if (r) {
			printf("register %d = %d\n", i, r);
			break;
		}
	}
	P(rte_service_get_count());
	P(rte_service_get_by_name("svc63", &id));
	P(id);
	P(rte_service_component_unregister(63));
	P(rte_service_component_unregister(63));
	P(rte_service_get_count());
	P(rte_service_lcore_reset_all());
	P(rte_service_lcore_count());
	P(rte_eal_lcore_role(1));
	P(rte_service_start_with_defaults());
	P(rte_service_lcore_add(1));
	for (uint32_t i = 0; i < 64; i++)
		rte_service_runstate_set(i, 0);
	P(rte_service_start_with_defaults());
	P(rte_eal_get_lcore_state(1));
	P(rte_service_lcore_count_services(1));
	P(rte_service_map_lcore_get(62, 1));
	P(rte_service_runstate_get(62));
	P(rte_service_runstate_get(a));
	/* stopped first: DPDK's unregister clears a service its lcore may be calling */
	P(rte_service_runstate_set(a, 0));
	WAIT_FOR(rte_service_may_be_active(a) == 0);
	P(rte_service_may_be_active(a));
	P(rte_service_component_unregister(a));
	P(rte_service_runstate_set(b, 0));
	P(rte_service_lcore_stop(1));
	P(rte_service_lcore_reset_all());
	P(rte_eal_wait_lcore(1));
	P(rte_service_lcore_add(1));
	P(rte_service_start_with_defaults());
	P(rte_service_lcore_count_services(1));
	P(rte_service_lcore_stop(1));
	P(rte_eal_wait_lcore(1));
}

/* ---- command lines, in child processes ---- */

static void child(int argc, char **argv)
{
	/* the usage text a refused command line prints is not compared */
	int out = dup(1), devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	int r = rte_eal_init(argc, argv);
	fflush(stdout);
	dup2(out, 1);
	if (r < 0) {
		printf("  init -1 errno %d\n", rte_errno);
		return;
	}
	printf("  init ok, lcore_count %u main %u\n", rte_lcore_count(), rte_get_main_lcore());
	for (unsigned i = 0; i < 6; i++)
		printf("  lcore %u role %d enabled %d state %d index %d\n", i, rte_eal_lcore_role(i),
		       rte_lcore_is_enabled(i), rte_eal_get_lcore_state(i), rte_lcore_index(i));
	uint32_t ids[RTE_MAX_LCORE];
	int n = rte_service_lcore_list(ids, RTE_MAX_LCORE);
	printf("  service lcores %d:", n);
	for (int i = 0; i < n; i++)
		printf(" %u (active %d, start %d)", ids[i], rte_service_lcore_may_be_active(ids[i]),
		       rte_service_lcore_start(ids[i]));
	printf("\n");
	printf("  cleanup %d\n", rte_eal_cleanup());
}

static void command_lines(const char *self)
{
	static const char *const lines[] = {
		"-l 0-1 -s 0x2", "-s 0x2 -l 0-1", "-l 0 -s 0x2", "-l 0-1 -s 0x1", "-l 0-1 -s 0x3",
		"--main-lcore 1 -l 0-1 -s 0x1", "-l 0-1 --main-lcore 1 -s 0x2", "-l 0-1 -s 0x2 --main-lcore 1",
		"-l 0-1 -S 1", "-l 0-1 -S 0-1", "-l 0-1 -S 1,1", "-l 0-1 -S ,1", "-l 0-1 -S 5",
		"-l 0-1 --main-lcore 1 -S 1", "-S 1 -l 0-1", "-l 0-1 -s 0", "-l 0-1 -s xyz",
		"-l 0-1 -s 0X2", "-l 0-1 -s 0x100000000000000000000000000000000",
		"-l 0-1 -s 0x000000000000000000000000000000002", "-l 0-1 -S x", "-l 0-1 -S 1-0",
		"-l 0-1 -S 1-", "-l 0-1 -S 1,", "-l 0-1 -S 128", "-l 1 -s 0x1", "-c 0x3 -S 0-1",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char copy[256], *argv[40] = { (char *)self, "--child", "--no-huge", "-m", "32", "--no-pci",
					      "--file-prefix", "diff_svc_child" };
		int n = 8;
		snprintf(copy, sizeof(copy), "%s", lines[i]);
		for (char *t = strtok(copy, " "); t && n < 38; t = strtok(NULL, " "))
			argv[n++] = t;
		argv[n] = NULL;
		printf("%s\n", lines[i]);
		int fds[2];
		if (pipe(fds) != 0)
			return;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(fds[1], 1);
			dup2(fds[1], 2);
			close(fds[0]);
			execv(self, argv);
			_exit(127);
		}
		close(fds[1]);
		/* the child's report, in order with what the EAL said about service cores and
		 * the main lcore */
		FILE *err = fdopen(fds[0], "r");
		char line[512];
		while (err && fgets(line, sizeof(line), err)) {
			if (strncmp(line, "  ", 2) == 0)
				fputs(line, stdout);
			else if (strncmp(line, "EAL: ", 5) == 0 &&
				 (strstr(line, "ervice") || strstr(line, "ain lcore") || strstr(line, "unavailable")))
				printf("  stderr: %s", line);
		}
		if (err)
			fclose(err);
		int st;
		waitpid(pid, &st, 0);
		printf("  exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		argv[1] = argv[0];
		child(argc - 1, argv + 1);
		return 0;
	}
	char *eal[] = { argv[0], "-l", "0-1", "-s", "0x2", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "diff_service", "--log-level", "lib.eal:notice", NULL };
	int r = rte_eal_init(13, eal);
	printf("init %d\n", r);
	if (r < 0)
		return 1;
	api();
	/* cleanup waits for what the lcores run (rte_service_finalize waits for them all) */
	P(rte_eal_remote_launch(sleeper, NULL, 1));
	printf("cleanup %d\n", rte_eal_cleanup());
	P(slept);
	command_lines("/proc/self/exe");
	return 0;
}
