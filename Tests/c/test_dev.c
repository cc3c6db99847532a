/*
 * Devices (rte_dev.h) on the buses of test_buses.h: the accessors (NULL devices too),
 * hotplug in a primary (probe by devargs, by bus and name, a device plugged twice,
 * drivers that fail or are missing, buses without plug, devices their bus does not
 * find, remove, devices that are not probed or cannot be removed) with the devargs it
 * leaves listed, the device iterator over buses and classes (and its errors),
 * device event callbacks (register, duplicate, unregister by name/function/argument,
 * the callbacks a device's event runs), the uevent monitor receiving a real kernel
 * uevent (a synthetic "add" written to a PCI device's uevent file, when there is one
 * and it is writable), SIGBUS handling switches, and DMA mapping refusals.
 */
#include "test_buses.h"
#include <fcntl.h>
#include <glob.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_cycles.h>
#include "check.h"
#include "eal_test.h"

static int count_iter(const char *s, char *first, size_t n)
{
	char str[200];
	struct rte_dev_iterator it;
	struct rte_device *dev;
	int count = 0;
	snprintf(str, sizeof(str), "%s", s);
	if (first)
		first[0] = 0;
	RTE_DEV_FOREACH(dev, str, &it) {
		if (count == 0 && first)
			snprintf(first, n, "%s", dev->name);
		count++;
	}
	return count;
}

static volatile int got_add, got_remove, got_all;
static char got_name[64];
static void on_dev(const char *name, enum rte_dev_event_type t, void *arg)
{
	(void)arg;
	snprintf(got_name, sizeof(got_name), "%s", name);
	if (t == RTE_DEV_EVENT_ADD)
		got_add++;
	else
		got_remove++;
}
static void on_all(const char *name, enum rte_dev_event_type t, void *arg)
{
	(void)name; (void)t; (void)arg;
	got_all++;
}

int main(int argc, char **argv)
{
	(void)argc;
	char first[64];
	setvbuf(stdout, NULL, _IONBF, 0);

	/* accessors; NULL gets NULL (DPDK dereferences it) */
	struct rte_devargs da = { .args = "k=v" };
	struct rte_device dev = { .name = "d0", .bus_info = "info", .driver = &tdrv, .bus = &tpci_bus,
				  .numa_node = 1, .devargs = &da };
	CHECK(strcmp(rte_dev_name(&dev), "d0") == 0);
	CHECK(strcmp(rte_dev_bus_info(&dev), "info") == 0);
	CHECK(rte_dev_driver(&dev) == &tdrv && strcmp(rte_driver_name(&tdrv), "tdrv") == 0);
	CHECK(rte_dev_bus(&dev) == &tpci_bus);
	CHECK(rte_dev_devargs(&dev) == &da);
	CHECK_EQ(rte_dev_numa_node(&dev), 1);
	CHECK_EQ(rte_dev_is_probed(&dev), 1);
	CHECK(rte_dev_name(NULL) == NULL && rte_dev_bus(NULL) == NULL && rte_dev_driver(NULL) == NULL);
	CHECK(rte_dev_bus_info(NULL) == NULL && rte_dev_devargs(NULL) == NULL && rte_driver_name(NULL) == NULL);
	CHECK_EQ(rte_dev_numa_node(NULL), -1);
	CHECK_EQ(rte_dev_is_probed(NULL), 0);

	if (test_eal_init(argv[0], "test_dev") != 0)
		return check_report();
	/* init scanned and probed: the two fixed tpci devices have a driver */
	struct tdev *d1 = tdev_find(&tpci_state, "01:00.0");
	CHECK(d1 && rte_dev_is_probed(&d1->dev));

	/* hotplug */
	CHECK_EQ(rte_dev_probe("tpci:03:00.0,k=v"), 0);
	struct tdev *d3 = tdev_find(&tpci_state, "03:00.0");
	CHECK(d3 && rte_dev_is_probed(&d3->dev) && d3->dev.devargs && strcmp(d3->dev.devargs->args, "k=v") == 0);
	CHECK_EQ(rte_dev_probe("tpci:03:00.0,k=w"), 0);   /* again: the devargs are updated */
	CHECK(d3 && strcmp(d3->dev.devargs->args, "k=w") == 0);
	CHECK_EQ(rte_eal_hotplug_add("tvdev", "tnet_h0", "a=1"), 0);
	CHECK_EQ(rte_dev_probe("bus=tvdev,name=tnet_h1/class=teth"), 0);
	CHECK_EQ(rte_dev_probe("tpci-fail0"), -EIO);        /* the driver's error */
	CHECK_EQ(rte_dev_probe("tpci-nodrv0"), -ENOTSUP);   /* no driver */
	CHECK_EQ(rte_dev_probe("ab:x1"), -ENOTSUP);         /* no plug on that bus */
	CHECK_EQ(rte_dev_probe("nope"), -EFAULT);
	CHECK_EQ(rte_dev_probe("class=teth"), -ENOTSUP);    /* no bus to plug into (DPDK crashes) */
	CHECK_EQ(rte_dev_probe(NULL), -EINVAL);
	CHECK_EQ(rte_eal_hotplug_add(NULL, "x", ""), -EINVAL);
	CHECK_EQ(rte_eal_hotplug_add("nope", "x", ""), -EFAULT);
	/* 03:00.0, tnet_h0, tnet_h1, and the failed probes keep theirs: fail0, nodrv0 */
	CHECK_EQ(rte_devargs_type_count(RTE_DEVTYPE_ALLOWED), 5);

	CHECK_EQ(rte_eal_hotplug_remove("tvdev", "tnet_h0"), 0);
	CHECK(tdev_find(&tvdev_state, "tnet_h0") == NULL);
	CHECK_EQ(rte_eal_hotplug_remove("tvdev", "tnet_h0"), -EINVAL);
	CHECK_EQ(rte_eal_hotplug_remove("nope", "x"), -ENOENT);
	CHECK_EQ(rte_eal_hotplug_remove(NULL, "x"), -ENOENT);
	CHECK_EQ(rte_eal_hotplug_remove("tpci", NULL), -EINVAL);
	struct tdev *nd = tdev_find(&tpci_state, "tpci-nodrv0");
	CHECK(nd != NULL);
	if (nd)
		CHECK_EQ(rte_dev_remove(&nd->dev), -ENOENT);    /* not probed */
	CHECK_EQ(rte_dev_remove(NULL), -ENOENT);
	CHECK_EQ(rte_dev_probe("tpci-busy0"), 0);
	struct tdev *bd = tdev_find(&tpci_state, "tpci-busy0");
	if (bd)
		CHECK_EQ(rte_dev_remove(&bd->dev), -EBUSY);
	if (d3)
		CHECK_EQ(rte_dev_remove(&d3->dev), 0);
	struct rte_devargs *x;
	int on_tpci = 0;
	RTE_EAL_DEVARGS_FOREACH("tpci", x)
		on_tpci++;
	CHECK_EQ(on_tpci, 3);   /* fail0, nodrv0, busy0 */

	/* iteration */
	CHECK_EQ(count_iter("bus=tpci", first, sizeof(first)), 5);
	CHECK(strcmp(first, "01:00.0") == 0);
	CHECK_EQ(count_iter("bus=tpci,name=02:00.0", first, sizeof(first)), 1);
	CHECK_EQ(count_iter("bus=tvdev", first, sizeof(first)), 1);
	CHECK(strcmp(first, "tnet_h1") == 0);
	CHECK_EQ(count_iter("class=teth", NULL, 0), 3);           /* 01:00.0, 02:00.0, tnet_h1 */
	CHECK_EQ(count_iter("class=teth,kind=net", first, sizeof(first)), 1);
	CHECK(strcmp(first, "tnet_h1") == 0);
	CHECK_EQ(count_iter("bus=tpci/class=teth,kind=net", NULL, 0), 0);
	struct rte_dev_iterator it;
	char s1[] = "class=tnone", s2[] = "bus=ab", s3[] = "foo", s4[] = "bus=nope";
	CHECK_EQ(rte_dev_iterator_init(&it, s1), -ENOTSUP);
	CHECK(rte_dev_iterator_next(&it) == NULL && rte_errno == EINVAL);
	CHECK_EQ(rte_dev_iterator_init(&it, s2), -ENOTSUP);
	CHECK_EQ(rte_dev_iterator_init(&it, s3), -EINVAL);
	CHECK_EQ(rte_dev_iterator_init(&it, s4), -EFAULT);
	CHECK_EQ(rte_dev_iterator_init(&it, NULL), -EINVAL);
	CHECK_EQ(rte_dev_iterator_init(NULL, s1), -EINVAL);
	CHECK(rte_dev_iterator_next(NULL) == NULL);

	/* event callbacks */
	CHECK_EQ(rte_dev_event_callback_register("devA", NULL, NULL), -EINVAL);
	CHECK_EQ(rte_dev_event_callback_register("devA", on_dev, NULL), 0);
	CHECK_EQ(rte_dev_event_callback_register("devA", on_dev, NULL), -EEXIST);
	CHECK_EQ(rte_dev_event_callback_register(NULL, on_all, NULL), 0);
	rte_dev_event_callback_process("devA", RTE_DEV_EVENT_REMOVE);
	rte_dev_event_callback_process("devB", RTE_DEV_EVENT_ADD);
	rte_dev_event_callback_process(NULL, RTE_DEV_EVENT_ADD);
	CHECK_EQ(got_remove, 1);
	CHECK_EQ(got_add, 0);
	CHECK_EQ(got_all, 2);
	CHECK_EQ(rte_dev_event_callback_unregister("devB", on_dev, NULL), -ENOENT);
	CHECK_EQ(rte_dev_event_callback_unregister("devA", on_dev, (void *)1), -ENOENT);
	CHECK_EQ(rte_dev_event_callback_unregister("devA", on_dev, (void *)-1), 1);
	CHECK_EQ(rte_dev_event_callback_unregister("devA", NULL, NULL), -EINVAL);

	/* the monitor: a synthetic kernel uevent for a PCI device reaches the callbacks */
	CHECK_EQ(rte_dev_event_callback_register(NULL, on_dev, NULL), 0);
	CHECK_EQ(rte_dev_event_monitor_start(), 0);
	CHECK_EQ(rte_dev_event_monitor_start(), 0);
	glob_t g;
	int fd = -1;
	if (glob("/sys/bus/pci/devices/*/uevent", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		fd = open(g.gl_pathv[0], O_WRONLY);
		if (fd >= 0) {
			got_add = 0;
			if (write(fd, "add", 3) == 3) {
				for (int i = 0; i < 200 && got_add == 0; i++)
					rte_delay_us_sleep(10000);
				CHECK(got_add >= 1);
				char want[64];
				snprintf(want, sizeof(want), "%.12s", g.gl_pathv[0] + strlen("/sys/bus/pci/devices/"));
				CHECK(strcmp(got_name, want) == 0);
				printf("uevent for %s received\n", got_name);
			}
			close(fd);
		}
		globfree(&g);
	}
	if (fd < 0)
		printf("no writable PCI uevent file: the monitor's delivery is not exercised\n");
	CHECK_EQ(rte_dev_event_monitor_stop(), 0);
	CHECK_EQ(rte_dev_event_monitor_stop(), 0);
	CHECK_EQ(rte_dev_event_monitor_stop(), 0);   /* already stopped: 0, as DPDK */
	CHECK_EQ(rte_dev_event_callback_unregister(NULL, on_dev, NULL), 1);
	CHECK_EQ(rte_dev_event_callback_unregister(NULL, on_all, NULL), 1);

	/* SIGBUS handling on and off */
	CHECK_EQ(rte_dev_hotplug_handle_enable(), 0);
	CHECK_EQ(rte_dev_hotplug_handle_enable(), 0);
	CHECK_EQ(rte_dev_hotplug_handle_disable(), 0);
	CHECK_EQ(rte_dev_hotplug_handle_disable(), 0);

	/* DMA mapping: the test buses cannot map; zero length; NULL device */
	static char buf[64];
	rte_errno = 0;
	CHECK_EQ(rte_dev_dma_map(&d1->dev, buf, 0, sizeof(buf)), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	rte_errno = 0;
	CHECK_EQ(rte_dev_dma_unmap(&d1->dev, buf, 0, 0), -1);
	CHECK_EQ(rte_errno, ENOTSUP);
	rte_errno = 0;
	CHECK_EQ(rte_dev_dma_map(NULL, buf, 0, sizeof(buf)), -1);
	CHECK_EQ(rte_errno, EINVAL);

	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
