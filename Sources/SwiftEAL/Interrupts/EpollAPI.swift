import CSwiftEAL

// rte_epoll.h: thin C entry points over Epoll.

@c @implementation
public func rte_epoll_wait(_ epfd: Int32, _ events: UnsafeMutablePointer<rte_epoll_event>?,
                           _ maxevents: Int32, _ timeout: Int32) -> Int32 {
    Epoll.wait(epfd, events, maxevents, timeout, interruptible: false)
}

@c @implementation
public func rte_epoll_wait_interruptible(_ epfd: Int32, _ events: UnsafeMutablePointer<rte_epoll_event>?,
                                         _ maxevents: Int32, _ timeout: Int32) -> Int32 {
    Epoll.wait(epfd, events, maxevents, timeout, interruptible: true)
}

@c @implementation
public func rte_epoll_ctl(_ epfd: Int32, _ op: Int32, _ fd: Int32,
                          _ event: UnsafeMutablePointer<rte_epoll_event>?) -> Int32 {
    Epoll.ctl(epfd, op, fd, event)
}
