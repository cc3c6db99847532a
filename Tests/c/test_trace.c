/*
 * Trace: points registered from constructors (parts/test_trace.c) before init, looked
 * up and enabled by name, pattern and regexp; nothing recorded while a point is off or
 * before rte_eal_init; events laid out in the thread's buffer as rte_trace_point.h's
 * inline code writes them (header, ids, payload), wrapping in overwrite mode and
 * stopping in discard mode; rte_trace_save's session directory and files, read back
 * by babeltrace; the --trace* options and failed registrations in child processes;
 * every bad argument.
 */
#define ALLOW_EXPERIMENTAL_API
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_trace.h>
#include <rte_trace_point.h>

#include "check.h"
#include "parts/test_trace.h"

RTE_DECLARE_PER_LCORE(volatile int, trace_point_sz);

static const char *self = "/proc/self/exe";

/* A registration function as RTE_TRACE_POINT_REGISTER's TU would compile one: the
 * event header, then one uint64_t field. (This file records: its tt_* functions do
 * not describe themselves.) */
static void u64_fields(void)
{
	RTE_PER_LCORE(trace_point_sz) = __RTE_TRACE_EVENT_HEADER_SZ;
	__rte_trace_point_emit_field(sizeof(uint64_t), "val", "uint64_t");
}

/* One that forgot the header. */
static void no_fields(void)
{
}
static char child_out[16384];

/* the calling thread's buffer */
static struct __rte_trace_header *buffer(void)
{
	return (struct __rte_trace_header *)RTE_PER_LCORE(trace_mem);
}

static uint64_t handle_id(rte_trace_point_t *t)
{
	return (*t >> 16) & 0xffff;
}

/* A child: rte_eal_init with the given arguments, then what argv asks. Exit codes:
 * 10 + rte_errno for a refused init, else 0 and a report on stdout. */
static int child_main(int argc, char **argv)
{
	const char *what = getenv("TT_CHILD");
	if (what && strcmp(what, "dup") == 0) {
		static rte_trace_point_t again;
		__rte_trace_point_register(&again, "test.trace.u64", u64_fields);
	}
	if (what && strcmp(what, "same") == 0)   /* DPDK's librte_eal under LD_PRELOAD does this */
		printf("same %d\n", __rte_trace_point_register(&__tt_u64, "test.trace.u64", u64_fields));
	if (what && strcmp(what, "empty") == 0) {
		static rte_trace_point_t empty;
		static void (*fn)(void) = NULL;
		printf("empty %d\n", __rte_trace_point_register(&empty, "test.empty", fn));
	}
	int ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 10 + rte_errno % 100;
	printf("mode %d enabled %d u64 %d str %d\n", rte_trace_mode_get(), rte_trace_is_enabled(),
	       rte_trace_point_is_enabled(&__tt_u64), rte_trace_point_is_enabled(&__tt_str));
	printf("discard bit %d\n", (int)(__tt_u64 >> 62 & 1));
	tt_u64(1);
	int saved = rte_trace_save();
	printf("save %d errno %d\n", saved, rte_errno);
	rte_eal_cleanup();
	return 0;
}

static int run_child(const char *env, const char *const *args)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[32] = { self, "--child", "-l", "0-1", "--no-huge", "-m", "32", "--no-pci",
					 "--file-prefix", "test_trace_child" };
		int n = 10;
		for (int i = 0; args[i] && n < 31; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		if (env)
			setenv("TT_CHILD", env, 1);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while ((n = read(fds[0], child_out + got, sizeof(child_out) - 1 - got)) > 0)
		got += n;
	child_out[got] = 0;
	close(fds[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void expect_child(const char *env, const char *const *args, int status, const char *said)
{
	int st = run_child(env, args);
	int ok = st == status && (said == NULL || strstr(child_out, said) != NULL);
	if (!ok)
		printf("child %s %s: status %d, said:\n%s\n", env ? env : "-", args[0] ? args[0] : "",
		       st, child_out);
	CHECK(ok);
}

static void options(const char *dir)
{
	char bad_dir[512], good_dir[512], arg[600];
	snprintf(bad_dir, sizeof(bad_dir), "--trace-dir=%s/missing/deeper", dir);
	snprintf(good_dir, sizeof(good_dir), "--trace-dir=%s", dir);
	/* the default trace directory is $HOME's: never the real one */
	snprintf(arg, sizeof(arg), "%s/home", dir);
	mkdir(arg, 0700);
	setenv("HOME", arg, 1);
	expect_child(NULL, (const char *[]){ "--trace-mode=x", NULL }, 10 + EINVAL,
		     "invalid parameters for --trace-mode");
	expect_child(NULL, (const char *[]){ "--trace-mode=", NULL }, 10 + EINVAL,
		     "value is not provided with option");
	expect_child(NULL, (const char *[]){ "--trace-bufsz=0", NULL }, 10 + EINVAL,
		     "buffer size cannot be zero");
	expect_child(NULL, (const char *[]){ "--trace-mode=d", NULL }, 0, "mode 1 enabled 0 u64 0 str 0\ndiscard bit 1");
	expect_child(NULL, (const char *[]){ "--trace-mode=over", "--trace=test\\.trace\\.u64", good_dir, NULL }, 0,
		     "mode 0 enabled 1 u64 1 str 0\ndiscard bit 0");
	expect_child(NULL, (const char *[]){ "--trace=[", NULL }, 0, "cannot enable trace for [");
	expect_child(NULL, (const char *[]){ "--trace=zzz", NULL }, 0, "mode 0 enabled 0 u64 0 str 0");
	/* the trace directory must exist up to its last part */
	expect_child(NULL, (const char *[]){ "--trace=test", bad_dir, NULL }, 0, "save -2 errno 2");
	/* $HOME/dpdk-traces by default */
	expect_child(NULL, (const char *[]){ "--trace=test", NULL }, 0, "save 0 errno");
	snprintf(arg, sizeof(arg), "%s/home/dpdk-traces", dir);
	DIR *d = opendir(arg);
	int sessions = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		sessions += strncmp(e->d_name, "test_trace_child-", 17) == 0;
	if (d)
		closedir(d);
	CHECK_EQ(sessions, 1);
	/* a registration that failed before init fails init (EFAULT) */
	expect_child("dup", (const char *[]){ NULL }, 10 + EFAULT, "found duplicate entry test.trace.u64");
	expect_child("empty", (const char *[]){ NULL }, 10 + EFAULT, "empty -22");
	/* the same handle under the same name again is the same point: init goes on */
	expect_child("same", (const char *[]){ NULL }, 0, "same 0\n");
}

/* ---- the session, read back ---- */

static int find_session(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "test_trace-", 11) == 0) {
			snprintf(out, len, "%s/%s", dir, e->d_name);
			found++;
		}
	if (d)
		closedir(d);
	return found;
}

static long file_size(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void *other_thread(void *arg)
{
	(void)arg;
	tt_u64(0xabcdef);
	return buffer();
}

/* A thread whose first event is a short string, after it freed a block of its trace
 * buffer's size full of 0xaa: the allocator hands that block out again. The string's
 * field (32 bytes) must be zero past its NUL, not what the heap held before (the
 * buffer was once zeroed only in its header: AddressSanitizer's 0xbe fill showed it). */
static void *dirty_heap_thread(void *arg)
{
	size_t n = 64 + 4096;                  /* header + --trace-bufsz=4K */
	unsigned char *junk = malloc(n);
	if (junk) {
		memset(junk, 0xaa, n);
		__asm__ volatile("" : : "r"(junk) : "memory");  /* the stores stay */
		free(junk);
	}
	(void)arg;
	tt_str("hi", 1);
	struct __rte_trace_header *b = buffer();
	if (b == NULL)
		return (void *)-1;
	for (size_t i = 8 + 3; i < 8 + 32; i++)
		if (b->mem[i] != 0)
			return (void *)-2;
	return b->mem[8] == 'h' ? NULL : (void *)-3;
}

static int run_rc(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t got = fread(out, 1, len - 1, p);
	out[got] = 0;
	return pclose(p);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		argv[1] = argv[0];
		return child_main(argc - 1, argv + 1);
	}
	char dir[] = "/tmp/test_trace.XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0);
		return check_report();
	}

	/* before init: registered, found, off; enabling works but records nothing */
	rte_trace_point_t *u64 = rte_trace_point_lookup("test.trace.u64");
	CHECK(u64 == &__tt_u64);
	CHECK(rte_trace_point_lookup("test.trace.str") == &__tt_str);
	CHECK(rte_trace_point_lookup("lib.eal.generic.u64") != NULL);
	CHECK(rte_trace_point_lookup("nope") == NULL);
	CHECK(rte_trace_point_lookup(NULL) == NULL);
	CHECK_EQ(__tt_u64 & 0xffff, 16);                       /* header + u64 */
	CHECK_EQ(__tt_str & 0xffff, 8 + 32 + 4);
	CHECK_EQ(__tt_mix & 0xffff, 8 + 4 + 2 + 1 + 8);
	CHECK_EQ(__tt_void & 0xffff, 8);
	CHECK_EQ(handle_id(&__tt_str), handle_id(&__tt_u64) + 1);
	CHECK(handle_id(&__tt_u64) >= 32);                      /* after the EAL's own */
	CHECK(!rte_trace_is_enabled());
	CHECK(!rte_trace_point_is_enabled(u64));
	CHECK_EQ(rte_trace_metadata_dump(stdout), -EINVAL);
	CHECK_EQ(rte_trace_point_enable(u64), 0);
	CHECK(rte_trace_is_enabled());
	tt_u64(1);
	CHECK(buffer() == NULL);
	CHECK_EQ(rte_trace_save(), 0);
	CHECK_EQ(rte_trace_point_disable(u64), 0);
	CHECK(!rte_trace_is_enabled());

	char trace_dir[300];
	snprintf(trace_dir, sizeof(trace_dir), "--trace-dir=%s", dir);
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--file-prefix", "test_trace",
			"--trace=test\\.trace\\.u64", trace_dir, "--trace-bufsz=4K", NULL };
	if (rte_eal_init(12, eal) < 0) {
		printf("rte_eal_init failed: %d\n", rte_errno);
		CHECK(0);
		return check_report();
	}
	CHECK(rte_trace_is_enabled());
	CHECK(rte_trace_point_is_enabled(u64));
	CHECK(!rte_trace_point_is_enabled(&__tt_str));
	CHECK_EQ(rte_trace_mode_get(), RTE_TRACE_MODE_OVERWRITE);

	/* the main lcore got its buffer at init; an event goes in as the inline code says */
	struct __rte_trace_header *h = buffer();
	CHECK(h != NULL);
	if (h == NULL)
		return check_report();
	CHECK_EQ(h->len, 4096);
	CHECK_EQ(h->offset, 0);
	CHECK_EQ(h->stream_header.magic, 0xC1FC1FC1u);
	CHECK_EQ(h->stream_header.lcore_id, 0);
	tt_u64(0x1122334455667788ULL);
	CHECK_EQ(h->offset, 16);
	uint64_t ev, val;
	memcpy(&ev, h->mem, 8);
	memcpy(&val, h->mem + 8, 8);
	CHECK_EQ(ev >> 48, handle_id(u64));
	CHECK_EQ(val, 0x1122334455667788ULL);
	tt_str("off", 1);                                       /* not enabled: nothing */
	CHECK_EQ(h->offset, 16);

	/* enable by pattern and by regexp */
	CHECK_EQ(rte_trace_pattern("test.trace.*", true), 1);
	CHECK_EQ(rte_trace_pattern("zzz*", true), 0);
	CHECK(rte_trace_point_is_enabled(&__tt_mix));
	CHECK_EQ(rte_trace_regexp("^test\\.trace\\.m", false), 1);
	CHECK(!rte_trace_point_is_enabled(&__tt_mix));
	CHECK(rte_trace_point_is_enabled(&__tt_str));
	CHECK_EQ(rte_trace_regexp("[", true), -EINVAL);
	CHECK_EQ(rte_trace_regexp("nothing-matches", true), 0);
	CHECK_EQ(rte_trace_pattern("test.void", true), 1);
	tt_str("hello", -5);
	CHECK_EQ(h->offset, 16 + 44);
	CHECK_EQ(strcmp((char *)h->mem + 16 + 8, "hello"), 0);
	int32_t n;
	memcpy(&n, h->mem + 16 + 8 + 32, 4);
	CHECK_EQ(n, -5);
	tt_void();
	CHECK_EQ(h->offset, 64 + 8);                            /* 60 aligned up to 64 */
	tt_fp(7);                                               /* fast path: compiled out */
	CHECK_EQ(h->offset, 72);

	/* bad handles and arguments */
	rte_trace_point_t bogus = 0xffff0000ULL;
	CHECK_EQ(rte_trace_point_enable(&bogus), -ERANGE);
	CHECK_EQ(rte_trace_point_disable(&bogus), -ERANGE);
	CHECK_EQ(rte_trace_point_enable(NULL), -ERANGE);
	CHECK_EQ(rte_trace_point_disable(NULL), -ERANGE);
	CHECK(!rte_trace_point_is_enabled(NULL));
	CHECK(!rte_trace_point_is_enabled(&bogus));
	CHECK_EQ(rte_trace_pattern(NULL, true), -EINVAL);
	CHECK_EQ(rte_trace_regexp(NULL, true), -EINVAL);
	CHECK_EQ(rte_trace_metadata_dump(NULL), -EINVAL);
	rte_trace_dump(NULL);
	static rte_trace_point_t late, none;
	CHECK_EQ(__rte_trace_point_register(NULL, "x", u64_fields), -EINVAL);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(__rte_trace_point_register(&late, NULL, u64_fields), -EINVAL);
	CHECK_EQ(__rte_trace_point_register(&late, "x", NULL), -EINVAL);
	CHECK_EQ(__rte_trace_point_register(&none, "test.none", no_fields), -EBADF);   /* no header */
	CHECK_EQ(rte_errno, EBADF);
	CHECK(rte_trace_point_lookup("test.none") == NULL);
	/* registered after init: the next id, the current mode, its fields in the metadata */
	CHECK_EQ(__rte_trace_point_register(&late, "test.late", u64_fields), 0);
	CHECK(rte_trace_point_lookup("test.late") == &late);
	CHECK_EQ(late & 0xffff, 16);
	CHECK(handle_id(&late) > handle_id(&__tt_fp));
	CHECK_EQ(h->offset, 72);

	/* overwrite mode wraps; discard mode stops */
	for (int i = 0; i < 300; i++)
		tt_u64(i);
	CHECK(h->offset < 4096);
	memcpy(&val, h->mem + h->offset - 8, 8);
	CHECK_EQ(val, 299);
	rte_trace_mode_set(RTE_TRACE_MODE_DISCARD);
	CHECK_EQ(rte_trace_mode_get(), RTE_TRACE_MODE_DISCARD);
	CHECK_EQ(*u64 >> 62 & 1, 1);
	for (int i = 0; i < 300; i++)
		tt_u64(1000 + i);
	uint32_t full = h->offset;
	CHECK(full + 16 >= 4096);
	tt_u64(5);
	CHECK_EQ(h->offset, full);
	rte_trace_mode_set(RTE_TRACE_MODE_OVERWRITE);
	CHECK_EQ(*u64 >> 62 & 1, 0);
	tt_u64(6);
	CHECK_EQ(h->offset, 16);

	/* another thread: a buffer of its own, with no lcore id */
	pthread_t t;
	void *theirs = NULL;
	pthread_create(&t, NULL, other_thread, NULL);
	pthread_join(t, &theirs);
	CHECK(theirs != NULL && theirs != h);
	if (theirs)
		CHECK_EQ(((struct __rte_trace_header *)theirs)->stream_header.lcore_id, UINT32_MAX);
	/* a new thread's buffer holds zeros, whatever the heap had there before */
	void *zeroed = (void *)-9;
	pthread_create(&t, NULL, dirty_heap_thread, NULL);
	pthread_join(t, &zeroed);
	CHECK(zeroed == NULL);

	/* the dump and the metadata */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	rte_trace_dump(f);
	CHECK_EQ(rte_trace_metadata_dump(f), 0);
	fclose(f);
	CHECK(strstr(text, "\nGlobal info\n-----------\nstatus = enabled\nmode = overwrite\n") == text);
	CHECK(strstr(text, "buffer len = 4096\n") != NULL);
	char line[200];
	snprintf(line, sizeof(line), "\tid %d, test.trace.u64, size is 16, enabled\n", (int)handle_id(u64));
	CHECK(strstr(text, line) != NULL);
	snprintf(line, sizeof(line), "\tid %d, test.trace.mix, size is 23, disabled\n", (int)handle_id(&__tt_mix));
	CHECK(strstr(text, line) != NULL);
	CHECK(strstr(text, "area=heap, lcore_id=0, name=") != NULL);
	CHECK(strstr(text, "lcore_id=-1, name=") != NULL);
	CHECK(strstr(text, "/* CTF 1.8 */\n") != NULL);
	CHECK(strstr(text, "name = \"test.trace.mix\";\n    fields := struct {\n        int32_t p_a;\n"
			   "        uint16_t q_b;\n        uint8_t _align;\n        double _event;\n    };\n") != NULL);
	CHECK(strstr(text, "string_bounded_t s[32];\n        int32_t n;\n") != NULL);
	CHECK(strstr(text, "name = \"test.late\";\n    fields := struct {\n        uint64_t val;\n    };\n") != NULL);
	free(text);

	/* save: <dir>/test_trace-<time>/{metadata,channel0_N}, read back by babeltrace */
	CHECK_EQ(rte_trace_save(), 0);
	CHECK_EQ(rte_trace_save(), 0);
	char session[512] = "";
	CHECK_EQ(find_session(dir, session, sizeof(session)), 1);
	CHECK(file_size(session, "metadata") > 1000);
	long main_size = -1;
	for (int i = 0; i < 8; i++) {
		char name[32];
		snprintf(name, sizeof(name), "channel0_%d", i);
		long sz = file_size(session, name);
		if (sz == 56 + 16)      /* the main lcore's: the header, then the one event since the wrap */
			main_size = sz;
	}
	CHECK_EQ(main_size, 72);
	char cmd[700], out[8192];
	snprintf(cmd, sizeof(cmd), "babeltrace '%s' 2>&1", session);
	int rc = run_rc(cmd, out, sizeof(out));
	if (rc != 0)
		printf("babeltrace (exit %d; make deps installs it): %s\n", rc, out);
	CHECK_EQ(rc, 0);
	CHECK(strstr(out, "test.trace.u64: { cpu_id = 0x0, name = ") != NULL);
	CHECK(strstr(out, "{ val = 0x6 }") != NULL);
	CHECK(strstr(out, "test.trace.u64: { cpu_id = 0xFFFFFFFF, name = ") != NULL);
	CHECK(strstr(out, "{ val = 0xABCDEF }") != NULL);

	/* cleanup saves once more and ends the trace: points off, nothing recorded */
	CHECK_EQ(rte_eal_cleanup(), 0);
	CHECK(!rte_trace_point_is_enabled(u64));
	CHECK(!rte_trace_is_enabled());
	CHECK(buffer() == NULL);
	tt_u64(9);
	CHECK(buffer() == NULL);

	options(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ(system(cmd), 0);
	return check_report();
}
