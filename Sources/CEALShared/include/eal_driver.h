/*
 * SwiftEAL internal: the driver SDK's view of buses, devices and drivers, and the
 * internal exports drivers use (DPDK 22.11 declares them in bus_driver.h,
 * dev_driver.h, eal_filesystem.h and eal_firmware.h, which it does not install).
 * Bus and driver libraries built against DPDK 22.11 lay these structs out exactly so
 * and call these functions, from their constructors too; the C tests include this
 * header to register buses of their own.
 *
 * The registries (buses, classes, devargs) are static C lists valid before any
 * constructor runs: under LD_PRELOAD, or standing in for librte_eal.so.23, bus and
 * class constructors may run before ours. Swift (Sources/SwiftEAL/Bus, Devargs)
 * holds the logic and reaches the lists through the accessors below.
 */
#ifndef EAL_DRIVER_H
#define EAL_DRIVER_H

#include <stdint.h>
#include <stddef.h>
#include <sys/queue.h>
#include <malloc.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rte_eal.h>
#include <rte_bus.h>
#include <rte_class.h>
#include <rte_dev.h>
#include <rte_devargs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- dev_driver.h ---- */

/* A driver, the generic part that bus-specific drivers embed. */
struct rte_driver {
	RTE_TAILQ_ENTRY(rte_driver) next;
	const char *name;
	const char *alias;  /* an older name it also answers to */
};

/* A device, the generic part that bus-specific devices embed. */
struct rte_device {
	RTE_TAILQ_ENTRY(rte_device) next;
	const char *name;
	const char *bus_info;            /* the bus's words about it, or NULL */
	const struct rte_driver *driver; /* set once a probe succeeded */
	const struct rte_bus *bus;       /* set when the bus found it */
	int numa_node;
	struct rte_devargs *devargs;     /* of its latest probe */
};

/* ---- bus_driver.h ---- */

/* The bus's operations. scan, probe and find_device are required; plug needs unplug. */
typedef int (*rte_bus_scan_t)(void);
typedef int (*rte_bus_probe_t)(void);
typedef struct rte_device *
(*rte_bus_find_device_t)(const struct rte_device *start, rte_dev_cmp_t cmp,
			 const void *data);
typedef int (*rte_bus_plug_t)(struct rte_device *dev);
typedef int (*rte_bus_unplug_t)(struct rte_device *dev);
/* 0 when the bus recognizes name; the parsed address goes to addr when not NULL. */
typedef int (*rte_bus_parse_t)(const char *name, void *addr);
typedef int (*rte_bus_devargs_parse_t)(struct rte_devargs *da);
typedef int (*rte_dma_map_t)(struct rte_device *dev, void *addr,
			     uint64_t iova, size_t len);
typedef int (*rte_dma_unmap_t)(struct rte_device *dev, void *addr,
			       uint64_t iova, size_t len);
typedef int (*rte_bus_hot_unplug_handler_t)(struct rte_device *dev);
/* 0: handled, 1: not this bus's address, -1: failed. */
typedef int (*rte_bus_sigbus_handler_t)(const void *failure_addr);
typedef int (*rte_bus_cleanup_t)(void);
typedef enum rte_iova_mode (*rte_bus_get_iommu_class_t)(void);

/* How -a / -b shaped a bus's scan. */
enum rte_bus_scan_mode {
	RTE_BUS_SCAN_UNDEFINED,
	RTE_BUS_SCAN_ALLOWLIST,
	RTE_BUS_SCAN_BLOCKLIST,
};

struct rte_bus_conf {
	enum rte_bus_scan_mode scan_mode;
};

struct rte_bus {
	RTE_TAILQ_ENTRY(rte_bus) next;
	const char *name;
	rte_bus_scan_t scan;
	rte_bus_probe_t probe;
	rte_bus_find_device_t find_device;
	rte_bus_plug_t plug;
	rte_bus_unplug_t unplug;
	rte_bus_parse_t parse;
	rte_bus_devargs_parse_t devargs_parse;
	rte_dma_map_t dma_map;
	rte_dma_unmap_t dma_unmap;
	struct rte_bus_conf conf;
	rte_bus_get_iommu_class_t get_iommu_class;
	rte_dev_iterate_t dev_iterate;
	rte_bus_hot_unplug_handler_t hot_unplug_handler;
	rte_bus_sigbus_handler_t sigbus_handler;
	rte_bus_cleanup_t cleanup;
};

/* DPDK 22.11's layout (drivers built against it read these fields directly) */
_Static_assert(sizeof(struct rte_device) == 64 && offsetof(struct rte_device, devargs) == 56, "rte_device");
_Static_assert(sizeof(struct rte_driver) == 32 && offsetof(struct rte_driver, alias) == 24, "rte_driver");
_Static_assert(sizeof(struct rte_bus) == 144 && offsetof(struct rte_bus, conf) == 96 &&
	       offsetof(struct rte_bus, get_iommu_class) == 104 && offsetof(struct rte_bus, cleanup) == 136, "rte_bus");

/* Adds bus (named, with scan, probe and find_device) at the end of the registry. */
__rte_internal
void rte_bus_register(struct rte_bus *bus);

/* Takes bus out of the registry. */
__rte_internal
void rte_bus_unregister(struct rte_bus *bus);

/* Names and registers a bus from a constructor that runs before the classes' and the
 * drivers'. */
#define RTE_REGISTER_BUS(nm, bus) \
RTE_INIT_PRIO(businitfn_ ##nm, BUS) \
{\
	(bus).name = RTE_STR(nm);\
	rte_bus_register(&bus); \
}

/* ---- eal_filesystem.h (ours, included), eal_firmware.h ---- */

/* eal_parse_sysfs_value */
#include "eal_filesystem.h"

/* Reads the whole file name (or name.xz when it can decompress it) into a malloc'ed
 * *buf of *bufsz bytes: 0, or -1 with *buf NULL. */
__rte_internal
int rte_firmware_read(const char *name, void **buf, size_t *bufsz);

/* ---- the registries (SwiftEAL) ---- */

RTE_TAILQ_HEAD(eal_bus_list, rte_bus);
RTE_TAILQ_HEAD(eal_devargs_list, rte_devargs);

struct eal_dev_registry {
	struct eal_bus_list buses;
	struct rte_class_list classes;
	struct eal_devargs_list devargs;
};
extern struct eal_dev_registry eal_dev_registry;

static inline struct rte_bus *eal_bus_first(void) { return TAILQ_FIRST(&eal_dev_registry.buses); }
static inline struct rte_bus *eal_bus_next(const struct rte_bus *b) { return TAILQ_NEXT(b, next); }
static inline void eal_bus_append(struct rte_bus *b) { TAILQ_INSERT_TAIL(&eal_dev_registry.buses, b, next); }
static inline void eal_bus_remove(struct rte_bus *b) { TAILQ_REMOVE(&eal_dev_registry.buses, b, next); }

static inline struct rte_class *eal_class_first(void) { return TAILQ_FIRST(&eal_dev_registry.classes); }
static inline struct rte_class *eal_class_next(const struct rte_class *c) { return TAILQ_NEXT(c, next); }
static inline struct rte_class *eal_class_prev(const struct rte_class *c) { return TAILQ_PREV(c, rte_class_list, next); }
static inline void eal_class_append(struct rte_class *c) { TAILQ_INSERT_TAIL(&eal_dev_registry.classes, c, next); }
static inline void eal_class_remove(struct rte_class *c) { TAILQ_REMOVE(&eal_dev_registry.classes, c, next); }

static inline struct rte_devargs *eal_devargs_first(void) { return TAILQ_FIRST(&eal_dev_registry.devargs); }
static inline struct rte_devargs *eal_devargs_next(const struct rte_devargs *d) { return TAILQ_NEXT(d, next); }
static inline void eal_devargs_append(struct rte_devargs *d) { TAILQ_INSERT_TAIL(&eal_dev_registry.devargs, d, next); }
static inline void eal_devargs_remove(struct rte_devargs *d) { TAILQ_REMOVE(&eal_dev_registry.devargs, d, next); }
/* the kernel uevent socket (devices.c): fd, -1 (socket) or -2 (bind) */
int eal_uevent_socket(void);

/* ioctl(fd, request, arg) for VFIO's integer-argument requests (devices.c) */
int eal_vfio_ioctl(int fd, unsigned long request, long arg);

/* the faulting address of a SIGBUS */
#include <signal.h>
static inline void *eal_siginfo_addr(const siginfo_t *info) { return info->si_addr; }

/* the usable size of a malloc'ed block (a devargs copy holds NULs between layers) */
static inline size_t eal_alloc_size(void *p) { return malloc_usable_size(p); }
/* *into takes from's contents but keeps its own place in the list */
static inline void eal_devargs_take_contents(struct rte_devargs *into, const struct rte_devargs *from) {
	struct rte_devargs *n = TAILQ_NEXT(into, next);
	struct rte_devargs **p = into->next.tqe_prev;
	*into = *from;
	into->next.tqe_next = n;
	into->next.tqe_prev = p;
}

#ifdef __cplusplus
}
#endif

#endif
