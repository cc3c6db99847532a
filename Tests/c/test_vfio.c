/*
 * VFIO (rte_vfio.h) on a machine without it (no vfio module, no /dev/vfio): VFIO
 * reports itself off before and after rte_eal_init, devices are "not managed by
 * VFIO" (1 from setup, -1 from release), groups cannot be opened (-ENOENT), containers
 * cannot be made, DMA maps fail with ENODEV and unmaps with EINVAL, and every NULL or
 * unknown argument gets -1. Skipped (with the reason) where /dev/vfio exists.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_vfio.h>
#include "check.h"
#include "eal_test.h"

static void answers(const char *when)
{
	printf("checking VFIO's answers %s\n", when);
	CHECK_EQ(rte_vfio_is_enabled("vfio"), 0);
	CHECK_EQ(rte_vfio_is_enabled(NULL), 0);
	CHECK_EQ(rte_vfio_noiommu_is_enabled(), 0);
	CHECK_EQ(rte_vfio_get_container_fd(), -1);
	CHECK_EQ(rte_vfio_container_create(), -1);
	CHECK_EQ(rte_vfio_container_destroy(4242), -1);
	CHECK_EQ(rte_vfio_container_group_bind(4242, 3), -1);
	CHECK_EQ(rte_vfio_container_group_unbind(4242, 3), -1);
	CHECK_EQ(rte_vfio_container_group_unbind(RTE_VFIO_DEFAULT_CONTAINER_FD, 3), -1);
	CHECK_EQ(rte_vfio_get_group_fd(3), -ENOENT);
	CHECK_EQ(rte_vfio_container_group_bind(RTE_VFIO_DEFAULT_CONTAINER_FD, 3), -ENOENT);
	CHECK_EQ(rte_vfio_clear_group(4242), -1);
	rte_errno = 0;
	CHECK_EQ(rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, 0x10000, 0x10000, 4096), -1);
	CHECK_EQ(rte_errno, ENODEV);
	rte_errno = 0;
	CHECK_EQ(rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, 0x10000, 0x10000, 0), -1);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK_EQ(rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD, 0x10000, 0x10000, 4096), -1);
	CHECK_EQ(rte_errno, EINVAL);
	CHECK_EQ(rte_vfio_container_dma_map(4242, 0x10000, 0x10000, 4096), -1);
	int num = -5, fd = -5;
	CHECK_EQ(rte_vfio_get_group_num("/sys/bus/pci/devices", "0000:00:00.0", &num), 0);
	CHECK_EQ(num, -5);
	CHECK_EQ(rte_vfio_setup_device("/sys/bus/pci/devices", "0000:00:00.0", &fd, NULL), 1);
	CHECK_EQ(fd, -5);
	CHECK_EQ(rte_vfio_release_device("/sys/bus/pci/devices", "0000:00:00.0", 3), -1);
	CHECK_EQ(rte_vfio_get_group_num(NULL, "x", &num), -1);
	CHECK_EQ(rte_vfio_get_group_num("/sys", NULL, &num), -1);
	CHECK_EQ(rte_vfio_get_group_num("/sys", "x", NULL), -1);
	CHECK_EQ(rte_vfio_setup_device(NULL, "x", &fd, NULL), -1);
	CHECK_EQ(rte_vfio_setup_device("/sys", "x", NULL, NULL), -1);
	CHECK_EQ(rte_vfio_release_device(NULL, NULL, 3), -1);
	CHECK_EQ(rte_vfio_enable("vfio"), 0);
	CHECK_EQ(rte_vfio_enable("no_such_module"), 0);
	CHECK_EQ(rte_vfio_enable(NULL), -1);
}

int main(int argc, char **argv)
{
	struct stat st;
	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (stat("/dev/vfio", &st) == 0 || stat("/sys/module/vfio", &st) == 0) {
		printf("VFIO is present on this machine: these answers are for machines without it\n");
		CHECK(1);
		return check_report();
	}
	answers("before rte_eal_init");
	if (test_eal_init(argv[0], "test_vfio") == 0) {
		answers("after rte_eal_init");
		CHECK_EQ(rte_eal_cleanup(), 0);
	}
	return check_report();
}
