/*
 * SwiftEAL: VFIO, the kernel interface that hands a device and an IOMMU context to a
 * user process. These report what the EAL set up (nothing, when the vfio module is not
 * loaded) and manage containers and groups for drivers.
 */
#ifndef _RTE_VFIO_H_
#define _RTE_VFIO_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdbool.h>
#include <stdint.h>

/* VFIO needs kernel 3.6; its device request interface 4.0 */
#if !defined(VFIO_PRESENT) && defined(RTE_EAL_VFIO)
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 6, 0)
#define VFIO_PRESENT
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0)
#define HAVE_VFIO_DEV_REQ_INTERFACE
#endif
#endif

#ifdef VFIO_PRESENT

#include <linux/vfio.h>

#define VFIO_DIR "/dev/vfio"
#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"
#define VFIO_GROUP_FMT "/dev/vfio/%u"
#define VFIO_NOIOMMU_GROUP_FMT "/dev/vfio/noiommu-%u"
#define VFIO_GET_REGION_ADDR(x) ((uint64_t) x << 40ULL)
#define VFIO_GET_REGION_IDX(x) (x >> 40)
#define VFIO_NOIOMMU_MODE      \
	"/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

/* the no-IOMMU type (kernel 4.5 and later name it) */
#ifdef VFIO_NOIOMMU_IOMMU
#define RTE_VFIO_NOIOMMU VFIO_NOIOMMU_IOMMU
#else
#define RTE_VFIO_NOIOMMU 8
#endif

/* region capabilities (kernel 4.6 and later) */
#ifdef VFIO_REGION_INFO_FLAG_CAPS
#define RTE_VFIO_INFO_FLAG_CAPS VFIO_REGION_INFO_FLAG_CAPS
#define VFIO_CAP_OFFSET(x) (x->cap_offset)
#else
#define RTE_VFIO_INFO_FLAG_CAPS (1 << 3)
#define VFIO_CAP_OFFSET(x) (x->resv)
struct vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next;
};
#endif

/* a BAR holding the MSI-X table may be mapped (kernel 4.16 and later) */
#ifdef VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
#define RTE_VFIO_CAP_MSIX_MAPPABLE VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
#else
#define RTE_VFIO_CAP_MSIX_MAPPABLE 3
#endif

#else

/* only pointers to it are passed */
struct vfio_device_info;

#endif

#define RTE_VFIO_DEFAULT_CONTAINER_FD (-1)

/* Gives the device at sysfs_base/dev_addr to VFIO (its group, container and DMA
 * mappings) and returns its fd in *vfio_dev_fd: 0, <0 on failure, 1 when VFIO does not
 * manage the device. */
int rte_vfio_setup_device(const char *sysfs_base, const char *dev_addr,
		int *vfio_dev_fd, struct vfio_device_info *device_info);

/* Gives a device set up by rte_vfio_setup_device back: 0 or <0. */
int rte_vfio_release_device(const char *sysfs_base, const char *dev_addr, int fd);

/* Sets VFIO up when the kernel module modname is loaded (0 also when it is not, VFIO
 * then staying off), <0 when the modules cannot be read. */
int rte_vfio_enable(const char *modname);

/* 1 when VFIO was set up and modname is loaded, 0 otherwise. */
int rte_vfio_is_enabled(const char *modname);

/* 1 when the vfio module runs in no-IOMMU mode, 0 when not, <0 on errors. */
int rte_vfio_noiommu_is_enabled(void);

/* Forgets the group whose fd this is: 0 or <0. */
int
rte_vfio_clear_group(int vfio_group_fd);

/* The IOMMU group of the device at sysfs_base/dev_addr in *iommu_group_num: >0, 0 when
 * it has none (no VFIO), <0 on errors. */
int
rte_vfio_get_group_num(const char *sysfs_base,
		      const char *dev_addr, int *iommu_group_num);

/* The default container's fd (>0), <0 when VFIO is off or missing. */
int
rte_vfio_get_container_fd(void);

/* The fd of IOMMU group iommu_group_num, opened when needed (>0), <0 on errors. */
int
rte_vfio_get_group_fd(int iommu_group_num);

/* A new container (its fd) for binding groups, <0 on failure. New DPDK memory is not
 * mapped into it, and it belongs to this process alone. */
int
rte_vfio_container_create(void);

/* Unbinds a container's groups and closes it: 0 or <0. */
int
rte_vfio_container_destroy(int container_fd);

/* Binds an IOMMU group to a container: the group's fd, or <0. */
int
rte_vfio_container_group_bind(int container_fd, int iommu_group_num);

/* Unbinds an IOMMU group from a container: 0 or <0. */
int
rte_vfio_container_group_unbind(int container_fd, int iommu_group_num);

/* Maps [vaddr, vaddr+len) at iova for the container's devices
 * (RTE_VFIO_DEFAULT_CONTAINER_FD: the default container): 0 or <0. */
int
rte_vfio_container_dma_map(int container_fd, uint64_t vaddr,
		uint64_t iova, uint64_t len);

/* Undoes rte_vfio_container_dma_map: 0 or <0. */
int
rte_vfio_container_dma_unmap(int container_fd, uint64_t vaddr,
		uint64_t iova, uint64_t len);

#ifdef __cplusplus
}
#endif

#endif
