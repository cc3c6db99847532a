/*
 * SwiftEAL: devargs, the devices the user named (-a, -b, --vdev, hotplug) with their
 * arguments, parsed from "bus:name,key=val" (legacy) or
 * "bus=B,k=v/class=C,k=v/driver=D,k=v" (layers) and kept in one list.
 */
#ifndef _RTE_DEVARGS_H_
#define _RTE_DEVARGS_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>
#include <rte_compat.h>
#include <rte_dev.h>

struct rte_bus;

/* The keys that start a layer of the layered syntax. */
#define RTE_DEVARGS_KEY_BUS "bus"
#define RTE_DEVARGS_KEY_CLASS "class"
#define RTE_DEVARGS_KEY_DRIVER "driver"

/* Where a devargs came from. */
enum rte_devtype {
	RTE_DEVTYPE_ALLOWED,
	RTE_DEVTYPE_BLOCKED,
	RTE_DEVTYPE_VIRTUAL,
};

/* One device description. The strings point into data, which the EAL allocated with
 * malloc (rte_devargs_reset frees it). */
struct rte_devargs {
	RTE_TAILQ_ENTRY(rte_devargs) next; /* the devargs list's link */
	enum rte_devtype type;
	enum rte_dev_policy policy;
	char name[RTE_DEV_NAME_MAX_LEN];   /* the device's name on its bus */
	RTE_STD_C11
	union {
		const char *args;    /* legacy syntax: what follows the name's ',' */
		const char *drv_str; /* layered syntax: the driver layer */
	};
	struct rte_bus *bus;
	struct rte_class *cls;
	const char *bus_str;  /* the bus layer, or NULL */
	const char *cls_str;  /* the class layer, or NULL */
	char *data;           /* the whole string, split into the layers */
};

/* Fills da from dev (either syntax; without a bus name, the first bus that can parse
 * the device name takes it): 0 or a negative errno. */
int
rte_devargs_parse(struct rte_devargs *da, const char *dev);

/* rte_devargs_parse of a printf-formatted string. */
int
rte_devargs_parsef(struct rte_devargs *da,
		   const char *format, ...)
__rte_format_printf(2, 0);

/* Frees what parsing allocated in da (not da itself). */
__rte_experimental
void
rte_devargs_reset(struct rte_devargs *da);

/* Puts *da in the list; when a devargs for the same bus and name is listed already,
 * that one takes *da's contents, *da is freed and *da points to the listed one.
 * 0 or negative. */
int
rte_devargs_insert(struct rte_devargs **da);

/* Parses devargs_str into a new devargs of devtype at the end of the list: 0 or
 * negative. */
int rte_devargs_add(enum rte_devtype devtype, const char *devargs_str);

/* Takes the listed devargs with devargs's bus and name out of the list and frees it:
 * 0, >0 when none is listed, <0 on bad input. */
int rte_devargs_remove(struct rte_devargs *devargs);

/* How many listed devargs are of devtype. */
unsigned int
rte_devargs_type_count(enum rte_devtype devtype);

/* "User device list:" and one line per devargs. */
void rte_devargs_dump(FILE *f);

/* The listed devargs after start (from the first when NULL) on the bus named busname
 * (any bus when NULL), or NULL. */
struct rte_devargs *
rte_devargs_next(const char *busname, const struct rte_devargs *start);

#define RTE_EAL_DEVARGS_FOREACH(busname, da) \
	for (da = rte_devargs_next(busname, NULL); \
	     da != NULL; \
	     da = rte_devargs_next(busname, da)) \

#ifdef __cplusplus
}
#endif

#endif
