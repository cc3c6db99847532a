/*
 * Buses, classes, devices and VFIO side by side with DPDK 22.11's librte_eal, on the
 * buses and classes of test_buses.h: before rte_eal_init the registries (find, names,
 * dump, the IOVA mode the buses want, scan and probe), device iteration by bus and
 * class strings; after init hotplug (probe, re-probe, failing drivers, buses without
 * plug, unknown devices, remove, rollback-free errors), device event callbacks with
 * DPDK's matching rules, the event monitor and SIGBUS handling switches, device DMA
 * mapping and every rte_vfio_* answer on a machine without VFIO (a fake sysfs for the
 * IOMMU group links); then -a/-b/--vdev/-d command lines in child processes.
 * Only what DPDK survives is given to it. The buses DPDK's plugins add after init are
 * never looked at (every name and string here is the test buses').
 */
#include "test_buses.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_vfio.h>

#define P(x) printf("%s = %lld\n", #x, (long long)(x))

static int name_starts_a(const struct rte_bus *bus, const void *data)
{
	(void)data;
	return rte_bus_name(bus)[0] == 'a' ? 0 : 1;
}

static int name_is(const struct rte_bus *bus, const void *data)
{
	return strcmp(rte_bus_name(bus), data);
}

static int cls_any(const struct rte_class *cls, const void *data)
{
	(void)data;
	return strncmp(cls->name, "t", 1);
}

static void iterate(const char *s)
{
	char str[256];
	struct rte_dev_iterator it;
	struct rte_device *dev;
	snprintf(str, sizeof(str), "%s", s);
	memset(&it, 0x5a, sizeof(it));
	rte_errno = 0;
	int r = rte_dev_iterator_init(&it, str);
	printf("iterate(\"%s\") init = %d rte_errno=%d:", s, r, rte_errno);
	int n = 0;
	rte_errno = 0;
	while ((dev = rte_dev_iterator_next(&it)) != NULL && n < 20) {
		printf(" %s", rte_dev_name(dev));
		n++;
	}
	printf(" (end, rte_errno=%d)\n", rte_errno);
}

static int events;
static void event_cb(const char *name, enum rte_dev_event_type type, void *arg)
{
	printf("  event cb(%s, %d, %ld)\n", name, type, (long)(intptr_t)arg);
	events++;
}
static void event_cb2(const char *name, enum rte_dev_event_type type, void *arg)
{
	printf("  event cb2(%s, %d, %ld)\n", name, type, (long)(intptr_t)arg);
	events++;
}

static void devlist(const char *what)
{
	printf("devargs (%s):\n", what);
	fflush(stdout);
	rte_devargs_dump(stdout);
	fflush(stdout);
	for (int i = 0; i < TDEV_MAX; i++) {
		struct tdev *d = &tpci_state.devs[i];
		if (d->used)
			printf("  tpci dev %s probed=%d devargs=%s\n", d->name, rte_dev_is_probed(&d->dev),
			       d->dev.devargs ? d->dev.devargs->args : "-");
		d = &tvdev_state.devs[i];
		if (d->used)
			printf("  tvdev dev %s probed=%d devargs=%s\n", d->name, rte_dev_is_probed(&d->dev),
			       d->dev.devargs ? d->dev.devargs->args : "-");
	}
}

static void before_init(void)
{
	printf("names: %s %s %s %s\n", rte_bus_name(rte_bus_find_by_name("tpci")),
	       rte_bus_name(rte_bus_find_by_name("tvdev")), rte_bus_name(rte_bus_find_by_name("ab")),
	       rte_bus_name(rte_bus_find_by_name("abc")));
	P(rte_bus_find_by_name("nope") == NULL);
	P(rte_bus_find_by_name("") == NULL);
	struct rte_bus *b = rte_bus_find(NULL, name_starts_a, NULL);
	printf("find a*: %s", b ? rte_bus_name(b) : "-");
	b = rte_bus_find(b, name_starts_a, NULL);
	printf(" %s", b ? rte_bus_name(b) : "-");
	b = rte_bus_find(b, name_starts_a, NULL);
	printf(" %s\n", b ? rte_bus_name(b) : "-");
	P(rte_bus_find(&tvdev_bus, name_is, "tpci") == NULL);
	P(rte_bus_find(&tpci_bus, name_is, "tvdev") == &tvdev_bus);
	printf("dump:\n");
	fflush(stdout);
	rte_bus_dump(stdout);
	fflush(stdout);

	enum rte_iova_mode modes[] = { RTE_IOVA_DC, RTE_IOVA_PA, RTE_IOVA_VA };
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			tpci_iova = modes[i];
			tvdev_iova = modes[j];
			printf("iommu class(%d, %d) = %d\n", modes[i], modes[j], rte_bus_get_iommu_class());
		}
	tpci_iova = tvdev_iova = RTE_IOVA_DC;

	P(rte_class_find_by_name("teth") == &teth_class);
	P(rte_class_find_by_name("tnone") == &tnone_class);
	P(rte_class_find_by_name("nope") == NULL);
	struct rte_class *c = rte_class_find(NULL, cls_any, NULL);
	printf("classes t*: %s", c ? c->name : "-");
	c = rte_class_find(c, cls_any, NULL);
	printf(" %s", c ? c->name : "-");
	c = rte_class_find(c, cls_any, NULL);
	printf(" %s\n", c ? c->name : "-");

	/* devargs for the scan, then scan and probe */
	P(rte_devargs_add(RTE_DEVTYPE_ALLOWED, "tpci-extra,k=1"));
	P(rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tnet_v0"));
	P(rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tnet_v1,x=y"));
	P(rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tcrypto_c0"));
	P(rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tnet_failv"));
	tvdev_state.scan_result = -5;
	P(rte_bus_scan());
	tpci_state.probe_result = -7;
	P(rte_bus_probe());
	printf("scans %d %d probes %d %d\n", tpci_state.scans, tvdev_state.scans, tpci_state.probes, tvdev_state.probes);
	tvdev_state.scan_result = 0;
	tpci_state.probe_result = 0;
	devlist("scanned");

	struct tdev *d = tdev_find(&tpci_state, "02:00.0");
	P(rte_bus_find_by_device(&d->dev) == &tpci_bus);
	d = tdev_find(&tvdev_state, "tnet_v1");
	P(rte_bus_find_by_device(&d->dev) == &tvdev_bus);
	struct rte_device stray = { .name = "stray" };
	P(rte_bus_find_by_device(&stray) == NULL);
	printf("dev: name=%s bus=%s driver=%s numa=%d devargs=%s info=%s\n", rte_dev_name(&d->dev),
	       rte_bus_name(rte_dev_bus(&d->dev)), rte_driver_name(rte_dev_driver(&d->dev)),
	       rte_dev_numa_node(&d->dev), rte_dev_devargs(&d->dev)->args,
	       rte_dev_bus_info(&d->dev) ? rte_dev_bus_info(&d->dev) : "(none)");

	/* iteration */
	const char *its[] = {
		"bus=tpci", "bus=tpci,name=02:00.0", "bus=tvdev", "bus=tvdev,name=tnet_v1", "class=teth",
		"class=teth,kind=net", "bus=tvdev/class=teth", "bus=tpci/class=teth", "bus=tpci/class=teth,kind=net",
		"bus=tvdev,name=tcrypto_c0/class=teth", "class=tnone", "bus=ab", "bus=nope", "class=nope", "foo",
		"", "driver=x", "bus=tpci/driver=x", "bus=tvdev,name=tnet_v0/class=teth/driver=d",
		"bus=tpci,path=/a/b/class=teth",
	};
	for (unsigned i = 0; i < RTE_DIM(its); i++)
		iterate(its[i]);
	/* an uninitialized iterator, and a stale rte_errno through a good init */
	struct rte_dev_iterator it;
	memset(&it, 0, sizeof(it));
	rte_errno = 0;
	P(rte_dev_iterator_next(&it) == NULL);
	P(rte_errno);
	char s[] = "bus=tpci";
	rte_errno = 5;
	P(rte_dev_iterator_init(&it, s));
	rte_errno = 9;
	int n = 0;
	while (rte_dev_iterator_next(&it) != NULL)
		n++;
	P(n);
	P(rte_errno);
}

static void after_init(void)
{
	devlist("after init");
	/* hotplug */
	P(rte_dev_probe("tpci:03:00.0,k=v"));
	P(rte_dev_probe("tpci:03:00.0,k=again"));
	P(rte_dev_probe("tpci-fail1"));
	P(rte_dev_probe("tpci-nodrv1"));
	P(rte_dev_probe("ab:x1"));
	P(rte_dev_probe("nope"));
	P(rte_dev_probe("tvdev:tnet_hot,a=b"));
	P(rte_dev_probe("bus=tpci,name=04:00.0"));
	P(rte_dev_probe("bus=tvdev,name=tnet_l/class=teth"));
	P(rte_eal_hotplug_add("tpci", "05:00.0", "a=1"));
	P(rte_eal_hotplug_add("nope", "x", ""));
	P(rte_eal_hotplug_add("tvdev", "tnet_busy", ""));
	devlist("probed");
	P(rte_eal_hotplug_remove("tpci", "05:00.0"));
	P(rte_eal_hotplug_remove("tpci", "05:00.0"));
	P(rte_eal_hotplug_remove("nope", "x"));
	P(rte_eal_hotplug_remove("tvdev", "tnet_busy"));
	struct tdev *d = tdev_find(&tpci_state, "tpci-nodrv1");
	P(d != NULL);
	if (d)
		P(rte_dev_remove(&d->dev));
	d = tdev_find(&tvdev_state, "tnet_hot");
	if (d)
		P(rte_dev_remove(&d->dev));
	devlist("removed");
	printf("plugs %d %d unplugs %d %d\n", tpci_state.plugs, tvdev_state.plugs, tpci_state.unplugs,
	       tvdev_state.unplugs);

	/* device events */
	P(rte_dev_event_callback_register(NULL, NULL, NULL));
	P(rte_dev_event_callback_register("dev1", event_cb, (void *)1));
	P(rte_dev_event_callback_register("dev1", event_cb, (void *)1));
	P(rte_dev_event_callback_register("dev1", event_cb, (void *)2));
	P(rte_dev_event_callback_register("dev2", event_cb, (void *)1));
	P(rte_dev_event_callback_register(NULL, event_cb2, (void *)3));
	P(rte_dev_event_callback_register(NULL, event_cb2, (void *)3));
	P(rte_dev_event_callback_register("dev3", event_cb2, (void *)4));
	printf("process dev1 add:\n");
	rte_dev_event_callback_process("dev1", RTE_DEV_EVENT_ADD);
	printf("process dev2 remove:\n");
	rte_dev_event_callback_process("dev2", RTE_DEV_EVENT_REMOVE);
	printf("process other:\n");
	rte_dev_event_callback_process("other", RTE_DEV_EVENT_ADD);
	rte_dev_event_callback_process(NULL, RTE_DEV_EVENT_ADD);
	P(events);
	P(rte_dev_event_callback_unregister("dev1", NULL, NULL));
	P(rte_dev_event_callback_unregister("dev9", event_cb, (void *)1));
	P(rte_dev_event_callback_unregister("dev1", event_cb2, (void *)1));
	printf("process dev1 again:\n");
	rte_dev_event_callback_process("dev1", RTE_DEV_EVENT_ADD);
	P(rte_dev_event_callback_register("dev1", event_cb, (void *)1));
	P(rte_dev_event_callback_register("dev1", event_cb, (void *)2));
	P(rte_dev_event_callback_unregister("dev1", event_cb, (void *)-1));
	P(rte_dev_event_callback_unregister("dev1", event_cb, (void *)-1));
	P(rte_dev_event_callback_register("dev5", event_cb, (void *)5));
	P(rte_dev_event_callback_unregister(NULL, event_cb2, NULL));
	P(rte_dev_event_callback_unregister(NULL, event_cb2, NULL));
	printf("process dev5:\n");
	rte_dev_event_callback_process("dev5", RTE_DEV_EVENT_REMOVE);

	/* the monitor and SIGBUS handling */
	P(rte_dev_event_monitor_stop());
	P(rte_dev_event_monitor_start());
	P(rte_dev_event_monitor_start());
	P(rte_dev_event_monitor_stop());
	P(rte_dev_event_monitor_stop());
	P(rte_dev_event_monitor_stop());
	P(rte_dev_hotplug_handle_enable());
	P(rte_dev_hotplug_handle_enable());
	P(rte_dev_hotplug_handle_disable());
	P(rte_dev_hotplug_handle_disable());

	/* DMA: buses without dma_map, zero length, memory the EAL does not know */
	d = tdev_find(&tpci_state, "01:00.0");
	static char buf[4096];
	rte_errno = 0;
	P(rte_dev_dma_map(&d->dev, buf, 0x1000, sizeof(buf)));
	P(rte_errno);
	rte_errno = 0;
	P(rte_dev_dma_unmap(&d->dev, buf, 0x1000, 0));
	P(rte_errno);

	/* VFIO, absent */
	P(rte_vfio_is_enabled("vfio"));
	P(rte_vfio_is_enabled("nope_module"));
	P(rte_vfio_noiommu_is_enabled());
	P(rte_vfio_get_container_fd());
	P(rte_vfio_container_create());
	P(rte_vfio_container_destroy(12345));
	P(rte_vfio_container_group_bind(12345, 7));
	P(rte_vfio_container_group_unbind(12345, 7));
	P(rte_vfio_container_group_unbind(RTE_VFIO_DEFAULT_CONTAINER_FD, 7));
	P(rte_vfio_get_group_fd(7));
	P(rte_vfio_container_group_bind(RTE_VFIO_DEFAULT_CONTAINER_FD, 7));
	P(rte_vfio_clear_group(99));
	rte_errno = 0;
	P(rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)buf, 0x1000, sizeof(buf)));
	P(rte_errno);
	rte_errno = 0;
	P(rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)buf, 0x1000, 0));
	P(rte_errno);
	rte_errno = 0;
	P(rte_vfio_container_dma_map(12345, (uintptr_t)buf, 0x1000, sizeof(buf)));
	P(rte_errno);
	rte_errno = 0;
	P(rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)buf, 0x1000, sizeof(buf)));
	P(rte_errno);
	rte_errno = 0;
	P(rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)buf, 0x1000, 0));
	P(rte_errno);
	/* a fake sysfs: a device with an IOMMU group link, one whose link ends in no
	 * number, one with a bad number, one without */
	char root[] = "/tmp/swifteal-vfio-XXXXXX";
	if (mkdtemp(root) == NULL)
		return;
	char path[512], target[128];
	const char *devs[] = { "0000:00:01.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0" };
	const char *links[] = { "../../../kernel/iommu_groups/7", "../../../kernel/iommu_groups/abc",
				"../../../kernel/iommu_groups/7x", NULL };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, devs[i]);
		mkdir(path, 0755);
		if (links[i]) {
			snprintf(path, sizeof(path), "%s/%s/iommu_group", root, devs[i]);
			snprintf(target, sizeof(target), "%s", links[i]);
			if (symlink(target, path) != 0)
				perror("symlink");
		}
	}
	for (int i = 0; i < 4; i++) {
		int num = -99, fd = -99;
		int r = rte_vfio_get_group_num(root, devs[i], &num);
		printf("group_num(%s) = %d num=%d\n", devs[i], r, num);
		printf("setup_device(%s) = %d fd=%d\n", devs[i], rte_vfio_setup_device(root, devs[i], &fd, NULL), fd);
		printf("release_device(%s) = %d\n", devs[i], rte_vfio_release_device(root, devs[i], 3));
	}
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s/iommu_group", root, devs[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", root, devs[i]);
		rmdir(path);
	}
	rmdir(root);
	P(rte_vfio_enable("vfio"));
	P(rte_vfio_enable("nope_module"));
	P(rte_vfio_is_enabled("vfio"));
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ret = in < 0 || out < 0 ? -1 : 0;
	while (ret == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}

/* a child's init with these options: its answer, the devargs, the scan modes */
static void child(char *self, const char *prefix, char **opts, int nopts)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = "diff_devices";   /* the usage text names it */
	argv[argc++] = "child";
	for (int i = 0; i < nopts; i++)
		argv[argc++] = opts[i];
	argv[argc] = NULL;
	printf("child:");
	for (int i = 0; i < nopts; i++)
		printf(" %s", strncmp(opts[i], "/tmp/diff_devices-", 18) ? opts[i] : "<world-writable dir>/x.so");
	printf("\n");
	fflush(stdout);
	(void)prefix;
	pid_t pid = fork();
	if (pid == 0) {
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	printf("  exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static int child_main(int argc, char **argv)
{
	char *args[40];
	int n = 0;
	args[n++] = argv[0];
	args[n++] = "-l";
	args[n++] = "0";
	args[n++] = "--no-huge";
	args[n++] = "-m";
	args[n++] = "64";
	args[n++] = "--no-pci";
	args[n++] = "--file-prefix";
	args[n++] = "diff_devices_child";
	for (int i = 2; i < argc && n < 38; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	setvbuf(stdout, NULL, _IONBF, 0);
	/* the usage text a bad command line prints is SwiftEAL's own words: not compared */
	int saved = dup(1), devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	rte_errno = 0;
	int r = rte_eal_init(n, args);
	dup2(saved, 1);
	close(saved);
	close(devnull);
	if (r < 0) {
		printf("  init = -1 rte_errno=%d\n", rte_errno);
		return 1;
	}
	printf("  init = %d\n", r);
	printf("  scan modes: tpci=%d tvdev=%d\n", tpci_bus.conf.scan_mode, tvdev_bus.conf.scan_mode);
	struct rte_devargs *da;
	RTE_EAL_DEVARGS_FOREACH(NULL, da) {
		const char *bn = rte_bus_name(da->bus);
		if (strcmp(bn, "tpci") && strcmp(bn, "tvdev"))
			continue;
		printf("  devargs %s %s type=%d policy=%d args=[%s]\n", bn, da->name, da->type, da->policy,
		       da->args ? da->args : "(null)");
	}
	devlist("child");
	/* DPDK's default plugins bring one whatever the options; -d does it here */
	for (int i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], "-d") == 0 && strstr(argv[i + 1], "bus_vdev"))
			printf("  vdev bus: %s\n", rte_bus_find_by_name("vdev") ? "yes" : "no");
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	before_init();
	char *args[] = { argv[0], "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			 "--file-prefix", "diff_devices", NULL };
	if (rte_eal_init(9, args) < 0) {
		printf("init failed: %d\n", rte_errno);
		return 1;
	}
	after_init();
	printf("cleanups before %d %d\n", tpci_state.cleanups, tvdev_state.cleanups);
	rte_eal_cleanup();
	printf("cleanups after %d %d\n", tpci_state.cleanups, tvdev_state.cleanups);

	/* command lines */
	memset(&tpci_state, 0, sizeof(tpci_state));
	memset(&tvdev_state, 0, sizeof(tvdev_state));
	char *c1[] = { "-a", "01:00.0,x=1", "-a", "tpci:07:00.0" };
	child(argv[0], "c1", c1, 4);
	char *c2[] = { "-b", "02:00.0", "--vdev", "tnet_a0,k=v", "-b", "tnet_b9" };
	child(argv[0], "c2", c2, 6);
	char *c3[] = { "-a", "01:00.0", "-b", "02:00.0" };
	child(argv[0], "c3", c3, 4);
	char *c4[] = { "--vdev", "nope0" };
	child(argv[0], "c4", c4, 2);
	char *c5[] = { "--vdev", "tnet_ok", "-a", "unknown_dev" };
	child(argv[0], "c5", c5, 4);
	char *c6[] = { "--vdev", "bus=tvdev,name=tnet_l0/class=teth" };
	child(argv[0], "c6", c6, 2);
	char *c7[] = { "-d", "/nonexistent/librte_nothing.so" };
	child(argv[0], "c7", c7, 2);
	char *c8[] = { "-d", "librte_nothing_at_all.so" };
	child(argv[0], "c8", c8, 2);
	char *c9[] = { "-d", "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_bus_vdev.so" };
	child(argv[0], "c9", c9, 2);
	char *c10[] = { "-d", "/usr/lib/x86_64-linux-gnu/dpdk" };
	child(argv[0], "c10", c10, 2);
	char *c11[] = { "--vdev", "tnet_failx", "--vdev", "tcrypto_y,a=[1,2]" };
	child(argv[0], "c11", c11, 4);
	/* a driver in a world-writable directory is refused */
	char ww[] = "/tmp/diff_devices-XXXXXX", so[600];
	if (mkdtemp(ww) != NULL && chmod(ww, 0777) == 0) {
		snprintf(so, sizeof(so), "%s/librte_bus_vdev.so", ww);
		if (copy_file("/usr/lib/x86_64-linux-gnu/librte_bus_vdev.so.23.0", so) == 0) {
			char *c12[] = { "-d", so };
			child(argv[0], "c12", c12, 2);
			unlink(so);
		}
		rmdir(ww);
	}
	return 0;
}
