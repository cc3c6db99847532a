/*
 * SwiftEAL: named tail queue heads that libraries register (from constructors) and
 * find again by name, so a process can reach the objects another one created.
 */
#ifndef _RTE_TAILQ_H_
#define _RTE_TAILQ_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>

#include <rte_os.h>
#include <rte_debug.h>

/* A generic list entry; the real lists cast it (RTE_TAILQ_CAST). */
struct rte_tailq_entry {
	RTE_TAILQ_ENTRY(rte_tailq_entry) next;
	void *data;
};
RTE_TAILQ_HEAD(rte_tailq_entry_head, rte_tailq_entry);

#define RTE_TAILQ_NAMESIZE 32

/* A named list head; in DPDK these live in the shared memory config. */
struct rte_tailq_head {
	struct rte_tailq_entry_head tailq_head; /* first: RTE_TAILQ_CAST relies on it */
	char name[RTE_TAILQ_NAMESIZE];
};

/* What a library registers: head is filled in once the EAL has set up its tailqs. */
struct rte_tailq_elem {
	struct rte_tailq_head *head;
	RTE_TAILQ_ENTRY(rte_tailq_elem) next;
	const char name[RTE_TAILQ_NAMESIZE];
};

#define RTE_TAILQ_CAST(tailq_entry, struct_name) \
	(struct struct_name *)&(tailq_entry)->tailq_head

#define RTE_TAILQ_LOOKUP(name, struct_name) __extension__ ({ \
	struct rte_tailq_head *head = rte_eal_tailq_lookup(name); \
	head == NULL ? NULL : RTE_TAILQ_CAST(head, struct_name); \
})

/* Every tailq slot: name, first and last pointers. */
void rte_dump_tailq(FILE *f);

/* The head named name, or NULL. Not thread-safe. */
struct rte_tailq_head *rte_eal_tailq_lookup(const char *name);

/* Register t (its head is set at rte_eal_init, or now if that already ran); 0 or -1. */
int rte_eal_tailq_register(struct rte_tailq_elem *t);

#define EAL_REGISTER_TAILQ(t) \
RTE_INIT(tailqinitfn_ ##t) \
{ \
	if (rte_eal_tailq_register(&t) < 0) \
		rte_panic("Cannot initialize tailq: %s\n", t.name); \
}

/* Iterate while the loop body may remove and free var. */
#define RTE_TAILQ_FOREACH_SAFE(var, head, field, tvar) \
	for ((var) = RTE_TAILQ_FIRST((head)); \
	    (var) && ((tvar) = RTE_TAILQ_NEXT((var), field), 1); \
	    (var) = (tvar))

#ifdef __cplusplus
}
#endif

#endif
