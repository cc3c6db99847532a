import CEALShared
import CSwiftEAL
import Glibc

/// The process at the other end of a message: its socket path, which is what
/// `rte_mp_reply` (and `MultiProcess.reply`) sends to.
struct MPPeer {
    var address: MPAddress
    var path: String { address.path }

    init(address: MPAddress) { self.address = address }
    init(path: String) throws(Errno) { address = try MPAddress(path: path) }
}

/// rte_mp for the EAL's own subsystems (and the C API, which is a thin layer over
/// it). Names share one registry with rte_mp_action_register; a handler runs on
/// rte_mp_handle, and must not make a sync request there (its reply could only be
/// received by the thread it blocks: it would time out, as in DPDK).
///
///     try MultiProcess.register(action: "eal_mem_grow") { msg, peer in
///         let want = msg.pointee.payload(as: GrowRequest.self)
///         ...
///         var answer = try! rte_mp_msg(name: "eal_mem_grow", payload: result)
///         return (try? MultiProcess.reply(answer, to: peer)) == nil ? -1 : 0
///     }
///     let replies = try MultiProcess.request(rte_mp_msg(name: "eal_mem_grow", payload: req),
///                                            timeoutNs: 5_000_000_000)
///
/// Without a target, a secondary talks to the primary and the primary to every
/// secondary. Errors are DPDK's rte_errno values, thrown.
enum MultiProcess {
    typealias Handler = (_ message: UnsafePointer<rte_mp_msg>, _ peer: MPPeer) -> Int32

    /// Registers `handler` for messages and requests named `name`. EEXIST when the
    /// name is taken, ENOTSUP without shared files (--no-shconf, --in-memory).
    static func register(action name: String, _ handler: @escaping Handler) throws(Errno) {
        try ByteString(name).withCString { (n) throws(Errno) in try registerAction(n, .swift(handler)) }
    }

    static func unregister(action name: String) {
        name.withCString { unregisterAction($0) }
    }

    /// A one-way message (its fds are sent as they are; they stay the caller's).
    static func send(_ msg: rte_mp_msg, to peer: MPPeer? = nil) throws(Errno) {
        var m = msg
        try sendMessage(&m, to: peer?.address)
    }

    /// A request, answered by every peer it goes to within `timeoutNs`. The replies'
    /// fds are the caller's. Throws ETIMEDOUT when a peer did not answer in time.
    static func request(_ msg: rte_mp_msg, timeoutNs: UInt64, to peer: MPPeer? = nil) throws(Errno) -> MPReplies {
        var m = msg
        var sent: Int32 = 0
        let replies = try requestSync(&m, deadline: deadline(afterNs: timeoutNs), to: peer?.address, sent: &sent)
        return MPReplies(sent: Int(sent), messages: replies)
    }

    /// A request whose replies go to `done`, called once on rte_mp_handle (the last
    /// reply came) or the interrupt thread (the time ran out, or no peer was there).
    static func requestAsync(_ msg: rte_mp_msg, timeoutNs: UInt64, to peer: MPPeer? = nil,
                             _ done: @escaping (_ request: rte_mp_msg, _ replies: MPReplies) -> Void) throws(Errno) {
        var m = msg
        try requestAsync(&m, deadline: deadline(afterNs: timeoutNs), to: peer?.address, .swift(done))
    }

    /// Answers a request received from `peer`.
    static func reply(_ msg: rte_mp_msg, to peer: MPPeer) throws(Errno) {
        var m = msg
        try reply(&m, to: peer.address)
    }

    // MARK: the operations behind both APIs (arguments already checked)

    static func registerAction(_ name: UnsafePointer<CChar>?, _ handler: MPHandler) throws(Errno) {
        try mpValidateName(name)
        let name = name!
        guard MPChannel.supported else {
            ealLog(8, "No shared files mode enabled, IPC will be disabled")
            throw .ENOTSUP
        }
        var key = rte_mp_msg()
        withUnsafeMutableBytes(of: &key.name) { $0.copyMemory(from: UnsafeRawBufferPointer(start: name, count: strlen(name))) }
        let s = mpState
        s.lock()
        defer { s.unlock() }
        if MPChannel.findAction(key) != nil { throw .EEXIST }
        s.pointee.actions.append(MPActionEntry(name: key, handler: handler))
    }

    static func unregisterAction(_ name: UnsafePointer<CChar>?) {
        guard (try? mpValidateName(name)) != nil, let name else { return }
        guard MPChannel.supported else {
            ealLog(8, "No shared files mode enabled, IPC will be disabled")
            return
        }
        let s = mpState
        s.lock()
        s.pointee.actions.removeAll { a in a.name.hasName(name) }
        s.unlock()
    }

    static func sendMessage(_ msg: UnsafePointer<rte_mp_msg>, to target: MPAddress?) throws(Errno) {
        try requireChannel()
        try withDestinations(target) { (peers, gone) throws(Errno) in
            // As DPDK: every peer is tried; a failure makes the whole send fail.
            var failure: Errno? = nil
            for p in peers {
                do throws(Errno) { _ = try MPSocket.send(fd: mpState.pointee.fd, type: EAL_MP_MSG, seq: 0, msg, to: p, gone: gone) }
                catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    static func requestSync(_ msg: UnsafePointer<rte_mp_msg>, deadline: UInt64, to target: MPAddress?,
                            sent: inout Int32) throws(Errno) -> [rte_mp_msg] {
        try requireChannel()
        if MPChannel.onHandleThread() {
            // DPDK's rule too: the replies could only be received by this very thread.
            ealLog(4, "A sync request from rte_mp_handle cannot get its replies (it will time out): use an async request")
        }
        let req = try withDestinations(target) { (peers, gone) throws(Errno) in
            try MPRequests.start(msg, peers: peers, gone: gone, deadline: deadline, completion: nil, sent: &sent)
        }
        return try MPRequests.waitSync(req, sent: &sent)
    }

    static func requestAsync(_ msg: UnsafePointer<rte_mp_msg>, deadline: UInt64, to target: MPAddress?,
                             _ completion: MPCompletion) throws(Errno) {
        try requireChannel()
        var sent: Int32 = 0
        _ = try withDestinations(target) { (peers, gone) throws(Errno) in
            try MPRequests.start(msg, peers: peers, gone: gone, deadline: deadline, completion: completion, sent: &sent)
        }
    }

    static func reply(_ msg: UnsafePointer<rte_mp_msg>, to peer: MPAddress) throws(Errno) {
        let seq = MPChannel.takeAnswer(peer: peer, name: msg)
        _ = try MPSocket.send(fd: mpState.pointee.fd, type: EAL_MP_REP, seq: seq, msg, to: peer,
                              gone: MPGonePolicy.forTarget(peer, primary: MPChannel.isPrimary))
    }

    // MARK: helpers

    /// ENOTSUP without shared files, as DPDK 22.11 answers.
    private static func requireChannel() throws(Errno) {
        guard MPChannel.supported else {
            ealLog(8, "No shared files mode enabled, IPC is disabled")
            throw .ENOTSUP
        }
    }

    /// Where a message goes: the given peer; else from a secondary to the primary,
    /// and from the primary to every secondary whose socket is in the runtime
    /// directory (a dead one is dropped, its socket removed, and not counted).
    private static func withDestinations<R>(_ target: MPAddress?,
                                            _ body: ([MPAddress], MPGonePolicy) throws(Errno) -> R) throws(Errno) -> R {
        let gone = MPGonePolicy.forTarget(target, primary: MPChannel.isPrimary)
        if let target { return try body([target], gone) }
        if !MPChannel.isPrimary { return try body([try MPChannel.primaryAddress()], gone) }
        return try MPSocket.withSecondaries(in: mpState.pointee.directory) { (peers) throws(Errno) in try body(peers, gone) }
    }

    /// CLOCK_MONOTONIC nanoseconds `ns` from now (saturating).
    static func deadline(afterNs ns: UInt64) -> UInt64 {
        let (d, o) = monotonicNanoseconds().addingReportingOverflow(ns)
        return o ? UInt64.max : d
    }

    /// The deadline `ts` from now; a negative wait is no wait (DPDK may hang on one).
    static func deadline(after ts: timespec) -> UInt64 {
        let (a, o1) = Int64(ts.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = a.addingReportingOverflow(Int64(ts.tv_nsec))
        if o1 || o2 { return ts.tv_sec < 0 ? monotonicNanoseconds() : UInt64.max }
        return total <= 0 ? monotonicNanoseconds() : deadline(afterNs: UInt64(total))
    }
}
