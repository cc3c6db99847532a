import CEALShared
import CSwiftEAL
import Glibc

/// One registered callback of a source. Nodes are malloc'ed at registration and
/// freed at removal; dispatch only walks them.
struct IntrCallback {
    var next: UnsafeMutablePointer<IntrCallback>?
    var fn: rte_intr_callback_fn
    var arg: UnsafeMutableRawPointer?
    /// Marked by rte_intr_callback_unregister_pending; removed when the source is done.
    var pendingDelete: Bool
    var ucb: rte_intr_unregister_callback_fn?
}

/// One fd the interrupt thread waits on, with its callbacks in registration order.
struct IntrSource {
    var next: UnsafeMutablePointer<IntrSource>?
    /// The registering caller's handle, copied (the caller may free theirs).
    var handle: IntrHandlePtr
    var fd: Int32
    var first: UnsafeMutablePointer<IntrCallback>?
    var last: UnsafeMutablePointer<IntrCallback>?
    /// True while the interrupt thread reads the fd and runs the callbacks.
    var active: Bool
    /// Callbacks marked pendingDelete.
    var pending: Int32
    /// The callbacks ran for a hang-up last time the fd was served.
    var hungUp: Bool = false
    /// Hung up for good: left out of the wait list until a callback is registered again.
    var resting: Bool = false
}

typealias CallbackPtr = UnsafeMutablePointer<IntrCallback>
typealias SourcePtr = UnsafeMutablePointer<IntrSource>

/// Everything the interrupt subsystem owns, in one block allocated once per
/// process: the lock, the source list, the wake-up pipe and the thread.
struct IntrState {
    var lock = pthread_mutex_t()
    var sources: SourcePtr? = nil
    var pipeRead: Int32 = -1
    var pipeWrite: Int32 = -1
    var thread = pthread_t()
    /// The thread's own pthread_self(), for rte_thread_is_intr.
    var threadSelf = pthread_t()
    var running = false
    var stopping = false
    /// Set when cleanup ran on the thread itself, which then releases everything
    /// as it ends (see interruptsCleanup).
    var releaseOnExit = false
    /// The thread's preallocated epoll_wait buffer.
    var events: UnsafeMutablePointer<epoll_event>? = nil
    static let eventCapacity: Int32 = 64
}

typealias IntrStatePtr = UnsafeMutablePointer<IntrState>

/// The one interrupt state of the process (never freed; its contents are reset by
/// interruptsCleanup).
// Safe: the pointer never changes; its fields are read and written under its lock.
nonisolated(unsafe) let intrState: IntrStatePtr = {
    let s = IntrStatePtr.allocate(capacity: 1)
    s.initialize(to: IntrState())
    pthread_mutex_init(&s.pointee.lock, nil)
    return s
}()

extension UnsafeMutablePointer where Pointee == IntrState {
    @inline(__always) func lock() { pthread_mutex_lock(&pointee.lock) }
    @inline(__always) func unlock() { pthread_mutex_unlock(&pointee.lock) }

    /// The source waiting on fd. Lock held.
    @inline(__always)
    func source(fd: Int32) -> SourcePtr? {
        var s = pointee.sources
        while let src = s {
            if src.pointee.fd == fd { return src }
            s = src.pointee.next
        }
        return nil
    }

    /// Takes src off the list. Lock held.
    func unlink(_ src: SourcePtr) {
        if pointee.sources == src {
            pointee.sources = src.pointee.next
            return
        }
        var s = pointee.sources
        while let cur = s {
            if cur.pointee.next == src {
                cur.pointee.next = src.pointee.next
                return
            }
            s = cur.pointee.next
        }
    }

    /// Tells the thread its wait list changed. False when the pipe write failed.
    func wake() -> Bool {
        let fd = pointee.pipeWrite
        if fd < 0 { return true } // no thread yet: it builds its list when it starts
        var byte: UInt8 = 0x31
        while true {
            let r = write(fd, &byte, 1)
            if r == 1 { return true }
            if r < 0 && (errno == EINTR) { continue }
            // A full pipe already holds a wake-up for the thread.
            return r < 0 && (errno == EAGAIN)
        }
    }
}

@inline(__always)
func sameFunction<F>(_ a: F, _ b: F) -> Bool {
    unsafeBitCast(a, to: UnsafeRawPointer.self) == unsafeBitCast(b, to: UnsafeRawPointer.self)
}

/// (void *)-1: "any argument".
var anyCallbackArg: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: -1) }

/// Whether cb is fn with arg (any argument for (void *)-1); a NULL fn matches nothing.
@inline(__always)
func callbackMatches(_ cb: CallbackPtr, _ fn: rte_intr_callback_fn?,
                     _ arg: UnsafeMutableRawPointer?) -> Bool {
    guard let fn else { return false }
    return sameFunction(cb.pointee.fn, fn) && (arg == anyCallbackArg || cb.pointee.arg == arg)
}

func freeSource(_ src: SourcePtr) {
    var c = src.pointee.first
    while let cb = c {
        c = cb.pointee.next
        cb.deallocate()
    }
    IntrHandle.release(src.pointee.handle)
    src.deallocate()
}

enum IntrSources {
    /// Adds fn(arg) to the source for h's fd, creating the source if needed.
    static func register(_ h: IntrHandlePtr, _ fn: rte_intr_callback_fn,
                         _ arg: UnsafeMutableRawPointer?) throws(Errno) {
        let s = intrState
        let fd = h.pointee.fd
        let cb = CallbackPtr.allocate(capacity: 1)
        cb.initialize(to: IntrCallback(next: nil, fn: fn, arg: arg, pendingDelete: false, ucb: nil))
        // A spare source, made before taking the lock (it is the only allocation).
        let copy: IntrHandlePtr
        do { copy = try IntrHandle.duplicate(h) } catch { cb.deallocate(); throw error }
        let spare = SourcePtr.allocate(capacity: 1)
        spare.initialize(to: IntrSource(next: nil, handle: copy, fd: fd, first: nil, last: nil,
                                        active: false, pending: 0))
        var wake = false
        s.lock()
        let src: SourcePtr
        if let existing = s.source(fd: fd) {
            src = existing
            if existing.pointee.resting {
                // registered again: polled again (see the interrupt thread's hang-up rule)
                existing.pointee.resting = false
                existing.pointee.hungUp = false
                wake = true
            }
        } else {
            src = spare
            // Appended, so sources are served in the order they were registered.
            if var tail = s.pointee.sources {
                while let n = tail.pointee.next { tail = n }
                tail.pointee.next = spare
            } else {
                s.pointee.sources = spare
            }
            wake = true
        }
        if let last = src.pointee.last {
            last.pointee.next = cb
        } else {
            src.pointee.first = cb
            wake = true
        }
        src.pointee.last = cb
        s.unlock()
        if src != spare { freeSource(spare) }
        if wake && !s.wake() { throw .EPIPE }
    }

    /// Removes the matching callbacks; the count removed.
    static func unregister(fd: Int32, _ fn: rte_intr_callback_fn?,
                           _ arg: UnsafeMutableRawPointer?) throws(Errno) -> Int32 {
        let s = intrState
        var removed: CallbackPtr? = nil
        var count: Int32 = 0
        var gone: SourcePtr? = nil
        s.lock()
        guard let src = s.source(fd: fd) else { s.unlock(); throw .ENOENT }
        if src.pointee.active { s.unlock(); throw .EAGAIN }
        var prev: CallbackPtr? = nil
        var c = src.pointee.first
        while let cb = c {
            c = cb.pointee.next
            if callbackMatches(cb, fn, arg) {
                if let p = prev { p.pointee.next = cb.pointee.next } else { src.pointee.first = cb.pointee.next }
                if src.pointee.last == cb { src.pointee.last = prev }
                if cb.pointee.pendingDelete { src.pointee.pending -= 1 }
                cb.pointee.next = removed
                removed = cb
                count += 1
            } else {
                prev = cb
            }
        }
        if src.pointee.first == nil {
            s.unlink(src)
            gone = src
        }
        s.unlock()
        while let cb = removed {
            removed = cb.pointee.next
            cb.deallocate()
        }
        if let g = gone {
            freeSource(g)
            if !s.wake() { throw .EPIPE }
        }
        return count
    }

    /// From a running callback: marks the matching callbacks for removal.
    static func unregisterPending(fd: Int32, _ fn: rte_intr_callback_fn?,
                                  _ arg: UnsafeMutableRawPointer?,
                                  _ ucb: rte_intr_unregister_callback_fn?) throws(Errno) -> Int32 {
        let s = intrState
        s.lock()
        defer { s.unlock() }
        guard let src = s.source(fd: fd) else { throw .ENOENT }
        if !src.pointee.active { throw .EAGAIN }
        var count: Int32 = 0
        var c = src.pointee.first
        while let cb = c {
            c = cb.pointee.next
            if callbackMatches(cb, fn, arg) {
                if !cb.pointee.pendingDelete { src.pointee.pending += 1 }
                cb.pointee.pendingDelete = true
                cb.pointee.ucb = ucb
                count += 1
            }
        }
        return count
    }
}
