import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// Memory that changes while secondaries run, over rte_mp, as DPDK arranges it: only
/// the primary maps and unmaps pages. A secondary asks it to ("eal_mem_grow",
/// "eal_mem_free"); the primary makes the change under the hotplug write lock and, still
/// holding it, has every secondary follow ("eal_mem_sync") before it answers. So a page
/// is mapped in every process before anyone can be handed memory in it, and unmapped in
/// every secondary before its file goes.
enum MemoryRequests {
    static let growName = "eal_mem_grow"
    static let freeName = "eal_mem_free"
    static let syncName = "eal_mem_sync"
    /// DPDK's bound on a memory request between processes.
    static let timeoutNs: UInt64 = 5_000_000_000

    struct Request: BitwiseCopyable {
        var count: Int64 = 0
        var pageSize: Int64 = 0
        var first: Int64 = 0
        var socket: Int32 = 0
        var list: Int32 = -1
        var contiguous: Int32 = 0
        var reserved: Int32 = 0
    }

    struct Answer: BitwiseCopyable {
        var error: Int32 = 0
        var list: Int32 = -1
        var base: UInt64 = 0
        var length: Int64 = 0
    }

    /// Requests the primary is handling on their own threads (cleanup waits for them).
    static let inFlight = Atomic<Int>(0)
    /// Whether the actions of this process are registered.
    static let registered = Atomic<Bool>(false)

    // MARK: set up at init

    /// Registers this process's side (the primary's grow and free, a secondary's sync).
    /// Without shared files there is nobody to talk to: nothing is registered. A
    /// secondary registers before it attaches, so no change of the primary's is missed
    /// between its snapshot and its action.
    static func register() throws(Errno) -> (() -> Void)? {
        guard MPChannel.supported else { return nil }
        if MPChannel.isPrimary {
            try MultiProcess.register(action: growName) { msg, peer in handOff(msg, peer, grow: true) }
            do throws(Errno) {
                try MultiProcess.register(action: freeName) { msg, peer in handOff(msg, peer, grow: false) }
            } catch {
                MultiProcess.unregister(action: growName)
                throw error
            }
        } else {
            try MultiProcess.register(action: syncName) { _, peer in
                var answer = Answer()
                do throws(Errno) { try MemorySync.follow(underPrimaryLock: true) } catch { answer.error = error.rawValue }
                guard let reply = try? rte_mp_msg(name: syncName, payload: answer) else { return -1 }
                return (try? MultiProcess.reply(reply, to: peer)) == nil ? -1 : 0
            }
        }
        registered.store(true, ordering: .releasing)
        return { unregister() }
    }

    static func unregister() {
        guard registered.exchange(false, ordering: .acquiringAndReleasing) else { return }
        if MPChannel.isPrimary {
            MultiProcess.unregister(action: growName)
            MultiProcess.unregister(action: freeName)
            // a request being handled finishes first: it holds the memory lists
            var waited = 0
            while inFlight.load(ordering: .acquiring) > 0 && waited < 10_000 {
                usleep(1000)
                waited += 1
            }
        } else {
            MultiProcess.unregister(action: syncName)
        }
    }

    // MARK: the primary

    /// rte_mp_handle must not wait for the secondaries' answers (only it could receive
    /// them): the request is handled on a thread of its own.
    private static func handOff(_ msg: UnsafePointer<rte_mp_msg>, _ peer: MPPeer, grow: Bool) -> Int32 {
        guard let req = msg.pointee.payload(as: Request.self) else { return -1 }
        inFlight.add(1, ordering: .acquiringAndReleasing)
        do {
            let tid = try spawnThread(name: "eal-mem-req") {
                defer { inFlight.subtract(1, ordering: .acquiringAndReleasing) }
                var answer = Answer()
                do throws(Errno) {
                    if grow {
                        let run = try MemoryPages.allocate(count: Int(req.count), pageSize: Int(req.pageSize),
                                                           socket: req.socket, iovaContiguous: req.contiguous != 0)
                        answer.list = run.list
                        answer.base = UInt64(UInt(bitPattern: run.base))
                        answer.length = Int64(run.length)
                    } else {
                        guard let base = UnsafeMutableRawPointer(bitPattern: UInt(req.first)) else { throw .EINVAL }
                        try MemoryPages.free(PageRun(base: base, length: Int(req.count) * Int(req.pageSize),
                                                     pageSize: Int(req.pageSize), socket: req.socket, list: req.list))
                    }
                } catch {
                    answer.error = error.rawValue
                }
                if let reply = try? rte_mp_msg(name: grow ? growName : freeName, payload: answer) {
                    try? MultiProcess.reply(reply, to: peer)
                }
            }
            pthread_detach(tid)
            return 0
        } catch {
            inFlight.subtract(1, ordering: .acquiringAndReleasing)
            return -1
        }
    }

    /// Has every secondary map and unmap as the lists now say (the caller holds the
    /// hotplug write lock). False when one answered that it could not, or did not answer.
    static func syncSecondaries() -> Bool {
        guard registered.load(ordering: .acquiring), MPChannel.isPrimary,
              let msg = try? rte_mp_msg(name: syncName) else { return true }
        let replies: MPReplies
        do {
            replies = try MultiProcess.request(msg, timeoutNs: timeoutNs)
        } catch {
            ealLog(4, "Memory sync with the secondary processes failed: \(error)")
            return false
        }
        var ok = replies.messages.count == replies.sent
        for r in replies.messages {
            r.closeFileDescriptors()
            if (r.payload(as: Answer.self)?.error ?? -1) != 0 { ok = false }
        }
        if !ok { ealLog(4, "A secondary process could not follow a memory change") }
        return ok
    }

    // MARK: a secondary

    /// Asks the primary for `count` pages; they are mapped here when it answers.
    static func askToGrow(count: Int, pageSize: Int, socket: Int32, iovaContiguous: Bool) throws(Errno) -> PageRun {
        var req = Request()
        req.count = Int64(count)
        req.pageSize = Int64(pageSize)
        req.socket = socket
        req.contiguous = iovaContiguous ? 1 : 0
        let answer = try ask(growName, req)
        guard let base = UnsafeMutableRawPointer(bitPattern: UInt(answer.base)) else { throw .ENOMEM }
        return PageRun(base: base, length: Int(answer.length), pageSize: pageSize, socket: socket, list: answer.list)
    }

    /// Asks the primary to give back `run`'s pages; they are unmapped here when it answers.
    static func askToFree(_ run: PageRun) throws(Errno) {
        var req = Request()
        req.count = Int64(run.length / max(run.pageSize, 1))
        req.pageSize = Int64(run.pageSize)
        req.first = Int64(Int(bitPattern: run.base))
        req.socket = run.socket
        req.list = run.list
        _ = try ask(freeName, req)
    }

    private static func ask(_ name: String, _ req: Request) throws(Errno) -> Answer {
        guard MPChannel.supported else { throw .ENOTSUP }
        let msg = try rte_mp_msg(name: name, payload: req)
        let replies = try MultiProcess.request(msg, timeoutNs: timeoutNs)
        for r in replies.messages { r.closeFileDescriptors() }
        guard replies.messages.count == 1, let answer = replies.messages[0].payload(as: Answer.self) else {
            ealLog(4, "The primary process did not answer a memory request")
            throw .ENOMEM
        }
        if answer.error != 0 { throw Errno(answer.error) }
        // the primary had this process follow (on rte_mp_handle) before it answered.
        // Not again here: that would wait for the hotplug lock while holding the
        // follower's own lock, which rte_mp_handle needs for the primary's next change
        return answer
    }
}
