import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// How this process backs its pages; fixed at init, the same in every process of a
/// prefix (secondaries read `backend` from the shared config).
struct PageBacking {
    var kind = EAL_PAGES_FILE_PER_PAGE
    var prefix: ByteString = "rte"
    /// The hugetlbfs directory of each page size (file backends).
    var directories: [Int: ByteString] = [:]
    /// --huge-unlink[=always]: page files are removed as soon as they are mapped.
    var unlinkBeforeMapping = false
    /// The default: files left by dead processes are removed and recreated, never reused.
    var unlinkExisting = true
    /// NUMA nodes on this machine: with more than one, pages are bound to their node.
    var numaNodes = 1
    /// --single-file-segments with memfd (--in-memory): one memfd per list.
    var memfdPerList = false

    var usesFiles: Bool { kind == EAL_PAGES_FILE_PER_PAGE || kind == EAL_PAGES_FILE_PER_LIST }
    var perList: Bool { kind == EAL_PAGES_FILE_PER_LIST || kind == EAL_PAGES_ANONYMOUS }

    /// `<hugedir>/<prefix>map_<id>`: id is list * RTE_MAX_MEMSEG_PER_LIST + segment for a
    /// file per page, the list index for a file per list.
    func path(list: Int, segment: Int, pageSize: Int) -> ByteString? {
        guard let dir = directories[pageSize] else { return nil }
        let id = kind == EAL_PAGES_FILE_PER_LIST ? list : list * MemsegLayout.maxSegsPerList + segment
        return dir + "/" + prefix + "map_\(id)"
    }
}

/// The descriptors behind one memseg list's pages in this process.
struct ListFiles {
    /// One per segment (a file or memfd per page); empty for per-list backends.
    var fds: [Int32] = []
    /// The list's single file or memfd; -1 when none.
    var listFd: Int32 = -1
    var listPath: ByteString? = nil
    /// Whether the list file's name was already removed (--huge-unlink=always).
    var listUnlinked = false
    /// Per segment: the file's name was already removed.
    var unlinked: [Bool] = []
}

/// Process-local: the files and descriptors of every memseg list, the backing rules.
/// Changed only with the memory hotplug lock held for writing.
struct PageFileTable {
    var backing = PageBacking()
    var lists = [ListFiles](repeating: ListFiles(), count: Int(RTE_MAX_MEMSEG_LISTS))
    /// Files of released pages whose lock could not be taken for a reason other than
    /// another holder (the kernel out of lock records): whether another process maps
    /// them is unknown, so they are kept open and asked again after the batch of
    /// releases, and a last time when the memory is released at cleanup.
    var undecided: [(fd: Int32, path: ByteString)] = []
    /// Released pages of a list file or memfd whose hole could not be punched: they stay
    /// allocated until it is, after the next batch of releases (or the list closes).
    var unpunched: [(list: Int, segment: Int, pageSize: Int)] = []
}

let pageFiles = Mutex(PageFileTable())

extension PageFileTable {
    /// The descriptor and offset that back segment `seg` of list `list` (opening or
    /// creating the file, locked shared for as long as this process maps it), and
    /// whether its content was left there by an earlier user (reused, not zeroed).
    mutating func open(list: Int, segment seg: Int, pageSize: Int, segments: Int) throws(Errno) -> (fd: Int32, offset: Int, reused: Bool) {
        switch backing.kind {
        case EAL_PAGES_FILE_PER_PAGE:
            if lists[list].fds.isEmpty {
                lists[list].fds = [Int32](repeating: -1, count: segments)
                lists[list].unlinked = [Bool](repeating: false, count: segments)
            }
            guard let path = backing.path(list: list, segment: seg, pageSize: pageSize) else { throw .ENOENT }
            let (fd, reused) = try openPageFile(path)
            lists[list].fds[seg] = fd
            lists[list].unlinked[seg] = false
            return (fd, 0, reused)
        case EAL_PAGES_FILE_PER_LIST:
            if lists[list].listFd < 0 {
                guard let path = backing.path(list: list, segment: 0, pageSize: pageSize) else { throw .ENOENT }
                let (fd, _) = try openPageFile(path)
                lists[list].listFd = fd
                lists[list].listPath = path
            }
            unpunched.removeAll { $0.list == list && $0.segment == seg }
            return (lists[list].listFd, seg * pageSize, false)
        case EAL_PAGES_MEMFD where backing.memfdPerList:
            if lists[list].listFd < 0 {
                lists[list].listFd = try memfd(name: "seg_\(list)", pageSize: pageSize)
            }
            unpunched.removeAll { $0.list == list && $0.segment == seg }
            return (lists[list].listFd, seg * pageSize, false)
        case EAL_PAGES_MEMFD:
            if lists[list].fds.isEmpty { lists[list].fds = [Int32](repeating: -1, count: segments) }
            let fd = try memfd(name: "seg_\(list)-\(seg)", pageSize: pageSize)
            lists[list].fds[seg] = fd
            return (fd, 0, false)
        default:
            throw .ENOTSUP
        }
    }

    /// Gives back what `open` took for a segment whose mapping is gone: the page goes
    /// back to the kernel unless another process still maps it.
    mutating func release(list: Int, segment seg: Int, pageSize: Int) {
        switch backing.kind {
        case EAL_PAGES_FILE_PER_PAGE:
            guard seg < lists[list].fds.count, lists[list].fds[seg] >= 0 else { return }
            let fd = lists[list].fds[seg]
            lists[list].fds[seg] = -1
            if !lists[list].unlinked[seg], backing.unlinkExisting || backing.unlinkBeforeMapping,
               let path = backing.path(list: list, segment: seg, pageSize: pageSize),
               !removeIfUnused(fd: fd, path: path) {
                undecided.append((fd, path))
                return
            }
            Glibc.close(fd)
        case EAL_PAGES_FILE_PER_LIST:
            guard lists[list].listFd >= 0 else { return }
            if !punchHole(list: list, segment: seg, pageSize: pageSize) { unpunched.append((list, seg, pageSize)) }
        case EAL_PAGES_MEMFD:
            if !lists[list].fds.isEmpty, lists[list].fds[seg] >= 0 {
                Glibc.close(lists[list].fds[seg])
                lists[list].fds[seg] = -1
            } else if lists[list].listFd >= 0, !punchHole(list: list, segment: seg, pageSize: pageSize) {
                unpunched.append((list, seg, pageSize))
            }
        default:
            break
        }
    }

    /// Closes the list's own file (after every segment was released); removes it when no
    /// other process holds it.
    mutating func closeList(_ list: Int) {
        let lf = lists[list]
        if lf.listFd >= 0 {
            if let path = lf.listPath, !lf.listUnlinked, backing.unlinkExisting || backing.unlinkBeforeMapping,
               !removeIfUnused(fd: lf.listFd, path: path) {
                undecided.append((lf.listFd, path))
            } else {
                Glibc.close(lf.listFd)
            }
        }
        for fd in lf.fds where fd >= 0 { Glibc.close(fd) }
        lists[list] = ListFiles()
    }

    /// Marks the segment's file as removed after an unlink-before-mapping.
    mutating func unlinkNow(list: Int, segment seg: Int, pageSize: Int) {
        guard let path = backing.path(list: list, segment: seg, pageSize: pageSize) else { return }
        if backing.kind == EAL_PAGES_FILE_PER_PAGE {
            if path.withCString({ unlink($0) }) == 0 { lists[list].unlinked[seg] = true }
        } else if backing.kind == EAL_PAGES_FILE_PER_LIST, !lists[list].listUnlinked {
            if path.withCString({ unlink($0) }) == 0 { lists[list].listUnlinked = true }
        }
    }

    // MARK: files

    /// Opens (creating) a page file and takes a shared lock on it. A file left behind by a
    /// dead process is removed and made anew (default), or reused (--huge-unlink=never).
    private func openPageFile(_ path: ByteString) throws(Errno) -> (Int32, Bool) {
        var reused = false
        if let old = try? openFile(path, O_RDWR) {
            if backing.unlinkExisting {
                // someone else's live page: never take it over
                guard (try? FBArray.flockNB(old, LOCK_EX)) == true else {
                    Glibc.close(old)
                    ealLog(4, "Hugepage file '\(path)' is in use by another process")
                    throw .EBUSY
                }
                _ = path.withCString { unlink($0) }
                Glibc.close(old)
            } else {
                var st = stat()
                reused = fstat(old, &st) == 0 && st.st_size > 0
                guard (try? FBArray.flockNB(old, LOCK_SH)) == true else {
                    Glibc.close(old)
                    throw .EBUSY
                }
                return (old, reused)
            }
        }
        let fd = try openFile(path, O_RDWR | O_CREAT | O_EXCL)
        let locked: Bool
        do { locked = try FBArray.flockNB(fd, LOCK_SH) } catch {
            // made here (O_EXCL) and never locked: nobody else's, and no page of it is used
            _ = path.withCString { unlink($0) }
            Glibc.close(fd)
            throw error
        }
        guard locked else {
            Glibc.close(fd)
            throw .EBUSY
        }
        return (fd, false)
    }

    private func openFile(_ path: ByteString, _ flags: Int32) throws(Errno) -> Int32 {
        try path.withCString { (p) throws(Errno) -> Int32 in
            try syscall { Sys.open(p, flags | O_CLOEXEC | O_NOFOLLOW, 0o600) }
        }
    }

    /// Removes `path` when it is still the file `fd` has open and no other process holds
    /// a lock on it (an exclusive lock is granted only then). False when that cannot be
    /// told: the lock failed for another reason.
    private func removeIfUnused(fd: Int32, path: ByteString) -> Bool {
        let free: Bool
        do { free = try FBArray.flockNB(fd, LOCK_EX) } catch { return false }
        guard free else { return true }
        var a = stat(), b = stat()
        if path.withCString({ lstat($0, &a) }) == 0, fstat(fd, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino {
            _ = path.withCString { unlink($0) }
        }
        return true
    }

    /// Gives the page at segment `seg` of the list's file back to the kernel.
    private func punchHole(list: Int, segment seg: Int, pageSize: Int) -> Bool {
        Sys.fallocate(lists[list].listFd, EAL_FALLOC_PUNCH_HOLE | EAL_FALLOC_KEEP_SIZE,
                      Int64(seg * pageSize), Int64(pageSize)) == 0
    }

    /// Tries again what `release` could not finish: holes to punch, files whose removal
    /// was undecided. `last` (cleanup, every list closed): a file still undecided is
    /// closed and left (the next primary removes it once nobody holds it).
    mutating func retryDeferred(last: Bool = false) {
        unpunched = unpunched.filter { u in
            lists[u.list].listFd >= 0 && !punchHole(list: u.list, segment: u.segment, pageSize: u.pageSize)
        }
        var left: [(fd: Int32, path: ByteString)] = []
        for u in undecided {
            if removeIfUnused(fd: u.fd, path: u.path) {
                Glibc.close(u.fd)
            } else if last {
                ealLog(4, "Cannot tell whether another process maps '\(u.path)': left in place")
                Glibc.close(u.fd)
            } else {
                left.append(u)
            }
        }
        undecided = left
    }

    private func memfd(name: String, pageSize: Int) throws(Errno) -> Int32 {
        let shift = UInt32(pageSize.trailingZeroBitCount)
        let flags = UInt32(1) /* MFD_CLOEXEC */ | EAL_MFD_HUGETLB | (shift << UInt32(EAL_MFD_HUGE_SHIFT))
        let fd = Sys.memfdCreate(name, flags)
        guard fd >= 0 else { throw Errno.current }
        return fd
    }
}
