import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// Device event callbacks (rte_dev_event_callback_*), process-local. A callback runs
/// without the lock held and is marked active meanwhile, so unregistering it then
/// answers -EAGAIN, as DPDK's.
enum DeviceEvents {
    struct Callback {
        let id: Int
        let fn: rte_dev_event_cb_fn
        // Safe: the caller's opaque argument; never dereferenced here, only handed back to fn.
        nonisolated(unsafe) let arg: UnsafeMutableRawPointer?
        let name: ByteString?   // nil: every device
        var active = false
    }
    struct State {
        var callbacks: [Callback] = []
        var nextID = 0
    }
    static let state = Mutex(State())

    static func register(_ name: UnsafePointer<CChar>?, _ fn: @escaping rte_dev_event_cb_fn,
                         _ arg: UnsafeMutableRawPointer?) -> Int32 {
        let key = name.map { ByteString(cString: $0) }
        let added = state.withLock { s -> Bool in
            let exists = s.callbacks.contains { cb in
                isSame(cb.fn, fn) && cb.arg == arg && cb.name == key
            }
            if exists { return false }
            s.callbacks.append(Callback(id: s.nextID, fn: fn, arg: arg, name: key))
            s.nextID += 1
            return true
        }
        if !added {
            ealLog(4, "The callback is already exist, no need to register again.")
            return -Errno.EEXIST.rawValue
        }
        return 0
    }

    /// Removes the callbacks with this function and argument (any argument for
    /// (void *)-1) registered for device `name` (for any device, and for all devices,
    /// when `name` is NULL): how many, -ENOENT for none, -EAGAIN when one is running.
    static func unregister(_ name: UnsafePointer<CChar>?, _ fn: rte_dev_event_cb_fn,
                           _ arg: UnsafeMutableRawPointer?) -> Int32 {
        let key = name.map { ByteString(cString: $0) }
        let anyArg = arg == UnsafeMutableRawPointer(bitPattern: -1)
        return state.withLock { s -> Int32 in
            var ret: Int32 = 0
            var i = 0
            while i < s.callbacks.count {
                let cb = s.callbacks[i]
                let sameDevice = key == nil || (cb.name != nil && cb.name == key)
                guard sameDevice, isSame(cb.fn, fn), anyArg || cb.arg == arg else { i += 1; continue }
                if cb.active { ret = -Errno.EAGAIN.rawValue; break }
                s.callbacks.remove(at: i)
                ret += 1
            }
            return ret == 0 ? -Errno.ENOENT.rawValue : ret
        }
    }

    /// Runs the callbacks of `name` and those for every device, in registration order.
    static func process(_ name: UnsafePointer<CChar>, _ event: rte_dev_event_type) {
        let key = ByteString(cString: name)
        var done = Set<Int>()
        while true {
            let next = state.withLock { s -> Callback? in
                guard let i = s.callbacks.firstIndex(where: { !done.contains($0.id) && ($0.name == nil || $0.name == key) })
                else { return nil }
                s.callbacks[i].active = true
                return s.callbacks[i]
            }
            guard let cb = next else { return }
            done.insert(cb.id)
            cb.fn(name, event, cb.arg)
            state.withLock { s in
                if let i = s.callbacks.firstIndex(where: { $0.id == cb.id }) { s.callbacks[i].active = false }
            }
        }
    }

    private static func isSame(_ a: rte_dev_event_cb_fn, _ b: rte_dev_event_cb_fn) -> Bool {
        unsafeBitCast(a, to: UnsafeRawPointer.self) == unsafeBitCast(b, to: UnsafeRawPointer.self)
    }
}

@c @implementation
public func rte_dev_event_callback_register(_ device_name: UnsafePointer<CChar>?, _ cb_fn: rte_dev_event_cb_fn?,
                                            _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let cb_fn else { return -Errno.EINVAL.rawValue }
    return DeviceEvents.register(device_name, cb_fn, cb_arg)
}

@c @implementation
public func rte_dev_event_callback_unregister(_ device_name: UnsafePointer<CChar>?, _ cb_fn: rte_dev_event_cb_fn?,
                                              _ cb_arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let cb_fn else { return -Errno.EINVAL.rawValue }
    return DeviceEvents.unregister(device_name, cb_fn, cb_arg)
}

@c @implementation
public func rte_dev_event_callback_process(_ device_name: UnsafePointer<CChar>?, _ event: rte_dev_event_type) {
    guard let device_name else { return }
    DeviceEvents.process(device_name, event)
}
