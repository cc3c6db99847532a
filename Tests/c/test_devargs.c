/*
 * Devargs (rte_devargs.h) on the buses of test_buses.h: both syntaxes with every field
 * checked, name length limits, the layers split in the devargs' own copy, parsef, the
 * list (add with the scan mode it gives a bus, insert replacing a listed device in its
 * place, remove, next by bus, type counts, dump), -a/-b/--vdev given to rte_eal_init,
 * and bad input: NULL devargs and strings, class-only devargs that name no bus, devargs
 * not in the list, unknown buses and classes.
 */
#include "test_buses.h"
#include <rte_eal.h>
#include "check.h"
#include "eal_test.h"

static int parse_ok(struct rte_devargs *da, const char *s)
{
	memset(da, 0, sizeof(*da));
	return rte_devargs_parse(da, s);
}

static int dump_has(const char *needle)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rte_devargs_dump(f);
	fclose(f);
	int found = buf && strstr(buf, needle) != NULL;
	free(buf);
	return found;
}

int main(int argc, char **argv)
{
	struct rte_devargs da;
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);

	/* legacy: bus prefix with any separator, bus found by the name, arguments */
	CHECK_EQ(parse_ok(&da, "tpci:01:00.0,a=1,b=[2,3]"), 0);
	CHECK(da.bus == &tpci_bus);
	CHECK(strcmp(da.name, "01:00.0") == 0);
	CHECK(strcmp(da.args, "a=1,b=[2,3]") == 0);
	CHECK(da.drv_str == da.data && da.bus_str == NULL && da.cls == NULL);
	rte_devargs_reset(&da);
	CHECK(da.data == NULL);
	CHECK_EQ(parse_ok(&da, "tnet_x0"), 0);
	CHECK(da.bus == &tvdev_bus && strcmp(da.args, "") == 0);
	rte_devargs_reset(&da);
	CHECK_EQ(parse_ok(&da, "abcx"), 0);   /* "ab" then any separator: x, on ab */
	CHECK(da.bus == &ab_bus && strcmp(da.name, "x") == 0);
	rte_devargs_reset(&da);
	CHECK_EQ(parse_ok(&da, "ab:y1"), -EFAULT);
	CHECK_EQ(parse_ok(&da, "unknown"), -EFAULT);
	CHECK_EQ(parse_ok(&da, ""), -EFAULT);
	/* 63 characters fit, 64 do not */
	char name[80];
	snprintf(name, sizeof(name), "tpci-%058d", 7);
	CHECK_EQ(strlen(name), 63);
	CHECK_EQ(parse_ok(&da, name), 0);
	CHECK(strcmp(da.name, name) == 0);
	rte_devargs_reset(&da);
	snprintf(name, sizeof(name), "tpci-%059d,k=v", 7);
	CHECK_EQ(parse_ok(&da, name), -EINVAL);
	CHECK(da.data == NULL);

	/* layers: the copy is cut at the layer boundaries; the bus layer names the device */
	CHECK_EQ(parse_ok(&da, "bus=tvdev,name=tnet_x/class=teth,k=v/driver=d1,a=b"), 0);
	CHECK(da.bus == &tvdev_bus && da.cls == &teth_class);
	CHECK(strcmp(da.name, "tnet_x") == 0);
	CHECK(strcmp(da.bus_str, "bus=tvdev,name=tnet_x") == 0);
	CHECK(strcmp(da.cls_str, "class=teth,k=v") == 0);
	CHECK(strcmp(da.drv_str, "driver=d1,a=b") == 0);
	CHECK(da.bus_str == da.data);
	rte_devargs_reset(&da);
	CHECK_EQ(parse_ok(&da, "class=teth"), 0);   /* a class alone counts */
	CHECK(da.bus == NULL && da.cls == &teth_class && da.name[0] == 0);
	rte_devargs_reset(&da);
	/* a '/' not followed by a layer key belongs to the value */
	CHECK_EQ(parse_ok(&da, "bus=tpci,name=tpci-a/b/class=teth"), 0);
	CHECK(strcmp(da.name, "tpci-a/b") == 0);
	rte_devargs_reset(&da);
	rte_errno = 0;
	CHECK_EQ(parse_ok(&da, "bus=nope,name=x"), -EFAULT);
	CHECK_EQ(rte_errno, EFAULT);
	CHECK(da.data == NULL);
	rte_errno = 0;
	CHECK_EQ(parse_ok(&da, "bus=tpci,name=1234567890123456789012345678901234567890123456789012345678901234"), -EFAULT);
	CHECK_EQ(rte_errno, E2BIG);
	rte_errno = 0;
	CHECK_EQ(parse_ok(&da, "bus=tpci/class=teth/driver=x/bus=tvdev/class=teth"), -EFAULT);
	CHECK_EQ(rte_errno, E2BIG);

	/* parsef */
	memset(&da, 0, sizeof(da));
	CHECK_EQ(rte_devargs_parsef(&da, "%s:%02x:00.%d,%s", "tpci", 10, 3, "q=1"), 0);
	CHECK(strcmp(da.name, "0a:00.3") == 0 && strcmp(da.args, "q=1") == 0);
	rte_devargs_reset(&da);

	/* bad input */
	CHECK_EQ(rte_devargs_parse(NULL, "tnet_x"), -EINVAL);
	CHECK_EQ(rte_devargs_parse(&da, NULL), -EINVAL);
	CHECK_EQ(rte_devargs_parsef(NULL, "tnet_%d", 1), -EINVAL);
	CHECK_EQ(rte_devargs_parsef(&da, NULL), -EINVAL);
	rte_devargs_reset(NULL);
	CHECK_EQ(rte_devargs_insert(NULL), -1);
	struct rte_devargs *none = NULL;
	CHECK_EQ(rte_devargs_insert(&none), -1);
	CHECK_EQ(rte_devargs_remove(NULL), -1);
	CHECK_EQ(rte_devargs_add(RTE_DEVTYPE_ALLOWED, NULL), -1);
	CHECK_EQ(rte_devargs_add(RTE_DEVTYPE_ALLOWED, "nope"), -1);
	CHECK_EQ(rte_devargs_add(RTE_DEVTYPE_ALLOWED, "class=teth"), -1);   /* no bus: DPDK crashes */
	CHECK_EQ(rte_devargs_type_count((enum rte_devtype)77), 0);
	rte_devargs_dump(NULL);
	CHECK(rte_devargs_next(NULL, NULL) == NULL);
	CHECK(rte_devargs_next(NULL, &da) == NULL);   /* not listed: no next */

	/* the list */
	CHECK_EQ(tpci_bus.conf.scan_mode, RTE_BUS_SCAN_UNDEFINED);
	CHECK_EQ(rte_devargs_add(RTE_DEVTYPE_BLOCKED, "02:00.0"), 0);
	CHECK_EQ(tpci_bus.conf.scan_mode, RTE_BUS_SCAN_BLOCKLIST);
	CHECK_EQ(rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tnet_v0,k=v"), 0);
	CHECK_EQ(tvdev_bus.conf.scan_mode, RTE_BUS_SCAN_ALLOWLIST);
	CHECK_EQ(rte_devargs_add(RTE_DEVTYPE_ALLOWED, "01:00.0,x=1"), 0);
	CHECK_EQ(tpci_bus.conf.scan_mode, RTE_BUS_SCAN_BLOCKLIST);   /* the first one decides */
	CHECK_EQ(rte_devargs_type_count(RTE_DEVTYPE_ALLOWED), 1);
	CHECK_EQ(rte_devargs_type_count(RTE_DEVTYPE_BLOCKED), 1);
	CHECK_EQ(rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL), 1);
	struct rte_devargs *first = rte_devargs_next(NULL, NULL);
	CHECK(first && strcmp(first->name, "02:00.0") == 0 && first->policy == RTE_DEV_BLOCKED);
	struct rte_devargs *v = rte_devargs_next("tvdev", NULL);
	CHECK(v && strcmp(v->name, "tnet_v0") == 0);
	CHECK(rte_devargs_next("tvdev", v) == NULL);
	CHECK(rte_devargs_next("nope", NULL) == NULL);
	CHECK(dump_has("User device list:\n  [tpci]: 02:00.0 \n  [tvdev]: tnet_v0 k=v\n  [tpci]: 01:00.0 x=1\n"));

	/* insert: a replacement takes the listed one's place and contents */
	struct rte_devargs *r = calloc(1, sizeof(*r));
	CHECK_EQ(rte_devargs_parse(r, "tvdev:tnet_v0,new=2"), 0);
	r->type = RTE_DEVTYPE_VIRTUAL;
	CHECK_EQ(rte_devargs_insert(&r), 0);
	CHECK(r == v);
	CHECK(strcmp(v->args, "new=2") == 0);
	CHECK(rte_devargs_next(NULL, first) == v);
	CHECK_EQ(rte_devargs_insert(&r), 0);   /* already listed */
	CHECK_EQ(rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL), 1);
	struct rte_devargs *n = calloc(1, sizeof(*n));
	CHECK_EQ(rte_devargs_parse(n, "tpci-new"), 0);
	CHECK_EQ(rte_devargs_insert(&n), 0);
	CHECK(dump_has("  [tpci]: tpci-new \n"));

	/* remove by a copy; again: 1 */
	struct rte_devargs copy;
	CHECK_EQ(parse_ok(&copy, "tpci:01:00.0"), 0);
	CHECK_EQ(rte_devargs_remove(&copy), 0);
	CHECK_EQ(rte_devargs_remove(&copy), 1);
	rte_devargs_reset(&copy);
	CHECK_EQ(rte_devargs_type_count(RTE_DEVTYPE_ALLOWED), 1);   /* tpci-new */

	/* rte_eal_init adds -a/-b/--vdev (none here) and keeps the list; cleanup empties it */
	if (test_eal_init(argv[0], "test_devargs") == 0) {
		CHECK(rte_devargs_next(NULL, NULL) == first);
		CHECK_EQ(rte_eal_cleanup(), 0);
		CHECK(rte_devargs_next(NULL, NULL) == NULL);
	}
	return check_report();
}
