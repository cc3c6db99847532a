import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The `config` file of a runtime directory, mapped. The primary creates it, holds a
/// write lock on it for its lifetime (a second primary's lock fails: that is how it
/// is refused) and publishes RTE_MAGIC when init is complete; secondaries map it at
/// the primary's address and wait for the magic.
struct SharedConfigMapping {
    var fd: FileDescriptor
    var config: UnsafeMutablePointer<eal_shared_config>
    var length: Int
    var path: ByteString
    var isPrimary: Bool
}

enum SharedConfig {
    /// Where DPDK maps its first region on x86_64 when --base-virtaddr is not given. With
    /// AddressSanitizer's runtime in the process that address is in its shadow gap, so the
    /// kernel would put the config (and the memseg lists after it) wherever it likes and
    /// no secondary could map them at the same place: there, a region above the shadow.
    static let defaultBaseAddress: UInt64 = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
        ? 0x2000_0000_0000 : 0x1_0000_0000

    static var mappedLength: Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (MemoryLayout<eal_shared_config>.size + page - 1) / page * page
    }

    /// Test hook: runs between opening `config` and locking it, where a primary that is
    /// preempted can find the file it opened unlinked by the primary it follows.
    static var afterOpenHook: (@Sendable () -> Void)? {
        get { afterOpenHookStorage.withLock { $0 } }
        set { afterOpenHookStorage.withLock { $0 = newValue } }
    }
    private static let afterOpenHookStorage = Mutex<(@Sendable () -> Void)?>(nil)

    /// Primary: create, lock, map, zero. Fails with EAGAIN when another primary holds
    /// it (logged unless `quiet`: --proc-type=auto then becomes a secondary).
    static func create(path: ByteString, baseAddress: UInt64, quiet: Bool = false) throws(Errno) -> SharedConfigMapping {
        // The lock counts only on the file the path names once it is held: a departing
        // primary unlinks its config (or someone removes the directory), and a lock on
        // the unlinked file would make a primary that the next one cannot see.
        for _ in 0..<100 {
            // Whether this call made the file: one it made and could not lock (the kernel
            // out of lock records) is nobody's, and goes. One that was there is left.
            var created = true
            let fd: FileDescriptor
            do {
                fd = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_EXCL, mode: 0o600)
            } catch where error == .EEXIST {
                created = false
                do { fd = try FileDescriptor.open(path, O_RDWR) } catch where error == .ENOENT { continue }
            }
            afterOpenHook?()
            let locked: Bool
            do { locked = try fd.lock(exclusive: true) } catch {
                // a primary that opened it meanwhile checks after locking that it is
                // still the file at the path, as for a departing primary's
                if created && fd.isFile(at: path) { _ = path.withCString { unlink($0) } }
                fd.close()
                throw error
            }
            guard locked else {
                fd.close()
                if !quiet { ealLog(4, "Cannot create lock on '\(path)'. Is another primary process running?") }
                throw Errno.EAGAIN
            }
            guard fd.isFile(at: path) else {
                fd.unlock()
                fd.close()
                continue
            }
            return try map(fd, path: path, baseAddress: baseAddress)
        }
        ealLog(4, "Cannot create lock on '\(path)': the file keeps being replaced")
        throw Errno.EAGAIN
    }

    /// The locked file made ours: sized, mapped at the base address, zeroed, stamped.
    private static func map(_ fd: FileDescriptor, path: ByteString, baseAddress: UInt64) throws(Errno) -> SharedConfigMapping {
        do throws(Errno) {
            try fd.truncate(mappedLength)
            let hint = UnsafeMutableRawPointer(bitPattern: UInt(baseAddress == 0 ? defaultBaseAddress : baseAddress))
            let p = Sys.mmap(hint, mappedLength, PROT_READ | PROT_WRITE, MAP_SHARED, fd.rawValue, 0)
            guard let p, p != MAP_FAILED else { throw Errno.current }
            memset(p, 0, mappedLength)
            let cfg = p.bindMemory(to: eal_shared_config.self, capacity: 1)
            cfg.pointee.version = UInt32(EAL_SHARED_CONFIG_VERSION)
            cfg.pointee.mem_cfg_addr = UInt64(UInt(bitPattern: p))
            cfg.pointee.primary_pid = getpid()
            return SharedConfigMapping(fd: fd, config: cfg, length: mappedLength, path: path, isPrimary: true)
        } catch {
            // ours and locked: nobody else can be using it
            if fd.isFile(at: path) { _ = path.withCString { unlink($0) } }
            fd.unlock()
            fd.close()
            throw error
        }
    }

    /// --proc-type=auto: a secondary when a primary holds the config, else the primary.
    /// Two started together both see no primary; the one that loses the lock decides
    /// again and attaches to the winner (waiting for its magic). One whose primary
    /// leaves before it attached decides again too.
    static func createOrAttach(path: ByteString, baseAddress: UInt64) throws(Errno) -> SharedConfigMapping {
        for _ in 0..<50 {
            if primaryAlive(path: path) {
                do {
                    return try attach(path: path)
                } catch where error == .noConfig && !primaryAlive(path: path) {
                    continue
                }
            }
            do {
                return try create(path: path, baseAddress: baseAddress, quiet: true)
            } catch where error == .EAGAIN {
                continue
            }
        }
        ealLog(4, "Cannot create lock on '\(path)' nor attach to its primary")
        throw Errno.EAGAIN
    }

    /// Secondary: map at the primary's address once it has published the magic.
    static func attach(path: ByteString) throws(Errno) -> SharedConfigMapping {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(path, O_RDWR) } catch {
            ealLog(4, "Cannot open '\(path)' for rte_mem_config")
            throw Errno.noConfig
        }
        do throws(Errno) {
            // The primary sizes the file just after locking it; mapping it before then
            // would fault (SIGBUS) on the first read.
            try waitForPrimary(fd) {
                var st = stat()
                return fstat(fd.rawValue, &st) == 0 && Int(st.st_size) >= mappedLength
            }
            // First a look at where the primary put it, then the real mapping there.
            guard let peek = Sys.mmap(nil, mappedLength, PROT_READ, MAP_SHARED, fd.rawValue, 0), peek != MAP_FAILED else {
                throw Errno.current
            }
            let cfgPeek = peek.assumingMemoryBound(to: eal_shared_config.self)
            let want: UnsafeMutableRawPointer?
            do throws(Errno) {
                try waitForPrimary(fd) { atomicLoad(&cfgPeek.pointee.magic) == UInt32(RTE_MAGIC) }
                // The magic outlives a primary killed without cleanup: the file must
                // still be locked by a live one, and be of our layout.
                guard cfgPeek.pointee.version == UInt32(EAL_SHARED_CONFIG_VERSION) else {
                    ealLog(4, "Primary and secondary process DPDK version mismatch")
                    throw Errno.noConfig
                }
                guard lockHolder(fd) != nil else {
                    ealLog(4, "The primary process of '\(path)' is gone: its config is stale")
                    throw Errno.noConfig
                }
                want = UnsafeMutableRawPointer(bitPattern: UInt(cfgPeek.pointee.mem_cfg_addr))
                munmap(peek, mappedLength)
            } catch {
                munmap(peek, mappedLength)
                throw error
            }
            let p = Sys.mmap(want, mappedLength, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd.rawValue, 0)
            guard let p, p != MAP_FAILED else {
                ealLog(4, "Cannot mmap memory for rte_config at [\(String(describing: want))]")
                throw Errno.EAGAIN
            }
            guard p == want else {
                munmap(p, mappedLength)
                ealLog(4, "Cannot map the shared config at the primary's address")
                throw Errno.EAGAIN
            }
            let cfg = p.bindMemory(to: eal_shared_config.self, capacity: 1)
            return SharedConfigMapping(fd: fd, config: cfg, length: mappedLength, path: path, isPrimary: false)
        } catch {
            fd.close()
            throw error
        }
    }

    /// Sleeps until `ready` (the primary's init has got that far); fails if it dies first.
    /// How long a secondary waits for a live primary to finish its init (DPDK waits for
    /// ever: a primary stuck in its init would hang every secondary started after it).
    /// SWIFTEAL_PRIMARY_WAIT_MS shortens it for tests.
    static var primaryWaitNs: UInt64 {
        if let v = getenv("SWIFTEAL_PRIMARY_WAIT_MS"), let ms = UInt64(String(cString: v)) { return ms * 1_000_000 }
        return 60_000_000_000
    }

    private static func waitForPrimary(_ fd: FileDescriptor, until ready: () -> Bool) throws(Errno) {
        var spins = 0
        let start = monotonicNanoseconds(), bound = primaryWaitNs
        while !ready() {
            spins += 1
            if spins % 1000 == 0 {
                if lockHolder(fd) == nil {
                    ealLog(4, "The primary process is gone before finishing its init")
                    throw Errno.noConfig
                }
                if monotonicNanoseconds() &- start > bound {
                    ealLog(4, "The primary process has not finished its init after \(bound / 1_000_000) ms: giving up")
                    throw Errno.noConfig
                }
            }
            usleep(100)
        }
    }

    /// The pid of another process holding a write lock on the file, or nil. F_GETLK
    /// through a descriptor this process already has: opening and closing another one
    /// would drop this process's own locks on the file.
    static func lockHolder(_ fd: FileDescriptor) -> pid_t? {
        var fl = flock()
        fl.l_type = Int16(F_WRLCK)
        fl.l_whence = Int16(SEEK_SET)
        guard fcntl(fd.rawValue, F_GETLK, &fl) == 0 else { return nil }
        return fl.l_type != Int16(F_UNLCK) && fl.l_pid != getpid() ? fl.l_pid : nil
    }

    /// The primary marks the config complete: secondaries may proceed.
    static func publish(_ m: SharedConfigMapping) {
        atomicStore(&m.config.pointee.magic, UInt32(RTE_MAGIC))
    }

    /// Undo: unmap, release the lock, and (primary) remove the file.
    static func release(_ m: SharedConfigMapping) {
        if m.isPrimary { atomicStore(&m.config.pointee.magic, 0) }
        munmap(UnsafeMutableRawPointer(m.config), m.length)
        // Only the file this process locked: if the directory was removed from outside
        // and a new primary made its own config there, that one is not ours to delete.
        if m.isPrimary && m.fd.isFile(at: m.path) { _ = m.path.withCString { unlink($0) } }
        m.fd.unlock()
        m.fd.close()
    }

    /// Whether some other process holds the primary's write lock on `path`.
    static func primaryAlive(path: ByteString) -> Bool {
        // Closing any descriptor of a file drops all of this process's fcntl locks on it:
        // a primary must not open (and close) its own config to ask, or a second
        // primary could then take the prefix. It is itself, not "another" primary.
        if let m = EALState.shared, m.isPrimary, m.fd.isFile(at: path) { return false }
        guard let fd = try? FileDescriptor.open(path, O_RDONLY) else { return false }
        defer { fd.close() }
        return lockHolder(fd) != nil
    }
}

@inline(__always)
private func atomicLoad(_ p: UnsafeMutablePointer<UInt32>) -> UInt32 { AtomicView(p).load() }

@inline(__always)
private func atomicStore(_ p: UnsafeMutablePointer<UInt32>, _ v: UInt32) { AtomicView(p).store(v) }
