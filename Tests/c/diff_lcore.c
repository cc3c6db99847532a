/*
 * The lcore, launch and thread APIs side by side with DPDK 22.11's librte_eal:
 * built against DPDK's headers, run once on each library; stdout must match.
 * Only what DPDK defines is exercised (no NULL handlers, no out-of-range launch).
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_vect.h>

static volatile int go;

static int spin(void *a)
{
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		rte_pause();
	return (int)(long)a;
}

static int quick(void *a)
{
	return (int)(long)a;
}

static int from_worker(void *a)
{
	(void)a;
	int on_main = rte_eal_remote_launch(quick, (void *)5, rte_get_main_lcore());
	int on_self = rte_eal_remote_launch(quick, (void *)5, rte_lcore_id());
	printf("worker: lcore %u launch on main %d, on itself %d, socket %u, index %d\n",
		rte_lcore_id(), on_main, on_self, rte_socket_id(), rte_lcore_index(-1));
	return 0;
}

static int count_cb(unsigned id, void *a)
{
	(*(int *)a)++;
	(void)id;
	return 0;
}

static int print_it(unsigned id, void *a)
{
	(void)a;
	printf("iterate %u role %d\n", id, rte_eal_lcore_role(id));
	return 0;
}

static int init_cb(unsigned id, void *a)
{
	printf("init %s %u\n", (char *)a, id);
	return 0;
}

static void uninit_cb(unsigned id, void *a)
{
	printf("uninit %s %u\n", (char *)a, id);
}

static void *plain(void *a)
{
	(void)a;
	printf("plain before: lcore %u socket %u\n", rte_lcore_id(), rte_socket_id());
	int r = rte_thread_register();
	int e = rte_errno;
	printf("register %d errno %d lcore %u role %d count %u index %d\n", r, e, rte_lcore_id(),
		rte_eal_lcore_role(rte_lcore_id()), rte_lcore_count(), rte_lcore_index(-1));
	rte_cpuset_t s;
	rte_thread_get_affinity(&s);
	printf("registered affinity %d socket %u\n", CPU_COUNT(&s), rte_socket_id());
	rte_cpuset_t own = rte_lcore_cpuset(rte_lcore_id());
	printf("registered lcore cpus %d socket %u\n", CPU_COUNT(&own),
		rte_lcore_to_socket_id(rte_lcore_id()));
	rte_lcore_dump(stdout);
	rte_thread_unregister();
	printf("unregistered: lcore %u count %u\n", rte_lcore_id(), rte_lcore_count());
	return NULL;
}

static void *ctrl(void *a)
{
	(void)a;
	char n[32];
	cpu_set_t s;
	pthread_getname_np(pthread_self(), n, sizeof(n));
	pthread_getaffinity_np(pthread_self(), sizeof(s), &s);
	printf("ctrl: name %s lcore %u cpus %d\n", n, rte_lcore_id(), CPU_COUNT(&s));
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	char *args[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci",
		"--file-prefix", "swifteal_diff_lcore", NULL };
	int n = (int)(sizeof(args) / sizeof(args[0])) - 1;
	int cnt = 0;

	printf("before: lcore %u count %u main %u socket %u hz %llu simd %u\n", rte_lcore_id(),
		rte_lcore_count(), rte_get_main_lcore(), rte_socket_id(),
		(unsigned long long)rte_get_tsc_hz(), rte_vect_get_max_simd_bitwidth());
	printf("before: enabled(5) %d role(5) %d index(5) %d cpu(5) %d\n", rte_lcore_is_enabled(5),
		rte_eal_lcore_role(5), rte_lcore_index(5), rte_lcore_to_cpu_id(5));
	int r = rte_thread_register();
	printf("before: register %d errno %d\n", r, rte_errno);
	/* callbacks registered before init see DPDK's zeroed role table */
	void *pre = rte_lcore_callback_register("pre", NULL, uninit_cb, "pre");
	printf("before: pre handle %s\n", pre ? "yes" : "no");
	void *counted = rte_lcore_callback_register("count", count_cb, NULL, &cnt);
	printf("before: init ran for %d lcores\n", cnt);
	rte_lcore_callback_unregister(counted);

	r = rte_eal_init(n, args);
	printf("init %d\n", r);
	printf("lcore %u count %u main %u socket %u simd %u hz>0 %d\n", rte_lcore_id(),
		rte_lcore_count(), rte_get_main_lcore(), rte_socket_id(),
		rte_vect_get_max_simd_bitwidth(), rte_get_tsc_hz() > 0);
	unsigned ids[] = { 0, 1, 2, 127, 128, 200, (unsigned)-1 };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unsigned id = ids[i];
		printf("next(%u): %u %u %u %u\n", id, rte_get_next_lcore(id, 0, 0),
			rte_get_next_lcore(id, 1, 0), rte_get_next_lcore(id, 0, 1),
			rte_get_next_lcore(id, 1, 1));
	}
	int sids[] = { -1, 0, 1, 2, 127, 128 };
	for (unsigned i = 0; i < sizeof(sids) / sizeof(sids[0]); i++)
		printf("index(%d) %d cpu(%d) %d\n", sids[i], rte_lcore_index(sids[i]), sids[i],
			rte_lcore_to_cpu_id(sids[i]));
	unsigned uids[] = { 0, 1, 2, 127, 128, 1000 };
	for (unsigned i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		unsigned id = uids[i];
		printf("lcore %u: enabled %d role %d rte %d off %d\n", id, rte_lcore_is_enabled(id),
			rte_eal_lcore_role(id), rte_lcore_has_role(id, ROLE_RTE),
			rte_lcore_has_role(id, ROLE_OFF));
	}
	for (unsigned id = 0; id < 3; id++) {
		rte_cpuset_t s = rte_lcore_cpuset(id);
		printf("lcore %u: socket %u cpus %d state %d\n", id, rte_lcore_to_socket_id(id),
			CPU_COUNT(&s), rte_eal_get_lcore_state(id));
	}
	printf("sockets %u by_idx(0) %d\n", rte_socket_count(), rte_socket_id_by_idx(0));
	rte_errno = 0;
	r = rte_socket_id_by_idx(7);
	printf("by_idx(7) %d errno %d\n", r, rte_errno);

	/* launch and wait */
	printf("wait idle %d wait main %d\n", rte_eal_wait_lcore(1), rte_eal_wait_lcore(0));
	printf("launch %d\n", rte_eal_remote_launch(spin, (void *)7, 1));
	printf("state %d\n", rte_eal_get_lcore_state(1));
	printf("launch busy %d\n", rte_eal_remote_launch(spin, (void *)8, 1));
	printf("mp busy %d\n", rte_eal_mp_remote_launch(spin, (void *)8, CALL_MAIN));
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	while (rte_eal_get_lcore_state(1) != WAIT)
		rte_pause();
	printf("state after %d\n", rte_eal_get_lcore_state(1));
	printf("wait %d again %d\n", rte_eal_wait_lcore(1), rte_eal_wait_lcore(1));
	printf("launch main %d\n", rte_eal_remote_launch(quick, (void *)3, 0));
	printf("mp call main %d\n", rte_eal_mp_remote_launch(quick, (void *)9, CALL_MAIN));
	rte_eal_mp_wait_lcore();
	printf("wait 0 %d wait 1 %d states %d %d\n", rte_eal_wait_lcore(0), rte_eal_wait_lcore(1),
		rte_eal_get_lcore_state(0), rte_eal_get_lcore_state(1));
	rte_eal_remote_launch(from_worker, NULL, 1);
	rte_eal_wait_lcore(1);

	/* callbacks, iterate, non-EAL threads */
	rte_lcore_iterate(print_it, NULL);
	void *post = rte_lcore_callback_register("post", init_cb, uninit_cb, "post");
	printf("null name %s\n", rte_lcore_callback_register(NULL, init_cb, NULL, NULL) ? "handle" : "NULL");
	pthread_t t;
	pthread_create(&t, NULL, plain, NULL);
	pthread_join(t, NULL);
	rte_cpuset_t left = rte_lcore_cpuset(2);
	printf("lcore 2 after unregister: cpus %d role %d\n", CPU_COUNT(&left), rte_eal_lcore_role(2));
	rte_lcore_callback_unregister(post);
	rte_lcore_callback_unregister(NULL);
	rte_lcore_dump(stdout);

	/* control thread and names */
	r = rte_ctrl_thread_create(&t, "diff-ctrl-thread-long", NULL, ctrl, NULL);
	pthread_join(t, NULL);
	printf("ctrl %d\n", r);
	char name[64];
	printf("setname %d\n", rte_thread_setname(pthread_self(), "a-very-long-thread-name"));
	rte_thread_getname(pthread_self(), name, sizeof(name));
	printf("name %s getname(4) %d\n", name, rte_thread_getname(pthread_self(), name, 4));
	rte_cpuset_t s;
	rte_thread_get_affinity(&s);
	printf("main affinity %d\n", CPU_COUNT(&s));
	printf("simd set 100 %d\n", rte_vect_set_max_simd_bitwidth(100));
	printf("simd set 512 %d\n", rte_vect_set_max_simd_bitwidth(512));
	printf("simd %u\n", rte_vect_get_max_simd_bitwidth());

	rte_eal_cleanup();
	return 0;
}
