import CEALShared
import CSwiftEAL
import Glibc

/// Bytes the thread reads from a ready fd before running its callbacks, by handle
/// type; 0 means the callbacks drain the fd themselves.
@inline(__always)
private func readSize(_ type: UInt32) -> Int {
    switch type {
    case RTE_INTR_HANDLE_UIO.rawValue, RTE_INTR_HANDLE_UIO_INTX.rawValue:
        return 4 // the UIO interrupt count
    case RTE_INTR_HANDLE_ALARM.rawValue,
         RTE_INTR_HANDLE_VFIO_LEGACY.rawValue, RTE_INTR_HANDLE_VFIO_MSI.rawValue,
         RTE_INTR_HANDLE_VFIO_MSIX.rawValue:
        return 8 // timerfd expirations / eventfd counter
    case RTE_INTR_HANDLE_VFIO_REQ.rawValue, RTE_INTR_HANDLE_VDEV.rawValue,
         RTE_INTR_HANDLE_EXT.rawValue, RTE_INTR_HANDLE_DEV_EVENT.rawValue:
        return 0
    default:
        return 1
    }
}

/// epoll's hang-up and error bits: a peer that closed, or an fd in error.
private let hangUpEvents = EPOLLHUP.rawValue | EPOLLRDHUP.rawValue | EPOLLERR.rawValue

/// Whether a hung-up fd has nothing left to read (FIONREAD; an fd that cannot say
/// counts as empty: its callbacks have just had their chance to read).
@inline(__always)
private func nothingToRead(_ fd: Int32) -> Bool {
    var n: Int32 = 0
    return ioctl(fd, UInt(FIONREAD), &n) != 0 || n <= 0
}

/// Serves one ready fd: reads it as its type asks, then runs its callbacks in order,
/// each without the lock held. Returns true when the wait list must be rebuilt.
/// Allocation-free: the source list is walked in place.
///
/// A hung-up fd stays ready for ever (level-triggered epoll), so one that hung up and
/// has nothing to read would have its callbacks called back to back, endlessly (DPDK
/// does that). Its callbacks run once for the bare hang-up (they see the end of file);
/// when the next report is the same, the fd rests: it leaves the wait list, said once,
/// until a callback is registered for it again. Data still to read is served first.
@inline(__always)
private func dispatch(_ s: IntrStatePtr, fd: Int32, events: UInt32) -> Bool {
    s.lock()
    guard let src = s.source(fd: fd) else { s.unlock(); return false }
    let bareHangUp = events & hangUpEvents != 0 && nothingToRead(fd)
    if bareHangUp && src.pointee.hungUp {
        src.pointee.resting = true
        s.unlock()
        ealLog(5, "fd \(fd) hung up with nothing to read: no longer polled until a callback is registered for it again")
        return true
    }
    src.pointee.hungUp = false
    src.pointee.active = true
    let size = readSize(src.pointee.handle.pointee.type)
    s.unlock()

    var call = size == 0
    if size > 0 {
        var buf: (UInt64, UInt64) = (0, 0)
        let r = withUnsafeMutableBytes(of: &buf) { read(fd, $0.baseAddress, size) }
        if r < 0 {
            let e = errno
            if e == EINTR || e == EAGAIN {
                s.lock(); src.pointee.active = false; s.unlock()
                return false
            }
            ealLog(4, "Error reading from file descriptor \(fd): \(String(cString: strerror(e)))")
            // Unplugged or broken: it stops being a source.
            s.lock(); s.unlink(src); s.unlock()
            freeSource(src)
            return true
        } else if r == 0 {
            // EOF: no callback; a hang-up that persists rests on the next report
            if bareHangUp {
                s.lock(); src.pointee.hungUp = true; s.unlock()
            } else {
                ealLog(4, "Read nothing from file descriptor \(fd)")
            }
        } else {
            call = true
        }
    }

    s.lock()
    if call && bareHangUp { src.pointee.hungUp = true }
    if call {
        var c = src.pointee.first
        while let cb = c {
            if !cb.pointee.pendingDelete {
                let fn = cb.pointee.fn
                let arg = cb.pointee.arg
                s.unlock()
                fn(arg)
                s.lock()
            }
            c = cb.pointee.next
        }
    }
    // Take the callbacks marked by unregister_pending off the list. The source stays
    // active while their unregister callbacks run unlocked: they are handed the
    // source's handle, which an unregister from another thread would free.
    while src.pointee.pending != 0 {
        var removed: CallbackPtr? = nil
        var prev: CallbackPtr? = nil
        var c = src.pointee.first
        while let cb = c {
            c = cb.pointee.next
            if cb.pointee.pendingDelete {
                if let p = prev { p.pointee.next = cb.pointee.next } else { src.pointee.first = cb.pointee.next }
                if src.pointee.last == cb { src.pointee.last = prev }
                cb.pointee.next = removed
                removed = cb
            } else {
                prev = cb
            }
        }
        src.pointee.pending = 0
        let empty = src.pointee.first == nil
        if empty { s.unlink(src) }
        s.unlock()
        // oldest first is not promised
        while let cb = removed {
            removed = cb.pointee.next
            if let ucb = cb.pointee.ucb {
                ucb(OpaquePointer(src.pointee.handle), cb.pointee.arg)
            }
            cb.deallocate()
        }
        if empty {
            freeSource(src)
            return true
        }
        s.lock()
    }
    src.pointee.active = false
    s.unlock()
    return false
}

/// A fresh epoll set: the wake-up pipe plus every source's fd. Nil when stopping.
/// Out of memory or descriptors (epoll_create1, or an epoll_ctl that fails for want
/// of memory) the thread waits and tries again: without its set it would hear neither
/// its sources nor the pipe, and cleanup, which wakes it through the pipe, would wait
/// for it for ever. An fd epoll refuses for any other reason (a regular file, say) is
/// left out and said, as DPDK does.
private func buildWaitList(_ s: IntrStatePtr) -> Int32? {
    var delayUs: UInt32 = 1000
    while true {
        switch tryBuildWaitList(s) {
        case .built(let epfd): return epfd
        case .stopping: return nil
        case .failed(let e):
            s.lock()
            let stopping = s.pointee.stopping
            s.unlock()
            if stopping { return nil }
            if delayUs == 1000 { ealLog(4, "Cannot build the interrupt thread's epoll set (\(e)): trying again") }
            usleep(delayUs)
            delayUs = min(delayUs * 2, 100_000)
        }
    }
}

private enum WaitListResult { case built(Int32), stopping, failed(Errno) }

private func tryBuildWaitList(_ s: IntrStatePtr) -> WaitListResult {
    let epfd = Sys.epollCreate(Int32(EPOLL_CLOEXEC))
    if epfd < 0 { return .failed(Errno.current) }
    var ev = epoll_event()
    ev.events = EPOLLIN.rawValue | EPOLLPRI.rawValue
    ev.data.fd = s.pointee.pipeRead
    if Sys.epollCtl(epfd, EPOLL_CTL_ADD, s.pointee.pipeRead, &ev) < 0 {
        let e = Errno.current
        close(epfd)
        return .failed(e)
    }
    s.lock()
    if s.pointee.stopping {
        s.unlock()
        close(epfd)
        return .stopping
    }
    var cur = s.pointee.sources
    while let src = cur {
        if src.pointee.resting {
            cur = src.pointee.next
            continue
        }
        var e = epoll_event()
        e.events = EPOLLIN.rawValue | EPOLLPRI.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue
        e.data.fd = src.pointee.fd
        if Sys.epollCtl(epfd, EPOLL_CTL_ADD, src.pointee.fd, &e) < 0 {
            let err = Errno.current
            if err == .ENOMEM || err == .ENOSPC {
                s.unlock()
                close(epfd)
                return .failed(err)
            }
            ealLog(4, "Error adding fd \(src.pointee.fd) epoll_ctl, \(err)")
        }
        cur = src.pointee.next
    }
    s.unlock()
    return .built(epfd)
}

/// Empties the wake-up pipe (non-blocking).
private func drainPipe(_ fd: Int32) {
    var buf: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    while withUnsafeMutableBytes(of: &buf, { read(fd, $0.baseAddress, $0.count) }) > 0 {}
}

/// The body of eal-intr-thread: wait, serve, and rebuild the wait list whenever the
/// pipe says the sources changed; return when interruptsCleanup asks.
private func intrThreadMain(_ s: IntrStatePtr) {
    s.pointee.threadSelf = pthread_self()
    // When every CPU runs an lcore, this thread shares a CPU with one that never
    // sleeps. With the default slice the scheduler may let that one finish its slice
    // (milliseconds) before this thread runs, which is where late alarms came from; a
    // short slice makes it run as soon as its timer or fd wakes it. Its share of the
    // CPU is unchanged. Unprivileged; kernels before 6.12 ignore it.
    _ = eal_sched_set_slice(intrThreadSliceNs)
    guard let events = s.pointee.events else { return }
    let pipeFd = s.pointee.pipeRead
    while let epfd = buildWaitList(s) {
        var rebuild = false
        while !rebuild {
            let n = Sys.epollWait(epfd, events, IntrState.eventCapacity, -1)
            if n < 0 {
                if errno == EINTR { continue }
                ealLog(4, "epoll_wait on the interrupt set failed: \(String(cString: strerror(errno)))")
                rebuild = true
                break
            }
            var i = 0
            while i < Int(n) {
                let fd = events[i].data.fd
                if fd == pipeFd {
                    drainPipe(fd)
                    rebuild = true
                } else if dispatch(s, fd: fd, events: events[i].events) {
                    rebuild = true
                }
                i += 1
            }
        }
        close(epfd)
    }
    s.lock()
    let release = s.pointee.releaseOnExit
    s.unlock()
    if release { releaseInterrupts(s) }
}

/// The interrupt thread's time slice (the shortest the kernel takes is 100 us).
let intrThreadSliceNs: UInt64 = 100_000

/// Creates the wake-up pipe and starts eal-intr-thread (rte_eal_init step 8).
func interruptsInit() throws(Errno) {
    let s = intrState
    if s.pointee.running { return }
    var fds: (Int32, Int32) = (-1, -1)
    _ = try withUnsafeMutableBytes(of: &fds) { (p) throws(Errno) -> Int32 in
        try syscall { pipe2(p.baseAddress!.assumingMemoryBound(to: Int32.self), O_CLOEXEC | O_NONBLOCK) }
    }
    let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(IntrState.eventCapacity))
    s.lock()
    s.pointee.pipeRead = fds.0
    s.pointee.pipeWrite = fds.1
    s.pointee.stopping = false
    s.pointee.events = events
    s.pointee.running = true
    s.unlock()
    // A control thread, as in DPDK: named, on the CPUs no lcore uses.
    var tid = pthread_t()
    let r = rte_ctrl_thread_create(&tid, "eal-intr-thread", nil, { _ in
        intrThreadMain(intrState)
        return nil
    }, nil)
    if r != 0 {
        close(fds.0); close(fds.1)
        s.pointee.pipeRead = -1; s.pointee.pipeWrite = -1
        events.deallocate()
        s.pointee.events = nil
        s.pointee.running = false
        ealLog(4, "Failed to create thread for interrupt handling")
        throw Errno(-r)
    }
    s.pointee.thread = tid
}

/// Stops and joins eal-intr-thread, closes the pipe and frees every source.
func interruptsCleanup() {
    let s = intrState
    if s.pointee.running {
        let onThread = onInterruptThread()
        s.lock()
        s.pointee.stopping = true
        s.pointee.releaseOnExit = onThread
        s.unlock()
        _ = s.wake()
        if onThread {
            // rte_eal_cleanup from one of the thread's own callbacks: it cannot join
            // itself, and the running source must outlive the callback. The thread
            // leaves its loop once the callback returns and releases it all then.
            pthread_detach(s.pointee.thread)
            return
        }
        pthread_join(s.pointee.thread, nil)
    }
    releaseInterrupts(s)
    EpollTLS.closeCurrent()
}

/// Closes the pipe and frees the sources and the event buffer; the thread is gone.
private func releaseInterrupts(_ s: IntrStatePtr) {
    s.lock()
    s.pointee.running = false
    s.pointee.releaseOnExit = false
    s.pointee.threadSelf = pthread_t()
    if s.pointee.pipeRead >= 0 { close(s.pointee.pipeRead) }
    if s.pointee.pipeWrite >= 0 { close(s.pointee.pipeWrite) }
    s.pointee.pipeRead = -1
    s.pointee.pipeWrite = -1
    var cur = s.pointee.sources
    s.pointee.sources = nil
    s.pointee.events?.deallocate()
    s.pointee.events = nil
    s.unlock()
    while let src = cur {
        cur = src.pointee.next
        freeSource(src)
    }
}

/// True on eal-intr-thread.
@inline(__always)
func onInterruptThread() -> Bool {
    let s = intrState
    return s.pointee.running && pthread_equal(s.pointee.threadSelf, pthread_self()) != 0
}

