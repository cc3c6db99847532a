/* Storage for the bus, class and devargs registries (eal_driver.h): static lists,
 * valid before any constructor runs. */
#include "eal_driver.h"

struct eal_dev_registry eal_dev_registry = {
	.buses = TAILQ_HEAD_INITIALIZER(eal_dev_registry.buses),
	.classes = TAILQ_HEAD_INITIALIZER(eal_dev_registry.classes),
	.devargs = TAILQ_HEAD_INITIALIZER(eal_dev_registry.devargs),
};
