import CEALShared
import CSwiftEAL
import Glibc

// rte_interrupts.h: the C entry points. Validate, call the subsystem, and answer
// with DPDK 22.11's return values and rte_errno (probed against librte_eal).

@inline(__always)
private func handle(_ p: OpaquePointer?) -> IntrHandlePtr? {
    if let h = IntrHandle.from(p) { return h }
    ealLog(8, "Interrupt instance unallocated")
    RteErrno.set(.EINVAL)
    return nil
}

// MARK: instances

@c @implementation
public func rte_intr_instance_alloc(_ flags: UInt32) -> OpaquePointer? {
    do {
        return IntrHandle.opaque(try IntrHandle.allocate(flags: flags))
    } catch {
        if error == .EINVAL { ealLog(4, "Invalid alloc flag passed 0x\(String(flags, radix: 16))") }
        RteErrno.set(error)
        return nil
    }
}

@c @implementation
public func rte_intr_instance_free(_ intr_handle: OpaquePointer?) {
    if let h = IntrHandle.from(intr_handle) { IntrHandle.release(h) }
}

@c @implementation
public func rte_intr_instance_dup(_ src: OpaquePointer?) -> OpaquePointer? {
    guard let s = IntrHandle.from(src) else {
        ealLog(8, "Source interrupt instance unallocated")
        RteErrno.set(.EINVAL)
        return nil
    }
    return withRteErrno(nil) { () throws(Errno) in IntrHandle.opaque(try IntrHandle.duplicate(s)) }
}

// MARK: fields

@c @implementation
public func rte_intr_fd_set(_ intr_handle: OpaquePointer?, _ fd: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    h.pointee.fd = fd
    return 0
}

@c @implementation
public func rte_intr_fd_get(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -1 }
    return h.pointee.fd
}

@c @implementation
public func rte_intr_type_set(_ intr_handle: OpaquePointer?, _ type: rte_intr_handle_type) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    h.pointee.type = type.rawValue
    return 0
}

@c @implementation
public func rte_intr_type_get(_ intr_handle: OpaquePointer?) -> rte_intr_handle_type {
    guard let h = handle(intr_handle) else { return RTE_INTR_HANDLE_UNKNOWN }
    return rte_intr_handle_type(rawValue: h.pointee.type)
}

@c @implementation
public func rte_intr_dev_fd_set(_ intr_handle: OpaquePointer?, _ fd: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    h.pointee.dev_fd = fd
    return 0
}

@c @implementation
public func rte_intr_dev_fd_get(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -1 }
    return h.pointee.dev_fd
}

@c @implementation
public func rte_intr_max_intr_set(_ intr_handle: OpaquePointer?, _ max_intr: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    if max_intr > Int32(h.pointee.nb_intr) {
        ealLog(8, "Maximum interrupt vector ID (\(max_intr)) exceeds the number of available events (\(h.pointee.nb_intr))")
        RteErrno.set(.ERANGE)
        return -ERANGE
    }
    h.pointee.max_intr = UInt32(bitPattern: max_intr)
    return 0
}

@c @implementation
public func rte_intr_max_intr_get(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    return Int32(bitPattern: h.pointee.max_intr)
}

@c @implementation
public func rte_intr_nb_efd_set(_ intr_handle: OpaquePointer?, _ nb_efd: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    h.pointee.nb_efd = UInt32(bitPattern: nb_efd)
    return 0
}

@c @implementation
public func rte_intr_nb_efd_get(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    return Int32(bitPattern: h.pointee.nb_efd)
}

@c @implementation
public func rte_intr_nb_intr_get(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    return Int32(h.pointee.nb_intr)
}

@c @implementation
public func rte_intr_efd_counter_size_set(_ intr_handle: OpaquePointer?, _ efd_counter_size: UInt8) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    h.pointee.efd_counter_size = efd_counter_size
    return 0
}

@c @implementation
public func rte_intr_efd_counter_size_get(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    return Int32(h.pointee.efd_counter_size)
}

@c @implementation
public func rte_intr_efds_index_set(_ intr_handle: OpaquePointer?, _ index: Int32, _ fd: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    guard IntrHandle.vectorIndexValid(h, index) else {
        ealLog(8, "Invalid index \(index), max limit \(h.pointee.nb_intr)")
        RteErrno.set(.ERANGE)
        return -ERANGE
    }
    h.pointee.efds[Int(index)] = fd
    return 0
}

@c @implementation
public func rte_intr_efds_index_get(_ intr_handle: OpaquePointer?, _ index: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    guard IntrHandle.vectorIndexValid(h, index) else {
        ealLog(8, "Invalid index \(index), max limit \(h.pointee.nb_intr)")
        RteErrno.set(.EINVAL)
        return -EINVAL
    }
    return h.pointee.efds[Int(index)]
}

@c @implementation
public func rte_intr_elist_index_set(_ intr_handle: OpaquePointer?, _ index: Int32,
                                     _ elist: rte_epoll_event) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    guard IntrHandle.vectorIndexValid(h, index) else {
        ealLog(8, "Invalid index \(index), max limit \(h.pointee.nb_intr)")
        RteErrno.set(.ERANGE)
        return -ERANGE
    }
    h.pointee.elist[Int(index)] = elist
    return 0
}

@c @implementation
public func rte_intr_elist_index_get(_ intr_handle: OpaquePointer?, _ index: Int32) -> UnsafeMutablePointer<rte_epoll_event>? {
    guard let h = handle(intr_handle) else { return nil }
    guard IntrHandle.vectorIndexValid(h, index) else {
        ealLog(8, "Invalid index \(index), max limit \(h.pointee.nb_intr)")
        RteErrno.set(.ERANGE)
        return nil
    }
    return h.pointee.elist + Int(index)
}

@c @implementation
public func rte_intr_vec_list_alloc(_ intr_handle: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                    _ size: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    return withNegativeErrno { () throws(Errno) in
        try IntrHandle.allocateVectorList(h, size: size)
        return 0
    }
}

@c @implementation
public func rte_intr_vec_list_index_set(_ intr_handle: OpaquePointer?, _ index: Int32, _ vec: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    guard index >= 0, index < Int32(h.pointee.vec_list_size), let v = h.pointee.intr_vec else {
        ealLog(8, "Index \(index) greater than vec list size \(h.pointee.vec_list_size)")
        RteErrno.set(.ERANGE)
        return -ERANGE
    }
    v[Int(index)] = vec
    return 0
}

@c @implementation
public func rte_intr_vec_list_index_get(_ intr_handle: OpaquePointer?, _ index: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    guard index >= 0, index < Int32(h.pointee.vec_list_size), let v = h.pointee.intr_vec else {
        ealLog(8, "Index \(index) greater than vec list size \(h.pointee.vec_list_size)")
        RteErrno.set(.ERANGE)
        return -ERANGE
    }
    return v[Int(index)]
}

@c @implementation
public func rte_intr_vec_list_free(_ intr_handle: OpaquePointer?) {
    guard let h = IntrHandle.from(intr_handle) else { return }
    IntrHandle.freeVectorList(h)
}

@c @implementation
public func rte_intr_event_list_update(_ intr_handle: OpaquePointer?, _ size: Int32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    if size <= 0 || size > Int32(UInt16.max) {
        ealLog(8, "Invalid size \(size)")
        RteErrno.set(.EINVAL)
        return -EINVAL
    }
    return withNegativeErrno { () throws(Errno) in
        try IntrHandle.resizeVectors(h, to: Int(size))
        return 0
    }
}

@c @implementation
public func rte_intr_instance_windows_handle_get(_ intr_handle: OpaquePointer?) -> UnsafeMutableRawPointer? {
    guard let h = handle(intr_handle) else { return nil }
    return h.pointee.windows_handle
}

@c @implementation
public func rte_intr_instance_windows_handle_set(_ intr_handle: OpaquePointer?,
                                                 _ windows_handle: UnsafeMutableRawPointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    h.pointee.windows_handle = windows_handle
    return 0
}

// MARK: callbacks

@c @implementation
public func rte_intr_callback_register(_ intr_handle: OpaquePointer?, _ cb: rte_intr_callback_fn?,
                                       _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    guard rte_intr_fd_get(intr_handle) >= 0, let cb, let h = IntrHandle.from(intr_handle) else {
        ealLog(4, "Registering with invalid input parameter")
        return -EINVAL
    }
    var rc: Int32 = 0
    do { try IntrSources.register(h, cb, cb_arg) } catch { rc = -error.rawValue }
    var t = traceFields(h)
    rte_eal_trace_intr_callback_register(&t, unsafeBitCast(cb, to: UnsafeRawPointer.self), cb_arg, rc)
    return rc
}

/// What the interrupt trace points record of a handle.
private func traceFields(_ h: IntrHandlePtr) -> eal_trace_intr {
    eal_trace_intr(dev_fd: h.pointee.dev_fd, fd: h.pointee.fd, type: Int32(bitPattern: h.pointee.type),
                   max_intr: h.pointee.max_intr, nb_efd: h.pointee.nb_efd)
}

@c @implementation
public func rte_intr_callback_unregister(_ intr_handle: OpaquePointer?, _ cb: rte_intr_callback_fn?,
                                         _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    let fd = rte_intr_fd_get(intr_handle)
    guard fd >= 0 else {
        ealLog(4, "Unregistering with invalid input parameter")
        return -EINVAL
    }
    var rc: Int32
    do { rc = try IntrSources.unregister(fd: fd, cb, cb_arg) } catch { rc = -error.rawValue }
    if let h = IntrHandle.from(intr_handle) {
        var t = traceFields(h)
        rte_eal_trace_intr_callback_unregister(&t, cb.map { unsafeBitCast($0, to: UnsafeRawPointer.self) }, cb_arg, rc)
    }
    return rc
}

@c @implementation
public func rte_intr_callback_unregister_pending(_ intr_handle: OpaquePointer?, _ cb_fn: rte_intr_callback_fn?,
                                                 _ cb_arg: UnsafeMutableRawPointer?,
                                                 _ ucb_fn: rte_intr_unregister_callback_fn?) -> Int32 {
    let fd = rte_intr_fd_get(intr_handle)
    guard fd >= 0 else {
        ealLog(4, "Unregistering with invalid input parameter")
        return -EINVAL
    }
    do { return try IntrSources.unregisterPending(fd: fd, cb_fn, cb_arg, ucb_fn) } catch { return -error.rawValue }
}

@c @implementation
public func rte_intr_callback_unregister_sync(_ intr_handle: OpaquePointer?, _ cb: rte_intr_callback_fn?,
                                              _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    while true {
        let r = rte_intr_callback_unregister(intr_handle, cb, cb_arg)
        if r != -EAGAIN { return r }
        // On the interrupt thread the running source is our own caller: it would never stop.
        if onInterruptThread() {
            ealLog(4, "rte_intr_callback_unregister_sync called from its own interrupt callback")
            return -EDEADLK
        }
        sched_yield()
    }
}

@c @implementation
public func rte_thread_is_intr() -> Int32 {
    onInterruptThread() ? 1 : 0
}

// MARK: device interrupt control

/// VFIO interrupts are switched by ioctls on a VFIO device SwiftEAL does not drive yet.
private func refuseDevice(_ what: IntrAction, _ h: IntrHandlePtr) -> Int32 {
    ealLog(4, "Cannot \(what.rawValue) interrupts for fd \(h.pointee.fd): VFIO interrupt type \(h.pointee.type) is not supported")
    return -1
}

/// enable, disable and ack (which for UIO is enable again), as DPDK: both fds must be
/// set for every type but VDEV, whichever one the type uses.
private enum IntrAction: String { case enable, disable, acknowledge }

private func control(_ intr_handle: OpaquePointer?, _ what: IntrAction) -> Int32 {
    guard let h = IntrHandle.from(intr_handle) else { return -1 }
    if h.pointee.type == RTE_INTR_HANDLE_VDEV.rawValue { return 0 }
    if h.pointee.fd < 0 || h.pointee.dev_fd < 0 { return -1 }
    let on = what != .disable
    switch h.pointee.type {
    case RTE_INTR_HANDLE_UIO.rawValue:
        return UIOControl.uio(h, enable: on) ? 0 : -1
    case RTE_INTR_HANDLE_UIO_INTX.rawValue:
        return UIOControl.intx(h, enable: on) ? 0 : -1
    case RTE_INTR_HANDLE_VFIO_LEGACY.rawValue, RTE_INTR_HANDLE_VFIO_MSI.rawValue,
         RTE_INTR_HANDLE_VFIO_MSIX.rawValue, RTE_INTR_HANDLE_VFIO_REQ.rawValue:
        return refuseDevice(what, h)
    case RTE_INTR_HANDLE_ALARM.rawValue, RTE_INTR_HANDLE_DEV_EVENT.rawValue:
        return -1 // nothing to switch: these are not device interrupts
    default:
        ealLog(4, "Unknown handle type of fd \(h.pointee.fd)")
        return -1
    }
}

@c @implementation
public func rte_intr_enable(_ intr_handle: OpaquePointer?) -> Int32 {
    let rc = control(intr_handle, .enable)
    if let h = IntrHandle.from(intr_handle) { var t = traceFields(h); rte_eal_trace_intr_enable(&t, rc) }
    return rc
}

@c @implementation
public func rte_intr_disable(_ intr_handle: OpaquePointer?) -> Int32 {
    let rc = control(intr_handle, .disable)
    if let h = IntrHandle.from(intr_handle) { var t = traceFields(h); rte_eal_trace_intr_disable(&t, rc) }
    return rc
}

@c @implementation
public func rte_intr_ack(_ intr_handle: OpaquePointer?) -> Int32 {
    guard let h = handle(intr_handle) else { return -1 }
    // MSI and MSI-X need no acknowledgement: there is nothing to refuse.
    if h.pointee.type == RTE_INTR_HANDLE_VFIO_MSI.rawValue || h.pointee.type == RTE_INTR_HANDLE_VFIO_MSIX.rawValue {
        if h.pointee.fd < 0 || h.pointee.dev_fd < 0 { return -1 }
        return 0
    }
    return control(intr_handle, .acknowledge)
}

// MARK: datapath (Rx) interrupt vectors

/// Other (non-queue) interrupt causes a handle keeps beside its queue vectors.
private let otherInterrupts: Int32 = 1

@c @implementation
public func rte_intr_efd_enable(_ intr_handle: OpaquePointer?, _ nb_efd: UInt32) -> Int32 {
    guard let h = handle(intr_handle) else { return -EINVAL }
    if nb_efd == 0 {
        ealLog(4, "rte_intr_efd_enable: nb_efd must not be 0")
        RteErrno.set(.EINVAL)
        return -EINVAL
    }
    let n = Int32(min(nb_efd, UInt32(RTE_MAX_RXTX_INTR_VEC_ID)))
    switch h.pointee.type {
    case RTE_INTR_HANDLE_VFIO_MSIX.rawValue:
        for i in 0..<n {
            let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
            if fd < 0 {
                let e = errno
                ealLog(4, "can't setup eventfd, error \(e) (\(String(cString: strerror(e))))")
                return -e
            }
            if rte_intr_efds_index_set(intr_handle, i, fd) != 0 { close(fd); return -RteErrno.value }
        }
        if rte_intr_nb_efd_set(intr_handle, n) != 0 { return -RteErrno.value }
        if rte_intr_max_intr_set(intr_handle, otherInterrupts + n) != 0 { return -RteErrno.value }
    case RTE_INTR_HANDLE_VDEV.rawValue:
        // The vdev driver sets its fds up; only its counter size is checked here.
        if Int(h.pointee.efd_counter_size) > 16 {
            ealLog(4, "the efd_counter_size is oversized")
            return -EINVAL
        }
    default:
        if rte_intr_efds_index_set(intr_handle, 0, h.pointee.fd) != 0 { return -RteErrno.value }
        if rte_intr_nb_efd_set(intr_handle, min(n, 1)) != 0 { return -RteErrno.value }
        if rte_intr_max_intr_set(intr_handle, otherInterrupts) != 0 { return -RteErrno.value }
    }
    return 0
}

@c @implementation
public func rte_intr_free_epoll_fd(_ intr_handle: OpaquePointer?) {
    guard let h = IntrHandle.from(intr_handle) else { return }
    let n = min(Int(h.pointee.nb_efd), Int(h.pointee.nb_intr))
    for i in 0..<n {
        let rev = h.pointee.elist + i
        if rev.statusWord.load() == UInt32(RTE_EPOLL_INVALID) { continue }
        if Epoll.ctl(rev.pointee.epfd, EPOLL_CTL_DEL, rev.pointee.fd, rev) != 0 {
            Epoll.releaseEvent(rev) // still marked valid: free it by force
        }
    }
}

@c @implementation
public func rte_intr_efd_disable(_ intr_handle: OpaquePointer?) {
    guard let h = IntrHandle.from(intr_handle) else { return }
    rte_intr_free_epoll_fd(intr_handle)
    // Only event fds made by rte_intr_efd_enable (more vectors than queues) are ours.
    if Int32(bitPattern: h.pointee.max_intr) > Int32(bitPattern: h.pointee.nb_efd) {
        let n = min(Int(h.pointee.nb_efd), Int(h.pointee.nb_intr))
        for i in 0..<n { close(h.pointee.efds[i]) }
    }
    h.pointee.nb_efd = 0
    h.pointee.max_intr = 0
}

@c @implementation
public func rte_intr_dp_is_en(_ intr_handle: OpaquePointer?) -> Int32 {
    rte_intr_nb_efd_get(intr_handle) != 0 ? 1 : 0
}

@c @implementation
public func rte_intr_allow_others(_ intr_handle: OpaquePointer?) -> Int32 {
    if rte_intr_dp_is_en(intr_handle) == 0 { return 1 }
    return rte_intr_max_intr_get(intr_handle) != rte_intr_nb_efd_get(intr_handle) ? 1 : 0
}

@c @implementation
public func rte_intr_cap_multiple(_ intr_handle: OpaquePointer?) -> Int32 {
    let t = rte_intr_type_get(intr_handle)
    return t == RTE_INTR_HANDLE_VDEV || t == RTE_INTR_HANDLE_VFIO_MSIX ? 1 : 0
}

@c @implementation
public func rte_intr_tls_epfd() -> Int32 {
    EpollTLS.current()
}

/// The callback rte_intr_rx_ctl attaches to a queue's event: it drains the fd so the
/// next epoll wait does not see the same interrupt again.
private let drainVector: rte_intr_event_cb_t = { fd, arg in
    guard let h = IntrHandle.from(OpaquePointer(arg)) else { return }
    var size: Int
    switch h.pointee.type {
    case RTE_INTR_HANDLE_VDEV.rawValue: size = Int(h.pointee.efd_counter_size)
    case RTE_INTR_HANDLE_UIO.rawValue, RTE_INTR_HANDLE_UIO_INTX.rawValue: size = 4
    case RTE_INTR_HANDLE_VFIO_MSIX.rawValue, RTE_INTR_HANDLE_VFIO_MSI.rawValue,
         RTE_INTR_HANDLE_VFIO_LEGACY.rawValue: size = 8
    default: size = 1
    }
    if size == 0 { return }
    size = min(size, 16)
    var buf: (UInt64, UInt64) = (0, 0)
    while true {
        let r = withUnsafeMutableBytes(of: &buf) { read(fd, $0.baseAddress, size) }
        if r < 0 {
            if errno == EINTR { continue }
            if errno != EAGAIN { ealLog(4, "Error reading from fd \(fd): \(String(cString: strerror(errno)))") }
        } else if r == 0 {
            ealLog(4, "Read nothing from fd \(fd)")
        }
        return
    }
}

@c @implementation
public func rte_intr_rx_ctl(_ intr_handle: OpaquePointer?, _ epfd: Int32, _ op: Int32,
                            _ vec: UInt32, _ data: UnsafeMutableRawPointer?) -> Int32 {
    let idx = vec >= UInt32(RTE_INTR_VEC_RXTX_OFFSET) ? vec - UInt32(RTE_INTR_VEC_RXTX_OFFSET) : vec
    guard let h = IntrHandle.from(intr_handle), h.pointee.nb_efd != 0,
          idx < h.pointee.nb_efd, idx < UInt32(h.pointee.nb_intr) else {
        ealLog(4, "Wrong intr vector number.")
        return -EPERM
    }
    let rev = h.pointee.elist + Int(idx)
    let st = rev.statusWord
    switch UInt(bitPattern: Int(op)) {
    case RTE_INTR_EVENT_ADD:
        if st.load() != UInt32(RTE_EPOLL_INVALID) {
            ealLog(7, "Event already been added.")
            return -EEXIST
        }
        rev.pointee.epdata.event = EPOLLIN.rawValue | EPOLLPRI.rawValue | EPOLLET.rawValue
        rev.pointee.epdata.data = data
        rev.pointee.epdata.cb_fun = drainVector
        rev.pointee.epdata.cb_arg = UnsafeMutableRawPointer(h)
        return Epoll.ctl(epfd, EPOLL_CTL_ADD, h.pointee.efds[Int(idx)], rev) == 0 ? 0 : -EPERM
    case RTE_INTR_EVENT_DEL:
        if st.load() == UInt32(RTE_EPOLL_INVALID) {
            ealLog(7, "Event does not exist.")
            return -EPERM
        }
        return Epoll.ctl(rev.pointee.epfd, EPOLL_CTL_DEL, rev.pointee.fd, rev) == 0 ? 0 : -EPERM
    default:
        ealLog(4, "event op type mismatch")
        return -EPERM
    }
}
