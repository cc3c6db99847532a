/*
 * SwiftEAL: the EAL's logging. Messages carry a level (1 emergency .. 8 debug) and a
 * type (a small integer naming the library that logs); one is printed when its level is
 * at or below both the global level and its type's level. DPDK 22.11 compatible.
 */
#ifndef _RTE_LOG_H_
#define _RTE_LOG_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdbool.h>

#include <rte_common.h>
#include <rte_config.h>

/* The fixed types; their names are "lib.eal", "lib.malloc", ..., "pmd", "user1".. */
#define RTE_LOGTYPE_EAL        0
#define RTE_LOGTYPE_MALLOC     1
#define RTE_LOGTYPE_RING       2
#define RTE_LOGTYPE_MEMPOOL    3
#define RTE_LOGTYPE_TIMER      4
#define RTE_LOGTYPE_PMD        5
#define RTE_LOGTYPE_HASH       6
#define RTE_LOGTYPE_LPM        7
#define RTE_LOGTYPE_KNI        8
#define RTE_LOGTYPE_ACL        9
#define RTE_LOGTYPE_POWER     10
#define RTE_LOGTYPE_METER     11
#define RTE_LOGTYPE_SCHED     12
#define RTE_LOGTYPE_PORT      13
#define RTE_LOGTYPE_TABLE     14
#define RTE_LOGTYPE_PIPELINE  15
#define RTE_LOGTYPE_MBUF      16
#define RTE_LOGTYPE_CRYPTODEV 17
#define RTE_LOGTYPE_EFD       18
#define RTE_LOGTYPE_EVENTDEV  19
#define RTE_LOGTYPE_GSO       20

/* Free for the application. */
#define RTE_LOGTYPE_USER1     24
#define RTE_LOGTYPE_USER2     25
#define RTE_LOGTYPE_USER3     26
#define RTE_LOGTYPE_USER4     27
#define RTE_LOGTYPE_USER5     28
#define RTE_LOGTYPE_USER6     29
#define RTE_LOGTYPE_USER7     30
#define RTE_LOGTYPE_USER8     31

/* Types handed out by rte_log_register() start here. */
#define RTE_LOGTYPE_FIRST_EXT_ID 32

/* Levels, most severe first (0 is not a level). */
#define RTE_LOG_EMERG    1U
#define RTE_LOG_ALERT    2U
#define RTE_LOG_CRIT     3U
#define RTE_LOG_ERR      4U
#define RTE_LOG_WARNING  5U
#define RTE_LOG_NOTICE   6U
#define RTE_LOG_INFO     7U
#define RTE_LOG_DEBUG    8U
#define RTE_LOG_MAX RTE_LOG_DEBUG

/* Send messages to f from now on; NULL goes back to the default (stderr). 0 on success. */
int rte_openlog_stream(FILE *f);

/* The stream messages currently go to. */
FILE *rte_log_get_stream(void);

void rte_log_set_global_level(uint32_t level);
uint32_t rte_log_get_global_level(void);

/* The level of logtype, or -1 when logtype is not a known type. */
int rte_log_get_level(uint32_t logtype);

/* Whether a message of loglevel for logtype would be printed. */
bool rte_log_can_log(uint32_t logtype, uint32_t loglevel);

/* Set the level of every type whose name matches a shell glob; 0, or -1 for a bad level. */
int rte_log_set_level_pattern(const char *pattern, uint32_t level);

/* Set the level of every type whose name matches an extended regex; 0 or -1. */
int rte_log_set_level_regexp(const char *regex, uint32_t level);

/* 0, or -1 when logtype or level is invalid. */
int rte_log_set_level(uint32_t logtype, uint32_t level);

/* Level and type of the message being written (for a custom stream); per thread. */
int rte_log_cur_msg_loglevel(void);
int rte_log_cur_msg_logtype(void);

/* The type named name, created at level info when new; -ENOMEM on failure. */
int rte_log_register(const char *name);

/*
 * Like rte_log_register(), but a new type takes its level from the last matching
 * --log-level type option, or level_def when none matches.
 */
int rte_log_register_type_and_pick_level(const char *name, uint32_t level_def);

/* The names of all types, sorted, one a line, each after prefix. */
void rte_log_list_types(FILE *out, const char *prefix);

/* The global level and every type with its level. */
void rte_log_dump(FILE *f);

/* Print a message (printf format) if level passes for logtype; the number of bytes
 * written, 0 when filtered out, negative on error. No newline is added. */
int rte_log(uint32_t level, uint32_t logtype, const char *format, ...)
#ifdef __GNUC__
#if (__GNUC__ > 4 || (__GNUC__ == 4 && __GNUC_MINOR__ > 2))
	__rte_cold
#endif
#endif
	__rte_format_printf(3, 4);

int rte_vlog(uint32_t level, uint32_t logtype, const char *format, va_list ap)
	__rte_format_printf(3, 0);

/* RTE_LOG(ERR, EAL, "x\n") prints "EAL: x". */
#define RTE_LOG(l, t, ...) \
	rte_log(RTE_LOG_ ## l, RTE_LOGTYPE_ ## t, # t ": " __VA_ARGS__)

/* The same, compiled out above RTE_LOG_DP_LEVEL (for datapath code). */
#define RTE_LOG_DP(l, t, ...) \
	(void)((RTE_LOG_ ## l <= RTE_LOG_DP_LEVEL) ? \
	 rte_log(RTE_LOG_ ## l, RTE_LOGTYPE_ ## t, # t ": " __VA_ARGS__) : \
	 0)

/* Define int `type` and register it from a constructor (EAL on failure). */
#define RTE_LOG_REGISTER_IMPL(type, name, level) \
int type; \
RTE_INIT(__##type) \
{ \
	type = rte_log_register_type_and_pick_level(name, RTE_LOG_##level); \
	if (type < 0) \
		type = RTE_LOGTYPE_EAL; \
}

#define RTE_LOG_REGISTER(type, name, level) \
	RTE_LOG_REGISTER_IMPL(type, RTE_STR(name), level)

/* Uses the component's RTE_LOG_DEFAULT_LOGTYPE (set by its build) as the name. */
#define RTE_LOG_REGISTER_DEFAULT(type, level) \
	RTE_LOG_REGISTER_IMPL(type, RTE_STR(RTE_LOG_DEFAULT_LOGTYPE), level)

#define RTE_LOG_REGISTER_SUFFIX(type, suffix, level) \
	RTE_LOG_REGISTER_IMPL(type, \
		RTE_STR(RTE_LOG_DEFAULT_LOGTYPE) "." RTE_STR(suffix), level)

#ifdef __cplusplus
}
#endif

#endif
