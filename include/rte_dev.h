/*
 * SwiftEAL: devices and drivers as the EAL sees them, whatever their bus: their
 * accessors, hotplug (add and remove by devargs), iteration by a devargs-like
 * description, device event callbacks and the uevent monitor, and DMA mapping.
 * Drivers' own view of the structures is the driver SDK's, not this header's.
 */
#ifndef _RTE_DEV_H_
#define _RTE_DEV_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>

#include <rte_config.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_log.h>

struct rte_bus;
struct rte_devargs;
struct rte_device;
struct rte_driver;

/* What a device event reports. */
enum rte_dev_event_type {
	RTE_DEV_EVENT_ADD,
	RTE_DEV_EVENT_REMOVE,
	RTE_DEV_EVENT_MAX
};

typedef void (*rte_dev_event_cb_fn)(const char *device_name,
					enum rte_dev_event_type event,
					void *cb_arg);

/* Old helpers for drivers' operation tables; deprecated. */
#define RTE_FUNC_PTR_OR_ERR_RET(func, retval) RTE_DEPRECATED(RTE_FUNC_PTR_OR_ERR_RET) \
do { \
	if ((func) == NULL) \
		return retval; \
} while (0)

#define RTE_FUNC_PTR_OR_RET(func) RTE_DEPRECATED(RTE_FUNC_PTR_OR_RET) \
do { \
	if ((func) == NULL) \
		return; \
} while (0)

/* Whether devargs allow a device (-a) or block it (-b). */
enum rte_dev_policy {
	RTE_DEV_ALLOWED,
	RTE_DEV_BLOCKED,
};

/* A device memory region (a PCI BAR, for instance). */
struct rte_mem_resource {
	uint64_t phys_addr; /* 0 when there is no resource */
	uint64_t len;
	void *addr;         /* NULL while not mapped */
};

/* The driver's name. */
const char *
rte_driver_name(const struct rte_driver *driver);

/* The bus the device sits on. */
const struct rte_bus *
rte_dev_bus(const struct rte_device *dev);

/* What the bus says about the device, or NULL. */
const char *
rte_dev_bus_info(const struct rte_device *dev);

/* The devargs the device was last probed with, or NULL. */
const struct rte_devargs *
rte_dev_devargs(const struct rte_device *dev);

/* The driver that probed the device, or NULL. */
const struct rte_driver *
rte_dev_driver(const struct rte_device *dev);

/* The device's name. */
const char *
rte_dev_name(const struct rte_device *dev);

/* The NUMA node the device hangs off (SOCKET_ID_ANY when unknown). */
int
rte_dev_numa_node(const struct rte_device *dev);

/* Long enough for a UUID or a PCI address. */
#define RTE_DEV_NAME_MAX_LEN 64

/* 1 when a driver probed the device successfully, 0 otherwise. */
int rte_dev_is_probed(const struct rte_device *dev);

/* rte_dev_probe("busname:devname,drvargs"). */
int rte_eal_hotplug_add(const char *busname, const char *devname,
			const char *drvargs);

/* Adds the device devargs describes and probes it (other processes follow): 0 or a
 * negative errno. */
int rte_dev_probe(const char *devargs);

/* rte_dev_remove of the device devname on bus busname. */
int rte_eal_hotplug_remove(const char *busname, const char *devname);

/* Detaches the driver from a probed device (other processes follow): 0 or a negative
 * errno. */
int rte_dev_remove(struct rte_device *dev);

/* 0 when dev matches data; otherwise non-zero (a sign when an order exists). */
typedef int (*rte_dev_cmp_t)(const struct rte_device *dev, const void *data);

/* Strings the driver build tools read out of a driver object file. */
#define RTE_PMD_EXPORT_NAME_ARRAY(n, idx) n##idx[]

#define RTE_PMD_EXPORT_NAME(name, idx) \
static const char RTE_PMD_EXPORT_NAME_ARRAY(this_pmd_name, idx) \
__rte_used = RTE_STR(name)

#define DRV_EXP_TAG(name, tag) __##name##_##tag

#define RTE_PMD_REGISTER_PCI_TABLE(name, table) \
static const char DRV_EXP_TAG(name, pci_tbl_export)[] __rte_used = \
RTE_STR(table)

#define RTE_PMD_REGISTER_PARAM_STRING(name, str) \
static const char DRV_EXP_TAG(name, param_string_export)[] \
__rte_used = str

/* The kernel modules a driver's devices need, one "<device pattern> <kmod expr>" per
 * line (e.g. "* igb_uio | uio_pci_generic | vfio"). */
#define RTE_PMD_REGISTER_KMOD_DEP(name, str) \
static const char DRV_EXP_TAG(name, kmod_dep_export)[] \
__rte_used = str

/* Where an iteration over devices stands. It holds no allocation: it may be dropped at
 * any point. */
struct rte_dev_iterator {
	const char *dev_str;       /* the description iterated on */
	const char *bus_str;       /* its bus layer, or NULL */
	const char *cls_str;       /* its class layer, or NULL */
	struct rte_bus *bus;       /* the bus being walked */
	struct rte_class *cls;     /* the class being walked */
	struct rte_device *device; /* the current device */
	void *class_device;        /* the class's own current object */
};

/* A bus's or class's step: the element after start (from the first when NULL) that
 * matches devstr, or NULL. */
typedef void *(*rte_dev_iterate_t)(const void *start,
				   const char *devstr,
				   const struct rte_dev_iterator *it);

/* Prepares it to walk the devices str describes ("bus=pci/class=eth,mac=..."): 0, or
 * a negative errno when str names neither a bus nor a class that can be walked. */
__rte_experimental
int
rte_dev_iterator_init(struct rte_dev_iterator *it, const char *str);

/* The next device, or NULL: at the end (rte_errno untouched) or on an error
 * (rte_errno set). */
__rte_experimental
struct rte_device *
rte_dev_iterator_next(struct rte_dev_iterator *it);

#define RTE_DEV_FOREACH(dev, devstr, it) \
	for (rte_dev_iterator_init(it, devstr), \
	     dev = rte_dev_iterator_next(it); \
	     dev != NULL; \
	     dev = rte_dev_iterator_next(it))

/* Calls cb_fn(name, event, cb_arg) on events of device_name (every device when NULL):
 * 0, -EINVAL without cb_fn, -EEXIST when registered already, -ENOMEM. */
__rte_experimental
int
rte_dev_event_callback_register(const char *device_name,
				rte_dev_event_cb_fn cb_fn,
				void *cb_arg);

/* Removes callbacks (cb_arg (void *)-1: whatever their argument): how many, or a
 * negative errno (-ENOENT none, -EAGAIN one is running). */
__rte_experimental
int
rte_dev_event_callback_unregister(const char *device_name,
				  rte_dev_event_cb_fn cb_fn,
				  void *cb_arg);

/* Runs the callbacks registered for device_name and for every device. */
__rte_experimental
void
rte_dev_event_callback_process(const char *device_name,
			       enum rte_dev_event_type event);

/* Starts listening to the kernel's device events (counted): 0 or negative. */
__rte_experimental
int
rte_dev_event_monitor_start(void);

/* Stops listening when the last start is matched: 0 or negative. */
__rte_experimental
int
rte_dev_event_monitor_stop(void);

/* Handles SIGBUS raised by removed devices' memory: 0 or negative. */
__rte_experimental
int
rte_dev_hotplug_handle_enable(void);

/* Stops handling SIGBUS for devices: 0 or negative. */
__rte_experimental
int
rte_dev_hotplug_handle_disable(void);

/* Maps memory registered with rte_extmem_* for the device's DMA: 0, or -1 with
 * rte_errno (ENOTSUP when its bus cannot, EINVAL for unregistered memory). */
__rte_experimental
int
rte_dev_dma_map(struct rte_device *dev, void *addr, uint64_t iova, size_t len);

/* Undoes rte_dev_dma_map: 0, or -1 with rte_errno. */
__rte_experimental
int
rte_dev_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova,
		  size_t len);

#ifdef __cplusplus
}
#endif

#endif
