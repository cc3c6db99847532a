/*
 * Trace side by side with DPDK 22.11's librte_eal: handles of points registered before
 * init, the list of the EAL's and the application's points (ids, sizes, states),
 * rte_trace_dump and the CTF metadata (other libraries' points, the clock, the UUID and
 * the per-thread buffers masked: DPDK loads its driver plugins, whose points add to
 * the list, and has threads of its own), the answers of enable/disable/pattern/regexp
 * and mode, what the inline code records (timestamps and addresses left out), the EAL's
 * own points for alarms and launches, the session directory's name, and the --trace*
 * options and bad registrations in child processes with what the EAL said.
 */
#define ALLOW_EXPERIMENTAL_API
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_trace.h>
#include <rte_trace_point.h>

#include "parts/diff_trace.h"

#define P(x) printf("%s = %lld\n", #x, (long long)(x))

RTE_DECLARE_PER_LCORE(volatile int, trace_point_sz);

static char tmpdir[] = "/tmp/diff_trace.XXXXXX";

/* lines about other libraries' points, and what differs by machine or thread */
static int skipped(const char *line)
{
	static regex_t re;
	static int ready;
	if (!ready) {
		regcomp(&re, "lib\\.(cryptodev|ethdev|mempool|eventdev|mbuf|dmadev|security|regexdev|"
			     "rawdev|pipeline|port|table|node|graph|gpudev|mldev|bbdev|compressdev)"
			     "|^number of trace points|^nb_trace_mem_list|mem=0x|^Trace mem info|^--------------$"
			     "|freq =|offset_s =|offset =|uuid = ", REG_EXTENDED | REG_NOSUB);
		ready = 1;
	}
	return regexec(&re, line, 0, NULL, 0) == 0;
}

/* Prints text line by line without the skipped lines and the metadata events of other
 * libraries (an event block is kept or dropped whole). */
static void print_filtered(const char *text)
{
	char *copy = strdup(text), *save = NULL, *block = NULL;
	size_t blen = 0;
	FILE *bf = NULL;
	int drop = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strcmp(l, "event {") == 0) {
			bf = open_memstream(&block, &blen);
			drop = 0;
		}
		if (bf) {
			if (skipped(l))
				drop = 1;
			fprintf(bf, "%s\n", l);
			if (strcmp(l, "};") == 0) {
				fclose(bf);
				bf = NULL;
				if (!drop)
					fputs(block, stdout);
				free(block);
			}
			continue;
		}
		char *d = strstr(l, tmpdir);
		if (d && !skipped(l))
			printf("%.*sDIR%s\n", (int)(d - l), l, d + strlen(tmpdir));
		else if (!skipped(l))
			printf("%s\n", l);
	}
	free(copy);
}

static void dump_all(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_trace_dump(f);
	int r = rte_trace_metadata_dump(f);
	fclose(f);
	print_filtered(buf);
	printf("metadata_dump = %d\n", r);
	free(buf);
}

/* The calling thread's events from `from` on: offset, then id and payload of each,
 * given the payload sizes of the ids that appear. */
static uint32_t show_events(uint32_t from, const char *what)
{
	struct __rte_trace_header *h = RTE_PER_LCORE(trace_mem);
	if (h == NULL) {
		printf("%s: no buffer\n", what);
		return 0;
	}
	printf("%s: len %u offset %u magic %x lcore %d\n", what, h->len, h->offset, h->stream_header.magic,
	       (int)h->stream_header.lcore_id);
	uint32_t at = from;
	while (at + 8 <= h->offset) {
		uint64_t ev;
		memcpy(&ev, h->mem + at, 8);
		rte_trace_point_t *t = NULL;
		const char *names[] = { "app.trace.a", "app.trace.b", "app.void", "lib.eal.alarm.set",
					"lib.eal.alarm.cancel", "lib.eal.thread.remote.launch" };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			rte_trace_point_t *c = rte_trace_point_lookup(names[i]);
			if (c && ((*c >> 16) & 0xffff) == (ev >> 48))
				t = c;
		}
		uint32_t size = t ? (uint32_t)(*t & 0xffff) : 8;
		printf("  event id %llu size %u:", (unsigned long long)(ev >> 48), size);
		const uint8_t *p = h->mem + at + 8;
		if (t == rte_trace_point_lookup("lib.eal.alarm.set"))
			printf(" us %llu arg %llx rc %d", (unsigned long long)*(uint64_t *)p,
			       (unsigned long long)*(uint64_t *)(p + 16), *(int32_t *)(p + 24));
		else if (t == rte_trace_point_lookup("lib.eal.alarm.cancel"))
			printf(" arg %llx count %d", (unsigned long long)*(uint64_t *)(p + 8), *(int32_t *)(p + 16));
		else if (t == rte_trace_point_lookup("lib.eal.thread.remote.launch"))
			printf(" arg %llx worker %u rc %d", (unsigned long long)*(uint64_t *)(p + 8),
			       *(uint32_t *)(p + 16), *(int32_t *)(p + 20));
		else
			for (uint32_t i = 0; i + 8 < size; i++)
				printf(" %02x", p[i]);
		printf("\n");
		at = (at + size + 7) & ~7u;
	}
	return h->offset;
}

static void alarm_cb(void *a)
{
	(void)a;
}

static volatile int hold;

static int launched(void *a)
{
	(void)a;
	while (__atomic_load_n(&hold, __ATOMIC_ACQUIRE))
		;
	return 0;
}

static void registers(void)
{
	RTE_PER_LCORE(trace_point_sz) = 8;
	__rte_trace_point_emit_field(4, "x.y", "uint32_t");
}

static void registers_nothing(void)
{
}

static void registers_too_much(void)
{
	RTE_PER_LCORE(trace_point_sz) = 70000;
}

/* ---- children ---- */

static void child(int argc, char **argv)
{
	const char *what = getenv("DT_CHILD");
	static rte_trace_point_t h1, h2;
	if (what && strcmp(what, "dup") == 0)
		printf("  dup %d\n", __rte_trace_point_register(&h1, "app.trace.a", registers));
	if (what && strcmp(what, "none") == 0)
		printf("  none %d errno %d\n", __rte_trace_point_register(&h1, "none", registers_nothing), rte_errno);
	if (what && strcmp(what, "big") == 0)
		printf("  big %d errno %d\n", __rte_trace_point_register(&h1, "big", registers_too_much), rte_errno);
	if (what && strcmp(what, "null") == 0) {
		printf("  null %d\n", __rte_trace_point_register(NULL, "n", registers));
		printf("  null %d\n", __rte_trace_point_register(&h2, NULL, registers));
		printf("  null %d\n", __rte_trace_point_register(&h2, "n", NULL));
	}
	int out = dup(1), devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	int r = rte_eal_init(argc, argv);
	fflush(stdout);
	dup2(out, 1);
	if (r < 0) {
		printf("  init -1 errno %d\n", rte_errno);
		return;
	}
	printf("  mode %d enabled %d a %d b %d discard %d\n", rte_trace_mode_get(), rte_trace_is_enabled(),
	       rte_trace_point_is_enabled(&__dt_a), rte_trace_point_is_enabled(&__dt_b),
	       (int)(__dt_a >> 62 & 1));
	dt_a(3, "child");
	int s = rte_trace_save();
	printf("  save %d errno %d\n", s, s < 0 ? rte_errno : 0);
	rte_eal_cleanup();
}

static void children(const char *self, const char *dir)
{
	char bad[400], good[400];
	snprintf(bad, sizeof(bad), "--trace-dir=%s/no/such", dir);
	snprintf(good, sizeof(good), "--trace-dir=%s", dir);
	const struct {
		const char *env;
		const char *args[4];
	} cases[] = {
		{ NULL, { "--trace-mode=x" } }, { NULL, { "--trace-mode=" } }, { NULL, { "--trace-mode=d" } },
		{ NULL, { "--trace-mode=*", "--trace=app" } }, { NULL, { "--trace-mode=disc", "--trace=app" } },
		{ NULL, { "--trace-bufsz=0" } }, { NULL, { "--trace-bufsz=1K", "--trace=app.trace" } },
		{ NULL, { "--trace=[" } }, { NULL, { "--trace=zzz" } }, { NULL, { "--trace=app.*a", "--trace=b$" } },
		{ NULL, { "--trace=app", bad } }, { NULL, { "--trace=app", good, good } },
		{ "dup", { "--trace=app" } }, { "none", { NULL } }, { "big", { NULL } }, { "null", { NULL } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[20] = { (char *)self, "--child", "-l", "0-1", "--no-huge", "-m", "32", "--no-pci",
				   "--file-prefix", "diff_trc_child", "--log-level", "lib.eal:info" };
		int n = 12;
		printf("%s", cases[i].env ? cases[i].env : "-");
		for (int a = 0; a < 4 && cases[i].args[a]; a++) {
			argv[n++] = (char *)cases[i].args[a];
			printf(" %s", strncmp(cases[i].args[a], "--trace-dir=", 12) == 0 ? "--trace-dir=..." : cases[i].args[a]);
		}
		printf("\n");
		int fds[2];
		if (pipe(fds) != 0)
			return;
		pid_t pid = fork();
		if (pid == 0) {
			if (cases[i].env)
				setenv("DT_CHILD", cases[i].env, 1);
			/* $HOME/dpdk-traces, each child its own */
			char home[400];
			snprintf(home, sizeof(home), "%s/home%zu", dir, i);
			mkdir(home, 0700);
			setenv("HOME", home, 1);
			dup2(fds[1], 1);
			dup2(fds[1], 2);
			close(fds[0]);
			execv(self, argv);
			_exit(127);
		}
		close(fds[1]);
		FILE *in = fdopen(fds[0], "r");
		char line[1024];
		while (in && fgets(line, sizeof(line), in)) {
			char *d;
			while ((d = strstr(line, dir)) != NULL) {   /* the directory and the time are not compared */
				char rest[1024];
				snprintf(rest, sizeof(rest), "DIR%s", d + strlen(dir));
				char *t = strstr(rest, "diff_trc_child-");
				if (t)
					strcpy(t + 15, "TIME\n");
				strcpy(d, rest);
			}
			if (strncmp(line, "  ", 2) == 0 ||
			    (strncmp(line, "EAL: ", 5) == 0 && (strstr(line, "trace") || strstr(line, "Trace"))))
				fputs(line, stdout);
		}
		if (in)
			fclose(in);
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
	char *dir = mkdtemp(tmpdir);
	if (!dir)
		return 1;

	/* before init */
	rte_trace_point_t *a = rte_trace_point_lookup("app.trace.a");
	printf("a %s handle %llx\n", a == &__dt_a ? "found" : "missing", (unsigned long long)__dt_a);
	printf("b %llx void %llx fp %llx\n", (unsigned long long)__dt_b, (unsigned long long)__dt_void,
	       (unsigned long long)__dt_fp);
	P(rte_trace_is_enabled());
	P(rte_trace_mode_get());
	P(rte_trace_point_is_enabled(a));
	P(rte_trace_point_lookup("nope") == NULL);
	P(rte_trace_metadata_dump(stdout));
	rte_trace_mode_set(RTE_TRACE_MODE_DISCARD);
	printf("discard: mode %d handle %llx\n", rte_trace_mode_get(), (unsigned long long)__dt_a);
	rte_trace_mode_set(RTE_TRACE_MODE_OVERWRITE);
	printf("overwrite: mode %d handle %llx\n", rte_trace_mode_get(), (unsigned long long)__dt_a);

	char trace_dir[300];
	snprintf(trace_dir, sizeof(trace_dir), "--trace-dir=%s", dir);
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "64", "--no-pci", "--file-prefix", "diff_trace",
			"--log-level", "lib.eal:notice", trace_dir, NULL };
	int r = rte_eal_init(12, eal);
	printf("init %d\n", r);
	if (r < 0)
		return 1;
	P(rte_trace_is_enabled());
	dump_all();

	/* enabling */
	P(rte_trace_pattern("app.*", true));
	P(rte_trace_pattern("zzz*", true));
	P(rte_trace_regexp("app\\.trace", false));
	P(rte_trace_regexp("[", false));
	P(rte_trace_regexp("^lib\\.eal\\.generic\\.[iu]8$", true));
	P(rte_trace_regexp("^lib\\.eal\\.generic\\.[iu]8$", false));
	P(rte_trace_point_enable(a));
	P(rte_trace_point_enable(a));
	P(rte_trace_is_enabled());
	P(rte_trace_point_is_enabled(a));
	rte_trace_point_t bogus = 0xffff0000ULL;
	P(rte_trace_point_enable(&bogus));
	P(rte_trace_point_disable(&bogus));
	P(rte_trace_point_enable(NULL));
	P(rte_trace_point_is_enabled(NULL));
	P(rte_trace_point_is_enabled(&bogus));
	printf("handle %llx\n", (unsigned long long)__dt_a);

	/* recording */
	uint32_t at = show_events(0, "before");
	dt_a(0x1122334455667788ULL, "hello");
	struct dt_pair p = { 7, 9 };
	P(rte_trace_point_enable(rte_trace_point_lookup("app.trace.b")));
	dt_b(&p, p, 3, 2.5);
	dt_void();
	dt_fp(1);
	P(rte_trace_point_disable(rte_trace_point_lookup("app.void")));
	dt_void();
	at = show_events(at, "after");
	P(rte_trace_pattern("lib.eal.alarm.*", true));
	P(rte_trace_pattern("lib.eal.thread.remote.launch", true));
	P(rte_eal_alarm_set(1000000, alarm_cb, (void *)0x1234));
	P(rte_eal_alarm_cancel(alarm_cb, (void *)0x1234));
	P(rte_eal_alarm_cancel(alarm_cb, (void *)0x1234));
	P(rte_eal_remote_launch(launched, (void *)0x55, 1));
	P(rte_eal_wait_lcore(1));
	hold = 1;
	P(rte_eal_remote_launch(launched, (void *)0x66, 1));
	P(rte_eal_remote_launch(launched, (void *)0x77, 1));   /* busy: -EBUSY, recorded */
	__atomic_store_n(&hold, 0, __ATOMIC_RELEASE);
	P(rte_eal_wait_lcore(1));
	at = show_events(at, "eal");

	/* modes */
	rte_trace_mode_set(RTE_TRACE_MODE_DISCARD);
	printf("discard: mode %d handle %llx\n", rte_trace_mode_get(), (unsigned long long)__dt_a);
	rte_trace_mode_set(7);
	printf("mode 7: mode %d handle %llx\n", rte_trace_mode_get(), (unsigned long long)__dt_a);
	dump_all();
	rte_trace_mode_set(RTE_TRACE_MODE_OVERWRITE);
	printf("overwrite: mode %d handle %llx\n", rte_trace_mode_get(), (unsigned long long)__dt_a);

	/* registered after init: the next id, even for a name taken */
	static rte_trace_point_t late;
	P(__rte_trace_point_register(&late, "app.trace.a", registers));
	printf("late %s handle %llx\n", rte_trace_point_lookup("app.trace.a") == &__dt_a ? "first" : "second",
	       (unsigned long long)(late & 0xffff));

	/* saving */
	P(rte_trace_save());
	P(rte_trace_save());
	DIR *d = opendir(dir);
	struct dirent *e;
	int sessions = 0;
	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			sessions++;
			printf("session %.11s (%zu bytes of name)\n", e->d_name, strlen(e->d_name));
		}
	if (d)
		closedir(d);
	P(sessions);
	printf("cleanup %d\n", rte_eal_cleanup());

	children("/proc/self/exe", dir);
	char cmd[100];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
