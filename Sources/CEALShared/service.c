/* Storage for the service-core tables (eal_service.h). */
#include <string.h>
#include "eal_service.h"

struct eal_service_table eal_services __attribute__((aligned(RTE_CACHE_LINE_SIZE)));

void
eal_service_table_reset(void)
{
	memset(eal_services.service, 0, sizeof(eal_services.service));
	memset(eal_services.lcore, 0, sizeof(eal_services.lcore));
	eal_services.count = 0;
	eal_services.initialized = 0;
}

void
eal_service_lcores_reset(void)
{
	memset(eal_services.lcore, 0, sizeof(eal_services.lcore));
}
