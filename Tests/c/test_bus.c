/*
 * Buses and classes (rte_bus.h, rte_class.h, the driver SDK's rte_bus_register):
 * registration from constructors (test_buses.h) and at run time, bad buses and classes
 * refused without aborting (DPDK panics), find by name, device and comparison (a
 * start that is not registered finds nothing), dump, the IOVA mode the buses want,
 * scan and probe (every bus, failures logged, the vdev bus last), NULL arguments, and
 * the buses' cleanup at rte_eal_cleanup.
 */
#include "test_buses.h"
#include <rte_eal.h>
#include "check.h"
#include "eal_test.h"

static int order[8], norder;
static int o_scan(void) { return 0; }
static int vdev_probe(void) { order[norder++] = 1; return 0; }
static int zz_probe(void) { order[norder++] = 2; return -3; }
static struct rte_bus vdev_like = { .name = "vdev", .scan = o_scan, .probe = vdev_probe, .find_device = nop_find };
static struct rte_bus zz_bus = { .name = "zz", .scan = o_scan, .probe = zz_probe, .find_device = nop_find };

static int match_any(const struct rte_bus *b, const void *d) { (void)b; (void)d; return 0; }

static int dump_lines(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_bus_dump(f);
	fclose(f);
	int n = 0;
	for (char *p = buf; p && *p; p++)
		n += *p == '\n';
	CHECK(buf && strstr(buf, " tpci\n") && strstr(buf, " abc\n"));
	free(buf);
	return n;
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	/* registered from constructors, before main and before rte_eal_init */
	CHECK(rte_bus_find_by_name("tpci") == &tpci_bus);
	CHECK(rte_bus_find_by_name("abc") == &abc_bus);
	CHECK(strcmp(rte_bus_name(&tvdev_bus), "tvdev") == 0);
	CHECK(rte_class_find_by_name("teth") == &teth_class);
	CHECK_EQ(dump_lines(), 4);

	/* bad buses: refused, rte_errno EINVAL, nothing registered */
	struct rte_bus noname = { .scan = o_scan, .probe = vdev_probe, .find_device = nop_find };
	struct rte_bus empty = { .name = "", .scan = o_scan, .probe = vdev_probe, .find_device = nop_find };
	struct rte_bus noscan = { .name = "noscan", .probe = vdev_probe, .find_device = nop_find };
	struct rte_bus noprobe = { .name = "noprobe", .scan = o_scan, .find_device = nop_find };
	struct rte_bus nofind = { .name = "nofind", .scan = o_scan, .probe = vdev_probe };
	struct rte_bus plugonly = { .name = "plugonly", .scan = o_scan, .probe = vdev_probe, .find_device = nop_find,
				    .plug = tpci_plug };
	struct rte_bus *bad[] = { NULL, &noname, &empty, &noscan, &noprobe, &nofind, &plugonly, &tpci_bus };
	for (unsigned i = 0; i < RTE_DIM(bad); i++) {
		rte_errno = 0;
		rte_bus_register(bad[i]);
		CHECK_EQ(rte_errno, EINVAL);
	}
	CHECK(rte_bus_find_by_name("noscan") == NULL);
	CHECK(rte_bus_find_by_name("plugonly") == NULL);
	CHECK_EQ(dump_lines(), 4);
	/* unregistering what is not registered does nothing */
	rte_bus_unregister(&noscan);
	rte_bus_unregister(NULL);
	CHECK_EQ(dump_lines(), 4);

	/* NULL arguments */
	CHECK(rte_bus_name(NULL) == NULL);
	CHECK(rte_bus_find_by_name(NULL) == NULL);
	CHECK(rte_bus_find_by_device(NULL) == NULL);
	CHECK(rte_bus_find(NULL, NULL, NULL) == NULL);
	rte_bus_dump(NULL);
	CHECK(rte_class_find(NULL, NULL, NULL) == NULL);
	CHECK(rte_class_find_by_name(NULL) == NULL);

	/* find: from the first, after a start, after an unregistered start */
	CHECK(rte_bus_find(NULL, match_any, NULL) == &tpci_bus);
	CHECK(rte_bus_find(&tpci_bus, match_any, NULL) == &tvdev_bus);
	CHECK(rte_bus_find(&abc_bus, match_any, NULL) == NULL);
	CHECK(rte_bus_find(&noscan, match_any, NULL) == NULL);

	/* bad classes */
	struct rte_class cnoname = { .name = NULL }, cempty = { .name = "" };
	struct rte_class *cbad[] = { NULL, &cnoname, &cempty, &teth_class };
	for (unsigned i = 0; i < RTE_DIM(cbad); i++) {
		rte_errno = 0;
		rte_class_register(cbad[i]);
		CHECK_EQ(rte_errno, EINVAL);
	}
	struct rte_class later = { .name = "later" };
	rte_class_register(&later);
	CHECK(rte_class_find_by_name("later") == &later);
	rte_class_unregister(&later);
	CHECK(rte_class_find_by_name("later") == NULL);
	rte_class_unregister(&later);
	rte_class_unregister(NULL);

	/* the IOVA mode the buses want */
	tpci_iova = RTE_IOVA_PA;
	CHECK_EQ(rte_bus_get_iommu_class(), RTE_IOVA_PA);
	tvdev_iova = RTE_IOVA_VA;
	CHECK_EQ(rte_bus_get_iommu_class(), RTE_IOVA_DC);
	tpci_iova = RTE_IOVA_DC;
	CHECK_EQ(rte_bus_get_iommu_class(), RTE_IOVA_VA);
	tvdev_iova = RTE_IOVA_DC;
	CHECK_EQ(rte_bus_get_iommu_class(), RTE_IOVA_DC);

	/* run-time registration; probe keeps the vdev bus for last; failures are not fatal */
	rte_bus_register(&vdev_like);
	rte_bus_register(&zz_bus);
	CHECK(rte_bus_find_by_name("vdev") == &vdev_like);
	CHECK_EQ(dump_lines(), 6);
	tvdev_state.scan_result = -1;
	CHECK_EQ(rte_bus_scan(), 0);
	CHECK_EQ(tpci_state.scans, 1);
	CHECK_EQ(tvdev_state.scans, 1);
	CHECK_EQ(rte_bus_probe(), 0);
	CHECK_EQ(norder, 2);
	CHECK_EQ(order[0], 2);
	CHECK_EQ(order[1], 1);
	CHECK_EQ(tpci_state.probes, 1);
	tvdev_state.scan_result = 0;

	/* a device is found on its bus */
	struct tdev *d = tdev_find(&tpci_state, "01:00.0");
	CHECK(d != NULL);
	if (d)
		CHECK(rte_bus_find_by_device(&d->dev) == &tpci_bus);
	struct rte_device stray = { .name = "stray" };
	CHECK(rte_bus_find_by_device(&stray) == NULL);

	rte_bus_unregister(&vdev_like);
	rte_bus_unregister(&zz_bus);
	CHECK(rte_bus_find_by_name("vdev") == NULL);
	CHECK_EQ(dump_lines(), 4);

	/* init scans and probes them all again; cleanup calls each bus's cleanup */
	if (test_eal_init(argv[0], "test_bus") == 0) {
		CHECK_EQ(tpci_state.scans, 2);
		CHECK_EQ(tpci_state.probes, 2);
		CHECK_EQ(tpci_state.cleanups, 0);
		CHECK_EQ(rte_eal_cleanup(), 0);
		CHECK_EQ(tpci_state.cleanups, 1);
		CHECK_EQ(tvdev_state.cleanups, 1);
		/* the buses stay registered */
		CHECK(rte_bus_find_by_name("tpci") == &tpci_bus);
	}
	return check_report();
}
