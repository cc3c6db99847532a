/*
 * The log API from a C program: levels, rte_log_can_log, registration (also from
 * constructors, with the REGISTER macros), stream redirection, what rte_log returns,
 * rte_strerror (also across threads), --log-level through rte_eal_init, and the fatal
 * paths (rte_exit, rte_panic, RTE_VERIFY) in child processes.
 */
#define ALLOW_EXPERIMENTAL_API 1
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include "check.h"

#define RTE_LOG_DEFAULT_LOGTYPE test.log.lib
RTE_LOG_REGISTER(test_logtype_named, test.log.named, WARNING);
RTE_LOG_REGISTER_DEFAULT(test_logtype_default, DEBUG);
RTE_LOG_REGISTER_SUFFIX(test_logtype_suffix, sub, ERR);

static const char *self;

/* Reads a whole file from the start. */
static char *
slurp(FILE *f)
{
	static char buf[65536];
	size_t n;
	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	return buf;
}

static void
test_constructors(void)
{
	CHECK(test_logtype_named >= RTE_LOGTYPE_FIRST_EXT_ID);
	CHECK_EQ(rte_log_get_level(test_logtype_named), RTE_LOG_WARNING);
	CHECK_EQ(rte_log_register("test.log.named"), test_logtype_named);
	CHECK_EQ(rte_log_register("test.log.lib"), test_logtype_default);
	CHECK_EQ(rte_log_get_level(test_logtype_default), RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_register("test.log.lib.sub"), test_logtype_suffix);
	CHECK_EQ(rte_log_get_level(test_logtype_suffix), RTE_LOG_ERR);
}

static void
test_levels(void)
{
	CHECK_EQ(rte_log_get_global_level(), RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_get_level(RTE_LOGTYPE_EAL), RTE_LOG_INFO);
	CHECK_EQ(rte_log_get_level(RTE_LOGTYPE_USER8), RTE_LOG_INFO);
	CHECK_EQ(rte_log_get_level(100000), -1);
	CHECK_EQ(rte_log_set_level(RTE_LOGTYPE_USER2, RTE_LOG_MAX + 1), -1);
	CHECK_EQ(rte_log_set_level(100000, RTE_LOG_ERR), -1);
	CHECK_EQ(rte_log_set_level(RTE_LOGTYPE_USER2, RTE_LOG_ERR), 0);
	CHECK_EQ(rte_log_get_level(RTE_LOGTYPE_USER2), RTE_LOG_ERR);

	/* can_log: the type's level and the global level both apply */
	CHECK(rte_log_can_log(RTE_LOGTYPE_USER2, RTE_LOG_ERR));
	CHECK(rte_log_can_log(RTE_LOGTYPE_USER2, RTE_LOG_CRIT));
	CHECK(!rte_log_can_log(RTE_LOGTYPE_USER2, RTE_LOG_WARNING));
	rte_log_set_global_level(RTE_LOG_CRIT);
	CHECK_EQ(rte_log_get_global_level(), RTE_LOG_CRIT);
	CHECK(!rte_log_can_log(RTE_LOGTYPE_USER2, RTE_LOG_ERR));
	CHECK(rte_log_can_log(RTE_LOGTYPE_USER2, RTE_LOG_CRIT));
	rte_log_set_global_level(RTE_LOG_DEBUG);
	CHECK(!rte_log_can_log(100000, RTE_LOG_EMERG));

	/* glob and regex setters */
	int a = rte_log_register("test.log.glob.a"), b = rte_log_register("test.log.glob.b");
	CHECK(a > 0 && b > a);
	CHECK_EQ(rte_log_set_level_pattern("test.log.glob.*", RTE_LOG_NOTICE), 0);
	CHECK_EQ(rte_log_get_level(a), RTE_LOG_NOTICE);
	CHECK_EQ(rte_log_get_level(b), RTE_LOG_NOTICE);
	CHECK_EQ(rte_log_set_level_regexp("glob\\.b$", RTE_LOG_ALERT), 0);
	CHECK_EQ(rte_log_get_level(a), RTE_LOG_NOTICE);
	CHECK_EQ(rte_log_get_level(b), RTE_LOG_ALERT);
	CHECK_EQ(rte_log_set_level_regexp("([", RTE_LOG_ALERT), -1);
	CHECK_EQ(rte_log_set_level_pattern("*", RTE_LOG_MAX + 1), -1);
	CHECK_EQ(rte_log_set_level_regexp(".*", RTE_LOG_MAX + 1), -1);
}

static void
test_stream(void)
{
	FILE *f = tmpfile();
	char *text;

	CHECK(rte_log_get_stream() == stderr);
	CHECK_EQ(rte_openlog_stream(f), 0);
	CHECK(rte_log_get_stream() == f);
	rte_log_set_level(RTE_LOGTYPE_USER1, RTE_LOG_INFO);
	CHECK_EQ(RTE_LOG(ERR, USER1, "first %d\n", 1), 15);
	CHECK_EQ(RTE_LOG(DEBUG, USER1, "filtered\n"), 0);
	CHECK_EQ(rte_log(RTE_LOG_ERR, 100000, "unknown type\n"), -1);
	CHECK_EQ(rte_log(RTE_LOG_WARNING, test_logtype_named, "typed %s\n", "msg"), 10);
	CHECK_EQ(rte_log_cur_msg_loglevel(), RTE_LOG_WARNING);
	CHECK_EQ(rte_log_cur_msg_logtype(), test_logtype_named);
	RTE_LOG_DP(DEBUG, USER1, "compiled out\n");
	text = slurp(f);
	CHECK(strstr(text, "USER1: first 1\n") == text);
	CHECK(strstr(text, "filtered") == NULL);
	CHECK(strstr(text, "typed msg\n") != NULL);
	CHECK(strstr(text, "compiled out") == NULL);
	CHECK_EQ(rte_openlog_stream(NULL), 0);
	CHECK(rte_log_get_stream() == stderr);
	fclose(f);
}

static void *
strerror_thread(void *arg)
{
	long code = (long)arg;
	char want[64];
	snprintf(want, sizeof(want), "Unknown error %ld", code);
	for (int i = 0; i < 20000; i++)
		if (strcmp(rte_strerror((int)code), want) != 0)
			return (void *)1;
	return NULL;
}

static void
test_strerror(void)
{
	pthread_t t[4];
	void *bad;
	int ok = 1;

	CHECK(strcmp(rte_strerror(E_RTE_SECONDARY), "Invalid call in secondary process") == 0);
	CHECK(strcmp(rte_strerror(E_RTE_NO_CONFIG), "Missing rte_config structure") == 0);
	CHECK(strcmp(rte_strerror(EINVAL), strerror(EINVAL)) == 0);
	CHECK(strcmp(rte_strerror(0), strerror(0)) == 0);
	CHECK(strcmp(rte_strerror(RTE_MAX_ERRNO), "Unknown error 1003") == 0);
	CHECK(strcmp(rte_strerror(-5), "Unknown error -5") == 0);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, strerror_thread, (void *)(7000 + i));
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &bad);
		ok &= bad == NULL;
	}
	CHECK(ok);
}

/* Runs this program with `mode`; its stderr into err; the wait status. */
static int
child(const char *mode, char *err, size_t errlen)
{
	int fds[2];
	pid_t pid;
	int status = -1;
	size_t got = 0;
	ssize_t n;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(self, self, mode, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (got + 1 < errlen && (n = read(fds[0], err + got, errlen - 1 - got)) > 0)
		got += n;
	err[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

static void
test_fatal(void)
{
	static char err[65536];
	int st;

	st = child("exit", err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	CHECK(strstr(err, "EAL: Error - exiting with code: 7\n  Cause: leaving 7\n") != NULL);

	st = child("exit0", err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strstr(err, "quietly\n") != NULL);
	CHECK(strstr(err, "Error - exiting") == NULL);

	st = child("init-exit", err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK(strstr(err, "Cause: after init\n") != NULL);

	st = child("panic", err, sizeof(err));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	CHECK(strstr(err, "PANIC in fatal_child():\nno way 42\n") != NULL);
	CHECK(strstr(err, "\n0: ") != NULL);

	/* the stack goes to stderr, innermost frame first, whatever the log stream */
	st = child("stack", err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strncmp(err, "0: ", 3) == 0);
	CHECK(strstr(err, "\n1: ") != NULL);
	CHECK(strstr(err, "(main+") != NULL || strstr(err, "test_log") != NULL);

	st = child("verify", err, sizeof(err));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	CHECK(strstr(err, "assert \"value == 2\" failed\n") != NULL);
}

static int
fatal_child(const char *mode)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "test_log_child_%d", (int)getpid());
	char *argv[] = {(char *)self, "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", prefix, NULL};
	volatile int value = 1;

	if (strcmp(mode, "exit") == 0)
		rte_exit(7, "leaving %d\n", 7);
	if (strcmp(mode, "exit0") == 0)
		rte_exit(0, "quietly\n");
	if (strcmp(mode, "init-exit") == 0) {
		if (rte_eal_init(9, argv) < 0)
			return 99;
		rte_exit(3, "after init\n");
	}
	if (strcmp(mode, "panic") == 0)
		rte_panic("no way %d\n", 42);
	if (strcmp(mode, "stack") == 0) {
		rte_openlog_stream(tmpfile());
		rte_dump_stack();
		return 0;
	}
	if (strcmp(mode, "verify") == 0)
		RTE_VERIFY(value == 2);
	return 98;
}

/* --log-level through rte_eal_init: applied at init and remembered for later types. */
static void
test_eal_log_level(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "test_log_%d", (int)getpid());
	char *argv[] = {(char *)self, "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			"--file-prefix", prefix, "--log-level", "user*:2",
			"--log-level", "test\\.late,critical", "--log-level", "7", NULL};
	int before = rte_log_register("test.late.early");

	CHECK_EQ(rte_eal_init(15, argv), 14);
	CHECK_EQ(rte_log_get_global_level(), RTE_LOG_INFO);
	CHECK_EQ(rte_log_get_level(RTE_LOGTYPE_USER1), RTE_LOG_ALERT);
	CHECK_EQ(rte_log_get_level(RTE_LOGTYPE_USER8), RTE_LOG_ALERT);
	CHECK_EQ(rte_log_get_level(before), RTE_LOG_CRIT);
	int late = rte_log_register_type_and_pick_level("test.late.x", RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_get_level(late), RTE_LOG_CRIT);
	int userish = rte_log_register_type_and_pick_level("user.late", RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_get_level(userish), RTE_LOG_ALERT);
	int other = rte_log_register_type_and_pick_level("other.late", RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_get_level(other), RTE_LOG_DEBUG);
	int plain = rte_log_register("test.late.plain");
	CHECK_EQ(rte_log_get_level(plain), RTE_LOG_INFO);
	CHECK(rte_log_get_stream() != NULL);
	CHECK_EQ(rte_eal_cleanup(), 0);
}

int
main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return fatal_child(argv[1]);
	test_constructors();
	test_levels();
	test_stream();
	test_strerror();
	test_fatal();
	test_eal_log_level();
	return check_report();
}
