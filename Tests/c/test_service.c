/*
 * Service cores: a service registered before rte_eal_init, the -s lcore started by
 * init and running it, run states, mappings, exact statistics after a fixed number of
 * iterations, MT-unsafe serialization, lcore add/del/start/stop/reset_all,
 * start_with_defaults, the 64-service limit, rte_service_dump's text, calls from a
 * thread without an lcore, every bad argument with DPDK 22.11's answer, -s/-S parsed
 * as DPDK parses them (child processes), and cleanup stopping a running service lcore.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
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

#include "check.h"

static volatile uint64_t calls[8];
static volatile int hold, entered;

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

static int32_t blocking_cb(void *a)
{
	(void)a;
	__atomic_store_n(&entered, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&hold, __ATOMIC_ACQUIRE))
		rte_pause();
	return 0;
}

/* Polls cond for up to 5 s. */
#define WAIT_FOR(cond) do { \
	for (int _i = 0; _i < 50000 && !(cond); _i++) \
		rte_delay_us_sleep(100); \
} while (0)

static uint32_t reg(const char *name, rte_service_func cb, uintptr_t arg, uint32_t caps)
{
	struct rte_service_spec s;
	uint32_t id = UINT32_MAX;
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.callback = cb;
	s.callback_userdata = (void *)arg;
	s.capabilities = caps;
	CHECK_EQ(rte_service_component_register(&s, &id), 0);
	return id;
}

static int run_iters(void *arg)
{
	uint32_t id = (uint32_t)((uintptr_t)arg >> 16), n = (uint32_t)((uintptr_t)arg & 0xffff);
	for (uint32_t i = 0; i < n; i++)
		if (rte_service_run_iter_on_app_lcore(id, 1) != 0)
			return -1;
	return 0;
}

static int run_once_serialized(void *arg)
{
	return rte_service_run_iter_on_app_lcore((uint32_t)(uintptr_t)arg, 1);
}

static uint64_t attr(uint32_t id, uint32_t a)
{
	uint64_t v = UINT64_MAX;
	CHECK_EQ(rte_service_attr_get(id, a, &v), 0);
	return v;
}

static void *plain_thread(void *arg)
{
	return (void *)(intptr_t)rte_service_run_iter_on_app_lcore((uint32_t)(uintptr_t)arg, 1);
}

static int launched;
static int mark(void *a)
{
	(void)a;
	__atomic_store_n(&launched, 1, __ATOMIC_RELEASE);
	return 0;
}

/* ---- -s / -S in child processes ---- */

static const char *self = "/proc/self/exe";
static char child_err[8192];

static int child_main(int argc, char **argv)
{
	int ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 10 + rte_errno % 100;
	uint32_t ids[RTE_MAX_LCORE];
	int n = rte_service_lcore_list(ids, RTE_MAX_LCORE);
	/* exit code: the service lcores as a bit mask of ids 0-5, 64 + for none */
	int mask = 0;
	for (int i = 0; i < n; i++)
		mask |= ids[i] < 6 ? 1 << ids[i] : 32;
	rte_eal_cleanup();
	return n == 0 ? 64 : mask;
}

static int run_child(const char *const *args)
{
	FILE *err = tmpfile();
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[32] = { self, "--child", "--no-huge", "-m", "32", "--no-pci",
					 "--file-prefix", "test_service_child" };
		int n = 8;
		for (int i = 0; args[i] && n < 31; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		dup2(fileno(err), 2);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	rewind(err);
	size_t n = fread(child_err, 1, sizeof(child_err) - 1, err);
	child_err[n] = 0;
	fclose(err);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void options(void)
{
	static const struct {
		const char *args[7];
		int status;             /* see child_main: 10 + EINVAL is a refusal */
		const char *said;       /* in stderr */
	} cases[] = {
		{ { "-l", "0-1", "-s", "0x2" }, 2, NULL },
		{ { "-l", "0-1", "-S", "1" }, 2, NULL },
		{ { "-l", "0-1", "-s", " 0X3 " }, 2, NULL },              /* the main lcore is left out */
		{ { "-l", "0-1", "-S", "0-1" }, 2, NULL },
		{ { "-l", "0", "-s", "0x2" }, 2, "Not all service cores are in the coremask" },
		{ { "-s", "0x2", "-l", "0-1" }, 2, "Service cores parsed before dataplane cores" },
		{ { "-l", "0-1", "-S", "127" }, 32, "Not all service cores were in the coremask" },
		{ { "-l", "0-1", "--main-lcore", "1", "-s", "0x1" }, 1, NULL },
		{ { "-l", "0-1", "--main-lcore", "1", "-s", "0x2" }, 10 + EINVAL, "lcore 1 is main lcore, cannot use as service core" },
		{ { "-l", "0-1", "--main-lcore", "1", "-S", "1" }, 10 + EINVAL, "Error: lcore 1 is main lcore" },
		{ { "-l", "0-1", "-s", "0x2", "--main-lcore", "1" }, 10 + EINVAL, "Error: Main lcore is used as a service core" },
		{ { "-l", "0-1", "-s", "0x80000000000000000000000000000000" }, 10 + EINVAL, "lcore 127 unavailable" },
		{ { "-l", "0-1", "-s", "0x100000000000000000000000000000000" }, 10 + EINVAL, "invalid service coremask" },
		{ { "-l", "0-1", "-s", "0" }, 10 + EINVAL, "invalid service coremask" },
		{ { "-l", "0-1", "-s", "0xg" }, 10 + EINVAL, "invalid service coremask" },
		{ { "-l", "0-1", "-S", "1-0" }, 10 + EINVAL, "invalid service core list" },
		{ { "-l", "0-1", "-S", "1," }, 10 + EINVAL, "invalid service core list" },
		{ { "-l", "0-1", "-S", "128" }, 10 + EINVAL, "invalid service core list" },
		{ { "-l", "0-1", "-S", "" }, 10 + EINVAL, "invalid service core list" },
		{ { "-l", "0-1" }, 64, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = run_child(cases[i].args);
		int ok = st == cases[i].status && (!cases[i].said || strstr(child_err, cases[i].said));
		if (!ok)
			printf("case %zu (%s %s %s %s ...): status %d, stderr:\n%s\n", i, cases[i].args[0],
			       cases[i].args[1], cases[i].args[2], cases[i].args[3] ? cases[i].args[3] : "",
			       st, child_err);
		CHECK(ok);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		argv[1] = argv[0];
		return child_main(argc - 1, argv + 1);
	}

	/* a component may register before rte_eal_init (DPDK's EAL would crash) */
	uint32_t early = reg("early", count_cb, 0, 0);
	CHECK_EQ(early, 0);
	CHECK_EQ(rte_service_get_count(), 1);

	char *eal[] = { argv[0], "-l", "0-1", "-s", "0x2", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", "test_service", NULL };
	if (rte_eal_init(11, eal) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}

	/* lcore 1 is a service lcore, started by init, with the early service mapped
	 * (start_with_defaults) but waiting for its component */
	uint32_t ids[RTE_MAX_LCORE] = { 0 };
	CHECK_EQ(rte_service_lcore_count(), 1);
	CHECK_EQ(rte_service_lcore_list(ids, RTE_MAX_LCORE), 1);
	CHECK_EQ(ids[0], 1);
	CHECK_EQ(rte_eal_lcore_role(1), ROLE_SERVICE);
	CHECK_EQ(rte_lcore_is_enabled(1), 0);
	CHECK_EQ(rte_lcore_count(), 2);
	CHECK_EQ(rte_eal_get_lcore_state(1), RUNNING);
	CHECK_EQ(rte_service_lcore_may_be_active(1), 1);
	CHECK_EQ(rte_service_map_lcore_get(early, 1), 1);
	CHECK_EQ(rte_service_lcore_count_services(1), 1);
	CHECK_EQ(rte_service_runstate_get(early), 0);
	CHECK_EQ(calls[0], 0);
	CHECK_EQ(rte_service_component_runstate_set(early, 1), 0);
	CHECK_EQ(rte_service_runstate_get(early), 1);
	WAIT_FOR(calls[0] > 100);
	CHECK(calls[0] > 100);
	CHECK_EQ(rte_service_may_be_active(early), 1);

	/* the worker loop skips service lcores */
	CHECK_EQ(rte_eal_mp_remote_launch(mark, NULL, SKIP_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CHECK_EQ(launched, 0);

	/* stopping: not while it is the only lcore of a running service */
	CHECK_EQ(rte_service_lcore_stop(1), -EBUSY);
	CHECK_EQ(rte_service_runstate_set(early, 0), 0);
	WAIT_FOR(rte_service_may_be_active(early) == 0);
	CHECK_EQ(rte_service_may_be_active(early), 0);
	CHECK_EQ(rte_service_lcore_stop(1), 0);
	CHECK_EQ(rte_service_lcore_stop(1), -EALREADY);
	WAIT_FOR(rte_service_lcore_may_be_active(1) == 0);
	CHECK_EQ(rte_service_lcore_may_be_active(1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	CHECK_EQ(rte_eal_get_lcore_state(1), WAIT);
	uint64_t v = 0, stopped_at = calls[0];
	rte_delay_us_sleep(2000);
	CHECK_EQ(calls[0], stopped_at);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v), 0);
	CHECK(v > 0);

	/* exact statistics: 25 iterations on the service lcore, counted; 10 on the main
	 * lcore, not (it is not a service lcore); -EAGAIN calls count without cycles */
	CHECK_EQ(rte_service_runstate_set(early, 1), 0);
	CHECK_EQ(rte_service_set_stats_enable(early, 1), 0);
	CHECK_EQ(rte_service_attr_reset_all(early), 0);
	CHECK_EQ(rte_service_lcore_attr_reset_all(1), 0);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(attr(early, RTE_SERVICE_ATTR_CALL_COUNT), 0);
	CHECK_EQ(attr(early, RTE_SERVICE_ATTR_CYCLES), 0);
	uint64_t before = calls[0];
	CHECK_EQ(rte_eal_remote_launch(run_iters, (void *)(uintptr_t)((early << 16) | 25), 1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	CHECK_EQ(calls[0], before + 25);
	CHECK_EQ(attr(early, RTE_SERVICE_ATTR_CALL_COUNT), 25);
	CHECK(attr(early, RTE_SERVICE_ATTR_CYCLES) > 0);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(rte_service_run_iter_on_app_lcore(early, 1), 0);
	CHECK_EQ(calls[0], before + 35);
	CHECK_EQ(attr(early, RTE_SERVICE_ATTR_CALL_COUNT), 25);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES, &v), 0);
	CHECK(v > 0);
	/* the lcore's cycle total survives its attribute reset, as in DPDK */
	CHECK_EQ(rte_service_lcore_attr_reset_all(1), 0);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES, &v), 0);
	CHECK(v > 0);
	uint32_t idle = reg("idle", idle_cb, 1, RTE_SERVICE_CAP_MT_SAFE);
	CHECK_EQ(rte_service_probe_capability(idle, RTE_SERVICE_CAP_MT_SAFE), 1);
	CHECK_EQ(rte_service_probe_capability(early, RTE_SERVICE_CAP_MT_SAFE), 0);
	CHECK_EQ(rte_service_component_runstate_set(idle, 1), 0);
	CHECK_EQ(rte_service_runstate_set(idle, 1), 0);
	CHECK_EQ(rte_service_set_stats_enable(idle, 1), 0);
	CHECK_EQ(rte_eal_remote_launch(run_iters, (void *)(uintptr_t)((idle << 16) | 5), 1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	CHECK_EQ(attr(idle, RTE_SERVICE_ATTR_CALL_COUNT), 5);
	CHECK_EQ(attr(idle, RTE_SERVICE_ATTR_CYCLES), 0);
	/* statistics off: the calls run but are not counted */
	CHECK_EQ(rte_service_set_stats_enable(idle, 0), 0);
	CHECK_EQ(rte_eal_remote_launch(run_iters, (void *)(uintptr_t)((idle << 16) | 5), 1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	CHECK_EQ(calls[1], 10);
	CHECK_EQ(attr(idle, RTE_SERVICE_ATTR_CALL_COUNT), 5);

	/* rte_service_dump: DPDK's lines; no calls reads as one */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_EQ(rte_service_attr_reset_all(idle), 0);
	CHECK_EQ(rte_service_dump(f, idle), 0);
	CHECK_EQ(rte_service_dump(f, UINT32_MAX), 0);
	fclose(f);
	CHECK(strstr(buf, "Service idle Summary\n  idle: stats 0\tcalls 1\tcycles 0\tavg: 0\n") == buf);
	CHECK(strstr(buf, "Services Summary\n  early: stats 1\tcalls 25\tcycles ") != NULL);
	CHECK(strstr(buf, "Service Cores Summary\n01\t25\t0\t") != NULL);
	free(buf);

	/* run states gate run_iter: -ENOEXEC; the mapped check off makes it "running" */
	CHECK_EQ(rte_service_runstate_set(idle, 0), 0);
	CHECK_EQ(rte_service_run_iter_on_app_lcore(idle, 1), -ENOEXEC);
	CHECK_EQ(rte_service_runstate_set(idle, 1), 0);
	CHECK_EQ(rte_service_component_runstate_set(idle, 0), 0);
	CHECK_EQ(rte_service_run_iter_on_app_lcore(idle, 1), -ENOEXEC);
	CHECK_EQ(rte_service_component_runstate_set(idle, 1), 0);
	CHECK_EQ(rte_service_runstate_get(idle), 0);          /* no lcore mapped */
	CHECK_EQ(rte_service_set_runstate_mapped_check(idle, 0), 0);
	CHECK_EQ(rte_service_runstate_get(idle), 1);
	CHECK_EQ(rte_service_set_runstate_mapped_check(idle, 1), 0);

	/* MT-unsafe services run on one lcore at a time when asked to serialize */
	uint32_t blocking = reg("blocking", blocking_cb, 2, 0);
	CHECK_EQ(rte_service_component_runstate_set(blocking, 1), 0);
	CHECK_EQ(rte_service_runstate_set(blocking, 1), 0);
	hold = 1;
	CHECK_EQ(rte_eal_remote_launch(run_once_serialized, (void *)(uintptr_t)blocking, 1), 0);
	WAIT_FOR(__atomic_load_n(&entered, __ATOMIC_ACQUIRE));
	CHECK_EQ(entered, 1);
	CHECK_EQ(rte_service_run_iter_on_app_lcore(blocking, 1), -EBUSY);
	__atomic_store_n(&hold, 0, __ATOMIC_RELEASE);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	CHECK_EQ(rte_service_run_iter_on_app_lcore(blocking, 1), 0);

	/* a thread without an lcore id may run a service too */
	pthread_t t;
	void *res = (void *)-1;
	before = calls[0];
	CHECK_EQ(pthread_create(&t, NULL, plain_thread, (void *)(uintptr_t)early), 0);
	pthread_join(t, &res);
	CHECK_EQ((intptr_t)res, 0);
	CHECK_EQ(calls[0], before + 1);

	/* lcores: add, del, start, stop */
	CHECK_EQ(rte_service_lcore_add(1), -EALREADY);
	CHECK_EQ(rte_service_lcore_del(1), 0);
	CHECK_EQ(rte_eal_lcore_role(1), ROLE_RTE);
	CHECK_EQ(rte_service_lcore_count(), 0);
	CHECK_EQ(rte_service_map_lcore_get(early, 1), -EINVAL);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v), -ENOTSUP);
	CHECK_EQ(rte_service_lcore_start(1), -EINVAL);
	CHECK_EQ(rte_service_lcore_add(1), 0);
	CHECK_EQ(rte_service_lcore_count_services(1), 0);      /* mappings reset */
	CHECK_EQ(rte_service_map_lcore_set(idle, 1, 7), 0);    /* any non-zero maps */
	CHECK_EQ(rte_service_map_lcore_set(idle, 1, 1), 0);
	CHECK_EQ(rte_service_lcore_count_services(1), 1);
	CHECK_EQ(rte_service_lcore_start(1), 0);
	CHECK_EQ(rte_service_lcore_start(1), -EALREADY);
	CHECK_EQ(rte_service_lcore_del(1), -EBUSY);
	CHECK_EQ(rte_service_lcore_may_be_active(1), 1);
	before = calls[1];
	WAIT_FOR(calls[1] > before + 100);
	CHECK(calls[1] > before + 100);
	CHECK_EQ(rte_service_map_lcore_set(idle, 1, 0), 0);
	CHECK_EQ(rte_service_lcore_count_services(1), 0);
	CHECK_EQ(rte_service_lcore_stop(1), 0);
	CHECK_EQ(rte_eal_wait_lcore(1), 0);

	/* start_with_defaults starts the lcore and maps ids 0..count-1 round robin;
	 * reset_all unmaps everything and returns the lcores to ordinary duty */
	CHECK_EQ(rte_service_start_with_defaults(), 0);
	CHECK_EQ(rte_eal_get_lcore_state(1), RUNNING);
	CHECK_EQ(rte_service_lcore_count_services(1), (int)rte_service_get_count());
	CHECK_EQ(rte_service_runstate_get(blocking), 1);
	CHECK_EQ(rte_service_lcore_reset_all(), 0);
	CHECK_EQ(rte_service_lcore_count(), 0);
	CHECK_EQ(rte_eal_lcore_role(1), ROLE_RTE);
	CHECK_EQ(rte_service_runstate_get(early), 0);           /* nothing mapped */
	CHECK_EQ(rte_eal_wait_lcore(1), 0);
	CHECK_EQ(rte_service_start_with_defaults(), -ENOTSUP);
	CHECK_EQ(rte_service_lcore_add(1), 0);

	/* bad input, with DPDK 22.11's answers */
	uint32_t id = 99;
	CHECK_EQ(rte_service_get_by_name("nope", &id), -ENODEV);
	CHECK_EQ(rte_service_get_by_name("early", NULL), -EINVAL);
	CHECK_EQ(rte_service_get_by_name(NULL, &id), -ENODEV);
	CHECK_EQ(rte_service_get_by_name("early", &id), 0);
	CHECK_EQ(id, early);
	CHECK(rte_service_get_name(63) == NULL);
	CHECK(rte_service_get_name(UINT32_MAX) == NULL);
	CHECK_EQ(strcmp(rte_service_get_name(early), "early"), 0);
	CHECK_EQ(rte_service_probe_capability(63, 1), -EINVAL);
	CHECK_EQ(rte_service_runstate_set(64, 1), -EINVAL);
	CHECK_EQ(rte_service_runstate_get(UINT32_MAX), -EINVAL);
	CHECK_EQ(rte_service_component_runstate_set(63, 1), -EINVAL);
	CHECK_EQ(rte_service_may_be_active(63), -EINVAL);
	CHECK_EQ(rte_service_set_stats_enable(63, 1), 0);
	CHECK_EQ(rte_service_set_runstate_mapped_check(63, 1), 0);
	CHECK_EQ(rte_service_attr_get(63, RTE_SERVICE_ATTR_CALL_COUNT, &v), -EINVAL);
	CHECK_EQ(rte_service_attr_get(early, 2, &v), -EINVAL);
	CHECK_EQ(rte_service_attr_get(early, RTE_SERVICE_ATTR_CALL_COUNT, NULL), -EINVAL);
	CHECK_EQ(rte_service_attr_reset_all(63), -EINVAL);
	CHECK_EQ(rte_service_run_iter_on_app_lcore(63, 1), -EINVAL);
	CHECK_EQ(rte_service_map_lcore_set(63, 1, 1), -EINVAL);
	CHECK_EQ(rte_service_map_lcore_set(early, 0, 1), -EINVAL);          /* not a service lcore */
	CHECK_EQ(rte_service_map_lcore_set(early, RTE_MAX_LCORE, 1), -EINVAL);
	CHECK_EQ(rte_service_map_lcore_get(early, UINT32_MAX), -EINVAL);
	CHECK_EQ(rte_service_component_unregister(63), -EINVAL);
	CHECK_EQ(rte_service_lcore_add(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_del(0), -EINVAL);
	CHECK_EQ(rte_service_lcore_del(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_start(0), -EINVAL);
	CHECK_EQ(rte_service_lcore_start(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_stop(0), -EALREADY);
	CHECK_EQ(rte_service_lcore_stop(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_may_be_active(0), -EINVAL);
	CHECK_EQ(rte_service_lcore_may_be_active(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_count_services(0), -ENOTSUP);
	CHECK_EQ(rte_service_lcore_count_services(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_attr_get(0, RTE_SERVICE_LCORE_ATTR_LOOPS, &v), -ENOTSUP);
	CHECK_EQ(rte_service_lcore_attr_get(1, 2, &v), -EINVAL);
	CHECK_EQ(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, NULL), -EINVAL);
	CHECK_EQ(rte_service_lcore_attr_get(RTE_MAX_LCORE, 0, &v), -EINVAL);
	CHECK_EQ(rte_service_lcore_attr_reset_all(0), -ENOTSUP);
	CHECK_EQ(rte_service_lcore_attr_reset_all(RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_lcore_list(ids, 0), -ENOMEM);
	CHECK_EQ(rte_service_lcore_list(NULL, RTE_MAX_LCORE), -EINVAL);
	CHECK_EQ(rte_service_dump(stdout, 63), -EINVAL);
	CHECK_EQ(rte_service_dump(NULL, early), -EINVAL);
	struct rte_service_spec spec;
	memset(&spec, 0, sizeof(spec));
	CHECK_EQ(rte_service_component_register(NULL, &id), -EINVAL);
	CHECK_EQ(rte_service_component_register(&spec, &id), -EINVAL);   /* no name, no callback */
	strcpy(spec.name, "x");
	CHECK_EQ(rte_service_component_register(&spec, &id), -EINVAL);   /* no callback */
	spec.callback = count_cb;
	spec.name[0] = 0;
	CHECK_EQ(rte_service_component_register(&spec, &id), -EINVAL);   /* no name */

	/* a full-length name is stored terminated */
	memset(spec.name, 'n', sizeof(spec.name));
	CHECK_EQ(rte_service_component_register(&spec, &id), 0);
	CHECK_EQ(strlen(rte_service_get_name(id)), RTE_SERVICE_NAME_MAX - 1);
	CHECK_EQ(rte_service_component_unregister(id), 0);
	CHECK_EQ(rte_service_component_unregister(id), -EINVAL);

	/* 64 services at most; a freed slot is taken again; NULL id pointer allowed */
	uint32_t count = rte_service_get_count(), last = 0;
	int full = 0;
	spec.callback = count_cb;
	for (int i = 0; i < 70; i++) {
		snprintf(spec.name, sizeof(spec.name), "many%d", i);
		int r = rte_service_component_register(&spec, &last);
		if (r == -ENOSPC) {
			full = 1;
			break;
		}
		CHECK_EQ(r, 0);
	}
	CHECK(full);
	CHECK_EQ(rte_service_get_count(), 64);
	CHECK_EQ(rte_service_component_unregister(40), 0);
	CHECK_EQ(rte_service_get_count(), 63);
	CHECK_EQ(rte_service_component_register(&spec, NULL), 0);
	CHECK_EQ(rte_service_get_by_name(spec.name, &id), 0);
	CHECK_EQ(id, 40);
	for (uint32_t i = count; i < 64; i++)
		CHECK_EQ(rte_service_component_unregister(i), 0);
	CHECK_EQ(rte_service_get_count(), count);

	/* cleanup stops a running service lcore (rte_service_finalize) and returns */
	CHECK_EQ(rte_service_map_lcore_set(early, 1, 1), 0);
	CHECK_EQ(rte_service_runstate_set(early, 1), 0);
	before = calls[0];
	CHECK_EQ(rte_service_lcore_start(1), 0);
	WAIT_FOR(calls[0] > before + 50);
	CHECK(calls[0] > before + 50);
	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK_EQ(rte_service_get_count(), 0);
	CHECK_EQ(rte_service_lcore_count(), 0);

	options();
	return check_report();
}
