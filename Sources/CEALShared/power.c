/* The per-lcore monitor records of the power intrinsics (eal_power.h). */
#include "eal_power.h"

struct eal_power_wait eal_power_waits[RTE_MAX_LCORE] __attribute__((aligned(RTE_CACHE_LINE_SIZE)));
