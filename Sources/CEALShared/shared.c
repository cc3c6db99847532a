#include "eal_system.h"
#include "eal_shared_config.h"
