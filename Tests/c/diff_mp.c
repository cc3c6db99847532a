/*
 * The rte_mp API's answers, linked once to DPDK 22.11 and once to SwiftEAL: the
 * outputs must be identical. Return values, rte_errno on failure and the reply
 * counts for bad input (NULL, empty and over-long names, negative and too large
 * lengths and fd counts, a NULL peer, a bad fd), before init, in a primary, in a
 * secondary (what only a primary may do), for unknown actions and timeouts both
 * ways, a dead secondary, and --no-shconf.
 *
 * Uses 2 MB hugepages (-m 16): DPDK's secondaries cannot attach to --no-huge memory.
 * Not compared (DPDK differs on purpose, see test_mp): an async request to nobody
 * (DPDK never calls back), a reply arriving after its request timed out (DPDK takes
 * it for the next request's), rte_mp after rte_eal_cleanup.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>

static const char *errname(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOTSUP: return "ENOTSUP";
	case ECONNREFUSED: return "ECONNREFUSED";
	default: return "other";
	}
}

static const char *who = "";

/* The answer, with rte_errno when it failed (it is stale after a success). */
static void show(const char *what, int rc)
{
	if (rc < 0)
		printf("%s %-36s -> %d %s\n", who, what, rc, errname(rte_errno));
	else
		printf("%s %-36s -> %d\n", who, what, rc);
	fflush(stdout);
}

static void msg(struct rte_mp_msg *m, const char *name, const char *param)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	if (param) {
		snprintf((char *)m->param, sizeof(m->param), "%s", param);
		m->len_param = (int)strlen(param) + 1;
	}
}

static int nop(const struct rte_mp_msg *m, const void *peer)
{
	(void)m;
	(void)peer;
	return 0;
}

static int echo(const struct rte_mp_msg *m, const void *peer)
{
	struct rte_mp_msg r;
	msg(&r, m->name, NULL);
	r.len_param = snprintf((char *)r.param, sizeof(r.param), "re:%s", (const char *)m->param) + 1;
	for (int i = 0; i < m->num_fds; i++)
		close(m->fds[i]);
	return rte_mp_reply(&r, peer);
}

/* The last secondary that said hello (its socket path). */
static char hello_peer[256];

static int hello(const struct rte_mp_msg *m, const void *peer)
{
	(void)m;
	snprintf(hello_peer, sizeof(hello_peer), "%s", (const char *)peer);
	return 0;
}

static int async_done(const struct rte_mp_msg *req, const struct rte_mp_reply *reply)
{
	(void)req;
	(void)reply;
	return 0;
}

static void sync_req(const char *what, struct rte_mp_msg *m, long ms)
{
	struct rte_mp_reply r;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	memset(&r, 0x5a, sizeof(r));
	int rc = rte_mp_request_sync(m, &r, &ts);
	show(what, rc);
	printf("%s     nb_sent %d nb_received %d msgs %s", who, r.nb_sent, r.nb_received, r.msgs ? "set" : "NULL");
	for (int i = 0; i < r.nb_received; i++)
		printf(" [%s len %d fds %d '%s']", r.msgs[i].name, r.msgs[i].len_param, r.msgs[i].num_fds,
		       (char *)r.msgs[i].param);
	printf("\n");
	free(r.msgs);
}

/* Every check of a message's fields, through each sending function. */
static void bad_messages(void)
{
	struct rte_mp_msg m;
	char n64[65];
	memset(n64, 'n', 64);
	n64[64] = 0;

	show("sendmsg NULL", rte_mp_sendmsg(NULL));
	sync_req("request_sync NULL", NULL, 100);
	show("request_async NULL", rte_mp_request_async(NULL, &(struct timespec){ 0, 1000000 }, async_done));
	show("reply NULL", rte_mp_reply(NULL, "peer"));

	const struct {
		const char *what;
		int name_len; /* -1: "" ; 0: "x" ; else that many 'n' (no NUL when 64) */
		int len_param, num_fds;
	} cases[] = {
		{ "empty name", -1, 0, 0 },
		{ "name of 63", 63, 0, 0 },
		{ "name of 64 (no NUL)", 64, 0, 0 },
		{ "len_param -1", 0, -1, 0 },
		{ "len_param 257", 0, 257, 0 },
		{ "num_fds -1", 0, 0, -1 },
		{ "num_fds 9", 0, 0, 9 },
		{ "len_param 300 num_fds 9", 0, 300, 9 },
		{ "len_param -1 num_fds 9", 0, -1, 9 },
		{ "len_param 300 num_fds -1", 0, 300, -1 },
		{ "empty name num_fds 9", -1, 0, 9 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[80];
		memset(&m, 0, sizeof(m));
		if (cases[i].name_len == 0)
			strcpy(m.name, "x");
		else if (cases[i].name_len > 0)
			memcpy(m.name, n64, cases[i].name_len);
		m.len_param = cases[i].len_param;
		m.num_fds = cases[i].num_fds;
		if (cases[i].name_len == 63 || cases[i].name_len == 0)
			continue; /* valid: the callers below try those */
		snprintf(what, sizeof(what), "sendmsg %s", cases[i].what);
		show(what, rte_mp_sendmsg(&m));
		snprintf(what, sizeof(what), "request_sync %s", cases[i].what);
		sync_req(what, &m, 100);
		snprintf(what, sizeof(what), "request_async %s", cases[i].what);
		show(what, rte_mp_request_async(&m, &(struct timespec){ 0, 1000000 }, async_done));
		snprintf(what, sizeof(what), "reply %s", cases[i].what);
		show(what, rte_mp_reply(&m, "peer"));
	}
	msg(&m, "x", NULL);
	show("reply NULL peer", rte_mp_reply(&m, NULL));
}

static void bad_names(void)
{
	char n63[64], n64[65], n200[201];
	memset(n63, 'a', 63);
	n63[63] = 0;
	memset(n64, 'b', 64);
	n64[64] = 0;
	memset(n200, 'c', 200);
	n200[200] = 0;
	show("register NULL", rte_mp_action_register(NULL, nop));
	show("register \"\"", rte_mp_action_register("", nop));
	show("register 63 chars", rte_mp_action_register(n63, nop));
	show("register 63 chars again", rte_mp_action_register(n63, echo));
	rte_mp_action_unregister(n63);
	show("register 63 chars after unregister", rte_mp_action_register(n63, nop));
	rte_mp_action_unregister(n63);
	show("register 64 chars", rte_mp_action_register(n64, nop));
	show("register 200 chars", rte_mp_action_register(n200, nop));
	show("register NULL action", rte_mp_action_register("null_action", NULL));
	show("register NULL action again", rte_mp_action_register("null_action", nop));
	rte_mp_action_unregister("null_action");
	rte_mp_action_unregister(NULL);
	rte_mp_action_unregister("");
	rte_mp_action_unregister(n64);
	rte_mp_action_unregister("never_registered");
	show("unregister NULL, \"\", 64 chars, unknown", 0);
}

static const char *eal_args[] = { "-l", "0-1", "-m", "16", "--no-pci", "--no-telemetry", "--log-level", "1", NULL };

static int init(char *prog, const char *prefix, const char *type, int noshconf)
{
	char *args[32] = { prog };
	int n = 1;
	for (int i = 0; eal_args[i]; i++)
		args[n++] = (char *)eal_args[i];
	args[n++] = "--file-prefix";
	args[n++] = (char *)prefix;
	args[n++] = "--proc-type";
	args[n++] = (char *)type;
	if (noshconf)
		args[n++] = "--no-shconf";
	args[n] = NULL;
	return rte_eal_init(n, args) < 0 ? -1 : 0;
}

/* Secondary: its own answers; ready on fd 3; exits when stdin closes. */
static int secondary(char *prog, const char *prefix, int idle)
{
	who = "  [secondary]";
	if (init(prog, prefix, "secondary", 0) < 0) {
		printf("%s init failed\n", who);
		return 1;
	}
	rte_mp_action_register("sec_echo", echo);
	if (idle) {
		struct rte_mp_msg m;
		msg(&m, "hello", NULL);
		rte_mp_sendmsg(&m);
	} else {
		struct rte_mp_msg m;
		bad_messages();
		show("register sec_echo again", rte_mp_action_register("sec_echo", nop));
		show("rte_mp_disable in a secondary", rte_mp_disable());
		msg(&m, "no_such_action", "x");
		sync_req("request_sync unknown action", &m, 200);
		msg(&m, "echo", "from secondary");
		sync_req("request_sync echo", &m, 5000);
		m.num_fds = 1;
		m.fds[0] = 999; /* not open */
		show("sendmsg with a closed fd", rte_mp_sendmsg(&m));
		sync_req("request_sync with a closed fd", &m, 1000);
		m.num_fds = 0;
		show("reply to a path that is no socket", rte_mp_reply(&m, "/nonexistent/mp_socket"));
	}
	fflush(stdout);
	char c = 'r';
	if (write(3, &c, 1) != 1)
		return 1;
	while (read(0, &c, 1) > 0)
		;
	rte_eal_cleanup();
	return 0;
}

struct child {
	pid_t pid;
	int go;
};

static int spawn(struct child *c, char *prog, const char *prefix, const char *role)
{
	int go[2], ready[2];
	char b;
	if (pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		return -1;
	fflush(stdout);
	c->pid = fork();
	if (c->pid == 0) {
		dup2(go[0], 0);
		dup2(ready[1], 3);
		execl("/proc/self/exe", prog, "--role", role, prefix, (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(ready[1]);
	c->go = go[1];
	int ok = read(ready[0], &b, 1) == 1;
	close(ready[0]);
	return ok ? 0 : -1;
}

static int finish(struct child *c)
{
	int st;
	close(c->go);
	waitpid(c->pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int noshconf(char *prog, const char *prefix)
{
	struct rte_mp_msg m;
	who = "  [no-shconf]";
	if (init(prog, prefix, "primary", 1) < 0) {
		printf("%s init failed\n", who);
		return 1;
	}
	show("register", rte_mp_action_register("x", nop));
	show("register NULL", rte_mp_action_register(NULL, nop));
	rte_mp_action_unregister("x");
	msg(&m, "x", "p");
	show("sendmsg", rte_mp_sendmsg(&m));
	show("sendmsg NULL", rte_mp_sendmsg(NULL));
	sync_req("request_sync", &m, 100);
	show("request_async", rte_mp_request_async(&m, &(struct timespec){ 0, 1000000 }, async_done));
	show("reply", rte_mp_reply(&m, "/nowhere"));
	show("reply NULL peer", rte_mp_reply(&m, NULL));
	show("rte_mp_disable", rte_mp_disable());
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	const char *prefix = "diff_mp";
	if (argc == 4 && strcmp(argv[1], "--role") == 0) {
		if (strcmp(argv[2], "noshconf") == 0)
			return noshconf(argv[0], argv[3]);
		return secondary(argv[0], argv[3], strcmp(argv[2], "idle") == 0);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	who = "[before init]";
	bad_names();
	bad_messages();
	{
		struct rte_mp_msg m;
		msg(&m, "x", "p");
		show("sendmsg", rte_mp_sendmsg(&m));
		sync_req("request_sync", &m, 100);
		show("request_async", rte_mp_request_async(&m, &(struct timespec){ 0, 1000000 }, async_done));
		show("reply to a path", rte_mp_reply(&m, "/nonexistent/mp_socket"));
	}

	if (init(argv[0], prefix, "primary", 0) < 0) {
		printf("init failed\n");
		return 1;
	}
	who = "[primary]";
	bad_names();
	bad_messages();
	show("register echo", rte_mp_action_register("echo", echo));
	rte_mp_action_register("hello", hello);
	struct rte_mp_msg m;
	msg(&m, "echo", "nobody");
	show("sendmsg, no secondary", rte_mp_sendmsg(&m));
	sync_req("request_sync, no secondary", &m, 100);
	m.num_fds = 1;
	m.fds[0] = 999;
	show("sendmsg with a closed fd, no secondary", rte_mp_sendmsg(&m));
	m.num_fds = 0;
	show("reply to a path that is no socket", rte_mp_reply(&m, "/nonexistent/mp_socket"));

	struct child c;
	if (spawn(&c, argv[0], prefix, "client") != 0) {
		printf("secondary did not start\n");
		return 1;
	}
	msg(&m, "no_such_action", "x");
	sync_req("request_sync unknown action", &m, 200);
	msg(&m, "sec_echo", "from primary");
	sync_req("request_sync sec_echo", &m, 5000);
	m.num_fds = 1;
	m.fds[0] = 999;
	show("sendmsg with a closed fd", rte_mp_sendmsg(&m));
	sync_req("request_sync with a closed fd", &m, 1000);
	m.num_fds = 0;
	show("rte_mp_disable after a secondary attached", rte_mp_disable());
	printf("secondary exit %d\n", finish(&c));

	/* a secondary killed with -9: not counted */
	if (spawn(&c, argv[0], prefix, "idle") != 0) {
		printf("secondary did not start\n");
		return 1;
	}
	for (int i = 0; i < 500 && hello_peer[0] == 0; i++)
		usleep(10000);
	kill(c.pid, SIGKILL);
	printf("secondary exit %d\n", finish(&c));
	msg(&m, "sec_echo", "dead?");
	show("reply to the dead secondary", rte_mp_reply(&m, hello_peer));
	printf("%s     its socket %s\n", who, access(hello_peer, F_OK) == 0 ? "is there" : "is gone");
	sync_req("request_sync to a dead secondary", &m, 1000);

	show("rte_eal_cleanup", rte_eal_cleanup());

	/* --no-shconf, in a process of its own */
	(void)spawn(&c, argv[0], "diff_mp_n", "noshconf"); /* never says ready: ends at once */
	printf("no-shconf exit %d\n", finish(&c));
	return 0;
}
