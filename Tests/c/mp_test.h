/*
 * Helpers of the multi-process C tests (test-only, not a public header): start this
 * program again as another EAL process (fork + exec, never anything else after a
 * bare fork), tell when it is ready, let it go, and collect its checks.
 *
 * The child runs `self --role NAME PREFIX TYPE [EAL args...]`; its stdin is the "go"
 * pipe (a byte, or EOF when the parent is done with it), fd 3 the "ready" pipe, and
 * its stdout and stderr go to a file the parent reads once it has exited.
 */
#ifndef SWIFTEAL_TEST_MP_H
#define SWIFTEAL_TEST_MP_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <fnmatch.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "check.h"

struct mp_child {
	pid_t pid;
	int go;          /* write end of the child's stdin */
	int ready;       /* read end of the child's fd 3 */
	char out[96];    /* its stdout + stderr */
	int status;      /* exit status once finished */
};

static char mp_self[4096];

static inline double mp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Starts `self --role role prefix type extra...` (extra ends with NULL). */
static inline int mp_spawn(struct mp_child *c, const char *role, const char *prefix, const char *type,
			   const char *const *extra)
{
	static int seq;
	int go[2], ready[2];
	memset(c, 0, sizeof(*c));
	if (mp_self[0] == 0 && readlink("/proc/self/exe", mp_self, sizeof(mp_self) - 1) < 0)
		return -1;
	snprintf(c->out, sizeof(c->out), "/tmp/swifteal_mp_%d_%d.out", (int)getpid(), seq++);
	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(ready, O_CLOEXEC) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid == 0) {
		const char *argv[48] = { mp_self, "--role", role, prefix, type };
		int n = 5;
		for (int i = 0; extra && extra[i] && n < 47; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		int out = open(c->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(go[0], 0);
		dup2(ready[1], 3);
		dup2(out, 1);
		dup2(out, 2);
		execv(mp_self, (char *const *)argv);
		_exit(127);
	}
	close(go[0]);
	close(ready[1]);
	c->go = go[1];
	c->ready = ready[0];
	return c->pid > 0 ? 0 : -1;
}

/* Waits up to `seconds` for the child's ready byte; 1 when it came. */
static inline int mp_wait_ready(struct mp_child *c, double seconds)
{
	struct pollfd p = { .fd = c->ready, .events = POLLIN };
	char b;
	if (poll(&p, 1, (int)(seconds * 1000)) != 1)
		return 0;
	return read(c->ready, &b, 1) == 1;
}

/* Lets a waiting child take its next step. */
static inline void mp_go(struct mp_child *c)
{
	char b = 'g';
	if (write(c->go, &b, 1) != 1)
		CHECK(0);
}

/* Sends the waiting child a command byte. */
static inline void mp_go_byte(struct mp_child *c, char b)
{
	if (write(c->go, &b, 1) != 1)
		CHECK(0);
}

/* Ends the child's wait (EOF), reaps it, adds its "N passed, N failed" to ours and
 * returns its exit status (128 + signal when killed). Prints its output on failure. */
static inline int mp_finish(struct mp_child *c)
{
	int st = 0, p = 0, f = 0;
	char buf[16384];
	if (c->go >= 0)
		close(c->go);
	c->go = -1;
	waitpid(c->pid, &st, 0);
	close(c->ready);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	FILE *f_ = fopen(c->out, "r");
	size_t len = f_ ? fread(buf, 1, sizeof(buf) - 1, f_) : 0;
	if (f_)
		fclose(f_);
	buf[len] = 0;
	char *line = strstr(buf, " passed, ");
	while (line && line > buf && line[-1] >= '0' && line[-1] <= '9')
		line--;
	if (line && sscanf(line, "%d passed, %d failed", &p, &f) == 2) {
		check_passed_ += p;
		check_failed_ += f;
	}
	if (f) {
		printf("--- child %d output:\n%s---\n", (int)c->pid, buf);
	}
	return c->status;
}

/* Whether the child's output (so far) contains `text`. */
static inline int mp_output_has(struct mp_child *c, const char *text)
{
	char buf[16384];
	FILE *f = fopen(c->out, "r");
	size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = 0;
	return strstr(buf, text) != NULL;
}

static inline void mp_discard(struct mp_child *c)
{
	unlink(c->out);
}

/* Child side: tells the parent it is ready. */
static inline void mp_child_ready(void)
{
	char b = 'r';
	fflush(stdout);
	if (write(3, &b, 1) != 1)
		CHECK(0);
}

/* Child side: waits for the parent's next "go" (1) or its EOF (0). */
static inline int mp_child_wait(void)
{
	char b;
	return read(0, &b, 1) == 1;
}

/* How many secondaries' sockets (mp_socket_*) the runtime directory holds. */
static inline int mp_count_sockets(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		if (fnmatch("mp_socket_*", e->d_name, 0) == 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

/* This process's open descriptors. */
static inline int mp_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n - 1; /* the directory's own */
}

/* A message named `name` with a NUL-terminated string parameter. */
static inline void mp_msg(struct rte_mp_msg *m, const char *name, const char *param)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	if (param) {
		snprintf((char *)m->param, sizeof(m->param), "%s", param);
		m->len_param = (int)strlen(param) + 1;
	}
}

#endif
