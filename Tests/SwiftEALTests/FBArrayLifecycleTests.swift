import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Testing
@testable import SwiftEAL

/// Calls `body`, returning (result, rte_errno) with rte_errno cleared first.
func withErrno(_ body: () -> Int32) -> (Int32, Int32) {
    eal_tls_set_errno(0)
    let r = body()
    return (r, eal_tls_errno())
}

extension FBArrayTests {
@Suite(.serialized)
struct Lifecycle {
    @Test func whereArraysLive() {
        // after init, with shared config: a file in the runtime directory
        #expect(FBArray.backingPath("x", directory: "/run/dpdk/p", sharesConfig: true) == "/run/dpdk/p/fbarray_x")
        // before rte_eal_init (no directory) and under --no-shconf/--in-memory: private memory
        #expect(FBArray.backingPath("x", directory: nil, sharesConfig: true) == nil)
        #expect(FBArray.backingPath("x", directory: "/run/dpdk/p", sharesConfig: false) == nil)
    }

    @Test func fileBackedLifecycle() {
        withTemporaryRuntimeDir { dir in
            let file = dir + "/fbarray_life"
            var a = rte_fbarray(), b = rte_fbarray()
            let areasBefore = fbarrayRegistry.withLock { $0.areas.count }
            #expect(withErrno { rte_fbarray_init(&a, "life", 130, 24) } == (0, 0))
            #expect(FileManager.default.fileExists(atPath: file))
            #expect(a.len == 130 && a.elt_sz == 24 && a.count == 0 && a.data != nil)
            // the mapping: elements, then the mask, page-rounded
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            #expect(size == FBArrayLayout.mapLength(eltSize: 24, len: 130, pageSize: Int(getpagesize())))
            // a name in use: EBUSY (DPDK's answer; the flock is taken per open file)
            #expect(withErrno { rte_fbarray_init(&b, "life", 130, 24) } == (-1, EBUSY))
            // mapped here already: EEXIST
            #expect(withErrno { rte_fbarray_attach(&a) } == (-1, EEXIST))
            #expect(rte_fbarray_set_used(&a, 129) == 0)
            // a second mapping of the same file (a copy of the struct at no address):
            // it shares the bits, and keeps destroy refused until it is gone
            b = a
            b.data = nil
            #expect(withErrno { rte_fbarray_attach(&b) } == (0, 0))
            #expect(b.data != nil && b.data != a.data)
            #expect(rte_fbarray_is_used(&b, 129) == 1)
            #expect(withErrno { rte_fbarray_destroy(&a) } == (-1, EBUSY))
            #expect(rte_fbarray_is_used(&a, 129) == 1)
            #expect(withErrno { rte_fbarray_detach(&b) } == (0, 0))
            #expect(withErrno { rte_fbarray_detach(&b) } == (-1, ENOENT))
            #expect(withErrno { rte_fbarray_destroy(&a) } == (0, 0))
            #expect(!FileManager.default.fileExists(atPath: file))
            #expect(a.len == 0 && a.data == nil && a.name.0 == 0)
            #expect(fbarrayRegistry.withLock { $0.areas.count } == areasBefore)
        }
    }

    @Test func privateMemory() {
        let saved = FBArray.testBacking
        FBArray.testBacking = .privateMemory
        defer { FBArray.testBacking = saved }
        var a = rte_fbarray(), b = rte_fbarray()
        let areasBefore = fbarrayRegistry.withLock { $0.areas.count }
        #expect(withErrno { rte_fbarray_init(&a, "private", 1000, 8) } == (0, 0))
        #expect(rte_fbarray_set_used(&a, 3) == 0)
        #expect(rte_fbarray_find_next_used(&a, 0) == 3)
        // no file: nobody can attach; the same name may exist twice
        b = a
        b.data = nil
        #expect(withErrno { rte_fbarray_attach(&b) } == (-1, ENOENT))
        #expect(withErrno { rte_fbarray_init(&b, "private", 10, 8) } == (0, 0))
        #expect(withErrno { rte_fbarray_destroy(&b) } == (0, 0))
        #expect(withErrno { rte_fbarray_destroy(&a) } == (0, 0))
        #expect(fbarrayRegistry.withLock { $0.areas.count } == areasBefore)
    }

    @Test func badInput() {
        withTemporaryRuntimeDir { _ in
            var a = rte_fbarray()
            let n63 = String(repeating: "a", count: 63), n64 = String(repeating: "b", count: 64)
            #expect(withErrno { rte_fbarray_init(nil, "x", 10, 4) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_init(&a, nil, 10, 4) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_init(&a, n64, 10, 4) } == (-1, ENAMETOOLONG))
            #expect(withErrno { rte_fbarray_init(&a, "x", 0, 4) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_init(&a, "x", 10, 0) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_init(&a, "x", 0x8000_0000, 4) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_init(&a, n64, 0, 4) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_init(&a, n63, 10, 4) } == (0, 0))
            #expect(withErrno { rte_fbarray_set_used(nil, 0) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_set_used(&a, 10) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_is_used(&a, 10) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_find_next_free(&a, 10) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_find_next_n_free(&a, 0, 0) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_find_next_n_free(&a, 0, 11) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_find_prev_n_used(&a, 9, 11) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_find_idx(&a, nil) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_find_idx(&a, a.data! + 40) } == (-1, EINVAL))
            eal_tls_set_errno(0)
            #expect(rte_fbarray_get(&a, 10) == nil && eal_tls_errno() == EINVAL)
            #expect(withErrno { rte_fbarray_detach(nil) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_destroy(nil) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_attach(nil) } == (-1, EINVAL))
            var c = a
            c.data = a.data! + 4096
            #expect(withErrno { rte_fbarray_destroy(&c) } == (-1, ENOENT))
            // a struct with a length but no data is refused, not followed
            c = a
            c.data = nil
            #expect(withErrno { rte_fbarray_find_next_free(&c, 0) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_set_used(&c, 0) } == (-1, EINVAL))
            #expect(withErrno { rte_fbarray_destroy(&a) } == (0, 0))
        }
    }

    /// Readers in threads scan while a writer flips bits: the rwlock keeps count and the
    /// mask consistent (count always equals the bits set).
    @Test func concurrentReadersAndWriter() async {
        var a = rte_fbarray()
        let saved = FBArray.testBacking
        FBArray.testBacking = .privateMemory
        defer { FBArray.testBacking = saved }
        #expect(rte_fbarray_init(&a, "rw", 4096, 1) == 0)
        let p = UnsafeMutablePointer<rte_fbarray>.allocate(capacity: 1)
        p.initialize(to: a)
        defer { p.deallocate() }
        // Safe: the fbarray under test is built for concurrent readers and one writer (its own rwlock and sequence).
        nonisolated(unsafe) let arr = p
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for i in 0..<20_000 { _ = rte_fbarray_set_used(arr, UInt32(i * 7 % 4096)) ; _ = rte_fbarray_set_free(arr, UInt32(i * 11 % 4096)) }
                return true
            }
            for _ in 0..<2 {
                group.addTask {
                    var ok = true
                    for _ in 0..<2_000 {
                        rte_rwlock_read_lock(&arr.pointee.rwlock)
                        let m = FBArrayLayout.mask(arr)
                        var bits = 0
                        for w in 0..<m.wordCount { bits += m.words[w].nonzeroBitCount }
                        ok = ok && bits == Int(arr.pointee.count)
                        rte_rwlock_read_unlock(&arr.pointee.rwlock)
                        _ = rte_fbarray_find_biggest_free(arr, 0)
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
        #expect(rte_fbarray_destroy(arr) == 0)
    }
}
}

extension FBArrayTests {
@Suite(.serialized)
struct Files {
    @Test func unusedFilesAreRemovedLiveOnesKept() {
        withTemporaryRuntimeDir { dir in
            var live = rte_fbarray()
            #expect(rte_fbarray_init(&live, "live", 10, 1) == 0)
            // what a dead process would leave: files nobody holds
            for name in ["fbarray_dead1", "fbarray_dead2"] {
                _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data([1, 2, 3]))
            }
            _ = FileManager.default.createFile(atPath: dir + "/config", contents: Data())
            #expect(FBArray.removeUnusedFiles(inDirectory: ByteString(dir)) == 2)
            let left = Set((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            #expect(left == ["fbarray_live", "config"])
            #expect(rte_fbarray_destroy(&live) == 0)
            #expect(FBArray.removeUnusedFiles(inDirectory: ByteString(dir + "/missing")) == 0)
        }
    }

    /// init over a stale file of the same name starts from zero, not from old bits.
    @Test func staleFileIsReset() {
        withTemporaryRuntimeDir { dir in
            _ = FileManager.default.createFile(atPath: dir + "/fbarray_stale",
                                           contents: Data(repeating: 0xff, count: 65536))
            var a = rte_fbarray()
            #expect(rte_fbarray_init(&a, "stale", 100, 8) == 0)
            #expect(a.count == 0)
            #expect(rte_fbarray_find_next_used(&a, 0) == -1)
            #expect(rte_fbarray_get(&a, 7)!.load(as: UInt64.self) == 0)
            #expect(rte_fbarray_destroy(&a) == 0)
        }
    }
}
}
