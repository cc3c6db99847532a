/*
 * The lcore table as a user sees it (values probed against DPDK 22.11): ids,
 * indexes, roles, sockets and CPU sets, out-of-range ids, rte_get_next_lcore with
 * and without wrap, lcore callbacks, non-EAL threads taking an lcore id with
 * rte_thread_register, control threads (name, affinity), rte_lcore_dump.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "check.h"

static int init_calls[RTE_MAX_LCORE], uninit_calls[RTE_MAX_LCORE];
static int refuse_lcore = -1;

static int cb_init(unsigned id, void *arg)
{
	(void)arg;
	if ((int)id == refuse_lcore)
		return -1;
	init_calls[id]++;
	return 0;
}

static void cb_uninit(unsigned id, void *arg)
{
	(void)arg;
	uninit_calls[id]++;
}

static int iterated[RTE_MAX_LCORE];
static int count_it(unsigned id, void *arg)
{
	(void)arg;
	iterated[id]++;
	return 0;
}

static int stop_at_first(unsigned id, void *arg)
{
	*(unsigned *)arg = id;
	return 77;
}

struct reg_view {
	unsigned before, after, after_unregister;
	int ret, err;
	int role;
	unsigned count_registered, count_after;
	int index;
	int affinity_count;
	int init_seen;
	int rte_errno_own;
};

static void *registered_thread(void *arg)
{
	struct reg_view *v = arg;
	v->before = rte_lcore_id();
	rte_errno = 0;
	v->ret = rte_thread_register();
	v->err = rte_errno;
	v->after = rte_lcore_id();
	v->role = rte_eal_lcore_role(v->after);
	v->count_registered = rte_lcore_count();
	v->index = rte_lcore_index(-1);
	rte_cpuset_t set;
	rte_thread_get_affinity(&set);
	v->affinity_count = CPU_COUNT(&set);
	v->init_seen = v->after < RTE_MAX_LCORE ? init_calls[v->after] : -1;
	rte_errno = 99;  /* must not leak into the main thread */
	rte_thread_unregister();
	v->after_unregister = rte_lcore_id();
	v->count_after = rte_lcore_count();
	v->rte_errno_own = rte_errno;
	return NULL;
}

/* Takes an lcore and keeps it until told to go. */
static volatile int hold_go;
static void *holder(void *arg)
{
	int *ret = arg;
	*ret = rte_thread_register();
	while (!__atomic_load_n(&hold_go, __ATOMIC_ACQUIRE))
		usleep(1000);
	rte_thread_unregister();
	return NULL;
}

struct ctrl_view {
	char name[32];
	unsigned lcore;
	rte_cpuset_t cpus;
};

static void *ctrl_body(void *arg)
{
	struct ctrl_view *v = arg;
	pthread_getname_np(pthread_self(), v->name, sizeof(v->name));
	v->lcore = rte_lcore_id();
	pthread_getaffinity_np(pthread_self(), sizeof(v->cpus), &v->cpus);
	return (void *)0x5a;
}

/* Child (exec'd by the pinned main lcore, so it starts on one CPU): -l 0-1 still
 * names both CPUs, as DPDK checks lcores against the CPUs that exist. */
static int child(char *self)
{
	char *args[] = { self, "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--file-prefix", "swifteal_test_lcore_child", NULL };
	if (rte_eal_init(9, args) < 0)
		return 10;
	if (rte_lcore_count() != 2)
		return 11;
	rte_cpuset_t s1 = rte_lcore_cpuset(1);
	if (!CPU_ISSET(1, &s1))
		return 12;
	return rte_eal_cleanup() == 0 ? 0 : 13;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return child(argv[0]);
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--file-prefix", "swifteal_test_lcore", NULL };
	int n = (int)(sizeof(args) / sizeof(args[0])) - 1;

	/* before init: DPDK's zeroed tables */
	CHECK_EQ(rte_lcore_id(), LCORE_ID_ANY);
	CHECK_EQ(rte_lcore_count(), 0);
	CHECK_EQ(rte_get_main_lcore(), 0);
	CHECK_EQ(rte_socket_id(), (unsigned)-1);
	rte_errno = 0;
	CHECK_EQ(rte_thread_register(), -1);
	CHECK_EQ(rte_errno, EINVAL);
	rte_cpuset_t pre;
	rte_thread_get_affinity(&pre);
	CHECK_EQ(CPU_COUNT(&pre), 0);

	cpu_set_t process_cpus;
	pthread_getaffinity_np(pthread_self(), sizeof(process_cpus), &process_cpus);

	int ret = rte_eal_init(n, args);
	CHECK(ret >= 0);
	if (ret < 0)
		return check_report();

	/* ids and counts */
	CHECK_EQ(rte_lcore_id(), 0);
	CHECK_EQ(rte_lcore_count(), 2);
	CHECK_EQ(rte_get_main_lcore(), 0);
	CHECK_EQ(rte_lcore_is_enabled(0), 1);
	CHECK_EQ(rte_lcore_is_enabled(1), 1);
	CHECK_EQ(rte_lcore_is_enabled(2), 0);
	CHECK_EQ(rte_lcore_is_enabled(RTE_MAX_LCORE), 0);
	CHECK_EQ(rte_lcore_index(-1), 0);
	CHECK_EQ(rte_lcore_index(0), 0);
	CHECK_EQ(rte_lcore_index(1), 1);
	CHECK_EQ(rte_lcore_index(2), -1);
	CHECK_EQ(rte_lcore_index(RTE_MAX_LCORE), -1);
	CHECK_EQ(rte_lcore_to_cpu_id(-1), 0);
	CHECK_EQ(rte_lcore_to_cpu_id(0), 0);
	CHECK_EQ(rte_lcore_to_cpu_id(RTE_MAX_LCORE), -1);
	CHECK_EQ(rte_eal_lcore_role(0), ROLE_RTE);
	CHECK_EQ(rte_eal_lcore_role(2), ROLE_OFF);
	CHECK_EQ(rte_eal_lcore_role(RTE_MAX_LCORE), ROLE_OFF);
	CHECK_EQ(rte_eal_lcore_role(100000), ROLE_OFF);
	CHECK_EQ(rte_lcore_has_role(0, ROLE_RTE), 1);
	CHECK_EQ(rte_lcore_has_role(0, ROLE_OFF), 0);
	CHECK_EQ(rte_lcore_has_role(2, ROLE_OFF), 1);
	CHECK_EQ(rte_lcore_has_role(RTE_MAX_LCORE, ROLE_RTE), 0);
	CHECK_EQ(rte_lcore_has_role(RTE_MAX_LCORE, ROLE_OFF), 0);

	/* rte_get_next_lcore */
	CHECK_EQ(rte_get_next_lcore(-1, 0, 0), 0);
	CHECK_EQ(rte_get_next_lcore(-1, 1, 0), 1);
	CHECK_EQ(rte_get_next_lcore(0, 0, 0), 1);
	CHECK_EQ(rte_get_next_lcore(1, 0, 0), RTE_MAX_LCORE);
	CHECK_EQ(rte_get_next_lcore(1, 0, 1), 0);
	CHECK_EQ(rte_get_next_lcore(1, 1, 1), 1);
	CHECK_EQ(rte_get_next_lcore(0, 1, 1), 1);
	CHECK_EQ(rte_get_next_lcore(200, 0, 0), 201);
	CHECK_EQ(rte_get_next_lcore(200, 0, 1), 0);
	CHECK_EQ(rte_get_next_lcore(RTE_MAX_LCORE - 1, 0, 1), 0);
	CHECK_EQ(rte_get_next_lcore(RTE_MAX_LCORE - 1, 1, 1), 1);
	unsigned id, k = 0;
	RTE_LCORE_FOREACH(id) k++;
	CHECK_EQ(k, 2);
	k = 0;
	RTE_LCORE_FOREACH_WORKER(id) k++;
	CHECK_EQ(k, 1);

	/* sockets and CPU sets */
	CHECK(rte_socket_count() >= 1);
	CHECK_EQ(rte_socket_id_by_idx(0), 0);
	rte_errno = 0;
	CHECK_EQ(rte_socket_id_by_idx(rte_socket_count()), -1);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_socket_id(), rte_lcore_to_socket_id(0));
	CHECK_EQ(rte_lcore_to_socket_id(RTE_MAX_LCORE), 0);
	rte_cpuset_t s1 = rte_lcore_cpuset(1);
	CHECK_EQ(CPU_COUNT(&s1), 1);
	CHECK(CPU_ISSET(1, &s1));
	rte_cpuset_t s2 = rte_lcore_cpuset(2);
	CHECK_EQ(CPU_COUNT(&s2), 0);
	rte_cpuset_t s500 = rte_lcore_cpuset(500);
	CHECK_EQ(CPU_COUNT(&s500), 0);
	/* the main thread is pinned to its lcore's CPU and says so */
	rte_cpuset_t mine, pinned;
	rte_thread_get_affinity(&mine);
	pthread_getaffinity_np(pthread_self(), sizeof(pinned), &pinned);
	rte_cpuset_t s0 = rte_lcore_cpuset(0);
	CHECK(CPU_EQUAL(&mine, &s0));
	CHECK(CPU_EQUAL(&pinned, &s0));
	CHECK(rte_sys_gettid() == getpid());
	/* a process started by this pinned thread may still use both CPUs */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *cargv[] = { argv[0], "--child", NULL };
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		execv("/proc/self/exe", cargv);
		_exit(127);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_EQ(rte_gettid(), rte_sys_gettid());

	/* an EAL thread that registers keeps its lcore (DPDK would hand it a second one) */
	CHECK_EQ(rte_thread_register(), 0);
	CHECK_EQ(rte_lcore_id(), 0);
	CHECK_EQ(rte_lcore_count(), 2);

	/* callbacks: init runs now for lcores 0 and 1 only */
	memset(init_calls, 0, sizeof(init_calls));
	void *h = rte_lcore_callback_register("test", cb_init, cb_uninit, NULL);
	CHECK(h != NULL);
	CHECK_EQ(init_calls[0], 1);
	CHECK_EQ(init_calls[1], 1);
	CHECK_EQ(init_calls[2], 0);
	CHECK(rte_lcore_callback_register(NULL, cb_init, cb_uninit, NULL) == NULL);
	void *h_none = rte_lcore_callback_register("none", NULL, NULL, NULL);
	CHECK(h_none != NULL);
	/* a refusing init undoes the lcores before it and registers nothing */
	refuse_lcore = 1;
	memset(uninit_calls, 0, sizeof(uninit_calls));
	CHECK(rte_lcore_callback_register("refuse", cb_init, cb_uninit, NULL) == NULL);
	CHECK_EQ(uninit_calls[0], 1);
	CHECK_EQ(uninit_calls[1], 0);
	refuse_lcore = -1;
	memset(uninit_calls, 0, sizeof(uninit_calls));

	/* iterate */
	CHECK_EQ(rte_lcore_iterate(count_it, NULL), 0);
	CHECK_EQ(iterated[0], 1);
	CHECK_EQ(iterated[1], 1);
	CHECK_EQ(iterated[2], 0);
	unsigned first = 999;
	CHECK_EQ(rte_lcore_iterate(stop_at_first, &first), 77);
	CHECK_EQ(first, 0);

	/* a plain pthread registers, gets the first free lcore, then gives it back */
	struct reg_view v;
	memset(&v, 0, sizeof(v));
	memset(init_calls, 0, sizeof(init_calls));
	rte_errno = 5;
	pthread_t t;
	pthread_create(&t, NULL, registered_thread, &v);
	pthread_join(t, NULL);
	CHECK_EQ(v.before, LCORE_ID_ANY);
	CHECK_EQ(v.ret, 0);
	CHECK_EQ(v.after, 2);
	CHECK_EQ(v.role, ROLE_NON_EAL);
	CHECK_EQ(v.count_registered, 3);
	CHECK_EQ(v.index, -1);
	CHECK_EQ(v.affinity_count, 1);  /* inherited from the pinned main thread */
	CHECK_EQ(v.init_seen, 1);
	CHECK_EQ(v.after_unregister, LCORE_ID_ANY);
	CHECK_EQ(v.count_after, 2);
	CHECK_EQ(uninit_calls[2], 1);
	CHECK_EQ(v.rte_errno_own, 99);
	rte_cpuset_t s_reg = rte_lcore_cpuset(2);   /* the thread's CPUs, left after it went */
	CHECK_EQ(CPU_COUNT(&s_reg), 1);
	CHECK_EQ(rte_errno, 5);
	CHECK_EQ(rte_eal_lcore_role(2), ROLE_OFF);

	/* an init callback may refuse a non-EAL thread: ENOMEM, like running out */
	refuse_lcore = 2;
	memset(&v, 0, sizeof(v));
	pthread_create(&t, NULL, registered_thread, &v);
	pthread_join(t, NULL);
	CHECK_EQ(v.ret, -1);
	CHECK_EQ(v.err, ENOMEM);
	CHECK_EQ(v.after, LCORE_ID_ANY);
	CHECK_EQ(v.count_registered, 2);
	refuse_lcore = -1;

	/* exhaustion: take every free lcore, the next register fails with ENOMEM */
	rte_lcore_callback_unregister(h);
	h = NULL;
	enum { HOLDERS = RTE_MAX_LCORE - 2 };
	static pthread_t hold[HOLDERS];
	static int hold_ret[HOLDERS];
	for (int i = 0; i < HOLDERS; i++)
		pthread_create(&hold[i], NULL, holder, &hold_ret[i]);
	while (rte_lcore_count() < RTE_MAX_LCORE)
		usleep(1000);
	memset(&v, 0, sizeof(v));
	pthread_create(&t, NULL, registered_thread, &v);
	pthread_join(t, NULL);
	CHECK_EQ(v.ret, -1);
	CHECK_EQ(v.err, ENOMEM);
	int held_ok = 0;
	__atomic_store_n(&hold_go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < HOLDERS; i++) {
		pthread_join(hold[i], NULL);
		held_ok += hold_ret[i] == 0;
	}
	CHECK_EQ(held_ok, HOLDERS);
	CHECK_EQ(rte_lcore_count(), 2);

	/* unregister runs uninit for the lcores; unknown and NULL handles are ignored */
	memset(init_calls, 0, sizeof(init_calls));
	h = rte_lcore_callback_register("again", cb_init, cb_uninit, NULL);
	memset(uninit_calls, 0, sizeof(uninit_calls));
	rte_lcore_callback_unregister(h);
	CHECK_EQ(uninit_calls[0], 1);
	CHECK_EQ(uninit_calls[1], 1);
	rte_lcore_callback_unregister(NULL);
	rte_lcore_callback_unregister(h_none);

	/* the main lcore calling rte_thread_unregister loses its id, as in DPDK */
	pthread_create(&t, NULL, registered_thread, &v);
	pthread_join(t, NULL);

	/* control thread: named (cut to 15 bytes), no lcore, on the CPUs lcores leave */
	struct ctrl_view cv;
	memset(&cv, 0, sizeof(cv));
	void *res = NULL;
	CHECK_EQ(rte_ctrl_thread_create(&t, "my-ctrl-thread-name", NULL, ctrl_body, &cv), 0);
	pthread_join(t, &res);
	CHECK(res == (void *)0x5a);
	CHECK(strcmp(cv.name, "my-ctrl-thread-") == 0);
	CHECK_EQ(cv.lcore, LCORE_ID_ANY);
	rte_cpuset_t expect, lcores_cpus;
	CPU_ZERO(&lcores_cpus);
	RTE_LCORE_FOREACH(id) {
		rte_cpuset_t c = rte_lcore_cpuset(id);
		CPU_OR(&lcores_cpus, &lcores_cpus, &c);
	}
	CPU_ZERO(&expect);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &process_cpus) && !CPU_ISSET(c, &lcores_cpus))
			CPU_SET(c, &expect);
	if (CPU_COUNT(&expect) == 0)
		expect = rte_lcore_cpuset(rte_get_main_lcore());
	CHECK(CPU_EQUAL(&cv.cpus, &expect));
	CHECK_EQ(rte_ctrl_thread_create(NULL, "x", NULL, ctrl_body, &cv), -EINVAL);
	/* no name: DPDK creates the thread all the same, with the creator's name */
	char creator[16] = "";
	pthread_getname_np(pthread_self(), creator, sizeof(creator));
	memset(&cv, 0, sizeof(cv));
	CHECK_EQ(rte_ctrl_thread_create(&t, NULL, NULL, ctrl_body, &cv), 0);
	pthread_join(t, NULL);
	CHECK(strcmp(cv.name, creator) == 0);
	CHECK_EQ(cv.lcore, LCORE_ID_ANY);
	CHECK_EQ(rte_ctrl_thread_create(&t, "x", NULL, NULL, &cv), -EINVAL);
	/* a bad attribute is pthread_create's error, negated */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1 << 20);
	CHECK_EQ(rte_ctrl_thread_create(&t, "ok-attr", &attr, ctrl_body, &cv), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);

	/* names */
	char name[64];
	CHECK_EQ(rte_thread_setname(pthread_self(), "abcdefghijklmnopqrstuvwxyz"), 0);
	CHECK_EQ(rte_thread_getname(pthread_self(), name, sizeof(name)), 0);
	CHECK(strcmp(name, "abcdefghijklmno") == 0);
	CHECK_EQ(rte_thread_getname(pthread_self(), name, 4), -ERANGE);
	/* no name, no buffer: refused (DPDK would crash), the name stays */
	CHECK_EQ(rte_thread_setname(pthread_self(), NULL), -EINVAL);
	CHECK_EQ(rte_thread_getname(pthread_self(), NULL, sizeof(name)), -EINVAL);
	CHECK_EQ(rte_thread_getname(pthread_self(), name, sizeof(name)), 0);
	CHECK(strcmp(name, "abcdefghijklmno") == 0);

	/* no iterator, no stream */
	CHECK_EQ(rte_lcore_iterate(NULL, NULL), -EINVAL);
	rte_lcore_dump(NULL);

	/* the calling thread's affinity: NULL refused, the recorded set unchanged */
	rte_cpuset_t before_set, after_set;
	rte_thread_get_affinity(&before_set);
	CHECK_EQ(rte_thread_set_affinity(NULL), -1);
	rte_thread_get_affinity(NULL);
	rte_thread_get_affinity(&after_set);
	CHECK(CPU_EQUAL(&before_set, &after_set));

	/* dump */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_lcore_dump(f);
	fclose(f);
	char expect_dump[256];
	snprintf(expect_dump, sizeof(expect_dump),
		"lcore 0, socket %u, role RTE, cpuset 0\nlcore 1, socket %u, role RTE, cpuset 1\n",
		rte_lcore_to_socket_id(0), rte_lcore_to_socket_id(1));
	CHECK(buf && strcmp(buf, expect_dump) == 0);
	free(buf);

	/* rte_thread_unregister from the main lcore drops its id (DPDK does the same) */
	rte_thread_unregister();
	CHECK_EQ(rte_lcore_id(), LCORE_ID_ANY);
	CHECK_EQ(rte_lcore_count(), 2);
	RTE_PER_LCORE(_lcore_id) = 0;

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
