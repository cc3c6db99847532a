/*
 * SwiftEAL: the buses devices sit on. Bus drivers register themselves from ELF
 * constructors (through the driver SDK, not this header); applications scan and probe
 * them all, find one by name, by device or by a comparison of their own, and ask which
 * IOVA mode their devices need.
 */
#ifndef _RTE_BUS_H_
#define _RTE_BUS_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>

#include <rte_eal.h>

struct rte_bus;
struct rte_device;

/* The bus's name (what devargs write before ':' or after "bus="). */
const char *rte_bus_name(const struct rte_bus *bus);

/* Asks every bus to list its devices; a bus that fails is logged, and the answer is 0. */
int rte_bus_scan(void);

/* Matches drivers to the devices of every bus, the vdev bus last; 0 (failures logged). */
int rte_bus_probe(void);

/* One line per registered bus, its name. */
void rte_bus_dump(FILE *f);

/* 0 when bus matches data; otherwise non-zero (a sign when an order exists). */
typedef int (*rte_bus_cmp_t)(const struct rte_bus *bus, const void *data);

/* The first bus after start (or from the first one when start is NULL) that cmp
 * matches, or NULL. */
struct rte_bus *rte_bus_find(const struct rte_bus *start, rte_bus_cmp_t cmp,
			     const void *data);

/* The bus that holds dev, or NULL. */
struct rte_bus *rte_bus_find_by_device(const struct rte_device *dev);

/* The bus named busname, or NULL. */
struct rte_bus *rte_bus_find_by_name(const char *busname);


/* The IOVA mode all buses can live with: RTE_IOVA_DC when none asks for one, or when
 * some want PA and others VA. */
enum rte_iova_mode rte_bus_get_iommu_class(void);

#ifdef __cplusplus
}
#endif

#endif
