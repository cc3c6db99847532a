import CEALShared
import CSwiftEAL
import Glibc

// The rte_mp channel of this process: its socket, the "rte_mp_handle" control
// thread that receives on it, the action registry and the requests waiting for
// replies. Process-local; one mutex guards it (never held while a callback runs
// or a datagram is sent).

/// An action, registered by name: a C callback (rte_mp_action_register) or a Swift
/// one (MultiProcess.register). A NULL C callback is accepted, as DPDK accepts it,
/// and behaves as no action.
enum MPHandler {
    case c(rte_mp_t?)
    case swift((UnsafePointer<rte_mp_msg>, MPPeer) -> Int32)
}

struct MPActionEntry {
    var name: rte_mp_msg   // only the name is used: the registry compares C names
    var handler: MPHandler
}

/// A request this process received and has not answered yet: rte_mp_reply to that
/// peer under that name carries its number back.
struct MPAnswer {
    var peer: MPAddress
    var name: rte_mp_msg
    var seq: UInt32
}

struct MPChannelState {
    var lock = pthread_mutex_t()
    /// The bound socket; -1 before init, after cleanup and without shared files.
    var fd: Int32 = -1
    /// The runtime directory the sockets are in. Kept after cleanup, as DPDK keeps it.
    var directory = ByteString("")
    var own: MPAddress? = nil
    var thread = pthread_t()
    var threadRunning = false
    var stopping = false
    var actions: [MPActionEntry] = []
    var pending: [UnsafeMutablePointer<MPPending>] = []
    var nextSeq: UInt32 = 0
    var answers: [MPAnswer] = []

    /// How many unanswered requests are remembered (oldest forgotten first): a reply
    /// to a forgotten one goes out with number 0 and is accepted as in DPDK.
    static let answerMemory = 256
}

typealias MPStatePtr = UnsafeMutablePointer<MPChannelState>

// Safe: the pointer never changes; its fields are read and written under its lock.
nonisolated(unsafe) let mpState: MPStatePtr = {
    let s = MPStatePtr.allocate(capacity: 1)
    s.initialize(to: MPChannelState())
    pthread_mutex_init(&s.pointee.lock, nil)
    return s
}()

extension UnsafeMutablePointer where Pointee == MPChannelState {
    @inline(__always) func lock() { pthread_mutex_lock(&pointee.lock) }
    @inline(__always) func unlock() { pthread_mutex_unlock(&pointee.lock) }
}

enum MPChannel {
    /// Whether rte_mp works at all: not with --no-shconf / --in-memory (DPDK answers
    /// ENOTSUP then).
    static var supported: Bool { Runtime.sharesConfig }

    static var isPrimary: Bool { EALState.processType == RTE_PROC_PRIMARY }

    /// True on rte_mp_handle (an action, or an async request's last reply).
    static func onHandleThread() -> Bool {
        let s = mpState
        s.lock()
        defer { s.unlock() }
        return s.pointee.threadRunning && pthread_equal(s.pointee.thread, pthread_self()) != 0
    }

    /// The primary's socket in this process's runtime directory.
    static func primaryAddress() throws(Errno) -> MPAddress {
        try MPAddress(path: mpState.pointee.directory + "/" + MPPaths.primaryName)
    }

    // MARK: init and cleanup

    /// The init step: binds this process's socket and starts rte_mp_handle. A
    /// secondary first makes sure a primary is there and lets it know it attached
    /// (after which rte_mp_disable fails in the primary). Without shared files there
    /// is no channel, as in DPDK. Returns the undo, or nil when there is nothing to undo.
    static func start() throws(Errno) -> (() -> Void)? {
        guard supported else {
            ealLog(8, "No shared files mode enabled, IPC will be disabled")
            return nil
        }
        guard let dir = Runtime.directory else { throw .EFAULT }
        let s = mpState
        s.lock()
        s.pointee.directory = dir
        s.unlock()
        let own: MPAddress
        do throws(Errno) {
            own = try MPAddress(path: dir + "/" + (isPrimary ? MPPaths.primaryName : MPPaths.secondaryName()))
        } catch {
            ealLog(4, "The multi-process socket path in '\(dir)' is longer than a socket address holds")
            throw isPrimary ? .EFAULT : error
        }
        if !isPrimary {
            if !SharedConfig.primaryAlive(path: dir + "/config") {
                ealLog(4, "No primary process is running for '\(dir)': a secondary process needs one")
                throw .ECONNREFUSED
            }
            if !MPStatus.enable() {
                ealLog(4, "Primary process refused secondary attachment")
                throw .ENOTSUP
            }
        }
        do throws(Errno) {
            try MPSocket.withDirectoryLocked(dir) { () throws(Errno) in
                let fd: Int32
                do throws(Errno) { fd = try MPSocket.bind(own) } catch {
                    ealLog(4, "failed to bind \(own.path): \(error)")
                    throw error
                }
                s.lock()
                s.pointee.fd = fd
                s.pointee.own = own
                s.pointee.stopping = false
                s.unlock()
                var tid = pthread_t()
                let r = rte_ctrl_thread_create(&tid, "rte_mp_handle", nil, { _ in
                    mpReceiveLoop()
                    return nil
                }, nil)
                if r != 0 {
                    ealLog(4, "failed to create mp thread: \(Errno(-r))")
                    s.lock()
                    s.pointee.fd = -1
                    s.pointee.own = nil
                    s.unlock()
                    close(fd)
                    _ = own.withPath { unlink($0) }
                    throw Errno(-r)
                }
                s.lock()
                s.pointee.thread = tid
                s.pointee.threadRunning = true
                s.unlock()
            }
        } catch {
            // DPDK's primary fails init with EFAULT here.
            throw isPrimary ? .EFAULT : error
        }
        if isPrimary {
            MPPeerCache.watch(dir)
            MPSocket.removeDeadSecondaries(in: dir)
        }
        ealLog(7, "Multi-process socket \(own.path)")
        return { stop() }
    }

    /// The undo: removes the socket from the directory, lets rte_mp_handle answer what
    /// it already received and stop, closes the socket, and ends the requests still
    /// waiting (sync ones time out; async ones are dropped without their callback, their
    /// alarms being gone with the interrupt thread). Again after that, it does nothing.
    ///
    /// The order matters to the peers: from the unlink on, a request to this process
    /// fails at once and the primary counts it gone (as a secondary that exited); a
    /// request that got here before is still answered through the open socket. Closing
    /// first (as this did) left the primary waiting its 5 s on a memory sync that a
    /// leaving secondary had received (make soak, test_mp_cleanup_sync).
    static func stop() {
        let s = mpState
        s.lock()
        let fd = s.pointee.fd
        let own = s.pointee.own
        let running = s.pointee.threadRunning
        let tid = s.pointee.thread
        let fromHandler = running && pthread_equal(tid, pthread_self()) != 0
        s.pointee.own = nil
        s.pointee.stopping = true
        // cleanup from an action: the socket goes now (its thread stops after the action
        // and must not read from a number that may name another file by then)
        if fromHandler || !running { s.pointee.fd = -1 }
        if fromHandler { s.pointee.threadRunning = false }
        s.unlock()
        if let own { _ = own.withPath { unlink($0) } }
        // wakes the thread out of recvmsg: what is queued is still received, then 0.
        // Reading only: its answers still go out through this socket
        if fd >= 0 { shutdown(fd, Int32(SHUT_RD)) }
        if running {
            if fromHandler {
                pthread_detach(tid)   // the thread ends after the action
            } else {
                pthread_join(tid, nil)
            }
        }
        s.lock()
        s.pointee.fd = -1
        s.pointee.threadRunning = false
        s.unlock()
        if fd >= 0 { close(fd) }
        if own != nil && isPrimary { MPSocket.removeDeadSecondaries(in: s.pointee.directory) }
        MPPeerCache.unwatch()
        MPRequests.abandonAll()
        s.lock()
        s.pointee.answers.removeAll()
        s.unlock()
    }

    // MARK: receiving

    /// One received datagram, checked. Anything malformed is logged and dropped (its
    /// fds closed); unlike DPDK's thread, ours keeps serving after a bad datagram.
    static func handle(_ wire: UnsafeMutablePointer<eal_mp_wire>, length: Int, flags: Int32,
                       fdCount: Int, from: MPAddress) {
        let m = wire.pointee.msg
        let nfds = Int(m.num_fds)
        let bad: String?
        if length != eal_mp_wire_len() || flags & Int32(MSG_TRUNC | MSG_CTRUNC) != 0 {
            bad = "truncated msg"
        } else if wire.pointee.type < EAL_MP_MSG || wire.pointee.type > EAL_MP_IGN {
            bad = "unknown message type \(wire.pointee.type)"
        } else if nfds < 0 || nfds > MPLimits.fdCount || nfds != fdCount {
            bad = "invalid number of fd's received"
        } else if m.len_param < 0 || Int(m.len_param) > MPLimits.paramLength {
            bad = "invalid received data length"
        } else {
            bad = nil
        }
        if let bad {
            ealLog(4, bad)
            withUnsafeBytes(of: wire.pointee.msg.fds) { raw in
                for i in 0..<fdCount { close(raw.load(fromByteOffset: i * 4, as: Int32.self)) }
            }
            return
        }
        switch wire.pointee.type {
        case EAL_MP_REP, EAL_MP_IGN:
            MPRequests.deliver(wire, from: from)
        default:
            dispatch(wire, from: from)
        }
    }

    /// A message or request: runs its action on this thread.
    private static func dispatch(_ wire: UnsafeMutablePointer<eal_mp_wire>, from: MPAddress) {
        let s = mpState
        let isRequest = wire.pointee.type == EAL_MP_REQ
        s.lock()
        let handler = findAction(wire.pointee.msg)
        let known: Bool
        switch handler {
        case .c(let fn)?: known = fn != nil
        case .swift?: known = true
        case nil: known = false
        }
        if known && isRequest { rememberAnswer(peer: from, name: wire.pointee.msg, seq: wire.pointee.seq) }
        s.unlock()

        guard known, let handler else {
            if isRequest && !EALState.initialized.load(ordering: .acquiring) {
                // Not ready yet: tell the requester not to count this process.
                var ign = rte_mp_msg()
                ign.name = wire.pointee.msg.name
                _ = try? MPSocket.send(fd: s.pointee.fd, type: EAL_MP_IGN, seq: wire.pointee.seq, &ign,
                                       to: from, gone: .refused)
            } else {
                ealLog(4, "Cannot find action: \(wire.pointee.msg.nameString)")
            }
            wire.pointee.msg.closeFileDescriptors()
            return
        }
        let r: Int32 = withUnsafePointer(to: &wire.pointee.msg) { msg in
            switch handler {
            case .c(let fn):
                return from.withPath { fn!(msg, UnsafeRawPointer($0)) }
            case .swift(let fn):
                return fn(msg, MPPeer(address: from))
            }
        }
        if r < 0 { ealLog(4, "Fail to handle message: \(wire.pointee.msg.nameString)") }
    }

    // MARK: registry (lock held)

    static func findAction(_ name: rte_mp_msg) -> MPHandler? {
        for a in mpState.pointee.actions where a.name.hasSameName(as: name) { return a.handler }
        return nil
    }

    private static func rememberAnswer(peer: MPAddress, name: rte_mp_msg, seq: UInt32) {
        let s = mpState
        if let i = s.pointee.answers.firstIndex(where: { $0.peer.samePath(as: peer) && $0.name.hasSameName(as: name) }) {
            s.pointee.answers[i].seq = seq
            return
        }
        if s.pointee.answers.count >= MPChannelState.answerMemory { s.pointee.answers.removeFirst() }
        s.pointee.answers.append(MPAnswer(peer: peer, name: name, seq: seq))
    }

    /// The number of the request from `peer` that a reply named like `msg` answers
    /// (0 when none is remembered), forgotten once taken.
    static func takeAnswer(peer: MPAddress, name msg: UnsafePointer<rte_mp_msg>) -> UInt32 {
        let s = mpState
        s.lock()
        defer { s.unlock() }
        guard let i = s.pointee.answers.firstIndex(where: { $0.peer.samePath(as: peer) && $0.name.hasSameName(as: msg.pointee) })
        else { return 0 }
        return s.pointee.answers.remove(at: i).seq
    }
}

/// rte_mp_handle: receives datagrams until the channel stops. The buffers are
/// allocated once, here.
private func mpReceiveLoop() {
    let s = mpState
    s.lock()
    let fd = s.pointee.fd
    s.unlock()
    let wire = UnsafeMutablePointer<eal_mp_wire>.allocate(capacity: 1)
    let control = UnsafeMutableRawPointer.allocate(byteCount: eal_mp_control_len(), alignment: 8)
    let from = UnsafeMutablePointer<sockaddr_un>.allocate(capacity: 1)
    defer {
        wire.deallocate()
        control.deallocate()
        from.deallocate()
    }
    var iov = iovec()
    while true {
        // cleanup from an action on this thread closed the socket: its number may
        // already name another file. Any other stop keeps it open until this thread
        // has drained what was queued (recvmsg then returns 0)
        s.lock()
        let closed = s.pointee.stopping && s.pointee.fd != fd
        s.unlock()
        if closed { return }
        wire.initialize(to: eal_mp_wire())
        from.initialize(to: sockaddr_un())
        iov.iov_base = UnsafeMutableRawPointer(wire)
        iov.iov_len = MemoryLayout<eal_mp_wire>.size   // room for more, so oversized ones show
        var mh = msghdr()
        mh.msg_name = UnsafeMutableRawPointer(from)
        mh.msg_namelen = socklen_t(MemoryLayout<sockaddr_un>.size)
        let n: Int = withUnsafeMutablePointer(to: &iov) { iovp in
            mh.msg_iov = iovp
            mh.msg_iovlen = 1
            mh.msg_control = control
            mh.msg_controllen = eal_mp_control_len()
            return recvmsg(fd, &mh, Int32(MSG_CMSG_CLOEXEC))
        }
        if n < 0 {
            let e = Errno.current
            if e == .EINTR { continue }
            s.lock()
            let stopping = s.pointee.stopping
            s.unlock()
            if stopping || e == .EBADF { return }
            ealLog(4, "recvmsg failed, \(e)")
            continue
        }
        // Received fds go to msg.fds; unused slots are -1.
        let got: Int = withUnsafeMutableBytes(of: &wire.pointee.msg.fds) { raw in
            let fds = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            let k = Int(eal_mp_take_fds(&mh, fds, Int32(MPLimits.fdCount)))
            for i in k..<MPLimits.fdCount { fds[i] = -1 }
            return k
        }
        if n == 0 {
            s.lock()
            let stopping = s.pointee.stopping
            s.unlock()
            if stopping { return }
        }
        // The sender's path, NUL-terminated whatever the kernel filled in.
        var sender = MPAddress()
        let pathLen = max(0, min(Int(mh.msg_namelen) - MemoryLayout<sa_family_t>.size, MPAddress.pathCapacity - 1))
        withUnsafeMutableBytes(of: &sender.raw.sun_path) { dst in
            withUnsafeBytes(of: from.pointee.sun_path) { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src.prefix(pathLen))) }
        }
        sender.raw.sun_family = sa_family_t(AF_UNIX)
        sender.length = socklen_t(MemoryLayout<sa_family_t>.size + pathLen + 1)
        MPChannel.handle(wire, length: n, flags: mh.msg_flags, fdCount: got, from: sender)
    }
}
