import CEALShared
import CSwiftEAL
import Glibc

// Requests waiting for replies. A request goes to one or more peers at once (a
// secondary asks the primary; the primary asks every secondary) and each peer is
// one pending entry, found again by the reply's sender path, name and number.
// Sync requests sleep on a futex word counting unanswered peers; async ones are
// completed by whoever sees the last answer (rte_mp_handle) or by their timeout
// alarm on the interrupt thread, as DPDK does.

enum MPPendingState {
    case waiting
    case replied
    /// The peer was not ready (its init had not ended) and asked not to be counted.
    case ignored
    /// The peer was dead when sent to: never counted.
    case gone
}

struct MPPending {
    var request: UnsafeMutablePointer<MPRequest>
    var peer: MPAddress
    var state: MPPendingState
    var reply: rte_mp_msg
}

/// What an async request calls when every peer has answered or the time is up.
enum MPCompletion {
    case c(rte_mp_async_reply_t)
    case swift((rte_mp_msg, MPReplies) -> Void)
}

struct MPRequest {
    var message: rte_mp_msg
    var seq: UInt32
    var entries: UnsafeMutablePointer<MPPending>
    var count: Int
    /// Entries still waiting: the futex word a sync requester sleeps on.
    var unresolved: UInt32
    /// CLOCK_MONOTONIC nanoseconds.
    var deadline: UInt64
    /// nil: a sync request.
    var completion: MPCompletion?
    /// The requester is still sending: nobody else may complete it yet.
    var sending: Bool
    /// The timeout alarm fired while it was still sending.
    var timedOut: Bool
    /// Completed (or abandoned): its entries are off the pending list.
    var done: Bool
}

typealias MPRequestPtr = UnsafeMutablePointer<MPRequest>

/// The replies a request collected, in the order of its peers.
struct MPReplies {
    /// Peers that were sent the request and did not ask to be ignored (nb_sent).
    var sent: Int
    var messages: [rte_mp_msg]
}

enum MPRequests {
    // MARK: starting

    /// Registers `msg` as a request to `peers`, then sends it to each. On return the
    /// request is on its way (sync: the caller waits; async: its alarm is set); on a
    /// failure nothing of it is left. `sent` counts the peers it reached.
    static func start(_ msg: UnsafePointer<rte_mp_msg>, peers: [MPAddress], gone: MPGonePolicy,
                      deadline: UInt64, completion: MPCompletion?, sent: inout Int32) throws(Errno) -> MPRequestPtr {
        let s = mpState
        let req = MPRequestPtr.allocate(capacity: 1)
        let entries = UnsafeMutablePointer<MPPending>.allocate(capacity: max(1, peers.count))
        for (i, p) in peers.enumerated() {
            (entries + i).initialize(to: MPPending(request: req, peer: p, state: .waiting, reply: rte_mp_msg()))
        }
        req.initialize(to: MPRequest(message: msg.pointee, seq: 0, entries: entries, count: peers.count,
                                     unresolved: UInt32(peers.count), deadline: deadline, completion: completion,
                                     sending: true, timedOut: false, done: false))
        s.lock()
        for i in 0..<peers.count {
            let e = entries + i
            if s.pointee.pending.contains(where: { $0.pointee.peer.samePath(as: e.pointee.peer) && $0.pointee.request.pointee.message.hasSameName(as: req.pointee.message) }) {
                s.unlock()
                ealLog(4, "A pending request \(e.pointee.peer.path):\(req.pointee.message.nameString)")
                release(req)
                throw .EEXIST
            }
        }
        s.pointee.nextSeq &+= 1
        if s.pointee.nextSeq == 0 { s.pointee.nextSeq = 1 }
        req.pointee.seq = s.pointee.nextSeq
        for i in 0..<peers.count { s.pointee.pending.append(entries + i) }
        s.unlock()

        // The alarm first: a reply may complete the request before the sends end.
        if completion != nil {
            do {
                try Alarms.set(us: microsecondsUntil(deadline), mpAsyncAlarm, UnsafeMutableRawPointer(req))
            } catch {
                ealLog(4, "Fail to set alarm for request \(req.pointee.message.nameString)")
                abandon(req, cancelAlarm: false)
                throw error
            }
        }
        let fd = s.pointee.fd
        for i in 0..<peers.count {
            let e = entries + i
            do {
                let r = try withUnsafePointer(to: &req.pointee.message) { (m) throws(Errno) in
                    try MPSocket.send(fd: fd, type: EAL_MP_REQ, seq: req.pointee.seq, m, to: e.pointee.peer, gone: gone)
                }
                if case .gone = r {
                    s.lock()
                    if e.pointee.state == .waiting {
                        e.pointee.state = .gone
                        unlink(e, from: s)
                        resolveOne(req)
                    }
                    s.unlock()
                } else {
                    sent += 1
                }
            } catch {
                ealLog(4, "Fail to send request \(e.pointee.peer.path):\(req.pointee.message.nameString)")
                abandon(req, cancelAlarm: completion != nil)
                throw error
            }
        }

        s.lock()
        req.pointee.sending = false
        var finishNow = false
        if completion != nil && !req.pointee.done && (AtomicView(unresolvedWord(req)).load() == 0 || req.pointee.timedOut) {
            // Everyone answered (or nobody was there, or the time ran out) while it
            // was sending: completing is this thread's job, done on the interrupt
            // thread like any other completion.
            req.pointee.done = true
            takeWaiting(req, from: s)
            finishNow = true
        }
        s.unlock()
        if finishNow {
            _ = Alarms.cancel(mpAsyncAlarm, UnsafeMutableRawPointer(req))
            do {
                try Alarms.set(us: 1, mpAsyncFinish, UnsafeMutableRawPointer(req))
            } catch {
                finish(req)   // alarms are gone (cleanup raced us): complete here
            }
        }
        return req
    }

    // MARK: sync

    /// Sleeps until every peer of `req` answered or its deadline passed, then takes it
    /// off the list. Returns the replies (the caller owns their fds) or throws
    /// ETIMEDOUT, closing whatever fds the replies that did come carried.
    static func waitSync(_ req: MPRequestPtr, sent: inout Int32) throws(Errno) -> [rte_mp_msg] {
        let s = mpState
        let word = unresolvedWord(req)
        var ts = timespec(tv_sec: Int(req.pointee.deadline / 1_000_000_000), tv_nsec: Int(req.pointee.deadline % 1_000_000_000))
        // A reply takes tens of microseconds: look for it a little while (yielding the
        // CPU to anyone who wants it) before going to sleep.
        let spinUntil = monotonicNanoseconds() &+ MPRequests.spinNs
        while AtomicView(word).load() != 0 && monotonicNanoseconds() < spinUntil { sched_yield() }
        while true {
            let left = AtomicView(word).load()
            if left == 0 { break }
            let r = eal_mp_futex_wait_until(word, left, &ts)
            if r == ETIMEDOUT { break }
        }
        s.lock()
        takeWaiting(req, from: s)
        req.pointee.done = true
        s.unlock()

        defer { release(req) }
        var replies: [rte_mp_msg] = []
        var timedOut: MPPending? = nil
        for i in 0..<req.pointee.count {
            let e = req.pointee.entries[i]
            switch e.state {
            case .replied: replies.append(e.reply)
            case .ignored:
                ealLog(8, "Asked to ignore response")
                sent -= 1
            case .waiting: if timedOut == nil { timedOut = e }
            case .gone: break
            }
        }
        if let t = timedOut {
            ealLog(4, "Fail to recv reply for request \(t.peer.path):\(req.pointee.message.nameString)")
            for r in replies { r.closeFileDescriptors() }
            throw .ETIMEDOUT
        }
        return replies
    }

    // MARK: replies (rte_mp_handle)

    /// A reply or an "ignore me" from `from`: resolves its pending entry, wakes the
    /// sync requester or completes the async request it was the last answer of.
    static func deliver(_ wire: UnsafeMutablePointer<eal_mp_wire>, from: MPAddress) {
        let s = mpState
        let seq = wire.pointee.seq
        s.lock()
        guard let i = s.pointee.pending.firstIndex(where: {
            $0.pointee.peer.samePath(as: from) && $0.pointee.request.pointee.message.hasSameName(as: wire.pointee.msg)
                && (seq == 0 || seq == $0.pointee.request.pointee.seq)
        }) else {
            s.unlock()
            ealLog(4, "Drop mp reply: \(wire.pointee.msg.nameString)")
            wire.pointee.msg.closeFileDescriptors()
            return
        }
        let e = s.pointee.pending.remove(at: i)
        let req = e.pointee.request
        if wire.pointee.type == EAL_MP_IGN {
            e.pointee.state = .ignored
            wire.pointee.msg.closeFileDescriptors()
        } else {
            e.pointee.state = .replied
            e.pointee.reply = wire.pointee.msg
        }
        let left = resolveOne(req)
        if req.pointee.completion == nil {
            if left == 0 { eal_mp_futex_wake_all(unresolvedWord(req)) }
            s.unlock()
            return
        }
        let complete = left == 0 && !req.pointee.sending && !req.pointee.done
        if complete { req.pointee.done = true }
        s.unlock()
        if complete {
            // Waits out the timeout alarm if it is running right now (it finds the
            // request done and leaves it alone), then calls back here, as DPDK does.
            _ = Alarms.cancel(mpAsyncAlarm, UnsafeMutableRawPointer(req))
            finish(req)
        }
    }

    // MARK: async completion

    /// Calls the async request's callback with its replies, then frees it. The
    /// replies array is freed after the callback returns (DPDK's contract); their
    /// fds are the callback's.
    static func finish(_ req: MPRequestPtr) {
        var sent = 0
        var replies: [rte_mp_msg] = []
        for i in 0..<req.pointee.count {
            switch req.pointee.entries[i].state {
            case .replied:
                sent += 1
                replies.append(req.pointee.entries[i].reply)
            case .waiting: sent += 1
            case .ignored, .gone: break
            }
        }
        switch req.pointee.completion {
        case .c(let clb)?:
            let n = replies.count
            let msgs = n > 0 ? malloc(n * MemoryLayout<rte_mp_msg>.stride)?.bindMemory(to: rte_mp_msg.self, capacity: n) : nil
            if let msgs { for (k, r) in replies.enumerated() { (msgs + k).initialize(to: r) } }
            var reply = rte_mp_reply(nb_sent: Int32(sent), nb_received: msgs == nil ? 0 : Int32(n), msgs: msgs)
            if msgs == nil { for r in replies { r.closeFileDescriptors() } }
            _ = withUnsafePointer(to: &req.pointee.message) { m in clb(m, &reply) }
            Glibc.free(msgs)
        case .swift(let done)?:
            done(req.pointee.message, MPReplies(sent: sent, messages: replies))
        case nil:
            break
        }
        release(req)
    }

    /// Ends every request still waiting (the channel is closing): sync requesters
    /// wake and time out; async requests are freed without their callback.
    static func abandonAll() {
        let s = mpState
        var dropped: [MPRequestPtr] = []
        s.lock()
        for e in s.pointee.pending {
            let req = e.pointee.request
            if req.pointee.completion == nil {
                AtomicView(unresolvedWord(req)).store(0)
                eal_mp_futex_wake_all(unresolvedWord(req))
            } else if !req.pointee.done && !req.pointee.sending {
                req.pointee.done = true
                dropped.append(req)
            }
        }
        s.pointee.pending.removeAll { $0.pointee.request.pointee.completion != nil && $0.pointee.request.pointee.done }
        s.unlock()
        for req in dropped {
            _ = Alarms.cancel(mpAsyncAlarm, UnsafeMutableRawPointer(req))
            for i in 0..<req.pointee.count where req.pointee.entries[i].state == .replied {
                req.pointee.entries[i].reply.closeFileDescriptors()
            }
            release(req)
        }
    }

    // MARK: helpers

    /// Takes a request that failed to start off the list (its alarm cancelled) and frees it.
    private static func abandon(_ req: MPRequestPtr, cancelAlarm: Bool) {
        let s = mpState
        s.lock()
        req.pointee.done = true
        takeWaiting(req, from: s)
        s.unlock()
        if cancelAlarm { _ = Alarms.cancel(mpAsyncAlarm, UnsafeMutableRawPointer(req)) }
        for i in 0..<req.pointee.count where req.pointee.entries[i].state == .replied {
            req.pointee.entries[i].reply.closeFileDescriptors()
        }
        release(req)
    }

    /// Removes the request's entries that are still on the pending list. Lock held.
    static func takeWaiting(_ req: MPRequestPtr, from s: MPStatePtr) {
        for i in 0..<req.pointee.count where req.pointee.entries[i].state == .waiting {
            unlink(req.pointee.entries + i, from: s)
        }
    }

    /// Lock held.
    private static func unlink(_ e: UnsafeMutablePointer<MPPending>, from s: MPStatePtr) {
        if let i = s.pointee.pending.firstIndex(of: e) { s.pointee.pending.remove(at: i) }
    }

    private static func release(_ req: MPRequestPtr) {
        req.pointee.entries.deinitialize(count: req.pointee.count)
        req.pointee.entries.deallocate()
        req.deinitialize(count: 1)
        req.deallocate()
    }

    /// The futex word of a request: its count of unanswered peers, read by a sleeping
    /// sync requester without the lock, so always changed atomically.
    static func unresolvedWord(_ req: MPRequestPtr) -> UnsafeMutablePointer<UInt32> {
        (UnsafeMutableRawPointer(req) + MemoryLayout<MPRequest>.offset(of: \.unresolved)!).assumingMemoryBound(to: UInt32.self)
    }

    /// One more peer answered (or is gone); returns how many are left. Lock held.
    @discardableResult
    static func resolveOne(_ req: MPRequestPtr) -> UInt32 {
        AtomicView(unresolvedWord(req)).add(UInt32.max)
    }

    /// How long a sync requester looks for its replies before it sleeps: a round trip
    /// to one peer takes 30-60 us here (three thread wake-ups), and waking the
    /// requester is one of them (bench_mp: about 15% off the round trip).
    static let spinNs: UInt64 = 50_000

    static func microsecondsUntil(_ deadline: UInt64) -> UInt64 {
        let now = monotonicNanoseconds()
        return deadline > now ? max(1, (deadline - now + 999) / 1000) : 1
    }
}

/// The timeout alarm of an async request (interrupt thread): completes it with the
/// replies that came, unless a reply completed it first or it is still being sent
/// (then the sender completes it).
private func mpAsyncAlarm(_ arg: UnsafeMutableRawPointer?) {
    let req = arg!.assumingMemoryBound(to: MPRequest.self)
    let s = mpState
    s.lock()
    if req.pointee.done {
        s.unlock()
        return
    }
    if req.pointee.sending {
        req.pointee.timedOut = true
        s.unlock()
        return
    }
    req.pointee.done = true
    MPRequests.takeWaiting(req, from: s)
    s.unlock()
    MPRequests.finish(req)
}

/// Completion of a request its sender found complete (interrupt thread).
private func mpAsyncFinish(_ arg: UnsafeMutableRawPointer?) {
    MPRequests.finish(arg!.assumingMemoryBound(to: MPRequest.self))
}
