import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Testing
@testable import SwiftEAL

@Suite("Runtime dir and shared config", .serialized)
struct SharedConfigTests {
    /// A fresh directory under /tmp for `body`, removed with what it holds afterwards.
    private func withTempDir(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/swifteal-cfg.XXXXXX".utf8CString)
        let dir = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    @Test("runtime directory is created 0700, nested, idempotently")
    func runtimeDir() throws {
        try withTempDir { root in
            RuntimeDir.rootOverride = root
            defer { RuntimeDir.rootOverride = nil }
            let dir = try RuntimeDir.create(prefix: "pfx")
            #expect(dir == root + "/dpdk/pfx")
            var st = stat()
            #expect(stat(dir, &st) == 0 && st.st_mode & 0o777 == 0o700)
            #expect(try RuntimeDir.create(prefix: "pfx") == dir)
            RuntimeDir.removeIfEmpty(dir)
            #expect(stat(dir, &st) != 0)
            #expect(throws: Errno.ENOTDIR) { try RuntimeDir.makeDirectory("/etc/passwd/x") }
        }
    }

    @Test("primary creates, locks, publishes; release removes the file")
    func primaryLifecycle() throws {
        try withTempDir { dir in
            let path = dir + "/config"
            let m = try SharedConfig.create(path: path, baseAddress: 0)
            var st = stat()
            #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
            #expect(m.config.pointee.version == UInt32(EAL_SHARED_CONFIG_VERSION))
            #expect(m.config.pointee.primary_pid == getpid())
            #expect(m.config.pointee.mem_cfg_addr == UInt64(UInt(bitPattern: m.config)))
            #expect(m.config.pointee.magic == 0)
            SharedConfig.publish(m)
            #expect(m.config.pointee.magic == UInt32(RTE_MAGIC))
            // this process holds the lock: it is not "another" primary
            #expect(!SharedConfig.primaryAlive(path: path))
            SharedConfig.release(m)
            #expect(stat(path, &st) != 0)
            #expect(!SharedConfig.primaryAlive(path: path))
        }
    }

    @Test("attach without a config file fails with E_RTE_NO_CONFIG")
    func attachMissing() throws {
        try withTempDir { dir in
            #expect(throws: Errno.noConfig) { try SharedConfig.attach(path: dir + "/config") }
        }
    }

    @Test("a config file that cannot be created fails with its errno")
    func createFails() {
        #expect(throws: Errno.ENOENT) { try SharedConfig.create(path: "/nonexistent-dir/config", baseAddress: 0) }
    }
}
