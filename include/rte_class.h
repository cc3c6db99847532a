/*
 * SwiftEAL: device classes (what a device is used as: "eth", "crypto", ...). Class
 * libraries register from ELF constructors, after the buses and before the drivers.
 */
#ifndef _RTE_CLASS_H_
#define _RTE_CLASS_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <rte_compat.h>
#include <rte_dev.h>

RTE_TAILQ_HEAD(rte_class_list, rte_class);

struct rte_class {
	RTE_TAILQ_ENTRY(rte_class) next; /* the registry's link */
	const char *name;                /* "eth", set by RTE_REGISTER_CLASS */
	rte_dev_iterate_t dev_iterate;   /* walks the class's devices, or NULL */
};

/* 0 when cls matches data; otherwise non-zero (a sign when an order exists). */
typedef int (*rte_class_cmp_t)(const struct rte_class *cls, const void *data);

/* The first class after start (or from the first when start is NULL) that cmp
 * matches, or NULL. */
__rte_experimental
struct rte_class *
rte_class_find(const struct rte_class *start, rte_class_cmp_t cmp,
	       const void *data);

/* The class named name, or NULL. */
__rte_experimental
struct rte_class *
rte_class_find_by_name(const char *name);

/* Adds cls (named, not yet registered) at the end of the registry. */
__rte_experimental
void rte_class_register(struct rte_class *cls);

/* Takes cls out of the registry. */
__rte_experimental
void rte_class_unregister(struct rte_class *cls);

/* Names and registers a class from a constructor that runs after the buses' and before
 * the drivers'. */
#define RTE_REGISTER_CLASS(nm, cls) \
RTE_INIT_PRIO(classinitfn_ ##nm, CLASS) \
{\
	(cls).name = RTE_STR(nm); \
	rte_class_register(&cls); \
}

#define RTE_UNREGISTER_CLASS(nm, cls) \
RTE_FINI_PRIO(classfinifn_ ##nm, CLASS) \
{ \
	rte_class_unregister(&cls); \
}

#ifdef __cplusplus
}
#endif

#endif
