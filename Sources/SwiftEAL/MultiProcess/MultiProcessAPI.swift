import CEALShared
import CSwiftEAL
import Glibc

// rte_eal.h, the rte_mp part: the C entry points. Arguments are checked in DPDK
// 22.11's order and answered with its rte_errno values (probed against librte_eal);
// where DPDK would crash (a NULL reply, timeout or callback) the answer is EINVAL.

@c @implementation
public func rte_mp_action_register(_ name: UnsafePointer<CChar>?, _ action: rte_mp_t?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try MultiProcess.registerAction(name, .c(action))
        return 0
    }
}

@c @implementation
public func rte_mp_action_unregister(_ name: UnsafePointer<CChar>?) {
    MultiProcess.unregisterAction(name)
}

@c @implementation
public func rte_mp_sendmsg(_ msg: UnsafeMutablePointer<rte_mp_msg>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try mpValidateMessage(msg)
        try MultiProcess.sendMessage(msg!, to: nil)
        return 0
    }
}

@c @implementation
public func rte_mp_request_sync(_ req: UnsafeMutablePointer<rte_mp_msg>?, _ reply: UnsafeMutablePointer<rte_mp_reply>?,
                                _ ts: UnsafePointer<timespec>?) -> Int32 {
    guard let reply else {
        ealLog(4, "Reply cannot be NULL")
        RteErrno.set(.EINVAL)
        return -1
    }
    reply.pointee.nb_sent = 0
    reply.pointee.nb_received = 0
    reply.pointee.msgs = nil
    return withRteErrno(-1) { () throws(Errno) -> Int32 in
        try mpValidateMessage(req)
        guard MPChannel.supported else {
            ealLog(8, "No shared files mode enabled, IPC is disabled")
            throw .ENOTSUP
        }
        guard let ts else {
            ealLog(4, "Timeout cannot be NULL")
            throw .EINVAL
        }
        var sent: Int32 = 0
        defer { reply.pointee.nb_sent = sent }
        let replies = try MultiProcess.requestSync(req!, deadline: MultiProcess.deadline(after: ts.pointee), to: nil, sent: &sent)
        if !replies.isEmpty {
            // malloc'd: the caller frees reply->msgs, as DPDK documents.
            guard let raw = malloc(replies.count * MemoryLayout<rte_mp_msg>.stride) else {
                for r in replies { r.closeFileDescriptors() }
                throw .ENOMEM
            }
            let msgs = raw.bindMemory(to: rte_mp_msg.self, capacity: replies.count)
            for (i, r) in replies.enumerated() { (msgs + i).initialize(to: r) }
            reply.pointee.msgs = msgs
            reply.pointee.nb_received = Int32(replies.count)
        }
        return 0
    }
}

@c @implementation
public func rte_mp_request_async(_ req: UnsafeMutablePointer<rte_mp_msg>?, _ ts: UnsafePointer<timespec>?,
                                 _ clb: rte_mp_async_reply_t?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try mpValidateMessage(req)
        guard MPChannel.supported else {
            ealLog(8, "No shared files mode enabled, IPC is disabled")
            throw .ENOTSUP
        }
        guard let ts, let clb else {
            ealLog(4, ts == nil ? "Timeout cannot be NULL" : "Callback cannot be NULL")
            throw .EINVAL
        }
        try MultiProcess.requestAsync(req!, deadline: MultiProcess.deadline(after: ts.pointee), to: nil, .c(clb))
        return 0
    }
}

@c @implementation
public func rte_mp_reply(_ msg: UnsafeMutablePointer<rte_mp_msg>?, _ peer: UnsafePointer<CChar>?) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try mpValidateMessage(msg)
        guard let peer else {
            ealLog(4, "peer is not specified")
            throw .EINVAL
        }
        // Without shared files there is nobody to answer; DPDK says 0.
        guard MPChannel.supported else {
            ealLog(8, "No shared files mode enabled, IPC is disabled")
            return 0
        }
        let address: MPAddress
        do throws(Errno) { address = try MPAddress(path: peer) } catch {
            ealLog(4, "failed to send to (\(String(cString: peer))) due to \(error)")
            throw error
        }
        try MultiProcess.reply(msg!, to: address)
        return 0
    }
}

/// true when multi-process is (now) off: no secondary has attached, and none will.
@c @implementation
public func rte_mp_disable() -> Bool {
    MPStatus.disable()
}
