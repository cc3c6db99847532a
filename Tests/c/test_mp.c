/*
 * rte_mp between real processes: a primary and secondaries started by fork + exec.
 *
 *  - the registry: names, EEXIST, re-registering after unregister;
 *  - a secondary asks the primary (sync and async), with parameters and with fds that
 *    arrive as new descriptors of the same files (up to RTE_MP_MAX_FD_NUM); an
 *    unknown action times out; 2000 requests and 500 one-way messages in a row;
 *  - a reply that comes after its request timed out is not taken for the answer to
 *    the next request of the same name;
 *  - the primary asks its secondaries (sync, async, fds): one, then two at once, then
 *    none once they have exited;
 *  - rte_mp_disable is refused once a secondary has attached;
 *  - rte_eal_cleanup stops rte_mp_handle and removes the socket, and leaks no fd.
 * Memory is --no-huge: SwiftEAL's secondaries attach to it.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#include "mp_test.h"
#include "eal_test.h"

#define PREFIX "test_mp"

static const char *eal_common[] = { "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
	"--log-level", "lib.eal:4", NULL };

static int eal_start(char *prog, const char *prefix, const char *type)
{
	char *args[32] = { prog };
	int n = 1;
	for (int i = 0; eal_common[i]; i++)
		args[n++] = (char *)eal_common[i];
	args[n++] = "--file-prefix";
	args[n++] = (char *)prefix;
	args[n++] = "--proc-type";
	args[n++] = (char *)type;
	args[n] = NULL;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(n, args) < 0) {
		printf("rte_eal_init (%s) failed: %s\n", type, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

/* ---- actions (they run on rte_mp_handle) ---- */

static char last_peer[256];
static int one_way_count;
static int slow_delay_us;

static int same_file(int a, int b)
{
	struct stat x, y;
	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* The parameter back, prefixed "re:", with the fds it came with (then closed here). */
static int echo(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg r;
	mp_msg(&r, msg->name, NULL);
	r.len_param = snprintf((char *)r.param, sizeof(r.param), "re:%s", (const char *)msg->param) + 1;
	r.num_fds = msg->num_fds;
	memcpy(r.fds, msg->fds, sizeof(int) * msg->num_fds);
	snprintf(last_peer, sizeof(last_peer), "%s", (const char *)peer);
	int rc = rte_mp_reply(&r, peer);
	for (int i = 0; i < msg->num_fds; i++)
		close(msg->fds[i]);
	return rc;
}

static int count(const struct rte_mp_msg *msg, const void *peer)
{
	(void)msg;
	(void)peer;
	__atomic_add_fetch(&one_way_count, 1, __ATOMIC_RELAXED);
	return 0;
}

static int count_get(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg r;
	mp_msg(&r, msg->name, NULL);
	r.len_param = sizeof(int);
	int n = __atomic_load_n(&one_way_count, __ATOMIC_RELAXED);
	memcpy(r.param, &n, sizeof(n));
	return rte_mp_reply(&r, peer);
}

/* Answers late: after slow_delay_us (set by a one-way "slow_set"). */
static int slow(const struct rte_mp_msg *msg, const void *peer)
{
	usleep(__atomic_load_n(&slow_delay_us, __ATOMIC_RELAXED));
	return echo(msg, peer);
}

static int slow_set(const struct rte_mp_msg *msg, const void *peer)
{
	(void)peer;
	int us;
	memcpy(&us, msg->param, sizeof(us));
	__atomic_store_n(&slow_delay_us, us, __ATOMIC_RELAXED);
	return 0;
}

/* ---- async replies ---- */

static struct {
	int calls;
	int nb_sent, nb_received;
	char first[64];
	char thread[16];
	int fd_ok;
	int orig_fd;
} async_seen;

static int on_async(const struct rte_mp_msg *req, const struct rte_mp_reply *reply)
{
	(void)req;
	async_seen.nb_sent = reply->nb_sent;
	async_seen.nb_received = reply->nb_received;
	if (reply->nb_received > 0) {
		snprintf(async_seen.first, sizeof(async_seen.first), "%s", (const char *)reply->msgs[0].param);
		if (reply->msgs[0].num_fds == 1)
			async_seen.fd_ok = same_file(reply->msgs[0].fds[0], async_seen.orig_fd) &&
					   reply->msgs[0].fds[0] != async_seen.orig_fd;
	}
	/* the replies' fds are the callback's to close */
	for (int k = 0; k < reply->nb_received; k++)
		for (int i = 0; i < reply->msgs[k].num_fds; i++)
			close(reply->msgs[k].fds[i]);
	pthread_getname_np(pthread_self(), async_seen.thread, sizeof(async_seen.thread));
	__atomic_add_fetch(&async_seen.calls, 1, __ATOMIC_RELEASE);
	return 0;
}

static int wait_async(int calls, double seconds)
{
	double end = mp_now() + seconds;
	while (__atomic_load_n(&async_seen.calls, __ATOMIC_ACQUIRE) < calls && mp_now() < end)
		usleep(1000);
	usleep(20000); /* a second call would show now */
	return __atomic_load_n(&async_seen.calls, __ATOMIC_ACQUIRE);
}

/* ---- the two directions ---- */

/* Sync request `name` with `param` to the peer(s); checks the answer(s) are "re:param". */
static void ask(const char *name, const char *param, int peers, int nfds)
{
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	struct timespec ts = { 5, 0 };
	int p[2 * RTE_MP_MAX_FD_NUM];
	mp_msg(&m, name, param);
	for (int i = 0; i < nfds; i++) {
		if (i % 2 == 0 && pipe(p + i) != 0)
			CHECK(0);
		m.fds[i] = p[i];
	}
	m.num_fds = nfds;
	char want[300];
	snprintf(want, sizeof(want), "re:%s", param);
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts), 0);
	CHECK_EQ(r.nb_sent, peers);
	CHECK_EQ(r.nb_received, peers);
	for (int k = 0; k < r.nb_received; k++) {
		CHECK(strcmp(r.msgs[k].name, name) == 0);
		CHECK(strcmp((char *)r.msgs[k].param, want) == 0);
		CHECK_EQ(r.msgs[k].len_param, (int)strlen(want) + 1);
		CHECK_EQ(r.msgs[k].num_fds, nfds);
		for (int i = 0; i < r.msgs[k].num_fds; i++) {
			/* a new descriptor of the same pipe */
			CHECK(same_file(r.msgs[k].fds[i], p[i]));
			CHECK(r.msgs[k].fds[i] != p[i]);
			close(r.msgs[k].fds[i]);
		}
	}
	free(r.msgs);
	for (int i = 0; i < (nfds + 1) / 2 * 2; i++)
		close(p[i]);
}

static void ask_async(const char *name, int peers)
{
	struct rte_mp_msg m;
	struct timespec ts = { 5, 0 };
	int p[2];
	CHECK_EQ(pipe(p), 0);
	memset(&async_seen, 0, sizeof(async_seen));
	async_seen.orig_fd = p[1];
	mp_msg(&m, name, "async");
	m.num_fds = 1;
	m.fds[0] = p[1];
	CHECK_EQ(rte_mp_request_async(&m, &ts, on_async), 0);
	CHECK_EQ(wait_async(1, 5), 1);
	CHECK_EQ(async_seen.nb_sent, peers);
	CHECK_EQ(async_seen.nb_received, peers);
	CHECK(strcmp(async_seen.first, "re:async") == 0);
	CHECK(async_seen.fd_ok);
	/* the last reply completes it on rte_mp_handle, as in DPDK (or, when it came
	 * before the request was all sent, on the interrupt thread) */
	CHECK(strcmp(async_seen.thread, "rte_mp_handle") == 0 || strcmp(async_seen.thread, "eal-intr-thread") == 0);
	close(p[0]);
	close(p[1]);
}

/* 500 sync requests named `arg`, each checked; returns the number that went wrong. */
static void *requester(void *arg)
{
	const char *name = arg;
	struct timespec ts = { 5, 0 };
	long bad = 0;
	for (int i = 0; i < 500; i++) {
		struct rte_mp_msg m;
		struct rte_mp_reply r;
		char param[48], want[56];
		snprintf(param, sizeof(param), "%s-%d", name, i);
		snprintf(want, sizeof(want), "re:%s", param);
		mp_msg(&m, name, param);
		if (rte_mp_request_sync(&m, &r, &ts) != 0 || r.nb_received != 1 ||
		    strcmp((char *)r.msgs[0].param, want) != 0)
			bad++;
		free(r.msgs);
	}
	return (void *)bad;
}

/* Secondary: everything it asks the primary. */
static void client_tests(void)
{
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	struct timespec ts = { 5, 0 };

	ask("echo", "hello", 1, 0);
	ask("echo", "two fds", 1, 2);
	ask("echo", "all fds", 1, RTE_MP_MAX_FD_NUM);
	ask_async("echo", 1);

	/* an action nobody registered: no answer, a timeout after the time given */
	struct timespec short_ts = { 0, 200 * 1000 * 1000 };
	mp_msg(&m, "no_such_action", "x");
	double t0 = mp_now();
	CHECK_EQ(rte_mp_request_sync(&m, &r, &short_ts), -1);
	double dt = mp_now() - t0;
	CHECK_EQ(rte_errno, ETIMEDOUT);
	CHECK_EQ(r.nb_sent, 1);
	CHECK_EQ(r.nb_received, 0);
	CHECK(r.msgs == NULL);
	CHECK(dt >= 0.19 && dt < 3.0);
	/* async: the callback still comes, on the interrupt thread (its alarm) */
	memset(&async_seen, 0, sizeof(async_seen));
	CHECK_EQ(rte_mp_request_async(&m, &short_ts, on_async), 0);
	CHECK_EQ(wait_async(1, 5), 1);
	CHECK_EQ(async_seen.nb_sent, 1);
	CHECK_EQ(async_seen.nb_received, 0);
	CHECK(strcmp(async_seen.thread, "eal-intr-thread") == 0);

	/* 2000 requests in a row, each answered with its own number */
	int bad = 0;
	for (int i = 0; i < 2000; i++) {
		char param[32];
		snprintf(param, sizeof(param), "n%d", i);
		mp_msg(&m, "echo", param);
		char want[40];
		snprintf(want, sizeof(want), "re:n%d", i);
		if (rte_mp_request_sync(&m, &r, &ts) != 0 || r.nb_received != 1 ||
		    strcmp((char *)r.msgs[0].param, want) != 0)
			bad++;
		free(r.msgs);
	}
	CHECK_EQ(bad, 0);

	/* two threads at once, each with its own request name */
	pthread_t t1, t2;
	void *bad1, *bad2;
	pthread_create(&t1, NULL, requester, "echo");
	pthread_create(&t2, NULL, requester, "echo2");
	pthread_join(t1, &bad1);
	pthread_join(t2, &bad2);
	CHECK_EQ((long)bad1, 0);
	CHECK_EQ((long)bad2, 0);

	/* 500 one-way messages, all delivered (counted by the primary) */
	mp_msg(&m, "count", NULL);
	bad = 0;
	for (int i = 0; i < 500; i++)
		if (rte_mp_sendmsg(&m) != 0)
			bad++;
	CHECK_EQ(bad, 0);
	mp_msg(&m, "count_get", NULL);
	int counted = -1;
	for (int tries = 0; tries < 100 && counted != 500; tries++) {
		if (rte_mp_request_sync(&m, &r, &ts) == 0 && r.nb_received == 1)
			memcpy(&counted, r.msgs[0].param, sizeof(counted));
		free(r.msgs);
		if (counted != 500)
			usleep(10000);
	}
	CHECK_EQ(counted, 500);

	/* A late reply: the primary answers "slow" after 400 ms; asked with 100 ms it
	 * times out, and the next request (answered at once) gets its own answer, not
	 * the late one of the first. */
	int us = 400 * 1000;
	mp_msg(&m, "slow_set", NULL);
	memcpy(m.param, &us, sizeof(us));
	m.len_param = sizeof(us);
	CHECK_EQ(rte_mp_sendmsg(&m), 0);
	usleep(50000);
	struct timespec ts100 = { 0, 100 * 1000 * 1000 };
	mp_msg(&m, "slow", "first");
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts100), -1);
	CHECK_EQ(rte_errno, ETIMEDOUT);
	us = 0;
	mp_msg(&m, "slow_set", NULL);
	memcpy(m.param, &us, sizeof(us));
	m.len_param = sizeof(us);
	CHECK_EQ(rte_mp_sendmsg(&m), 0);
	mp_msg(&m, "slow", "second");
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts), 0);
	CHECK_EQ(r.nb_received, 1);
	if (r.nb_received == 1)
		CHECK(strcmp((char *)r.msgs[0].param, "re:second") == 0);
	free(r.msgs);

	/* only the primary may turn multi-process off, and not once we are here */
	CHECK(!rte_mp_disable());
	/* a reply needs a peer */
	mp_msg(&m, "echo", NULL);
	CHECK_EQ(rte_mp_reply(&m, NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
}

/* Child roles. */
static int child_main(const char *role, const char *prefix, const char *type, char *prog)
{
	if (eal_start(prog, prefix, type) < 0)
		return 1;
	CHECK_EQ(rte_eal_process_type(), RTE_PROC_SECONDARY);
	/* every secondary answers "echo" for the primary */
	CHECK_EQ(rte_mp_action_register("echo", echo), 0);
	if (strcmp(role, "client") == 0)
		client_tests();
	mp_child_ready();
	while (mp_child_wait())
		;
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "--role") == 0)
		return child_main(argv[2], argv[3], argv[4], argv[0]);

	int fds_before = mp_count_fds();
	if (eal_start(argv[0], PREFIX, "primary") < 0)
		return check_report();
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	char sock[4200];
	snprintf(sock, sizeof(sock), "%s/mp_socket", dir);
	struct stat st;
	CHECK(stat(sock, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(count_threads_named("rte_mp_handle"), 1);

	/* the registry */
	char n63[64], n64[65];
	memset(n63, 'a', 63);
	n63[63] = 0;
	memset(n64, 'b', 64);
	n64[64] = 0;
	CHECK_EQ(rte_mp_action_register(n63, echo), 0);
	CHECK_EQ(rte_mp_action_register(n63, count), -1);
	CHECK_EQ(rte_errno, EEXIST);
	rte_mp_action_unregister(n63);
	CHECK_EQ(rte_mp_action_register(n63, count), 0);
	rte_mp_action_unregister(n63);
	CHECK_EQ(rte_mp_action_register(n64, echo), -1);
	CHECK_EQ(rte_errno, E2BIG);
	CHECK_EQ(rte_mp_action_register("", echo), -1);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_mp_action_register(NULL, echo), -1);
	CHECK_EQ(rte_errno, EINVAL);

	CHECK_EQ(rte_mp_action_register("echo", echo), 0);
	CHECK_EQ(rte_mp_action_register("echo2", echo), 0);
	CHECK_EQ(rte_mp_action_register("count", count), 0);
	CHECK_EQ(rte_mp_action_register("count_get", count_get), 0);
	CHECK_EQ(rte_mp_action_register("slow", slow), 0);
	CHECK_EQ(rte_mp_action_register("slow_set", slow_set), 0);

	/* no secondary yet: a broadcast reaches nobody */
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	struct timespec ts = { 1, 0 };
	mp_msg(&m, "echo", "anyone?");
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts), 0);
	CHECK_EQ(r.nb_sent, 0);
	CHECK_EQ(r.nb_received, 0);
	CHECK(r.msgs == NULL);
	/* an async request to nobody still calls back (on the interrupt thread) */
	memset(&async_seen, 0, sizeof(async_seen));
	CHECK_EQ(rte_mp_request_async(&m, &ts, on_async), 0);
	CHECK_EQ(wait_async(1, 5), 1);
	CHECK_EQ(async_seen.nb_sent, 0);
	CHECK_EQ(async_seen.nb_received, 0);

	/* a secondary asks; then it answers */
	struct mp_child a, b;
	CHECK_EQ(mp_spawn(&a, "client", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&a, 120));
	CHECK(strncmp(last_peer, dir, strlen(dir)) == 0 && strstr(last_peer, "/mp_socket_") != NULL);
	CHECK_EQ(mp_count_sockets(dir), 1);
	ask("echo", "to one", 1, 0);
	ask("echo", "to one with fds", 1, 3);
	ask_async("echo", 1);

	/* two secondaries at once */
	CHECK_EQ(mp_spawn(&b, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&b, 120));
	CHECK_EQ(mp_count_sockets(dir), 2);
	ask("echo", "to both", 2, 0);
	ask("echo", "to both with fds", 2, 4);
	ask_async("echo", 2);
	/* a one-way broadcast */
	mp_msg(&m, "echo", "one way");
	CHECK_EQ(rte_mp_sendmsg(&m), 0);

	/* a secondary has attached: too late to turn multi-process off */
	CHECK(!rte_mp_disable());

	CHECK_EQ(mp_finish(&a), 0);
	CHECK_EQ(mp_finish(&b), 0);
	mp_discard(&a);
	mp_discard(&b);
	/* they removed their sockets on the way out */
	CHECK_EQ(mp_count_sockets(dir), 0);
	mp_msg(&m, "echo", "anyone left?");
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts), 0);
	CHECK_EQ(r.nb_sent, 0);

	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK(stat(sock, &st) != 0);
	CHECK_EQ(count_threads_named("rte_mp_handle"), 0);
	CHECK_EQ(mp_count_fds(), fds_before);
	return check_report();
}
