/*
 * Devargs side by side with DPDK 22.11's librte_eal, on the buses and classes of
 * test_buses.h (registered from constructors, before rte_eal_init): rte_devargs_parse
 * and parsef of many strings in both syntaxes (every field, the error and rte_errno),
 * then the list: add, insert (new and replacing), remove, type counts, next by bus,
 * dump, and the scan mode -a/-b give a bus. Only what DPDK survives is given to it
 * (no NULL strings, no class-only devargs in add, no "bus" without a name after it).
 */
#include "test_buses.h"

static int in_data(const struct rte_devargs *da, const char *p, size_t len)
{
	return p != NULL && da->data != NULL && p >= da->data && p <= da->data + len;
}

static void show(const struct rte_devargs *da, size_t len)
{
	printf("  name=[%s] bus=%s cls=%s", da->name, da->bus ? rte_bus_name(da->bus) : "-",
	       da->cls ? da->cls->name : "-");
	printf(" data=[%s]", da->data ? da->data : "(null)");
	printf(" drv_str=[%s]", in_data(da, da->drv_str, len) ? da->drv_str : "-");
	printf(" bus_str=[%s]", in_data(da, da->bus_str, len) ? da->bus_str : "-");
	printf(" cls_str=[%s]\n", in_data(da, da->cls_str, len) ? da->cls_str : "-");
}

static void parse(const char *s)
{
	struct rte_devargs da;
	memset(&da, 0, sizeof(da));
	rte_errno = 0;
	int r = rte_devargs_parse(&da, s);
	printf("parse(\"%s\") = %d rte_errno=%d\n", s, r, rte_errno);
	if (r == 0)
		show(&da, strlen(s) + 1);
	rte_devargs_reset(&da);
	if (da.data != NULL)
		printf("  data kept after reset\n");
}

static void list(const char *what)
{
	struct rte_devargs *da;
	printf("list (%s): allowed=%u blocked=%u virtual=%u other=%u\n", what,
	       rte_devargs_type_count(RTE_DEVTYPE_ALLOWED), rte_devargs_type_count(RTE_DEVTYPE_BLOCKED),
	       rte_devargs_type_count(RTE_DEVTYPE_VIRTUAL), rte_devargs_type_count((enum rte_devtype)7));
	RTE_EAL_DEVARGS_FOREACH(NULL, da)
		printf("  %s %s type=%d policy=%d args=[%s]\n", rte_bus_name(da->bus), da->name,
		       da->type, da->policy, da->args);
	const char *buses[] = { "tpci", "tvdev", "ab", "nope" };
	for (unsigned i = 0; i < RTE_DIM(buses); i++) {
		int n = 0;
		RTE_EAL_DEVARGS_FOREACH(buses[i], da)
			n++;
		printf("  on %s: %d\n", buses[i], n);
	}
	fflush(stdout);
	rte_devargs_dump(stdout);
	fflush(stdout);
}

int main(void)
{
	static const char *legacy[] = {
		"01:00.0", "01:00.0,a=1,b=2", "tpci:01:00.0", "tpci:01:00.0,k=v", "tpci-foo",
		"tpci_01:00.0", "tnet_a0", "tnet_a0,iface=x,y=[1,2]", "tvdev:tnet_a0,x=1",
		"tvdev:tcrypto_1", "tvdev:01:00.0", "tpci:tnet_a0", "x1", "y1", "ab:x1", "abc:y1",
		"ab:y1", "abc:x1", "ab-x1", "abcx", "unknown", "", ",", ",a=1", "tnet_,", "tnet_a,,,",
		"tpci-123456789012345678901234567890123456789012345678901234567",
		"tpci-1234567890123456789012345678901234567890123456789012345678",
		"tpci-1234567890123456789012345678901234567890123456789012345678,a=b",
		"tpci-12345678901234567890123456789012345678901234567890123456789",
		"tpci-12345678901234567890123456789012345678901234567890123456789,a=b",
		"tnet_x=1,y", "tnet_a/b,c=d", "tnet_a,bus=tpci", "01:00.0/class=teth",
	};
	static const char *layered[] = {
		"bus=tpci,name=01:00.0", "bus=tpci,name=01:00.0/class=teth", "bus=tpci/class=teth,kind=net",
		"class=teth", "class=teth/driver=foo,k=v", "bus=tvdev,name=tnet_x/class=teth/driver=d1,a=b",
		"bus=nope", "bus=nope,name=x", "bus=tpci/class=nope", "class=nope", "driver=abc", "driver=abc,k=v",
		"bus=tpci,name=", "bus=tpci,name",
		"bus=tpci,name=1234567890123456789012345678901234567890123456789012345678901234",
		"bus=tpci,name=123456789012345678901234567890123456789012345678901234567890123",
		"bus=tpci,name=a,name=b", "bus=tpci,k=v/x=y", "bus=tpci/path=/a/b/class=teth",
		"a/bus=tpci", "bus=tpci/bus=tvdev,name=tnet_q", "class=teth/class=tnone",
		"bus=tpci/class=teth/driver=x/bus=tvdev/class=teth", "bus=", "class=",
		"bus=tpci,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,a1,b1,c1,d1,e1,f1",
		"bus=tpci,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,a1,b1,c1,d1,e1",
		"name=01:00.0,bus=tpci", "bus=tpci,name=tpci-z,name=q/driver", "bus=tpci/driver=",
		"bus=tpci,name=01:00.0/", "bus=tpci,name=01:00.0//class=teth", "/bus=tpci",
		"bus=tpci,name=[a,b]/class=teth", "bus=ab,name=x9",
	};
	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned i = 0; i < RTE_DIM(legacy); i++)
		parse(legacy[i]);
	for (unsigned i = 0; i < RTE_DIM(layered); i++)
		parse(layered[i]);

	/* parsef */
	struct rte_devargs da;
	memset(&da, 0, sizeof(da));
	printf("parsef = %d\n", rte_devargs_parsef(&da, "%s:%02d:00.%d,%s=%u", "tpci", 3, 1, "k", 42u));
	show(&da, 64);
	rte_devargs_reset(&da);
	printf("parsef(NULL da) = %d\n", rte_devargs_parsef(NULL, "tnet_%d", 1));
	printf("parse(NULL da) = %d\n", rte_devargs_parse(NULL, "tnet_1"));
	rte_devargs_reset(NULL);

	/* the list */
	list("empty");
	printf("scan modes before: tpci=%d tvdev=%d\n", tpci_bus.conf.scan_mode, tvdev_bus.conf.scan_mode);
	printf("add allowed = %d\n", rte_devargs_add(RTE_DEVTYPE_ALLOWED, "01:00.0,x=1"));
	printf("add blocked = %d\n", rte_devargs_add(RTE_DEVTYPE_BLOCKED, "02:00.0"));
	printf("add virtual = %d\n", rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tnet_v0,k=v"));
	printf("add virtual = %d\n", rte_devargs_add(RTE_DEVTYPE_VIRTUAL, "tvdev:tcrypto_v1"));
	printf("add blocked = %d\n", rte_devargs_add(RTE_DEVTYPE_BLOCKED, "tnet_b0"));
	printf("add bad = %d\n", rte_devargs_add(RTE_DEVTYPE_ALLOWED, "nope"));
	printf("add layered = %d\n", rte_devargs_add(RTE_DEVTYPE_ALLOWED, "bus=tpci,name=09:00.0/class=teth"));
	printf("add same again = %d\n", rte_devargs_add(RTE_DEVTYPE_ALLOWED, "01:00.0,x=2"));
	printf("scan modes after: tpci=%d tvdev=%d\n", tpci_bus.conf.scan_mode, tvdev_bus.conf.scan_mode);
	list("added");

	/* insert: a new one, then one replacing the listed devargs of the same device */
	struct rte_devargs *n = calloc(1, sizeof(*n));
	printf("new parse = %d\n", rte_devargs_parse(n, "tpci:07:00.0,new=1"));
	struct rte_devargs *before = n;
	int ret = rte_devargs_insert(&n);
	printf("insert new = %d same=%d\n", ret, n == before);
	ret = rte_devargs_insert(&n);
	printf("insert again = %d same=%d\n", ret, n == before);
	struct rte_devargs *listed = rte_devargs_next("tvdev", NULL);
	struct rte_devargs *r = calloc(1, sizeof(*r));
	printf("replacement parse = %d\n", rte_devargs_parse(r, "tvdev:tnet_v0,replaced=1"));
	r->type = RTE_DEVTYPE_VIRTUAL;
	ret = rte_devargs_insert(&r);
	printf("insert replacing = %d now-listed=%d\n", ret, r == listed);
	struct rte_devargs nobus;
	memset(&nobus, 0, sizeof(nobus));
	struct rte_devargs *nb = &nobus;
	printf("insert without bus = %d\n", rte_devargs_insert(&nb));
	list("inserted");

	/* remove: by a copy, again, without a bus */
	struct rte_devargs copy;
	memset(&copy, 0, sizeof(copy));
	printf("copy parse = %d\n", rte_devargs_parse(&copy, "tpci:07:00.0"));
	printf("remove = %d\n", rte_devargs_remove(&copy));
	printf("remove again = %d\n", rte_devargs_remove(&copy));
	rte_devargs_reset(&copy);
	printf("remove without bus = %d\n", rte_devargs_remove(&nobus));
	printf("remove NULL = %d\n", rte_devargs_remove(NULL));
	printf("remove listed = %d\n", rte_devargs_remove(rte_devargs_next("tvdev", NULL)));
	list("removed");
	printf("next after last = %s\n", rte_devargs_next(NULL, NULL) ? "some" : "none");
	while ((listed = rte_devargs_next(NULL, NULL)) != NULL)
		rte_devargs_remove(listed);
	list("emptied");
	return 0;
}
