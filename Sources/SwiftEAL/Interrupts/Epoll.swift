import CEALShared
import CSwiftEAL
import Glibc

/// Each thread's own epoll instance (RTE_EPOLL_PER_THREAD), made on first use and
/// closed when the thread exits.
enum EpollTLS {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { value in
            // Stored as fd + 1 so that 0 means "none yet".
            if let v = value { close(Int32(Int(bitPattern: v)) - 1) }
        }
        return k
    }()

    static func current() -> Int32 {
        if let v = pthread_getspecific(key) { return Int32(Int(bitPattern: v)) - 1 }
        let fd = Sys.epollCreate(Int32(EPOLL_CLOEXEC))
        if fd < 0 {
            ealLog(4, "Cannot create epoll instance")
            return -1
        }
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: Int(fd) + 1))
        return fd
    }

    /// Closes the calling thread's instance now (EAL cleanup on the main thread).
    static func closeCurrent() {
        if let v = pthread_getspecific(key) {
            close(Int32(Int(bitPattern: v)) - 1)
            pthread_setspecific(key, nil)
        }
    }
}

extension UnsafeMutablePointer where Pointee == rte_epoll_event {
    /// The event's status word (RTE_EPOLL_INVALID/VALID/EXEC): C callers and other
    /// waiters read it concurrently, so it is only touched atomically.
    var statusWord: AtomicView {
        AtomicView((UnsafeMutableRawPointer(self) + MemoryLayout<rte_epoll_event>.offset(of: \.status)!)
            .assumingMemoryBound(to: UInt32.self))
    }
}

enum Epoll {
    static let maxWaitBatch: Int32 = 256

    /// Marks ev free once no waiter is running its callback.
    static func releaseEvent(_ ev: UnsafeMutablePointer<rte_epoll_event>) {
        let st = ev.statusWord
        while !st.compareExchange(expected: UInt32(RTE_EPOLL_VALID), desired: UInt32(RTE_EPOLL_INVALID)) {
            if st.load() == UInt32(RTE_EPOLL_INVALID) { break }
            sched_yield()
        }
        ev.pointee.epdata = rte_epoll_data()
        ev.pointee.fd = -1
        ev.pointee.epfd = -1
    }

    static func ctl(_ epfdIn: Int32, _ op: Int32, _ fd: Int32,
                    _ event: UnsafeMutablePointer<rte_epoll_event>?) -> Int32 {
        guard let event else {
            ealLog(4, "rte_epoll_event can't be NULL")
            return -1
        }
        let epfd = epfdIn == RTE_EPOLL_PER_THREAD ? EpollTLS.current() : epfdIn
        var ev = epoll_event()
        let status = event.statusWord
        if op == EPOLL_CTL_ADD {
            status.store(UInt32(RTE_EPOLL_VALID))
            event.pointee.fd = fd
            event.pointee.epfd = epfd
        }
        // MOD replaces the kernel's copy of data too: without the pointer, the
        // modified fd's events would be dropped by rte_epoll_wait (DPDK passes
        // uninitialised stack there).
        ev.data.ptr = UnsafeMutableRawPointer(event)
        ev.events = event.pointee.epdata.event
        if Sys.epollCtl(epfd, op, fd, &ev) < 0 {
            let e = errno
            ealLog(4, "Error op \(op) fd \(fd) epoll_ctl, \(String(cString: strerror(e)))")
            if op == EPOLL_CTL_ADD { status.store(UInt32(RTE_EPOLL_INVALID)) }
            return -1
        }
        if op == EPOLL_CTL_DEL && status.load() != UInt32(RTE_EPOLL_INVALID) {
            releaseEvent(event)
        }
        return 0
    }

    /// Copies ready events out, running each one's callback while it is marked EXEC.
    @inline(__always)
    private static func process(_ evs: UnsafeMutablePointer<epoll_event>, _ n: Int,
                                _ out: UnsafeMutablePointer<rte_epoll_event>) -> Int32 {
        var count = 0
        for i in 0..<n {
            guard let raw = evs[i].data.ptr else { continue }
            let rev = raw.assumingMemoryBound(to: rte_epoll_event.self)
            let st = rev.statusWord
            if !st.compareExchange(expected: UInt32(RTE_EPOLL_VALID), desired: UInt32(RTE_EPOLL_EXEC)) {
                continue
            }
            out[count].status = UInt32(RTE_EPOLL_VALID)
            out[count].fd = rev.pointee.fd
            out[count].epfd = rev.pointee.epfd
            out[count].epdata.event = evs[i].events
            out[count].epdata.data = rev.pointee.epdata.data
            if let cb = rev.pointee.epdata.cb_fun {
                cb(rev.pointee.fd, rev.pointee.epdata.cb_arg)
            }
            st.store(UInt32(RTE_EPOLL_VALID))
            count += 1
        }
        return Int32(count)
    }

    static func wait(_ epfdIn: Int32, _ events: UnsafeMutablePointer<rte_epoll_event>?,
                     _ maxevents: Int32, _ timeout: Int32, interruptible: Bool) -> Int32 {
        guard let events else {
            ealLog(4, "rte_epoll_event can't be NULL")
            return -1
        }
        let epfd = epfdIn == RTE_EPOLL_PER_THREAD ? EpollTLS.current() : epfdIn
        if maxevents <= 0 {
            ealLog(4, "epoll_wait returns with fail \(String(cString: strerror(EINVAL)))")
            return -1
        }
        // Up to maxWaitBatch events per call (fewer than asked is allowed), so the
        // buffer stays small whatever maxevents says.
        let batch = min(maxevents, Epoll.maxWaitBatch)
        return withUnsafeTemporaryAllocation(of: epoll_event.self, capacity: Int(batch)) { buf in
            while true {
                let rc = Sys.epollWait(epfd, buf.baseAddress, batch, timeout)
                if rc > 0 { return process(buf.baseAddress!, Int(rc), events) }
                if rc == 0 { return 0 }
                let e = errno
                if e == EINTR {
                    if interruptible { return -1 }
                    continue
                }
                ealLog(4, "epoll_wait returns with fail \(String(cString: strerror(e)))")
                return -1
            }
        }
    }
}
