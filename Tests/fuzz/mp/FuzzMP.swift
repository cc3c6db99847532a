import CEALShared
import CSwiftEAL
import FuzzSupport
import Glibc
@testable import SwiftEAL

// rte_mp datagram decoding: what rte_mp_handle does with one received datagram
// (MPChannel.handle: the checks of length, flags, type, fd count and data length,
// then an action, or a reply matched to a waiting request). The input is the datagram
// (header and message, as the peer wrote it) with what the kernel would say about it:
// its length, the truncation flags, the descriptors that came with it (real ones, made
// here) and the sender's path. The model says whether the datagram is well formed and
// where it should go; every descriptor must end closed exactly once, by the library
// (a datagram it drops) or by whoever it handed them to (the action, the requester).

let peerA = try! MPAddress(path: "/tmp/swifteal-fuzz-mp/mp_socket")
let peerB = try! MPAddress(path: "/tmp/swifteal-fuzz-mp/mp_socket_7_abc")
let names = ["fz_action", "fz_c", "fz_null", "fz_request", "fz_fail"]

/// What the actions saw during one input.
// Safe: libFuzzer runs the inputs on one thread, and the actions run inside the
// MPChannel.handle call the input makes (no rte_mp_handle thread is started).
nonisolated(unsafe) var actionCalls = 0
// Safe: as actionCalls.
nonisolated(unsafe) var handedFds: [Int32] = []

/// The checks a well-formed message passes before any action sees it.
func checkDelivered(_ msg: UnsafePointer<rte_mp_msg>?) -> Int32 {
    guard let m = msg?.pointee else { fuzzFail("an action got no message") }
    fuzzCheck(m.len_param >= 0 && m.len_param <= RTE_MP_MAX_PARAM_LEN, "action got len_param \(m.len_param)")
    fuzzCheck(m.num_fds >= 0 && m.num_fds <= RTE_MP_MAX_FD_NUM, "action got num_fds \(m.num_fds)")
    actionCalls += 1
    for fd in m.fileDescriptors {
        fuzzCheck(fcntl(fd, F_GETFD) != -1, "action got fd \(fd), which is not open")
        handedFds.append(fd)
    }
    return m.paramBytes.first == 0xff ? -1 : 0
}

let cAction: rte_mp_t = { msg, peer in
    fuzzCheck(peer != nil, "a C action got no peer")
    return checkDelivered(msg)
}

func install() {
    let s = mpState
    s.lock()
    for (name, handler) in [("fz_action", MPHandler.swift({ msg, _ in checkDelivered(msg) })),
                            ("fz_c", .c(cAction)), ("fz_null", .c(nil)),
                            ("fz_fail", .swift({ msg, _ in _ = checkDelivered(msg); return -1 }))] {
        var key = rte_mp_msg()
        withUnsafeMutableBytes(of: &key.name) { $0.copyBytes(from: name.utf8) }
        s.pointee.actions.append(MPActionEntry(name: key, handler: handler))
    }
    s.unlock()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let shape = input.u8()
    let lengthKind = input.u8()
    let fdCount = Int(input.u8() % 9)
    let fromKind = input.u8()
    let nameKind = input.u8()

    // the datagram as sent
    let wire = UnsafeMutablePointer<eal_mp_wire>.allocate(capacity: 1)
    defer { wire.deallocate() }
    wire.initialize(to: eal_mp_wire())
    let wireLen = eal_mp_wire_len()
    let raw = input.take(wireLen)
    UnsafeMutableRawPointer(wire).copyMemory(from: raw, byteCount: raw.count)
    if shape & 0x80 == 0 { wire.pointee.type = Int32(shape & 3) }
    if nameKind < 200 {
        let name = names[Int(nameKind) % names.count]
        withUnsafeMutableBytes(of: &wire.pointee.msg.name) { dst in
            dst.initializeMemory(as: UInt8.self, repeating: 0)
            dst.copyBytes(from: name.utf8)
        }
    }
    if shape & 0x40 == 0 { wire.pointee.msg.num_fds = Int32(fdCount) }
    if shape & 0x20 == 0 { wire.pointee.msg.len_param = Int32(wire.pointee.msg.len_param & 0x1ff) }

    // what the kernel says about it
    let length: Int
    switch lengthKind >> 6 {
    case 0: length = wireLen - 1 - Int(lengthKind & 0x3f)
    case 1: length = wireLen + 1 + Int(lengthKind & 0x3f)
    default: length = wireLen
    }
    let flags: Int32 = [0, 0, Int32(MSG_TRUNC), Int32(MSG_CTRUNC)][Int(lengthKind & 3)]
    var fds: [Int32] = []
    withUnsafeMutableBytes(of: &wire.pointee.msg.fds) { raw in
        let slots = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
        for i in 0..<Int(RTE_MP_MAX_FD_NUM) {
            if i < fdCount {
                let fd = eventfd(0, Int32(EFD_CLOEXEC))
                fuzzCheck(fd >= 0, "eventfd: \(errno)")
                fds.append(fd)
                slots[i] = fd
            } else {
                slots[i] = -1
            }
        }
    }
    let from: MPAddress
    switch fromKind % 4 {
    case 0: from = peerA
    case 1: from = peerB
    case 2:
        let path = input.take(Int(fromKind >> 2)).map { $0 == 0 ? 1 : $0 }
        from = (try? MPAddress(path: ByteString(bytes: path))) ?? peerA
    default: from = MPAddress()
    }

    // a sync request of this process, waiting for replies from A and B
    let s = mpState
    let seq = UInt32(input.u8() % 4)
    let req = MPRequestPtr.allocate(capacity: 1)
    let entries = UnsafeMutablePointer<MPPending>.allocate(capacity: 2)
    entries.initialize(to: MPPending(request: req, peer: peerA, state: .waiting, reply: rte_mp_msg()))
    (entries + 1).initialize(to: MPPending(request: req, peer: peerB, state: .waiting, reply: rte_mp_msg()))
    req.initialize(to: MPRequest(message: try! rte_mp_msg(name: "fz_request"), seq: 2, entries: entries, count: 2,
                                 unresolved: 2, deadline: UInt64.max, completion: nil, sending: false,
                                 timedOut: false, done: false))
    if seq != 0 { wire.pointee.seq = seq }
    s.lock()
    s.pointee.pending.append(entries)
    s.pointee.pending.append(entries + 1)
    s.unlock()

    // the model
    let m = wire.pointee.msg
    let type = wire.pointee.type
    let wellFormed = length == wireLen && flags == 0 && type >= EAL_MP_MSG && type <= EAL_MP_IGN
        && m.num_fds >= 0 && m.num_fds <= RTE_MP_MAX_FD_NUM && Int(m.num_fds) == fdCount
        && m.len_param >= 0 && m.len_param <= RTE_MP_MAX_PARAM_LEN
    var name = m.name
    let nameText = withUnsafeMutableBytes(of: &name) { raw -> String in
        raw[raw.count - 1] = 0
        return String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
    }
    let toAction = wellFormed && (type == EAL_MP_MSG || type == EAL_MP_REQ)
        && ["fz_action", "fz_c", "fz_fail"].contains(nameText)
    let matches: (MPAddress) -> Bool = { $0.samePath(as: from) }
    let toRequest = wellFormed && (type == EAL_MP_REP || type == EAL_MP_IGN) && nameText == "fz_request"
        && (matches(peerA) || matches(peerB)) && (wire.pointee.seq == 0 || wire.pointee.seq == 2)

    actionCalls = 0
    handedFds = []
    MPChannel.handle(wire, length: length, flags: flags, fdCount: fdCount, from: from)

    fuzzCheck(actionCalls == (toAction ? 1 : 0), "\(actionCalls) action calls, model \(toAction ? 1 : 0)")
    // the requester's side: what was answered, and the descriptors a reply brought
    s.lock()
    let stillPending = s.pointee.pending.filter { $0.pointee.request == req }.count
    s.pointee.pending.removeAll { $0.pointee.request == req }
    s.pointee.answers.removeAll()
    s.unlock()
    var answered = 0
    for i in 0..<2 {
        switch entries[i].state {
        case .waiting: break
        case .replied:
            answered += 1
            fuzzCheck(type == EAL_MP_REP, "a reply from a datagram of type \(type)")
            handedFds += entries[i].reply.fileDescriptors
        case .ignored:
            answered += 1
            fuzzCheck(type == EAL_MP_IGN, "ignored by a datagram of type \(type)")
        case .gone:
            fuzzFail("an entry went")
        }
    }
    fuzzCheck(answered == (toRequest ? 1 : 0), "\(answered) answers, model \(toRequest ? 1 : 0)")
    fuzzCheck(stillPending == 2 - answered, "\(stillPending) entries pending after \(answered) answers")
    fuzzCheck(req.pointee.unresolved == UInt32(2 - answered), "unresolved \(req.pointee.unresolved)")
    entries.deinitialize(count: 2)
    entries.deallocate()
    req.deinitialize(count: 1)
    req.deallocate()

    // every descriptor: handed over once, and then closed here, or closed by the library
    fuzzCheck(Set(handedFds).count == handedFds.count, "a descriptor handed over twice")
    for fd in handedFds {
        fuzzCheck(fds.contains(fd), "handed fd \(fd), which came with no datagram")
        fuzzCheck(close(fd) == 0, "fd \(fd) handed over, but already closed")
    }
    for fd in fds {
        fuzzCheck(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "fd \(fd) left open")
    }
    return 0
}

@main struct FuzzMP {
    static func main() {
        rte_log_set_global_level(1)
        install()
        runLibFuzzer(testOneInput)
    }
}
