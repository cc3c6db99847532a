import CEALShared
import CSwiftEAL
import Glibc

/// The primary's list of its secondaries' sockets. Listing the runtime directory
/// costs about 20 us here (opendir, getdents, close), as much as the rest of a round
/// trip, so the list is kept and read again only when the directory changed: an
/// inotify watch on it reports every socket bound or removed, and checking it is one
/// non-blocking read. Without inotify (limits reached) every broadcast lists the
/// directory, as DPDK's does.
struct MPPeerCache {
    var lock = pthread_mutex_t()
    var inotify: Int32 = -1
    var directory = ByteString("")
    var peers: [MPAddress] = []
    var valid = false
}

// Safe: the pointer never changes; its fields are read and written under its lock.
nonisolated(unsafe) let mpPeerCache: UnsafeMutablePointer<MPPeerCache> = {
    let c = UnsafeMutablePointer<MPPeerCache>.allocate(capacity: 1)
    c.initialize(to: MPPeerCache())
    pthread_mutex_init(&c.pointee.lock, nil)
    return c
}()

extension MPPeerCache {
    /// The primary starts watching `dir`.
    static func watch(_ dir: ByteString) {
        let c = mpPeerCache
        pthread_mutex_lock(&c.pointee.lock)
        defer { pthread_mutex_unlock(&c.pointee.lock) }
        if c.pointee.inotify >= 0 { close(c.pointee.inotify) }
        c.pointee.directory = dir
        c.pointee.valid = false
        c.pointee.peers = []
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        c.pointee.inotify = fd
        guard fd >= 0 else { return }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
        if dir.withCString({ inotify_add_watch(fd, $0, mask) }) < 0 {
            close(fd)
            c.pointee.inotify = -1
        }
    }

    static func unwatch() {
        let c = mpPeerCache
        pthread_mutex_lock(&c.pointee.lock)
        if c.pointee.inotify >= 0 { close(c.pointee.inotify) }
        c.pointee.inotify = -1
        c.pointee.valid = false
        c.pointee.peers = []
        pthread_mutex_unlock(&c.pointee.lock)
    }

    /// The secondaries' sockets in `dir` (the caller holds the directory's shared
    /// flock): the kept list while nothing changed there, else a fresh listing.
    static func secondaries(in dir: ByteString) throws(Errno) -> [MPAddress] {
        let c = mpPeerCache
        pthread_mutex_lock(&c.pointee.lock)
        defer { pthread_mutex_unlock(&c.pointee.lock) }
        let watched = c.pointee.inotify >= 0 && c.pointee.directory == dir
        if watched {
            // Any event (or an overflowed queue) means: list again.
            withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 8) { buf in
                while read(c.pointee.inotify, buf.baseAddress, buf.count) > 0 { c.pointee.valid = false }
            }
            if c.pointee.valid { return c.pointee.peers }
        }
        let peers = try list(dir)
        if watched {
            c.pointee.peers = peers
            c.pointee.valid = true
        }
        return peers
    }

    /// The directory's `mp_socket_*` entries.
    private static func list(_ dir: ByteString) throws(Errno) -> [MPAddress] {
        guard let d = dir.withCString({ Sys.opendir($0) }) else {
            let e = Errno.current
            ealLog(4, "Unable to open directory \(dir)")
            throw e
        }
        defer { closedir(d) }
        var peers: [MPAddress] = []
        while let ent = readdir(d) {
            let peer: MPAddress? = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                let name = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                guard fnmatch(MPPaths.secondaryPattern, name, 0) == 0 else { return nil }
                // A path too long for sun_path cannot have been bound: not a peer.
                return try? MPAddress(directory: dir, name: name)
            }
            if let peer { peers.append(peer) }
        }
        return peers
    }
}
