/*
 * DPDK libraries call the EAL from ELF constructors: log types, tailqs, random numbers,
 * messages. Under LD_PRELOAD=libswifteal.so they run before libswifteal's own
 * constructors (the Swift runtime's included). This builds a small library with such
 * constructors, runs this program with both preloaded so the library initialises
 * first (checked with LD_DEBUG=libs), and checks what the constructors did.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <rte_log.h>
#include <rte_tailq.h>
#include "check.h"

static const char early_src[] =
	"#include <stdint.h>\n"
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"int rte_log_register_type_and_pick_level(const char *, uint32_t);\n"
	"int rte_log_register(const char *);\n"
	"int rte_log_get_level(uint32_t);\n"
	"int rte_log_set_level(uint32_t, uint32_t);\n"
	"void rte_log_list_types(FILE *, const char *);\n"
	"void rte_log_dump(FILE *);\n"
	"int rte_log(uint32_t, uint32_t, const char *, ...);\n"
	"uint64_t rte_rand(void);\n"
	"const char *rte_strerror(int);\n"
	"struct elem { void *head; void *n1, *n2; char name[32]; };\n"
	"int rte_eal_tailq_register(struct elem *);\n"
	"struct elem early_tailq = { .name = \"EARLY_TAILQ\" };\n"
	"int early_type = -100, early_type2 = -100, early_level = -100, early_tailq_ret = -100;\n"
	"int early_log_ret = -100, early_strerror_ok = 0;\n"
	"uint64_t early_rand;\n"
	"__attribute__((constructor(101))) static void early(void) {\n"
	"	early_type = rte_log_register_type_and_pick_level(\"early.type\", 6);\n"
	"	early_type2 = rte_log_register(\"early.plain\");\n"
	"	early_level = rte_log_get_level(early_type);\n"
	"	early_tailq_ret = rte_eal_tailq_register(&early_tailq);\n"
	"	early_rand = rte_rand() ^ rte_rand();\n"
	"	early_log_ret = rte_log(4, early_type, \"early message %d\\n\", 42);\n"
	"	early_strerror_ok = strcmp(rte_strerror(1001), \"Invalid call in secondary process\") == 0;\n"
	"	rte_log_set_level(0, 8);\n"
	"	rte_log_register(\"early.announced\");\n"
	"	rte_log_set_level(0, 7);\n"
	"	rte_log_list_types(stderr, \"early list: \");\n"
	"	rte_log_dump(stderr);\n"
	"	fprintf(stderr, \"early constructor done\\n\");\n"
	"}\n";

/* In the child: read what the early library's constructors left. */
static int
check_child(void)
{
	int *type = dlsym(RTLD_DEFAULT, "early_type");
	int *type2 = dlsym(RTLD_DEFAULT, "early_type2");
	int *level = dlsym(RTLD_DEFAULT, "early_level");
	int *tq = dlsym(RTLD_DEFAULT, "early_tailq_ret");
	int *logret = dlsym(RTLD_DEFAULT, "early_log_ret");
	int *serr = dlsym(RTLD_DEFAULT, "early_strerror_ok");
	unsigned long long *rnd = dlsym(RTLD_DEFAULT, "early_rand");
	struct rte_tailq_elem *elem = dlsym(RTLD_DEFAULT, "early_tailq");
	static struct rte_tailq_elem again = { .name = "EARLY_TAILQ" };

	if (type == NULL || elem == NULL) {
		printf("early library not loaded\n");
		return check_report() | 1;
	}
	CHECK(*type >= RTE_LOGTYPE_FIRST_EXT_ID);
	CHECK_EQ(rte_log_register("early.type"), *type);
	CHECK_EQ(*level, RTE_LOG_NOTICE);
	CHECK_EQ(rte_log_get_level(*type), RTE_LOG_NOTICE);
	CHECK_EQ(rte_log_register("early.plain"), *type2);
	CHECK_EQ(rte_log_get_level(*type2), RTE_LOG_INFO);
	CHECK_EQ(*tq, 0);
	CHECK_EQ(rte_eal_tailq_register(&again), -1);   /* the early one is registered */
	CHECK_EQ(*logret, (int)strlen("early message 42\n"));
	CHECK(*serr);
	CHECK(*rnd != 0);
	CHECK(rte_log_get_global_level() == RTE_LOG_DEBUG);
	return check_report();
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/swifteal_early_XXXXXX";
	char src[128], lib[128], cmd[512], preload[1024], out[65536];
	Dl_info info;
	FILE *f, *p;
	size_t n;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return check_child();

	if (mkdtemp(dir) == NULL || dladdr((void *)rte_log_register, &info) == 0)
		return 1;
	snprintf(src, sizeof(src), "%s/early.c", dir);
	snprintf(lib, sizeof(lib), "%s/libearly.so", dir);
	f = fopen(src, "w");
	fputs(early_src, f);
	fclose(f);
	/* no DT_NEEDED on libswifteal: the symbols bind to whatever is loaded first */
	snprintf(cmd, sizeof(cmd), "cc -shared -fPIC -O1 -o %s %s", lib, src);
	CHECK_EQ(system(cmd), 0);

	snprintf(preload, sizeof(preload), "%s %s", info.dli_fname, lib);
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD='%s' LD_DEBUG=libs '%s' child 2>&1", preload, argv[0]);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	int st = pclose(p);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* the loader ran libearly's initialisers before libswifteal's */
	char want_early[512], want_ours[1024];
	snprintf(want_early, sizeof(want_early), "calling init: %s\n", lib);
	snprintf(want_ours, sizeof(want_ours), "calling init: %s\n", info.dli_fname);
	char *early_init = strstr(out, want_early), *ours_init = strstr(out, want_ours);
	CHECK(early_init != NULL);
	CHECK(ours_init != NULL);
	CHECK(early_init != NULL && ours_init != NULL && early_init < ours_init);
	CHECK(strstr(out, "early message 42\n") != NULL);
	CHECK(strstr(out, "early constructor done\n") != NULL);
	/* Swift strings and arrays worked before the Swift runtime's constructors */
	CHECK(strstr(out, "EAL: early.announced log level changed from disabled to info\n") != NULL);
	CHECK(strstr(out, "early list: early.announced\n") != NULL);
	CHECK(strstr(out, "id 0: lib.eal, level is info\n") != NULL);
	char *summary = strstr(out, " passed, ");
	CHECK(summary != NULL && strncmp(summary, " passed, 0 failed", 17) == 0);
	if (check_failed_)
		fputs(out, stderr);

	unlink(lib);
	unlink(src);
	rmdir(dir);
	return check_report();
}
