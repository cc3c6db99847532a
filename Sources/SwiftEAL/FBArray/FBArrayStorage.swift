import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The fbarray mappings this process holds (DPDK keeps the same per-process list): what
/// detach and destroy look up, and what stops a second mapping over the same addresses.
/// Process-local and touched only by init/attach/detach/destroy, never by the scans.
struct FBArrayArea {
    var addr: UInt
    var length: Int
    /// The backing file, holding a shared flock while mapped; -1 for private memory.
    var fd: Int32
    /// The file's path as it was when mapped (destroy removes it if it still names the
    /// same file).
    var path: ByteString?
    /// The runtime directory the file was made in, when it was: a destroy after
    /// rte_eal_cleanup removes that directory once it is empty.
    var runtimeDirectory: ByteString?
}

struct FBArrayRegistry {
    var areas: [FBArrayArea] = []
    /// Where the next shared array is asked to go. Shared arrays are mapped in a region of
    /// their own, far from the libraries and heap that ASLR scatters differently in every
    /// process, so another process can nearly always attach at the same address.
    var nextHint: UInt = 0x4000_0000_0000
}

let fbarrayRegistry = Mutex(FBArrayRegistry())

/// Lifecycle of fbarrays: storage, files and their locks. Throws `Errno`; the C API in
/// `FBArrayAPI.swift` turns that into rte_errno and -1.
enum FBArray {
    static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// Where arrays live when tests say so; nil (always, outside tests) means "as
    /// Runtime says". Read only by init/attach, never by the scans.
    enum Backing: Equatable { case directory(ByteString), privateMemory }
    static var testBacking: Backing? {
        get { testBackingStorage.withLock { $0 } }
        set { testBackingStorage.withLock { $0 = newValue } }
    }
    private static let testBackingStorage = Mutex<Backing?>(nil)

    /// The backing file of `name`, or nil when arrays are process-private: before
    /// rte_eal_init (DPDK would put the file in "/" then) and under --no-shconf/--in-memory.
    /// The name stays bytes: two names that differ only in invalid UTF-8 are two files.
    static func backingPath(_ name: ByteString, directory: ByteString?, sharesConfig: Bool) -> ByteString? {
        guard sharesConfig, let directory else { return nil }
        return directory + "/fbarray_" + name
    }

    /// The backing file and, when it is in the runtime directory, that directory.
    static func backing(_ name: ByteString) -> (path: ByteString, runtimeDirectory: ByteString?)? {
        switch testBacking {
        case .directory(let dir)?: return backingPath(name, directory: dir, sharesConfig: true).map { ($0, nil) }
        case .privateMemory?: return nil
        case nil:
            let dir = Runtime.directory
            return backingPath(name, directory: dir, sharesConfig: Runtime.sharesConfig).map { ($0, dir) }
        }
    }

    /// DPDK's checks, in its order: NULL name, zero sizes, len over INT_MAX, then length.
    static func validate(name: UnsafePointer<CChar>?, eltSize: UInt32, len: UInt32) throws(Errno) {
        guard let name, eltSize != 0, len != 0, len <= UInt32(Int32.max) else { throw .EINVAL }
        if strnlen(name, FBArrayLayout.nameCapacity) == FBArrayLayout.nameCapacity {
            throw .ENAMETOOLONG
        }
    }

    /// `rte_fbarray_init`: zeroed storage, the file locked shared for as long as it is mapped.
    static func create(_ arr: UnsafeMutablePointer<rte_fbarray>, name: UnsafePointer<CChar>?,
                       len: UInt32, eltSize: UInt32) throws(Errno) {
        try validate(name: name, eltSize: eltSize, len: len)
        let length = FBArrayLayout.mapLength(eltSize: Int(eltSize), len: Int(len), pageSize: pageSize)
        var fd: Int32 = -1
        let data: UnsafeMutableRawPointer
        let backing = backing(ByteString(cString: name!))
        let path = backing?.path
        if let path {
            let file = try FileDescriptor.open(path, O_CREAT | O_RDWR)
            do throws(Errno) {
                // Exclusive only if no process (this one included) has the name mapped.
                guard try flockNB(file.rawValue, LOCK_EX) else { throw Errno.EBUSY }
                try file.truncate(0) // a stale file from a dead process must not leak old bits
                try file.truncate(length)
                // Blocks are reserved before the mapping is touched: on a full file
                // system that is ENOSPC here, not SIGBUS at the first write.
                try file.reserve(length)
                guard try flockNB(file.rawValue, LOCK_SH) else { throw Errno.EBUSY }
                data = try fbarrayRegistry.withLock { (r: inout FBArrayRegistry) throws(Errno) in
                    let p = try mapShared(file.rawValue, length: length, at: UnsafeMutableRawPointer(bitPattern: r.nextHint),
                                          exact: false)
                    r.nextHint = UInt(bitPattern: p) + UInt(length) + UInt(pageSize)
                    return p
                }
            } catch {
                // a file this call sized (or failed to) is nobody's: don't leave it behind
                if error != .EBUSY, (try? flockNB(file.rawValue, LOCK_EX)) == true, file.isFile(at: path) {
                    _ = path.withCString { unlink($0) }
                    removeOrphanedDirectory(backing?.runtimeDirectory)
                }
                file.close()
                throw error
            }
            fd = file.rawValue
        } else {
            data = try mapPrivate(length: length)
        }
        FBArrayLayout.writeHeader(data: data, eltSize: Int(eltSize), len: Int(len))
        fbarrayRegistry.withLock {
            $0.areas.append(FBArrayArea(addr: UInt(bitPattern: data), length: length, fd: fd, path: path,
                                        runtimeDirectory: backing?.runtimeDirectory))
        }

        let nameBytes = UnsafeMutableRawPointer(arr) // name is the first field
        nameBytes.initializeMemory(as: UInt8.self, repeating: 0, count: FBArrayLayout.nameCapacity)
        nameBytes.copyMemory(from: name!, byteCount: strlen(name!))
        arr.pointee.count = 0
        arr.pointee.len = len
        arr.pointee.elt_sz = eltSize
        arr.pointee.data = data
        rte_rwlock_init(&arr.pointee.rwlock)
    }

    /// `rte_fbarray_attach`: maps the named file at `arr->data` (anywhere, recording the
    /// address, when `data` is NULL) and holds a shared lock on it until detach.
    static func attach(_ arr: UnsafeMutablePointer<rte_fbarray>) throws(Errno) {
        let name = nameOf(arr)
        try validate(name: name, eltSize: arr.pointee.elt_sz, len: arr.pointee.len)
        let length = FBArrayLayout.mapLength(eltSize: Int(arr.pointee.elt_sz), len: Int(arr.pointee.len),
                                             pageSize: pageSize)
        let want = arr.pointee.data
        try fbarrayRegistry.withLock { (r: inout FBArrayRegistry) throws(Errno) in
            if let want {
                let lo = UInt(bitPattern: want), hi = lo + UInt(length)
                for a in r.areas where lo < a.addr + UInt(a.length) && a.addr < hi { throw .EEXIST }
            }
            guard let path = backing(ByteString(cString: name))?.path else { throw .ENOENT }
            let file = try FileDescriptor.open(path, O_RDWR)
            let data: UnsafeMutableRawPointer
            do throws(Errno) {
                guard try flockNB(file.rawValue, LOCK_SH) else { throw Errno.EAGAIN }
                var st = stat()
                _ = try syscall { fstat(file.rawValue, &st) }
                if Int(st.st_size) < length {
                    try file.truncate(length)
                    try file.reserve(length)
                }
                data = try mapShared(file.rawValue, length: length, at: want, exact: true)
            } catch {
                file.close()
                throw error
            }
            r.areas.append(FBArrayArea(addr: UInt(bitPattern: data), length: length, fd: file.rawValue, path: path,
                                       runtimeDirectory: nil))
            if want == nil { arr.pointee.data = data }
        }
    }

    /// The name field (the struct's first member) as a C string pointer.
    @inline(__always)
    static func nameOf(_ arr: UnsafePointer<rte_fbarray>) -> UnsafePointer<CChar> {
        UnsafeRawPointer(arr).assumingMemoryBound(to: CChar.self)
    }

    /// Takes this process's mapping of `arr` out of the list, or throws ENOENT.
    private static func area(of arr: UnsafeMutablePointer<rte_fbarray>,
                             in areas: inout [FBArrayArea]) throws(Errno) -> Int {
        let length = FBArrayLayout.mapLength(eltSize: Int(arr.pointee.elt_sz), len: Int(arr.pointee.len),
                                             pageSize: pageSize)
        let addr = UInt(bitPattern: arr.pointee.data)
        guard let i = areas.firstIndex(where: { $0.addr == addr && $0.length == length }) else {
            throw .ENOENT
        }
        return i
    }

    /// `rte_fbarray_detach`: unmaps and drops the lock; the file and the struct stay.
    static func detach(_ arr: UnsafeMutablePointer<rte_fbarray>) throws(Errno) {
        try fbarrayRegistry.withLock { (r: inout FBArrayRegistry) throws(Errno) in
            let i = try area(of: arr, in: &r.areas)
            let a = r.areas.remove(at: i)
            munmap(UnsafeMutableRawPointer(bitPattern: a.addr), a.length)
            if a.fd >= 0 { Glibc.close(a.fd) }
        }
    }

    /// `rte_fbarray_destroy`: EBUSY while any other mapping (another process, or another
    /// attach in this one) holds the file; otherwise removes the file, unmaps, zeroes *arr.
    static func destroy(_ arr: UnsafeMutablePointer<rte_fbarray>) throws(Errno) {
        try fbarrayRegistry.withLock { (r: inout FBArrayRegistry) throws(Errno) in
            let i = try area(of: arr, in: &r.areas)
            let a = r.areas[i]
            if a.fd >= 0 {
                guard try flockNB(a.fd, LOCK_EX) else {
                    // a refused upgrade may have dropped our shared lock: take it back
                    _ = try? flockNB(a.fd, LOCK_SH)
                    throw .EBUSY
                }
                // Only the file we hold: a later process may have put its own at the path
                // (after the runtime directory was removed from outside, say).
                if let path = a.path, FileDescriptor(rawValue: a.fd).isFile(at: path),
                   path.withCString({ unlink($0) }) != 0 {
                    let e = Errno.current
                    _ = try? flockNB(a.fd, LOCK_SH)
                    throw e
                }
                Glibc.close(a.fd)
                removeOrphanedDirectory(a.runtimeDirectory)
            }
            munmap(UnsafeMutableRawPointer(bitPattern: a.addr), a.length)
            r.areas.remove(at: i)
            UnsafeMutableRawPointer(arr).initializeMemory(as: UInt8.self, repeating: 0,
                                                          count: MemoryLayout<rte_fbarray>.size)
        }
    }

    /// For the EAL's own arrays when it lets them go (cleanup, a failed init): destroyed
    /// when possible, otherwise (another process maps it, or its lock could not be
    /// taken) this process's mapping, descriptor and lock go all the same; the file
    /// stays for its other users, and the primary's sweep of the runtime directory
    /// removes it once nobody holds it.
    static func destroyOrDetach(_ arr: UnsafeMutablePointer<rte_fbarray>) {
        do throws(Errno) { try destroy(arr) } catch {
            if error != .ENOENT { _ = try? detach(arr) }
        }
    }

    /// After rte_eal_cleanup the runtime directory is no longer this process's, and
    /// cleanup could not remove it while an array's file was in it: the last such
    /// array to go removes it (rmdir: only when empty).
    private static func removeOrphanedDirectory(_ dir: ByteString?) {
        guard let dir, Runtime.directory != dir else { return }
        _ = dir.withCString { rmdir($0) }
    }

    // MARK: system calls

    /// flock without waiting: true when taken, false when another holder conflicts.
    static func flockNB(_ fd: Int32, _ op: Int32, file: StaticString = #fileID, line: UInt = #line) throws(Errno) -> Bool {
        while true {
            if Sys.flock(fd, op | LOCK_NB, file: file, line: line) == 0 { return true }
            let e = Errno.current
            if e == .EINTR { continue }
            if e == .EAGAIN { return false }
            throw e
        }
    }

    private static let mapFixedNoReplace: Int32 = 0x100000

    /// Maps the file at `addr`: exactly there (or EEXIST) when `exact`, else as a hint.
    static func mapShared(_ fd: Int32, length: Int, at addr: UnsafeMutableRawPointer?, exact: Bool,
                          file: StaticString = #fileID, line: UInt = #line) throws(Errno) -> UnsafeMutableRawPointer {
        let flags = MAP_SHARED | (exact && addr != nil ? mapFixedNoReplace : 0)
        guard let p = Sys.mmap(addr, length, PROT_READ | PROT_WRITE, flags, fd, 0, file: file, line: line),
              p != MAP_FAILED else {
            throw Errno.current
        }
        if exact, let addr, p != addr { // an old kernel took NOREPLACE as a hint
            munmap(p, length)
            throw .EEXIST
        }
        return p
    }

    static func mapPrivate(length: Int, file: StaticString = #fileID, line: UInt = #line) throws(Errno) -> UnsafeMutableRawPointer {
        guard let p = Sys.mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0,
                               file: file, line: line), p != MAP_FAILED else {
            throw Errno.current
        }
        return p
    }
}
