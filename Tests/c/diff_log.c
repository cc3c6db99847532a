/*
 * Differential: the log machinery before rte_eal_init (levels, registration, glob and
 * regex setters, dump and list formats, what rte_log returns and writes, the per-thread
 * current message), printed identically by DPDK's librte_eal and by libswifteal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_common.h>
#include <rte_log.h>

RTE_LOG_REGISTER(diff_logtype_a, test.diff.a, NOTICE);
RTE_LOG_REGISTER(diff_logtype_b, test.diff.b, DEBUG);

#define P(expr) printf("%s = %ld\n", #expr, (long)(expr))

static int seen_level = -7, seen_type = -7;

static ssize_t
cookie_write(void *c, const char *buf, size_t size)
{
	(void)c;
	seen_level = rte_log_cur_msg_loglevel();
	seen_type = rte_log_cur_msg_logtype();
	printf("cookie(%d,%d): %.*s|\n", seen_level, seen_type, (int)size, buf);
	return size;
}

static void
levels(void)
{
	P(rte_log_get_global_level());
	for (unsigned t = 0; t < 36; t++)
		printf("level(%u) = %d\n", t, rte_log_get_level(t));
	P(rte_log_get_level(1000));
	P(rte_log_get_level(UINT32_MAX));
	P(diff_logtype_a);
	P(diff_logtype_b);
	P(rte_log_get_level(diff_logtype_a));
	P(rte_log_get_level(diff_logtype_b));
	for (unsigned l = 0; l <= 10; l++) {
		int r = rte_log_set_level(RTE_LOGTYPE_USER3, l);
		printf("set_level(user3, %u) = %d -> %d\n", l, r, rte_log_get_level(RTE_LOGTYPE_USER3));
	}
	P(rte_log_set_level(22, 3));
	P(rte_log_get_level(22));
	P(rte_log_set_level(500, 3));
	rte_log_set_level(RTE_LOGTYPE_USER3, RTE_LOG_NOTICE);
	for (unsigned g = 0; g <= 9; g += 3) {
		rte_log_set_global_level(g);
		for (unsigned l = 0; l <= 9; l++)
			printf("global %u: can_log(user3, %u) = %d\n", g, l, rte_log_can_log(RTE_LOGTYPE_USER3, l));
	}
	rte_log_set_global_level(77);
	P(rte_log_get_global_level());
	P(rte_log_can_log(RTE_LOGTYPE_USER3, 6));
	rte_log_set_global_level(RTE_LOG_DEBUG);
	P(rte_log_can_log(22, 1));
	P(rte_log_can_log(999, 1));
}

static void
registration(void)
{
	int a = rte_log_register("diff.one");
	P(a);
	P(rte_log_get_level(a));
	P(rte_log_set_level(a, 2));
	P(rte_log_register("diff.one"));
	P(rte_log_get_level(a));
	P(rte_log_register_type_and_pick_level("diff.one", 8));
	P(rte_log_get_level(a));
	int b = rte_log_register_type_and_pick_level("diff.two", 0);
	P(b);
	P(rte_log_get_level(b));
	int c = rte_log_register_type_and_pick_level("diff.three", 12);
	P(c);
	P(rte_log_get_level(c));
	P(rte_log_register("lib.eal"));
	P(rte_log_register("user1"));
	P(rte_log_register("pmd"));
	P(rte_log_register(""));
	P(rte_log_register_type_and_pick_level("diff.four", RTE_LOG_ERR));
}

static void
patterns(void)
{
	P(rte_log_set_level_pattern("diff.*", 3));
	P(rte_log_get_level(rte_log_register("diff.two")));
	P(rte_log_set_level_pattern("diff.t*", 9));
	P(rte_log_set_level_pattern("diff.t??ee", 5));
	P(rte_log_get_level(rte_log_register("diff.three")));
	P(rte_log_set_level_pattern("diff.[", 5));
	P(rte_log_set_level_pattern("", 5));
	P(rte_log_set_level_pattern("zzz", 0));
	P(rte_log_set_level_regexp("^diff\\.o", 6));
	P(rte_log_get_level(rte_log_register("diff.one")));
	P(rte_log_set_level_regexp("ne$", 4));
	P(rte_log_get_level(rte_log_register("diff.one")));
	P(rte_log_set_level_regexp("([", 4));
	P(rte_log_set_level_regexp("a{1", 4));
	P(rte_log_set_level_regexp("diff", 9));
	P(rte_log_set_level_regexp("four|user[12]", 1));
	P(rte_log_get_level(RTE_LOGTYPE_USER1));
	P(rte_log_set_level_regexp("user[12]\\|four", 1));
	P(rte_log_get_level(RTE_LOGTYPE_USER1));
	P(rte_log_set_level_regexp("^diff\\.(o)", 2));
	P(rte_log_get_level(rte_log_register("diff.one")));
	P(rte_log_set_level_regexp("^diff\\.\\(o\\)", 2));
	P(rte_log_get_level(rte_log_register("diff.one")));
	P(rte_log_set_level_regexp("user+", 6));
	P(rte_log_get_level(RTE_LOGTYPE_USER1));
	P(rte_log_set_level_regexp("", 0));
	P(rte_log_get_level(0));
	/* the setters are not remembered for types registered later */
	P(rte_log_set_level_pattern("late.*", 3));
	P(rte_log_set_level_regexp("^rlate", 2));
	P(rte_log_get_level(rte_log_register_type_and_pick_level("late.x", 7)));
	P(rte_log_get_level(rte_log_register_type_and_pick_level("rlate.x", 7)));
	P(rte_log_set_level_pattern("*", RTE_LOG_INFO));
	P(rte_log_set_level_pattern("user[2-5]", RTE_LOG_WARNING));
	P(rte_log_set_level_regexp("eal", RTE_LOG_DEBUG));
}

static void
output(void)
{
	FILE *f;
	P(rte_openlog_stream(stdout));
	/* level changes are reported at EAL debug level */
	P(rte_log_set_level(RTE_LOGTYPE_USER4, RTE_LOG_ERR));
	P(rte_log_set_level(RTE_LOGTYPE_USER4, RTE_LOG_ERR));
	P(rte_log_set_level(23, RTE_LOG_ERR));
	P(rte_log_set_level_pattern("user[78]", RTE_LOG_CRIT));
	P(rte_log_register("diff.five"));
	P(rte_log_register_type_and_pick_level("diff.six", 0));
	P(rte_log_register_type_and_pick_level("diff.seven", 12));
	P(rte_log_get_stream() == stdout);
	P(rte_log(RTE_LOG_ERR, RTE_LOGTYPE_USER1, "one %d %s\n", 1, "x"));
	P(rte_log(RTE_LOG_DEBUG, RTE_LOGTYPE_USER1, "filtered\n"));
	P(rte_log(RTE_LOG_ERR, 22, "hole\n"));
	P(rte_log(RTE_LOG_ERR, 5000, "unknown type\n"));
	P(rte_log(0, RTE_LOGTYPE_USER1, "level zero\n"));
	P(rte_log(9, RTE_LOGTYPE_USER1, "level nine\n"));
	P(rte_log(RTE_LOG_ERR, RTE_LOGTYPE_USER1, "no newline"));
	printf("\n");
	P(rte_log(RTE_LOG_ERR, RTE_LOGTYPE_USER1, "%s", ""));
	P(RTE_LOG(ERR, USER1, "macro %d\n", 7));
	P(RTE_LOG(WARNING, EAL, "eal says\n"));
	RTE_LOG_DP(DEBUG, USER1, "datapath debug\n");
	RTE_LOG_DP(INFO, USER1, "datapath info\n");
	P(rte_log_cur_msg_loglevel());
	P(rte_log_cur_msg_logtype());
	rte_log_set_level(RTE_LOGTYPE_USER2, RTE_LOG_DEBUG);
	P(rte_log(RTE_LOG_DEBUG, RTE_LOGTYPE_USER2, "user2 debug\n"));
	cookie_io_functions_t io = { .write = cookie_write };
	f = fopencookie(NULL, "w", io);
	setvbuf(f, NULL, _IONBF, 0);
	P(rte_openlog_stream(f));
	P(rte_log_get_stream() == f);
	P(rte_log(RTE_LOG_NOTICE, RTE_LOGTYPE_USER2, "to cookie %d\n", 42));
	P(rte_log(RTE_LOG_CRIT, diff_logtype_a, "typed\n"));
	P(seen_level);
	P(seen_type);
	P(rte_openlog_stream(NULL));
	P(rte_log_get_stream() == stderr);
	fclose(f);
}

static void
dumps(void)
{
	rte_log_set_global_level(0);
	rte_log_dump(stdout);
	rte_log_set_global_level(9);
	rte_log_dump(stdout);
	rte_log_set_global_level(RTE_LOG_NOTICE);
	rte_log_dump(stdout);
	rte_log_list_types(stdout, "T> ");
	rte_log_list_types(stdout, "");
	rte_log_list_types(stdout, NULL);
	rte_log_set_global_level(RTE_LOG_DEBUG);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	P(rte_log_cur_msg_loglevel());
	P(rte_log_cur_msg_logtype());
	P(rte_log_get_stream() == stderr);
	levels();
	registration();
	patterns();
	output();
	dumps();
	return 0;
}
