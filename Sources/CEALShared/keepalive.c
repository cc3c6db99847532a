/* The keepalive monitor's memory (eal_keepalive.h). */
#include <stdlib.h>
#include <string.h>
#include "eal_keepalive.h"

/* Defined by the malloc subsystem when it is in the library; weak so the monitor
 * still has memory without it. */
void *rte_zmalloc(const char *type, size_t size, unsigned int align) __attribute__((weak));

struct eal_keepalive *
eal_keepalive_alloc(void)
{
	void *p = NULL;

	if (rte_zmalloc != NULL)
		return rte_zmalloc("RTE_EAL_KEEPALIVE", sizeof(struct eal_keepalive), RTE_CACHE_LINE_SIZE);
	if (posix_memalign(&p, RTE_CACHE_LINE_SIZE, sizeof(struct eal_keepalive)) != 0)
		return NULL;
	memset(p, 0, sizeof(struct eal_keepalive));
	return p;
}
