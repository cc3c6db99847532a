/*
 * rte_mp when processes die, stop or misbehave (real processes, fork + exec):
 *  - a secondary killed with -9 leaves its socket; the primary's next request does
 *    not wait for it, does not count it and removes the socket;
 *  - a stopped secondary makes a request time out after the time given, sync and
 *    async; its late answers are dropped and the next request is answered right;
 *  - a secondary killed while a request waits for it: the request times out cleanly;
 *  - a secondary closing its socket as the primary sends (EPIPE): gone, not waited for;
 *  - datagrams that are not messages (empty, short, oversized, with fds) are dropped
 *    with their fds closed, and rte_mp_handle keeps serving;
 *  - a secondary whose primary was killed gets ECONNREFUSED at once, and
 *    rte_eal_primary_proc_alive says 0;
 *  - a secondary with no primary (stale config, no config) fails init with a clear
 *    message and a non-zero exit, and a new primary then starts on the stale prefix;
 *  - a primary alive but stuck in its init (config locked, no magic) makes a secondary
 *    give up after its bound (SWIFTEAL_PRIMARY_WAIT_MS here, 60 s by default), clearly;
 *  - a primary that called rte_mp_disable refuses secondaries;
 *  - --no-shconf: no socket, no thread, DPDK's ENOTSUP answers;
 *  - the primary's cleanup removes the sockets of secondaries that died.
 */
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "mp_test.h"
#include "eal_test.h"

#define PREFIX "test_mp_faults"
#define PREFIX_ORPHAN "test_mp_faults_o"
#define PREFIX_NONE "test_mp_faults_none"
#define PREFIX_DISABLED "test_mp_faults_d"
#define PREFIX_NOSHCONF "test_mp_faults_n"
#define PREFIX_STUCK "test_mp_faults_s"

static int eal_start(char *prog, const char *prefix, const char *type, int noshconf)
{
	char *args[32] = { prog, "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--no-telemetry",
		"--log-level", "lib.eal:4", "--file-prefix", (char *)prefix, "--proc-type", (char *)type };
	int n = 14;
	if (noshconf)
		args[n++] = "--no-shconf";
	args[n] = NULL;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rte_eal_init(n, args) < 0) {
		printf("init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int echo(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg r;
	mp_msg(&r, msg->name, NULL);
	r.len_param = snprintf((char *)r.param, sizeof(r.param), "re:%s", (const char *)msg->param) + 1;
	for (int i = 0; i < msg->num_fds; i++)
		close(msg->fds[i]);
	return rte_mp_reply(&r, peer);
}

static struct {
	int calls, nb_sent, nb_received;
	char thread[16];
} seen;

static int on_async(const struct rte_mp_msg *req, const struct rte_mp_reply *reply)
{
	(void)req;
	seen.nb_sent = reply->nb_sent;
	seen.nb_received = reply->nb_received;
	pthread_getname_np(pthread_self(), seen.thread, sizeof(seen.thread));
	__atomic_add_fetch(&seen.calls, 1, __ATOMIC_RELEASE);
	return 0;
}

static int wait_async(double seconds)
{
	double end = mp_now() + seconds;
	while (__atomic_load_n(&seen.calls, __ATOMIC_ACQUIRE) == 0 && mp_now() < end)
		usleep(1000);
	usleep(20000);
	return __atomic_load_n(&seen.calls, __ATOMIC_ACQUIRE);
}

/* A sync broadcast of "echo"; its return, and the counts through the pointers. */
static int broadcast(const char *param, long ms, int *sent, int *received, char *first, double *elapsed)
{
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	mp_msg(&m, "echo", param);
	double t0 = mp_now();
	int rc = rte_mp_request_sync(&m, &r, &ts);
	*elapsed = mp_now() - t0;
	*sent = r.nb_sent;
	*received = r.nb_received;
	if (first)
		snprintf(first, 64, "%s", r.nb_received > 0 ? (char *)r.msgs[0].param : "");
	free(r.msgs);
	return rc;
}

/* ---- child roles ---- */

static int role_orphan(void)
{
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	struct timespec ts = { 1, 0 };
	mp_child_ready();
	if (!mp_child_wait()) /* go: the primary has been killed */
		return 1;
	mp_msg(&m, "echo", "anyone?");
	double t0 = mp_now();
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts), -1);
	CHECK_EQ(rte_errno, ECONNREFUSED);
	CHECK(mp_now() - t0 < 0.5);
	CHECK_EQ(r.nb_sent, 0);
	CHECK_EQ(r.nb_received, 0);
	CHECK(r.msgs == NULL);
	CHECK_EQ(rte_mp_sendmsg(&m), -1);
	CHECK_EQ(rte_errno, ECONNREFUSED);
	CHECK_EQ(rte_mp_request_async(&m, &ts, on_async), -1);
	CHECK_EQ(rte_errno, ECONNREFUSED);
	CHECK_EQ(wait_async(0.2), 0);
	CHECK_EQ(rte_eal_primary_proc_alive(NULL), 0);
	return 0;
}

static int role_noshconf(void)
{
	struct rte_mp_msg m;
	struct rte_mp_reply r;
	struct timespec ts = { 0, 100000000 };
	char path[4200];
	struct stat st;
	mp_msg(&m, "echo", "x");
	CHECK_EQ(rte_mp_action_register("echo", echo), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	rte_mp_action_unregister("echo");
	CHECK_EQ(rte_mp_sendmsg(&m), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	r.nb_sent = 7;
	CHECK_EQ(rte_mp_request_sync(&m, &r, &ts), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	CHECK_EQ(r.nb_sent, 0);
	CHECK(r.msgs == NULL);
	CHECK_EQ(rte_mp_request_async(&m, &ts, on_async), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	CHECK_EQ(rte_mp_reply(&m, "/nowhere"), 0);
	CHECK(rte_mp_disable());
	snprintf(path, sizeof(path), "%s/mp_socket", rte_eal_get_runtime_dir());
	CHECK(stat(path, &st) != 0);
	CHECK_EQ(count_threads_named("rte_mp_handle"), 0);
	return 0;
}

static int child_main(const char *role, const char *prefix, const char *type, char *prog)
{
	if (eal_start(prog, prefix, type, strcmp(role, "noshconf") == 0) < 0)
		return 2;
	int rc = 0;
	if (strcmp(role, "orphan") == 0) {
		rc = role_orphan();
	} else if (strcmp(role, "noshconf") == 0) {
		rc = role_noshconf();
	} else if (strcmp(role, "try") != 0) {
		if (strcmp(role, "primary_disable") == 0)
			CHECK(rte_mp_disable());
		CHECK_EQ(rte_mp_action_register("echo", echo), 0);
		mp_child_ready();
		while (mp_child_wait())
			;
	}
	CHECK_EQ(rte_eal_cleanup(), 0);
	check_report();
	return rc ? rc : (check_failed_ ? 1 : 0);
}

/* Datagrams that are not rte_mp messages, sent to the primary's socket. */
static void send_garbage(const char *sock)
{
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	static char big[4000];
	CHECK_EQ(sendto(s, "", 0, 0, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(sendto(s, "xyz", 3, 0, (struct sockaddr *)&a, sizeof(a)), 3);
	CHECK_EQ(sendto(s, big, sizeof(big), 0, (struct sockaddr *)&a, sizeof(a)), (long)sizeof(big));
	/* short, with three fds the receiver must close */
	int p[2];
	CHECK_EQ(pipe(p), 0);
	int fds[3] = { p[0], p[1], p[0] };
	char control[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { .iov_base = big, .iov_len = 10 };
	struct msghdr mh = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	CHECK_EQ(sendmsg(s, &mh, 0), 10);
	close(p[0]);
	close(p[1]);
	close(s);
}

/* SIGSTOP, and wait until it has taken effect. */
static void stop(pid_t pid)
{
	int st;
	kill(pid, SIGSTOP);
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st));
}

static struct mp_child doomed;

static void *kill_later(void *arg)
{
	(void)arg;
	usleep(200000);
	kill(doomed.pid, SIGKILL);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "--role") == 0)
		return child_main(argv[2], argv[3], argv[4], argv[0]);

	int fds_before = mp_count_fds();
	if (eal_start(argv[0], PREFIX, "primary", 0) < 0)
		return check_report();
	CHECK_EQ(rte_mp_action_register("echo", echo), 0);
	char dir[4096], sock[4200];
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	snprintf(sock, sizeof(sock), "%s/mp_socket", dir);
	int sent, received;
	double dt;
	char first[64];
	struct mp_child c, p;

	/* a secondary killed with -9: its socket stays until the next request */
	CHECK_EQ(mp_spawn(&c, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	kill(c.pid, SIGKILL);
	CHECK_EQ(mp_finish(&c), 128 + SIGKILL);
	mp_discard(&c);
	CHECK_EQ(mp_count_sockets(dir), 1);
	CHECK_EQ(broadcast("dead?", 2000, &sent, &received, NULL, &dt), 0);
	CHECK_EQ(sent, 0);
	CHECK_EQ(received, 0);
	CHECK(dt < 1.0);
	CHECK_EQ(mp_count_sockets(dir), 0);
	/* the same for a one-way message and an async request */
	CHECK_EQ(mp_spawn(&c, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	kill(c.pid, SIGKILL);
	CHECK_EQ(mp_finish(&c), 128 + SIGKILL);
	mp_discard(&c);
	struct rte_mp_msg m;
	mp_msg(&m, "echo", "dead?");
	CHECK_EQ(rte_mp_sendmsg(&m), 0);
	CHECK_EQ(mp_count_sockets(dir), 0);
	CHECK_EQ(mp_spawn(&c, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	kill(c.pid, SIGKILL);
	CHECK_EQ(mp_finish(&c), 128 + SIGKILL);
	mp_discard(&c);
	struct timespec ts = { 2, 0 };
	memset(&seen, 0, sizeof(seen));
	CHECK_EQ(rte_mp_request_async(&m, &ts, on_async), 0);
	CHECK_EQ(wait_async(1.0), 1);
	CHECK_EQ(seen.nb_sent, 0);
	CHECK_EQ(mp_count_sockets(dir), 0);

	/* a secondary in the middle of closing its socket (shut down for reading, as the
	 * kernel marks it before it goes): sendmsg says EPIPE; the peer is gone, its socket
	 * removed, nothing waited for */
	for (int kind = 0; kind < 2; kind++) {
		int fake = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s/mp_socket_999999_closing%d", dir, kind);
		CHECK_EQ(bind(fake, (struct sockaddr *)&a, sizeof(a)), 0);
		CHECK_EQ(shutdown(fake, SHUT_RD), 0);
		CHECK_EQ(mp_count_sockets(dir), 1);
		if (kind == 0) {
			mp_msg(&m, "echo", "closing?");
			CHECK_EQ(rte_mp_sendmsg(&m), 0);
		} else {
			CHECK_EQ(broadcast("closing?", 1000, &sent, &received, NULL, &dt), 0);
			CHECK_EQ(sent, 0);
			CHECK(dt < 1.0);
		}
		CHECK_EQ(mp_count_sockets(dir), 0);
		close(fake);
		unlink(a.sun_path);
	}

	/* a stopped secondary: the request times out after the time given */
	CHECK_EQ(mp_spawn(&c, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	stop(c.pid);
	CHECK_EQ(broadcast("stopped", 300, &sent, &received, NULL, &dt), -1);
	CHECK_EQ(rte_errno, ETIMEDOUT);
	CHECK_EQ(sent, 1);
	CHECK_EQ(received, 0);
	CHECK(dt >= 0.29 && dt < 3.0);
	memset(&seen, 0, sizeof(seen));
	struct timespec ts300 = { 0, 300000000 };
	mp_msg(&m, "echo", "stopped async");
	CHECK_EQ(rte_mp_request_async(&m, &ts300, on_async), 0);
	CHECK_EQ(wait_async(5.0), 1);
	CHECK_EQ(seen.nb_sent, 1);
	CHECK_EQ(seen.nb_received, 0);
	CHECK(strcmp(seen.thread, "eal-intr-thread") == 0);
	/* it wakes up and answers both late: dropped; a new request gets its own answer */
	kill(c.pid, SIGCONT);
	usleep(200000);
	CHECK_EQ(broadcast("awake", 5000, &sent, &received, first, &dt), 0);
	CHECK_EQ(sent, 1);
	CHECK_EQ(received, 1);
	CHECK(strcmp(first, "re:awake") == 0);
	CHECK_EQ(mp_finish(&c), 0);
	mp_discard(&c);

	/* killed while a request waits for it: a clean timeout, then it is dropped */
	CHECK_EQ(mp_spawn(&doomed, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&doomed, 120));
	stop(doomed.pid);
	pthread_t killer;
	pthread_create(&killer, NULL, kill_later, NULL);
	CHECK_EQ(broadcast("dying", 1000, &sent, &received, NULL, &dt), -1);
	CHECK_EQ(rte_errno, ETIMEDOUT);
	CHECK(dt >= 0.99 && dt < 4.0);
	pthread_join(killer, NULL);
	CHECK_EQ(mp_finish(&doomed), 128 + SIGKILL);
	mp_discard(&doomed);
	CHECK_EQ(broadcast("gone", 1000, &sent, &received, NULL, &dt), 0);
	CHECK_EQ(sent, 0);
	CHECK_EQ(mp_count_sockets(dir), 0);

	/* garbage datagrams: dropped, their fds closed, the thread still serves */
	int fds_mid = mp_count_fds();
	send_garbage(sock);
	usleep(200000);
	CHECK_EQ(mp_count_fds(), fds_mid);
	CHECK_EQ(count_threads_named("rte_mp_handle"), 1);
	CHECK_EQ(mp_spawn(&c, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	CHECK_EQ(broadcast("still there?", 5000, &sent, &received, first, &dt), 0);
	CHECK_EQ(received, 1);
	CHECK(strcmp(first, "re:still there?") == 0);
	CHECK_EQ(mp_finish(&c), 0);
	mp_discard(&c);

	/* a secondary whose primary is killed: ECONNREFUSED at once */
	CHECK_EQ(mp_spawn(&p, "primary_wait", PREFIX_ORPHAN, "primary", NULL), 0);
	CHECK(mp_wait_ready(&p, 120));
	CHECK_EQ(mp_spawn(&c, "orphan", PREFIX_ORPHAN, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	kill(p.pid, SIGKILL);
	CHECK_EQ(mp_finish(&p), 128 + SIGKILL);
	mp_discard(&p);
	mp_go(&c);
	CHECK_EQ(mp_finish(&c), 0);
	mp_discard(&c);

	/* no primary: its config is stale, or there is none; a clear message, exit != 0 */
	CHECK_EQ(mp_spawn(&c, "try", PREFIX_ORPHAN, "secondary", NULL), 0);
	CHECK(mp_finish(&c) != 0);
	/* the config attach sees it first; rte_mp's step says it if the primary dies after */
	CHECK(mp_output_has(&c, "its config is stale") || mp_output_has(&c, "No primary process is running"));
	mp_discard(&c);
	CHECK_EQ(mp_spawn(&c, "try", PREFIX_NONE, "secondary", NULL), 0);
	CHECK(mp_finish(&c) != 0);
	CHECK(mp_output_has(&c, "Cannot open"));
	mp_discard(&c);
	/* a new primary takes over the stale prefix */
	CHECK_EQ(mp_spawn(&c, "try", PREFIX_ORPHAN, "primary", NULL), 0);
	CHECK_EQ(mp_finish(&c), 0);
	mp_discard(&c);

	/* a primary stuck in its init: its config locked and sized, the magic never set */
	char stuck[4200], stuck_cfg[4300];
	snprintf(stuck, sizeof(stuck), "%s", dir);
	char *slash = strrchr(stuck, '/');
	if (slash)
		snprintf(slash + 1, sizeof(stuck) - (size_t)(slash + 1 - stuck), "%s", PREFIX_STUCK);
	snprintf(stuck_cfg, sizeof(stuck_cfg), "%s/config", stuck);
	CHECK(mkdir(stuck, 0700) == 0 || errno == EEXIST);
	int cfd = open(stuck_cfg, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(cfd >= 0);
	struct flock wl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK(cfd >= 0 && ftruncate(cfd, 256 << 20) == 0 && fcntl(cfd, F_SETLK, &wl) == 0);
	setenv("SWIFTEAL_PRIMARY_WAIT_MS", "300", 1);
	dt = mp_now();
	CHECK_EQ(mp_spawn(&c, "try", PREFIX_STUCK, "secondary", NULL), 0);
	unsetenv("SWIFTEAL_PRIMARY_WAIT_MS");
	CHECK(mp_finish(&c) != 0);
	dt = mp_now() - dt;
	CHECK(dt < 20);
	CHECK(mp_output_has(&c, "has not finished its init after 300 ms"));
	mp_discard(&c);
	close(cfd);
	unlink(stuck_cfg);
	rmdir(stuck);

	/* rte_mp_disable in the primary: secondaries are refused */
	CHECK_EQ(mp_spawn(&p, "primary_disable", PREFIX_DISABLED, "primary", NULL), 0);
	CHECK(mp_wait_ready(&p, 120));
	CHECK_EQ(mp_spawn(&c, "try", PREFIX_DISABLED, "secondary", NULL), 0);
	CHECK(mp_finish(&c) != 0);
	CHECK(mp_output_has(&c, "Primary process refused secondary attachment"));
	mp_discard(&c);
	CHECK_EQ(mp_finish(&p), 0);
	mp_discard(&p);

	/* --no-shconf */
	CHECK_EQ(mp_spawn(&c, "noshconf", PREFIX_NOSHCONF, "primary", NULL), 0);
	CHECK_EQ(mp_finish(&c), 0);
	mp_discard(&c);

	/* a dead secondary's socket is not left behind by the primary's cleanup */
	CHECK_EQ(mp_spawn(&c, "idle", PREFIX, "secondary", NULL), 0);
	CHECK(mp_wait_ready(&c, 120));
	kill(c.pid, SIGKILL);
	CHECK_EQ(mp_finish(&c), 128 + SIGKILL);
	mp_discard(&c);
	CHECK_EQ(mp_count_sockets(dir), 1);

	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK_EQ(mp_count_sockets(dir), 0);
	struct stat st;
	CHECK(stat(sock, &st) != 0);
	CHECK_EQ(count_threads_named("rte_mp_handle"), 0);
	CHECK_EQ(mp_count_fds(), fds_before);
	return check_report();
}
