import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The device event monitor: a netlink socket on the kernel's uevents, served by the
/// interrupt thread. PCI (and uio, vfio) add/remove events reach the device event
/// callbacks; with hotplug handling on, a removed PCI device's bus is told first.
/// Starts and stops are counted, as DPDK's.
enum DeviceMonitor {
    struct State {
        var refcount = 0
        var handle: OpaquePointer? = nil
    }
    static let state = Mutex(State())
    /// rte_dev_hotplug_handle_enable/disable.
    static let hotplugHandling = Atomic<Bool>(false)
    static let messageLength = 4096

    static func start() -> Int32 {
        state.withLock { s -> Int32 in
            if s.refcount > 0 { s.refcount += 1; return 0 }
            guard let h = rte_intr_instance_alloc(0)   // RTE_INTR_INSTANCE_F_PRIVATE
 else {
                ealLog(4, "Fail to allocate intr_handle")
                return 0   // DPDK answers 0 here too, with no monitor running
            }
            var ret = rte_intr_type_set(h, RTE_INTR_HANDLE_DEV_EVENT)
            if ret == 0 { ret = rte_intr_fd_set(h, -1) }
            if ret == 0 {
                ret = openSocket(h)
                if ret != 0 { ealLog(4, "error create device event fd.") }
            }
            if ret == 0 {
                ret = rte_intr_callback_register(h, ueventHandler, nil)
                if ret != 0 { close(rte_intr_fd_get(h)) }
            }
            if ret != 0 {
                rte_intr_instance_free(h)
                return ret
            }
            s.handle = h
            s.refcount = 1
            return 0
        }
    }

    static func stop() -> Int32 {
        state.withLock { s -> Int32 in
            guard s.refcount > 0, let h = s.handle else {
                ealLog(4, "device event monitor already stopped")
                return 0
            }
            if s.refcount > 1 { s.refcount -= 1; return 0 }
            let ret = rte_intr_callback_unregister(h, ueventHandler, UnsafeMutableRawPointer(bitPattern: -1))
            if ret < 0 {
                ealLog(4, "fail to unregister uevent callback.")
                return ret
            }
            close(rte_intr_fd_get(h))
            rte_intr_instance_free(h)
            s.handle = nil
            s.refcount = 0
            return 0
        }
    }

    /// rte_eal_cleanup: the monitor goes with the interrupt thread.
    static func cleanup() {
        while state.withLock({ $0.refcount }) > 0 { _ = stop() }
        _ = HotplugSignal.disable()
    }

    private static func openSocket(_ h: OpaquePointer) -> Int32 {
        let fd = eal_uevent_socket()
        if fd == -1 { ealLog(4, "create uevent fd failed."); return -1 }
        if fd == -2 { ealLog(4, "Failed to bind uevent socket."); return -1 }
        if rte_intr_fd_set(h, fd) != 0 {
            close(fd)
            return -1
        }
        return 0
    }

    /// A kernel uevent: "ACTION=add\0SUBSYSTEM=pci\0PCI_SLOT_NAME=...\0..."; nil for
    /// udev's own messages and for other subsystems or actions.
    struct Uevent: Equatable {
        var type: rte_dev_event_type
        var busName: String        // "pci" for pci and uio, "" for vfio
        var devname: [UInt8]?
    }

    static func parse(_ buf: UnsafeBufferPointer<UInt8>) -> Uevent? {
        var action: [UInt8] = [], subsystem: [UInt8] = [], devname: [UInt8]? = nil
        for field in buf.split(separator: 0) {
            if field.starts(with: "libudev".utf8) { return nil }
            for (key, keep) in [("ACTION=", 0), ("SUBSYSTEM=", 1), ("PCI_SLOT_NAME=", 2)] where field.starts(with: key.utf8) {
                let value = Array(field.dropFirst(key.utf8.count).prefix(127))
                switch keep { case 0: action = value; case 1: subsystem = value; default: devname = value }
            }
        }
        let bus: String
        if subsystem.starts(with: "uio".utf8) || subsystem.starts(with: "pci".utf8) { bus = "pci" }
        else if subsystem.starts(with: "vfio".utf8) { bus = "" }
        else { return nil }
        let type: rte_dev_event_type
        if action.starts(with: "add".utf8) { type = RTE_DEV_EVENT_ADD }
        else if action.starts(with: "remove".utf8) { type = RTE_DEV_EVENT_REMOVE }
        else { return nil }
        return Uevent(type: type, busName: bus, devname: devname)
    }

    /// Runs on the interrupt thread when the socket has a message.
    static func handle(_ fd: Int32) {
        var buf = [UInt8](repeating: 0, count: messageLength + 1)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, messageLength, Int32(MSG_DONTWAIT)) }
        if n < 0 && errno == EAGAIN { return }
        if n <= 0 {
            ealLog(4, "uevent socket connection is broken.")
            _ = rte_eal_alarm_set(1, { _ in _ = DeviceMonitor.dropCallback() }, nil)
            return
        }
        guard let ev = buf.withUnsafeBufferPointer({ parse(UnsafeBufferPointer(rebasing: $0[0..<n])) }) else {
            debug("Ignoring uevent '\(String(decoding: buf.prefix { $0 != 0 }, as: UTF8.self))'")
            return
        }
        guard let devname = ev.devname else { return }
        ByteString(devname).withCString { name in
            if ev.type == RTE_DEV_EVENT_REMOVE && hotplugHandling.load(ordering: .acquiring) {
                unplugged(ev.busName, name)
            }
            DeviceEvents.process(name, ev.type)
        }
    }

    private static func unplugged(_ busName: String, _ name: UnsafePointer<CChar>) {
        guard let bus = Buses.byName(busName) else {
            ealLog(4, "Cannot find bus (\(busName))")
            return
        }
        guard let dev = bus.pointee.find_device?(nil, deviceNameIs, name) else {
            ealLog(4, "Cannot find device (\(String(cString: name))) on bus (\(busName))")
            return
        }
        if let handler = bus.pointee.hot_unplug_handler, handler(dev) != 0 {
            ealLog(4, "Can not handle hot-unplug for device (\(String(cString: name)))")
        }
    }

    /// After a broken socket: the handler leaves the interrupt thread.
    private static func dropCallback() -> Int32 {
        guard let h = state.withLock({ $0.handle }) else { return 0 }
        return rte_intr_callback_unregister(h, ueventHandler, UnsafeMutableRawPointer(bitPattern: -1))
    }
}

private let ueventHandler: rte_intr_callback_fn = { _ in
    guard let h = DeviceMonitor.state.withLock({ $0.handle }) else { return }
    let fd = rte_intr_fd_get(h)
    if fd >= 0 { DeviceMonitor.handle(fd) }
}

/// SIGBUS from a hot-unplugged device's memory: the buses' sigbus handlers fix the
/// mapping up; a fault no bus knows goes to the handler that was there before.
enum HotplugSignal {
    // Safe: sigaction() fills it before installed's release store; the handler (no locks there) and disable() read it after.
    nonisolated(unsafe) static var previous = sigaction()
    static let installed = Atomic<Bool>(false)

    static func enable() -> Int32 {
        RteErrno.set(0)
        if installed.load(ordering: .acquiring) { return 0 }
        var act = sigaction()
        sigemptyset(&act.sa_mask)
        sigaddset(&act.sa_mask, SIGBUS)
        act.sa_flags = SA_SIGINFO
        act.__sigaction_handler.sa_sigaction = sigbusHandler
        installed.store(sigaction(SIGBUS, &act, &previous) == 0, ordering: .releasing)
        return RteErrno.value
    }

    /// rte_exit(EXIT_FAILURE, why), as DPDK's handler does.
    static func exit(_ why: String) -> Never {
        let eal = UInt32(RTE_LOGTYPE_EAL), crit = UInt32(RTE_LOG_CRIT)
        LogOutput.emit(type: eal, level: crit, "EAL: Error - exiting with code: 1\n  Cause: \(why)")
        _ = swifteal_eal_cleanup_if_present()
        Glibc.exit(EXIT_FAILURE)
    }

    static func disable() -> Int32 {
        RteErrno.set(0)
        if installed.exchange(false, ordering: .acquiringAndReleasing) {
            sigaction(SIGBUS, &previous, nil)
        }
        return RteErrno.value
    }
}

private let sigbusHandler: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = {
    signum, info, ctx in
    let addr = info.flatMap { eal_siginfo_addr($0) }
    debug("Thread catch SIGBUS, fault address:\(String(describing: addr))")
    let ret = Buses.sigbus(UnsafeRawPointer(addr))
    if ret == -1 {
        HotplugSignal.exit("Failed to handle SIGBUS for hot-unplug, (rte_errno: \(String(cString: strerror(RteErrno.value))))!")
    } else if ret == 1 {
        let old = HotplugSignal.previous
        if old.sa_flags == SA_SIGINFO, let f = old.__sigaction_handler.sa_sigaction {
            f(signum, info, ctx)
        } else if old.sa_flags != SA_SIGINFO, let f = old.__sigaction_handler.sa_handler,
                  unsafeBitCast(f, to: Int.self) > 1 {   // neither SIG_DFL nor SIG_IGN
            f(signum)
        } else {
            HotplugSignal.exit("Failed to handle generic SIGBUS!")
        }
    }
    debug("Success to handle SIGBUS for hot-unplug!")
}

@c @implementation
public func rte_dev_event_monitor_start() -> Int32 {
    DeviceMonitor.start()
}

@c @implementation
public func rte_dev_event_monitor_stop() -> Int32 {
    DeviceMonitor.stop()
}

@c @implementation
public func rte_dev_hotplug_handle_enable() -> Int32 {
    let ret = HotplugSignal.enable()
    if ret < 0 { ealLog(4, "fail to register sigbus handler for devices.") }
    DeviceMonitor.hotplugHandling.store(true, ordering: .releasing)
    return ret
}

@c @implementation
public func rte_dev_hotplug_handle_disable() -> Int32 {
    let ret = HotplugSignal.disable()
    if ret < 0 { ealLog(4, "fail to unregister sigbus handler for devices.") }
    DeviceMonitor.hotplugHandling.store(false, ordering: .releasing)
    return ret
}
