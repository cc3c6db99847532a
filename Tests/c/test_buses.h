/*
 * Buses and classes of the tests' own (test-only): a "machine" whose devices the
 * tests decide, registered from constructors as DPDK's bus and class libraries do,
 * through the driver SDK (eal_driver.h, DPDK 22.11's layout).
 *   tpci   two fixed devices "01:00.0" and "02:00.0", plus one per devargs; names
 *          "NN:NN.N" or "tpci-*"; plug/unplug (a name with "fail" fails to probe,
 *          "nodrv" finds no driver, "busy" cannot be removed); iterates by "name=";
 *          wants the IOVA mode in tpci_iova
 *   tvdev  devices only from devargs; names "tnet_*" or "tcrypto_*"; plug/unplug;
 *          iterates by "name="
 *   ab     names "x*"; abc names "y*": neither plugs nor iterates
 *   teth   a class of every device whose name starts "tnet_" or holds ':'
 *          ("kind=net" keeps the tnet_ ones only); tnone: a class that cannot iterate
 */
#ifndef SWIFTEAL_TEST_BUSES_H
#define SWIFTEAL_TEST_BUSES_H

#define ALLOW_EXPERIMENTAL_API
#define ALLOW_INTERNAL_API
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <rte_common.h>
#include <rte_bus.h>
#include <rte_class.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include "eal_driver.h"

#define TDEV_MAX 32
struct tdev {
	struct rte_device dev;
	char name[RTE_DEV_NAME_MAX_LEN];
	int used;
};

struct tbus_state {
	struct tdev devs[TDEV_MAX];
	int scans, probes, plugs, unplugs, cleanups;
	int scan_result, probe_result;
};

static struct rte_driver tdrv = { .name = "tdrv" };
static struct tbus_state tpci_state, tvdev_state;
static enum rte_iova_mode tpci_iova = RTE_IOVA_DC, tvdev_iova = RTE_IOVA_DC;
static struct rte_bus tpci_bus, tvdev_bus;

static struct tdev *tdev_find(struct tbus_state *s, const char *name)
{
	for (int i = 0; i < TDEV_MAX; i++)
		if (s->devs[i].used && strcmp(s->devs[i].name, name) == 0)
			return &s->devs[i];
	return NULL;
}

static struct tdev *tdev_add(struct tbus_state *s, struct rte_bus *bus, const char *name)
{
	struct tdev *d = tdev_find(s, name);
	if (d)
		return d;
	for (int i = 0; i < TDEV_MAX; i++) {
		if (s->devs[i].used)
			continue;
		d = &s->devs[i];
		memset(d, 0, sizeof(*d));
		d->used = 1;
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->dev.name = d->name;
		d->dev.bus = bus;
		d->dev.numa_node = -1;
		d->dev.bus_info = NULL;
		return d;
	}
	return NULL;
}

/* every device after start (in slot order) that cmp accepts */
static struct rte_device *tdev_find_device(struct tbus_state *s, const struct rte_device *start,
					   rte_dev_cmp_t cmp, const void *data)
{
	int i = 0;
	if (start) {
		for (; i < TDEV_MAX; i++)
			if (&s->devs[i].dev == start) { i++; break; }
	}
	for (; i < TDEV_MAX; i++)
		if (s->devs[i].used && cmp(&s->devs[i].dev, data) == 0)
			return &s->devs[i].dev;
	return NULL;
}

/* devices from devargs (the blocked ones left out), as a bus scan does */
static void tdev_scan_devargs(struct tbus_state *s, struct rte_bus *bus)
{
	struct rte_devargs *da;
	RTE_EAL_DEVARGS_FOREACH(rte_bus_name(bus), da) {
		if (da->policy == RTE_DEV_BLOCKED)
			continue;
		struct tdev *d = tdev_add(s, bus, da->name);
		if (d)
			d->dev.devargs = da;
	}
}

static int tdev_plug(struct tbus_state *s, struct rte_device *dev)
{
	s->plugs++;
	if (strstr(dev->name, "fail"))
		return -EIO;
	if (strstr(dev->name, "nodrv"))
		return 1;
	dev->driver = &tdrv;
	return 0;
}

static int tdev_unplug(struct tbus_state *s, struct rte_device *dev)
{
	s->unplugs++;
	if (strstr(dev->name, "busy"))
		return -EBUSY;
	struct tdev *d = container_of(dev, struct tdev, dev);
	dev->driver = NULL;
	if (dev->devargs) {
		rte_devargs_remove(dev->devargs);
		dev->devargs = NULL;
	}
	d->used = 0;
	return 0;
}

/* "", or "name=<device name>" */
static void *tdev_iterate(struct tbus_state *s, const void *start, const char *str)
{
	const char *want = NULL;
	if (str && strncmp(str, "name=", 5) == 0)
		want = str + 5;
	int i = 0;
	if (start)
		for (; i < TDEV_MAX; i++)
			if (&s->devs[i].dev == start) { i++; break; }
	for (; i < TDEV_MAX; i++) {
		if (!s->devs[i].used)
			continue;
		if (want && strcmp(want, s->devs[i].name) != 0)
			continue;
		return &s->devs[i].dev;
	}
	return NULL;
}

static int tpci_parse(const char *name, void *addr)
{
	unsigned a, b, c;
	char tail;
	(void)addr;
	if (strncmp(name, "tpci-", 5) == 0)
		return 0;
	return sscanf(name, "%2x:%2x.%1x%c", &a, &b, &c, &tail) == 3 ? 0 : 1;
}
static int tpci_scan(void)
{
	tpci_state.scans++;
	tdev_add(&tpci_state, &tpci_bus, "01:00.0");
	tdev_add(&tpci_state, &tpci_bus, "02:00.0");
	tdev_scan_devargs(&tpci_state, &tpci_bus);
	return tpci_state.scan_result;
}
static int tpci_probe(void)
{
	tpci_state.probes++;
	for (int i = 0; i < TDEV_MAX; i++) {
		struct tdev *d = &tpci_state.devs[i];
		if (d->used && !d->dev.driver && !strstr(d->name, "fail") && !strstr(d->name, "nodrv"))
			d->dev.driver = &tdrv;
	}
	return tpci_state.probe_result;
}
static struct rte_device *tpci_find(const struct rte_device *start, rte_dev_cmp_t cmp, const void *data)
{
	return tdev_find_device(&tpci_state, start, cmp, data);
}
static int tpci_plug(struct rte_device *dev) { return tdev_plug(&tpci_state, dev); }
static int tpci_unplug(struct rte_device *dev) { return tdev_unplug(&tpci_state, dev); }
static void *tpci_iterate(const void *start, const char *str, const struct rte_dev_iterator *it)
{
	(void)it;
	return tdev_iterate(&tpci_state, start, str);
}
static enum rte_iova_mode tpci_iommu(void) { return tpci_iova; }
static int tpci_cleanup(void) { tpci_state.cleanups++; return 0; }

static struct rte_bus tpci_bus = {
	.scan = tpci_scan, .probe = tpci_probe, .find_device = tpci_find,
	.plug = tpci_plug, .unplug = tpci_unplug, .parse = tpci_parse,
	.get_iommu_class = tpci_iommu, .dev_iterate = tpci_iterate, .cleanup = tpci_cleanup,
};
RTE_REGISTER_BUS(tpci, tpci_bus);

static int tvdev_parse(const char *name, void *addr)
{
	(void)addr;
	return strncmp(name, "tnet_", 5) == 0 || strncmp(name, "tcrypto_", 8) == 0 ? 0 : 1;
}
static int tvdev_scan(void)
{
	tvdev_state.scans++;
	tdev_scan_devargs(&tvdev_state, &tvdev_bus);
	return tvdev_state.scan_result;
}
static int tvdev_probe(void)
{
	tvdev_state.probes++;
	for (int i = 0; i < TDEV_MAX; i++) {
		struct tdev *d = &tvdev_state.devs[i];
		if (d->used && !d->dev.driver && !strstr(d->name, "fail") && !strstr(d->name, "nodrv"))
			d->dev.driver = &tdrv;
	}
	return tvdev_state.probe_result;
}
static struct rte_device *tvdev_find(const struct rte_device *start, rte_dev_cmp_t cmp, const void *data)
{
	return tdev_find_device(&tvdev_state, start, cmp, data);
}
static int tvdev_plug(struct rte_device *dev) { return tdev_plug(&tvdev_state, dev); }
static int tvdev_unplug(struct rte_device *dev) { return tdev_unplug(&tvdev_state, dev); }
static void *tvdev_iterate(const void *start, const char *str, const struct rte_dev_iterator *it)
{
	(void)it;
	return tdev_iterate(&tvdev_state, start, str);
}
static enum rte_iova_mode tvdev_iommu(void) { return tvdev_iova; }
static int tvdev_cleanup(void) { tvdev_state.cleanups++; return 0; }

static struct rte_bus tvdev_bus = {
	.scan = tvdev_scan, .probe = tvdev_probe, .find_device = tvdev_find,
	.plug = tvdev_plug, .unplug = tvdev_unplug, .parse = tvdev_parse,
	.get_iommu_class = tvdev_iommu, .dev_iterate = tvdev_iterate, .cleanup = tvdev_cleanup,
};
RTE_REGISTER_BUS(tvdev, tvdev_bus);

static int nop_scan(void) { return 0; }
static int nop_probe(void) { return 0; }
static struct rte_device *nop_find(const struct rte_device *s, rte_dev_cmp_t c, const void *d)
{
	(void)s; (void)c; (void)d;
	return NULL;
}
static int ab_parse(const char *name, void *addr) { (void)addr; return name[0] == 'x' ? 0 : 1; }
static int abc_parse(const char *name, void *addr) { (void)addr; return name[0] == 'y' ? 0 : 1; }
static struct rte_bus ab_bus = { .scan = nop_scan, .probe = nop_probe, .find_device = nop_find, .parse = ab_parse };
static struct rte_bus abc_bus = { .scan = nop_scan, .probe = nop_probe, .find_device = nop_find, .parse = abc_parse };
RTE_REGISTER_BUS(ab, ab_bus);
RTE_REGISTER_BUS(abc, abc_bus);

/* the class: the current bus device itself, once, when it qualifies */
static void *teth_iterate(const void *start, const char *str, const struct rte_dev_iterator *it)
{
	const struct rte_device *dev = it->device;
	if (start != NULL || dev == NULL)
		return NULL;
	int net = strncmp(dev->name, "tnet_", 5) == 0;
	if (str && strcmp(str, "kind=net") == 0)
		return net ? (void *)(uintptr_t)dev : NULL;
	return net || strchr(dev->name, ':') ? (void *)(uintptr_t)dev : NULL;
}
static struct rte_class teth_class = { .dev_iterate = teth_iterate };
static struct rte_class tnone_class = { .dev_iterate = NULL };
RTE_REGISTER_CLASS(teth, teth_class);
RTE_REGISTER_CLASS(tnone, tnone_class);

#endif
