#include "eal_system.h"
#include "eal_shared_config.h"
#include "eal_memsys.h"

struct eal_shared_config *eal_mcfg_current;
