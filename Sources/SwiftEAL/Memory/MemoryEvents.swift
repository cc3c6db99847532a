import CSwiftEAL
import Glibc
import Synchronization

/// Memory event callbacks (told of every page mapping and unmapping) and allocation
/// validators (asked before memory on a socket grows past a limit). Process-local, as
/// in DPDK: each process registers its own.
enum MemoryEvents {
    struct Callback {
        var name: ByteString
        var function: rte_mem_event_callback_t
        var arg: UnsafeMutableRawPointer?
    }

    struct Validator {
        var name: ByteString
        var function: rte_mem_alloc_validator_t
        var socket: Int32
        var limit: Int
    }

    struct Registry {
        var callbacks: [Callback] = []
        var validators: [Validator] = []
    }

    static let registry = Mutex(Registry())

    /// Names of callbacks and validators: below 64 bytes (RTE_MEM_*_NAME_LEN).
    static let nameCapacity = 64

    private static func checkedName(_ name: UnsafePointer<CChar>?) throws(Errno) -> ByteString {
        guard let name else { throw .EINVAL }
        guard strnlen(name, nameCapacity) < nameCapacity else { throw .ENAMETOOLONG }
        return ByteString(cString: name)
    }

    /// Dynamic memory only: with --legacy-mem (and --no-huge) memory never changes. As
    /// DPDK's, this is checked before the arguments: in legacy mode every call is ENOTSUP.
    private static func requireDynamic() throws(Errno) {
        if Runtime.config.legacyMem { throw .ENOTSUP }
    }

    static func register(name: UnsafePointer<CChar>?, function: rte_mem_event_callback_t?,
                         arg: UnsafeMutableRawPointer?) throws(Errno) {
        try requireDynamic()
        guard let function else { throw .EINVAL }
        let n = try checkedName(name)
        try registry.withLock { (r: inout Registry) throws(Errno) in
            if r.callbacks.contains(where: { $0.name == n && $0.arg == arg }) { throw .EEXIST }
            r.callbacks.append(Callback(name: n, function: function, arg: arg))
        }
    }

    static func unregister(name: UnsafePointer<CChar>?, arg: UnsafeMutableRawPointer?) throws(Errno) {
        try requireDynamic()
        let n = try checkedName(name)
        try registry.withLock { (r: inout Registry) throws(Errno) in
            guard let i = r.callbacks.firstIndex(where: { $0.name == n && $0.arg == arg }) else { throw .ENOENT }
            r.callbacks.remove(at: i)
        }
    }

    static func registerValidator(name: UnsafePointer<CChar>?, function: rte_mem_alloc_validator_t?,
                                  socket: Int32, limit: Int) throws(Errno) {
        try requireDynamic()
        guard let function, socket >= 0 else { throw .EINVAL }
        let n = try checkedName(name)
        try registry.withLock { (r: inout Registry) throws(Errno) in
            if r.validators.contains(where: { $0.name == n && $0.socket == socket }) { throw .EEXIST }
            r.validators.append(Validator(name: n, function: function, socket: socket, limit: limit))
        }
    }

    static func unregisterValidator(name: UnsafePointer<CChar>?, socket: Int32) throws(Errno) {
        try requireDynamic()
        guard socket >= 0 else { throw .EINVAL }
        let n = try checkedName(name)
        try registry.withLock { (r: inout Registry) throws(Errno) in
            guard let i = r.validators.firstIndex(where: { $0.name == n && $0.socket == socket }) else { throw .ENOENT }
            r.validators.remove(at: i)
        }
    }

    /// Tells every callback (outside the registry's lock: a callback may register another).
    static func notify(_ event: rte_mem_event, _ addr: UnsafeRawPointer, _ length: Int) {
        let callbacks = registry.withLock { $0.callbacks }
        for c in callbacks { c.function(event, addr, length, c.arg) }
    }

    /// Whether memory on `socket` may grow to `newLength` bytes: every validator of that
    /// socket whose limit it reaches is asked, and one refusal (a negative answer) refuses.
    static func allows(socket: Int32, newLength: Int) -> Bool {
        let validators = registry.withLock { $0.validators }
        var ok = true
        for v in validators where v.socket == socket && newLength >= v.limit {
            if v.function(socket, v.limit, newLength) < 0 { ok = false }
        }
        return ok
    }
}
