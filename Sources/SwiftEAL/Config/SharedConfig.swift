import CEALShared
import CSwiftEAL
import Glibc

/// The `config` file of a runtime directory, mapped. The primary creates it, holds a
/// write lock on it for its lifetime (a second primary's lock fails: that is how it
/// is refused) and publishes RTE_MAGIC when init is complete; secondaries map it at
/// the primary's address and wait for the magic.
struct SharedConfigMapping {
    var fd: FileDescriptor
    var config: UnsafeMutablePointer<eal_shared_config>
    var length: Int
    var path: String
    var isPrimary: Bool
}

enum SharedConfig {
    /// Where DPDK maps its first region on x86_64 when --base-virtaddr is not given.
    static let defaultBaseAddress: UInt64 = 0x1_0000_0000

    static var mappedLength: Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (MemoryLayout<eal_shared_config>.size + page - 1) / page * page
    }

    /// Primary: create, lock, map, zero. Fails with EAGAIN when another primary holds it.
    static func create(path: String, baseAddress: UInt64) throws(Errno) -> SharedConfigMapping {
        let fd = try FileDescriptor.open(path, O_RDWR | O_CREAT, mode: 0o600)
        do throws(Errno) {
            guard try fd.lock(exclusive: true) else {
                ealLog(4, "Cannot create lock on '\(path)'. Is another primary process running?")
                throw Errno.EAGAIN
            }
            try fd.truncate(mappedLength)
            let hint = UnsafeMutableRawPointer(bitPattern: UInt(baseAddress == 0 ? defaultBaseAddress : baseAddress))
            let p = mmap(hint, mappedLength, PROT_READ | PROT_WRITE, MAP_SHARED, fd.rawValue, 0)
            guard let p, p != MAP_FAILED else { throw Errno.current }
            memset(p, 0, mappedLength)
            let cfg = p.bindMemory(to: eal_shared_config.self, capacity: 1)
            cfg.pointee.version = UInt32(EAL_SHARED_CONFIG_VERSION)
            cfg.pointee.mem_cfg_addr = UInt64(UInt(bitPattern: p))
            cfg.pointee.primary_pid = getpid()
            return SharedConfigMapping(fd: fd, config: cfg, length: mappedLength, path: path, isPrimary: true)
        } catch {
            fd.unlock()
            fd.close()
            throw error
        }
    }

    /// Secondary: map at the primary's address once it has published the magic.
    static func attach(path: String) throws(Errno) -> SharedConfigMapping {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(path, O_RDWR) } catch {
            ealLog(4, "Cannot open '\(path)' for rte_mem_config")
            throw Errno.noConfig
        }
        do throws(Errno) {
            // The primary sizes the file just after locking it; mapping it before then
            // would fault (SIGBUS) on the first read.
            try waitForPrimary(path: path) {
                var st = stat()
                return fstat(fd.rawValue, &st) == 0 && Int(st.st_size) >= mappedLength
            }
            // First a look at where the primary put it, then the real mapping there.
            guard let peek = mmap(nil, mappedLength, PROT_READ, MAP_SHARED, fd.rawValue, 0), peek != MAP_FAILED else {
                throw Errno.current
            }
            let cfgPeek = peek.assumingMemoryBound(to: eal_shared_config.self)
            let want: UnsafeMutableRawPointer?
            do throws(Errno) {
                try waitForPrimary(path: path) { atomicLoad(&cfgPeek.pointee.magic) == UInt32(RTE_MAGIC) }
                want = UnsafeMutableRawPointer(bitPattern: UInt(cfgPeek.pointee.mem_cfg_addr))
                munmap(peek, mappedLength)
            } catch {
                munmap(peek, mappedLength)
                throw error
            }
            let p = mmap(want, mappedLength, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd.rawValue, 0)
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
    private static func waitForPrimary(path: String, until ready: () -> Bool) throws(Errno) {
        var spins = 0
        while !ready() {
            spins += 1
            if spins % 1000 == 0 && !primaryAlive(path: path) {
                ealLog(4, "The primary process is gone before finishing its init")
                throw Errno.noConfig
            }
            usleep(100)
        }
    }

    private static func isSameFile(_ path: String, as fd: FileDescriptor) -> Bool {
        var a = stat(), b = stat()
        guard stat(path, &a) == 0, fstat(fd.rawValue, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// The primary marks the config complete: secondaries may proceed.
    static func publish(_ m: SharedConfigMapping) {
        atomicStore(&m.config.pointee.magic, UInt32(RTE_MAGIC))
    }

    /// Undo: unmap, release the lock, and (primary) remove the file.
    static func release(_ m: SharedConfigMapping) {
        if m.isPrimary { atomicStore(&m.config.pointee.magic, 0) }
        munmap(UnsafeMutableRawPointer(m.config), m.length)
        if m.isPrimary { unlink(m.path) }
        m.fd.unlock()
        m.fd.close()
    }

    /// Whether some other process holds the primary's write lock on `path`.
    static func primaryAlive(path: String) -> Bool {
        // Closing any descriptor of a file drops all of this process's fcntl locks on it:
        // a primary must not open (and close) its own config to ask, or a second
        // primary could then take the prefix. It is itself, not "another" primary.
        if let m = EALState.shared, m.isPrimary, isSameFile(path, as: m.fd) { return false }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var fl = flock()
        fl.l_type = Int16(F_WRLCK)
        fl.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_GETLK, &fl) == 0 else { return false }
        return fl.l_type != Int16(F_UNLCK) && fl.l_pid != getpid()
    }
}

@inline(__always)
private func atomicLoad(_ p: UnsafeMutablePointer<UInt32>) -> UInt32 { AtomicView(p).load() }

@inline(__always)
private func atomicStore(_ p: UnsafeMutablePointer<UInt32>, _ v: UInt32) { AtomicView(p).store(v) }
