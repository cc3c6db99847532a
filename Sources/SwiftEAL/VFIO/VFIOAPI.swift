// The C API of rte_vfio.h over VFIO's bookkeeping (VFIO.swift). NULL strings and
// pointers, which DPDK dereferences, get -1.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_vfio_setup_device(_ sysfs_base: UnsafePointer<CChar>?, _ dev_addr: UnsafePointer<CChar>?,
                                  _ vfio_dev_fd: UnsafeMutablePointer<Int32>?, _ device_info: UnsafeMutablePointer<vfio_device_info>?) -> Int32 {
    guard let sysfs_base, let dev_addr, vfio_dev_fd != nil else { return -1 }
    var num: Int32 = 0
    let found = VFIO.groupNumber(sysfs_base, dev_addr, &num)
    if found == 0 {
        ealLog(5, "\(String(cString: dev_addr)) not managed by VFIO driver, skipping")
        return 1
    }
    if found < 0 { return -1 }
    let fd = rte_vfio_get_group_fd(num)
    if fd == -Errno.ENOENT.rawValue {
        ealLog(5, "\(String(cString: dev_addr)) not managed by VFIO driver, skipping")
        return 1
    }
    if fd < 0 { return -1 }
    // A group VFIO manages: its devices are not taken over here (see VFIO).
    ealLog(4, "\(String(cString: dev_addr)): SwiftEAL does not set up devices through VFIO")
    RteErrno.set(.ENOTSUP)
    return -1
}

@c @implementation
public func rte_vfio_release_device(_ sysfs_base: UnsafePointer<CChar>?, _ dev_addr: UnsafePointer<CChar>?,
                                    _ fd: Int32) -> Int32 {
    guard let sysfs_base, let dev_addr else { return -1 }
    var num: Int32 = 0
    if VFIO.groupNumber(sysfs_base, dev_addr, &num) <= 0 {
        ealLog(5, "\(String(cString: dev_addr)) not managed by VFIO driver")
        return -1
    }
    let groupFD = rte_vfio_get_group_fd(num)
    if groupFD < 0 {
        ealLog(6, "rte_vfio_get_group_fd failed for \(String(cString: dev_addr))")
        return groupFD
    }
    ealLog(4, "\(String(cString: dev_addr)): SwiftEAL did not set this device up through VFIO")
    return -1
}

@c @implementation
public func rte_vfio_enable(_ modname: UnsafePointer<CChar>?) -> Int32 {
    VFIO.enable(modname)
}

@c @implementation
public func rte_vfio_is_enabled(_ modname: UnsafePointer<CChar>?) -> Int32 {
    VFIO.isEnabled(modname)
}

@c @implementation
public func rte_vfio_noiommu_is_enabled() -> Int32 {
    VFIO.noiommuEnabled()
}

/// DPDK's lookup by fd, kept: an unused slot's fd is -1, so clearing group fd -1
/// clears the default container's first slot (and answers 0).
@c @implementation
public func rte_vfio_clear_group(_ vfio_group_fd: Int32) -> Int32 {
    VFIO.state.withLock { s -> Int32 in
        for c in 0..<VFIO.maxContainers {
            guard let g = s.containers[c].groups.firstIndex(where: { $0.fd == vfio_group_fd }) else { continue }
            s.containers[c].groups[g] = VFIO.Group()
            s.containers[c].activeGroups -= 1
            return 0
        }
        ealLog(4, "Invalid VFIO group fd!")
        return -1
    }
}

@c @implementation
public func rte_vfio_get_group_num(_ sysfs_base: UnsafePointer<CChar>?, _ dev_addr: UnsafePointer<CChar>?,
                                   _ iommu_group_num: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let sysfs_base, let dev_addr, let iommu_group_num else { return -1 }
    return VFIO.groupNumber(sysfs_base, dev_addr, &iommu_group_num.pointee)
}

/// The default container's fd while VFIO is on; -1 (silently) otherwise.
@c @implementation
public func rte_vfio_get_container_fd() -> Int32 {
    VFIO.state.withLock { $0.enabled ? $0.containers[0].fd : -1 }
}

@c @implementation
public func rte_vfio_get_group_fd(_ iommu_group_num: Int32) -> Int32 {
    VFIO.state.withLock { s -> Int32 in
        let c = s.containers.firstIndex { $0.groups.contains { $0.num == iommu_group_num } } ?? 0
        return VFIO.groupFD(&s, container: c, group: iommu_group_num)
    }
}

@c @implementation
public func rte_vfio_container_create() -> Int32 {
    guard let slot = VFIO.state.withLock({ s in (1..<VFIO.maxContainers).first { s.containers[$0].fd == -1 } }) else {
        ealLog(4, "Exceed max VFIO container limit")
        return -1
    }
    let fd = VFIO.openContainer()
    if fd < 0 {
        ealLog(5, "Fail to create a new VFIO container")
        return -1
    }
    VFIO.state.withLock { $0.containers[slot].fd = fd }
    return fd
}

@c @implementation
public func rte_vfio_container_destroy(_ container_fd: Int32) -> Int32 {
    let groups: [Int32]? = VFIO.state.withLock { s in
        VFIO.container(s, fd: container_fd).map { c in s.containers[c].groups.map(\.num).filter { $0 != -1 } }
    }
    guard let groups else {
        ealLog(4, "Invalid VFIO container fd")
        return -1
    }
    for g in groups { _ = rte_vfio_container_group_unbind(container_fd, g) }
    VFIO.state.withLock { s in
        if s.opened.remove(container_fd) != nil { close(container_fd) }
        if let c = VFIO.container(s, fd: container_fd) {
            s.containers[c].fd = -1
            s.containers[c].activeGroups = 0
            s.containers[c].iommuType = nil
        }
    }
    return 0
}

@c @implementation
public func rte_vfio_container_group_bind(_ container_fd: Int32, _ iommu_group_num: Int32) -> Int32 {
    VFIO.state.withLock { s -> Int32 in
        guard let c = VFIO.container(s, fd: container_fd) else {
            ealLog(4, "Invalid VFIO container fd")
            return -1
        }
        return VFIO.groupFD(&s, container: c, group: iommu_group_num)
    }
}

@c @implementation
public func rte_vfio_container_group_unbind(_ container_fd: Int32, _ iommu_group_num: Int32) -> Int32 {
    VFIO.state.withLock { s -> Int32 in
        guard let c = VFIO.container(s, fd: container_fd) else {
            ealLog(4, "Invalid VFIO container fd")
            return -1
        }
        guard let g = s.containers[c].groups.firstIndex(where: { $0.num == iommu_group_num }) else {
            ealLog(4, "Specified VFIO group number not found")
            return -1
        }
        let fd = s.containers[c].groups[g].fd
        if fd >= 0 && s.opened.remove(fd) != nil && close(fd) < 0 {
            ealLog(4, "Error when closing vfio_group_fd for iommu_group_num \(iommu_group_num)")
            return -1
        }
        s.containers[c].groups[g] = VFIO.Group()
        s.containers[c].activeGroups -= 1
        return 0
    }
}

@c @implementation
public func rte_vfio_container_dma_map(_ container_fd: Int32, _ vaddr: UInt64, _ iova: UInt64, _ len: UInt64) -> Int32 {
    if len == 0 { RteErrno.set(.EINVAL); return -1 }
    return VFIO.state.withLock { s -> Int32 in
        guard let c = VFIO.container(s, fd: container_fd) else {
            ealLog(4, "Invalid VFIO container fd")
            return -1
        }
        if s.containers[c].maps.count == 256 {   // VFIO_MAX_USER_MEM_MAPS
            ealLog(4, "No more space for user mem maps")
            RteErrno.set(.ENOMEM)
            return -1
        }
        // no IOMMU type is ever set up here (see VFIO)
        ealLog(4, "VFIO support not initialized")
        RteErrno.set(.ENODEV)
        ealLog(4, "Couldn't map new region for DMA")
        return -1
    }
}

@c @implementation
public func rte_vfio_container_dma_unmap(_ container_fd: Int32, _ vaddr: UInt64, _ iova: UInt64, _ len: UInt64) -> Int32 {
    if len == 0 { RteErrno.set(.EINVAL); return -1 }
    return VFIO.state.withLock { s -> Int32 in
        guard let c = VFIO.container(s, fd: container_fd) else {
            ealLog(4, "Invalid VFIO container fd")
            return -1
        }
        // nothing is ever mapped here (see rte_vfio_container_dma_map)
        _ = c
        ealLog(4, "Couldn't find previously mapped region")
        RteErrno.set(.EINVAL)
        return -1
    }
}
