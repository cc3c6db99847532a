import Synchronization
import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Testing
@testable import SwiftEAL

@Suite("Runtime dir and shared config", .serialized)
final class SharedConfigTests {
    /// The directories this test made, removed with what they hold when it ends.
    private var made: [String] = []
    deinit { for dir in made { try? FileManager.default.removeItem(atPath: dir) } }

    /// A fresh directory under /tmp, removed after the test.
    private func tempDir() -> String {
        var template = Array("/tmp/swifteal-cfg.XXXXXX".utf8CString)
        let dir = String(cString: mkdtemp(&template)!)
        made.append(dir)
        return dir
    }

    private func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    @Test("runtime directory is created 0700, nested, idempotently")
    func runtimeDir() throws {
        let root = tempDir()
        RuntimeDir.rootOverride = ByteString(root)
        defer { RuntimeDir.rootOverride = nil }
        let (dir, held) = try RuntimeDir.create(prefix: "pfx")
        #expect(dir == ByteString(root + "/dpdk/pfx"))
        var st = stat()
        #expect(stat(root + "/dpdk/pfx", &st) == 0 && st.st_mode & 0o777 == 0o700)
        let again = try RuntimeDir.create(prefix: "pfx")
        #expect(again.path == dir)
        again.held.close()
        RuntimeDir.removeIfEmpty(dir, held: held)
        #expect(!exists(root + "/dpdk/pfx"))
        #expect(throws: Errno.ENOTDIR) { try RuntimeDir.makeDirectory("/etc/passwd/x") }
    }

    @Test("a directory of the same name made after ours was removed is not removed")
    func removeOnlyOwnDirectory() throws {
        let root = tempDir()
        RuntimeDir.rootOverride = ByteString(root)
        defer { RuntimeDir.rootOverride = nil }
        let (dir, held) = try RuntimeDir.create(prefix: "mine")
        #expect(rmdir(root + "/dpdk/mine") == 0) // removed from outside...
        #expect(mkdir(root + "/dpdk/mine", 0o700) == 0) // ...and made again by another process
        RuntimeDir.removeIfEmpty(dir, held: held)
        #expect(exists(root + "/dpdk/mine"))
    }

    @Test("runtime directories that are symlinks, foreign or writable by others are refused")
    func hostileRuntimeDirs() throws {
        let root = tempDir()
        RuntimeDir.rootOverride = ByteString(root)
        defer { RuntimeDir.rootOverride = nil }
        let elsewhere = tempDir()
        // dpdk/ itself a symlink to a directory someone else controls
        #expect(symlink(elsewhere, root + "/dpdk") == 0)
        #expect(throws: Errno.ENOTDIR) { try RuntimeDir.create(prefix: "p") }
        #expect(!exists(elsewhere + "/p"))
        #expect(unlink(root + "/dpdk") == 0)
        // the prefix directory writable by everyone
        #expect(mkdir(root + "/dpdk", 0o700) == 0)
        #expect(mkdir(root + "/dpdk/open", 0o700) == 0 && chmod(root + "/dpdk/open", 0o777) == 0)
        #expect(throws: Errno.EACCES) { try RuntimeDir.create(prefix: "open") }
        // the prefix directory a symlink
        #expect(symlink(elsewhere, root + "/dpdk/link") == 0)
        #expect(throws: Errno.ENOTDIR) { try RuntimeDir.create(prefix: "link") }
        // owned by another user (only root can make one to test with)
        if geteuid() == 0 {
            #expect(mkdir(root + "/dpdk/theirs", 0o700) == 0 && chown(root + "/dpdk/theirs", 65534, 65534) == 0)
            #expect(throws: Errno.EACCES) { try RuntimeDir.create(prefix: "theirs") }
        }
        // a directory of our own, 0755 from an older tool, is fine
        #expect(mkdir(root + "/dpdk/ours", 0o755) == 0)
        let ours = try RuntimeDir.create(prefix: "ours")
        #expect(ours.path == ByteString(root + "/dpdk/ours"))
        ours.held.close()
    }

    @Test("a config symlink is never followed")
    func configSymlink() throws {
        let dir = tempDir()
        let target = dir + "/victim"
        let fd = open(target, O_CREAT | O_WRONLY, 0o644)
        #expect(write(fd, "keep", 4) == 4)
        close(fd)
        #expect(symlink(target, dir + "/config") == 0)
        #expect(throws: Errno(ELOOP)) { try SharedConfig.create(path: ByteString(dir + "/config"), baseAddress: 0) }
        var st = stat()
        #expect(stat(target, &st) == 0 && st.st_size == 4)
        #expect(throws: Errno.noConfig) { try SharedConfig.attach(path: ByteString(dir + "/config")) }
    }

    @Test("names that differ only in invalid UTF-8 stay different paths")
    func byteNames() {
        let a = ByteString([0x70, 0xff]), b = ByteString([0x70, 0xfe])
        #expect(a != b)
        RuntimeDir.rootOverride = "/r"
        defer { RuntimeDir.rootOverride = nil }
        #expect(RuntimeDir.path(prefix: a).bytes == Array("/r/dpdk/p".utf8) + [0xff])
        #expect(RuntimeDir.path(prefix: a) != RuntimeDir.path(prefix: b))
        #expect(FBArray.backingPath(a, directory: "/d", sharesConfig: true)!.bytes == Array("/d/fbarray_p".utf8) + [0xff])
    }

    @Test("primary creates, locks, publishes; release removes the file")
    func primaryLifecycle() throws {
        let path = tempDir() + "/config"
        let m = try SharedConfig.create(path: ByteString(path), baseAddress: 0)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(m.config.pointee.version == UInt32(EAL_SHARED_CONFIG_VERSION))
        #expect(m.config.pointee.primary_pid == getpid())
        #expect(m.config.pointee.mem_cfg_addr == UInt64(UInt(bitPattern: m.config)))
        #expect(m.config.pointee.magic == 0)
        SharedConfig.publish(m)
        #expect(m.config.pointee.magic == UInt32(RTE_MAGIC))
        // this process holds the lock: it is not "another" primary
        #expect(!SharedConfig.primaryAlive(path: ByteString(path)))
        SharedConfig.release(m)
        #expect(stat(path, &st) != 0)
        #expect(!SharedConfig.primaryAlive(path: ByteString(path)))
    }

    @Test("a primary whose config was unlinked between open and lock locks the file at the path")
    func unlinkedBeforeLock() throws {
        let path = tempDir() + "/config"
        let calls = Atomic<Int>(0)
        // the primary before us exits while we sit between open and lock: it unlinks
        // the file we opened
        SharedConfig.afterOpenHook = {
            if calls.add(1, ordering: .relaxed).newValue == 1 { unlink(path) }
        }
        defer { SharedConfig.afterOpenHook = nil }
        let m = try SharedConfig.create(path: ByteString(path), baseAddress: 0)
        defer { SharedConfig.release(m) }
        #expect(calls.load(ordering: .relaxed) == 2)
        #expect(m.fd.isFile(at: ByteString(path)))
    }

    @Test("release leaves a config that another primary made at the path")
    func releaseKeepsOthersConfig() throws {
        let path = tempDir() + "/config"
        let m = try SharedConfig.create(path: ByteString(path), baseAddress: 0)
        // the runtime dir is cleaned from outside; a new primary makes its own config
        #expect(unlink(path) == 0)
        let other = open(path, O_CREAT | O_RDWR, 0o600)
        #expect(other >= 0)
        SharedConfig.release(m)
        #expect(exists(path))
        close(other)
    }

    /// A config as a primary killed with SIGKILL leaves it: the magic set, no lock.
    private func staleConfig(version: UInt32) -> String {
        let path = tempDir() + "/config"
        let fd = open(path, O_CREAT | O_RDWR, 0o600)
        #expect(ftruncate(fd, off_t(SharedConfig.mappedLength)) == 0)
        var header = (UInt32(RTE_MAGIC), version)
        #expect(pwrite(fd, &header, 8, 0) == 8)
        close(fd)
        return path
    }

    @Test("a secondary refuses a config whose primary is dead, or of another version")
    func staleConfigRefused() {
        #expect(throws: Errno.noConfig) {
            try SharedConfig.attach(path: ByteString(staleConfig(version: UInt32(EAL_SHARED_CONFIG_VERSION))))
        }
        #expect(throws: Errno.noConfig) {
            try SharedConfig.attach(path: ByteString(staleConfig(version: 999)))
        }
    }

    @Test("attach without a config file fails with E_RTE_NO_CONFIG")
    func attachMissing() {
        #expect(throws: Errno.noConfig) { try SharedConfig.attach(path: ByteString(tempDir() + "/config")) }
    }

    @Test("a config file that cannot be created fails with its errno")
    func createFails() {
        #expect(throws: Errno.ENOENT) { try SharedConfig.create(path: "/nonexistent-dir/config", baseAddress: 0) }
    }
}
