/* Storage for the lcore table and the EAL's private thread-locals (eal_lcore.h). */
#include <string.h>
#include "eal_lcore.h"

struct eal_lcore_table eal_lcores;
struct eal_launch_block *eal_launch_current;

__attribute__((visibility("hidden"))) __thread unsigned int eal_tls_socket_id = UINT_MAX;
__attribute__((visibility("hidden"))) __thread rte_cpuset_t eal_tls_cpuset;

void
eal_lcore_table_reset(void)
{
	eal_lcores.main_lcore = 0;
	eal_lcores.lcore_count = 0;
	eal_lcores.numa_node_count = 0;
	memset(eal_lcores.numa_nodes, 0, sizeof(eal_lcores.numa_nodes));
	memset(eal_lcores.lcore, 0, sizeof(eal_lcores.lcore));
}
