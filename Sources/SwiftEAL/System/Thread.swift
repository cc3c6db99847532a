import Glibc

/// Starts a detached-or-joinable pthread running `body`. Used at init time only
/// (lcore workers, the interrupt thread); the closure box is the one allocation.
func spawnThread(name: String?, attr: UnsafePointer<pthread_attr_t>? = nil,
                 _ body: @escaping () -> Void) throws(Errno) -> pthread_t {
    final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }
    let ctx = Unmanaged.passRetained(Box(body)).toOpaque()
    var tid = pthread_t()
    let r = pthread_create(&tid, attr, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, ctx)
    if r != 0 {
        Unmanaged<Box>.fromOpaque(ctx).release()
        throw Errno(r)
    }
    if let name { setThreadName(tid, name) }
    return tid
}

/// Linux limits thread names to 15 bytes; longer names are cut, as DPDK does.
@discardableResult
func setThreadName(_ tid: pthread_t, _ name: String) -> Int32 {
    var bytes = Array(name.utf8.prefix(15))
    bytes.append(0)
    return bytes.withUnsafeBufferPointer { p in
        p.withMemoryRebound(to: CChar.self) { pthread_setname_np(tid, $0.baseAddress!) }
    }
}

/// The kernel thread id of the caller.
@inline(__always)
func currentTid() -> Int32 { Glibc.gettid() }
