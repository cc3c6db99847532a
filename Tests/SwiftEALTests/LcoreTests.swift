import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Testing
@testable import SwiftEAL

/// A C function the launch API can run: returns its argument as an int.
private let echo: LcoreFunction = { arg in Int32(truncatingIfNeeded: Int(bitPattern: arg)) }
/// Returns the socket id the worker thread sees.
private let socketOfCaller: LcoreFunction = { _ in Int32(bitPattern: rte_socket_id()) }
/// Sleeps for arg milliseconds, then returns 1.
private let napper: LcoreFunction = { arg in
    usleep(UInt32(Int(bitPattern: arg)) * 1000)
    return 1
}

private func threadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
}

/// A fake sysfs: CPUs 0-3 (core ids 0,1,0,1), node0 = {0,1}, node1 = {2,3}.
private func fakeSysfs() throws -> String {
    let root = NSTemporaryDirectory() + "swifteal-sysfs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fm = FileManager.default
    for cpu in 0..<4 {
        let dir = "\(root)/devices/system/cpu/cpu\(cpu)/topology"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "\(cpu % 2)\n".write(toFile: dir + "/core_id", atomically: true, encoding: .utf8)
        let node = "\(root)/devices/system/node/node\(cpu / 2)"
        try fm.createDirectory(atPath: node + "/cpu\(cpu)", withIntermediateDirectories: true)
    }
    return root
}

/// Runs `body` with the lcore table built from `config` (and the calling thread as
/// main lcore), then cleans up and gives the thread back its affinity and identity.
private func withLcores(_ config: InternalConfig, sysfs: String? = nil,
                        _ body: () throws -> Void) throws {
    let saved = CPUSet.currentAffinity().cpuset
    let savedRoot = Topology.sysfsRoot
    if let sysfs { Topology.sysfsRoot = sysfs }
    defer {
        lcoresCleanup()
        Topology.sysfsRoot = savedRoot
        var s = saved
        pthread_setaffinity_np(pthread_self(), MemoryLayout<rte_cpuset_t>.size, &s)
        eal_tls_set_lcore_id(LCORE_ID_ANY)
    }
    try lcoresInit(config: config)
    try body()
}

/// lcore i on CPU cpus[i] for each given pair.
private func config(_ lcores: [(UInt32, [Int])], main: UInt32? = nil) -> InternalConfig {
    var c = InternalConfig()
    for (id, cpus) in lcores { c.lcores[Int(id)] = LcoreSetting(role: ROLE_RTE, cpus: CPUSet(cpus)) }
    c.mainLcore = main
    return c
}

/// Two CPUs this process may use (the same one twice on a one-CPU machine).
private func twoCPUs() -> (Int, Int) {
    let m = CPUSet.currentAffinity().members
    return (m[0], m.count > 1 ? m[1] : m[0])
}

@Suite("Lcores, launch and timers", .serialized)
struct LcoreTests {
    @Test func topologyFromFakeSysfs() throws {
        let root = try fakeSysfs()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let t = Topology.read(root: root)
        #expect(t.detected[0..<5] == [true, true, true, true, false])
        #expect(t.coreId[0..<4] == [0, 1, 0, 1])
        #expect(t.sockets == [0, 1])
        #expect(t.socket(of: CPUSet([0, 1])) == 0)
        #expect(t.socket(of: CPUSet([2])) == 1)
        #expect(t.socket(of: CPUSet([1, 2])) == UInt32.max)   // spans nodes
        #expect(t.socket(of: CPUSet()) == UInt32.max)
        let none = Topology.read(root: root + "/missing")
        #expect(none.sockets.isEmpty && !none.detected[0])
    }

    @Test func tableFromConfigWithTwoNodes() throws {
        let root = try fakeSysfs()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (a, b) = twoCPUs()
        // lcore 0 on CPU a, lcore 1 on CPU b, lcore 5 on both (--lcores style)
        var c = config([(0, [a]), (1, [b])])
        c.lcores[5] = LcoreSetting(role: ROLE_RTE, cpus: CPUSet([a, b]))
        try withLcores(c, sysfs: root) {
            #expect(rte_lcore_count() == 3)
            #expect(rte_get_main_lcore() == 0)
            #expect(rte_lcore_id() == 0)
            #expect(rte_socket_count() == 2)
            #expect(rte_socket_id_by_idx(0) == 0 && rte_socket_id_by_idx(1) == 1)
            #expect(rte_lcore_index(5) == 2)
            #expect(rte_lcore_to_cpu_id(1) == Int32(b % 2))   // the fake core ids
            let s5 = rte_lcore_cpuset(5)
            #expect(CPUSet(s5).count == (a == b ? 1 : 2))
            if a / 2 != b / 2 { #expect(rte_lcore_to_socket_id(5) == UInt32.max) }
            #expect(rte_lcore_to_socket_id(1) == UInt32(b / 2))
            // the worker sees its own socket
            #expect(rte_eal_remote_launch(socketOfCaller, nil, 1) == 0)
            #expect(rte_eal_wait_lcore(1) == Int32(b / 2))
            // workers 1 and 5 exist; mp launch reaches both
            #expect(rte_eal_mp_remote_launch(echo, UnsafeMutableRawPointer(bitPattern: 12), CALL_MAIN) == 0)
            rte_eal_mp_wait_lcore()
            #expect(rte_eal_wait_lcore(1) == 12 && rte_eal_wait_lcore(5) == 12 && rte_eal_wait_lcore(0) == 12)
        }
        #expect(rte_lcore_count() == 0)
        #expect(rte_socket_count() == 0)
    }

    @Test func initCleanupLeavesNoThreadsAndCanRepeat() throws {
        let (a, b) = twoCPUs()
        let before = threadCount()
        for round in 0..<3 {
            try withLcores(config([(0, [a]), (1, [b]), (2, [b])])) {
                #expect(threadCount() == before + 2)
                #expect(rte_eal_remote_launch(echo, UnsafeMutableRawPointer(bitPattern: round + 1), 2) == 0)
                #expect(rte_eal_wait_lcore(2) == Int32(round + 1))
            }
            #expect(threadCount() == before)
            #expect(!Lcores.initialized)
            #expect(eal_launch_current_block() == nil)
        }
    }

    @Test func badConfigurations() throws {
        let (a, _) = twoCPUs()
        // the main lcore must be enabled
        #expect(throws: Errno.EINVAL) { try lcoresInit(config: config([(0, [a])], main: 3)) }
        // no lcore at all
        #expect(throws: Errno.EINVAL) { try lcoresInit(config: InternalConfig()) }
        #expect(!Lcores.initialized)
        // a CPU this process may not use cannot be pinned
        let saved = CPUSet.currentAffinity().cpuset
        #expect(throws: Errno.self) { try lcoresInit(config: config([(0, [1000])])) }
        var s = saved
        pthread_setaffinity_np(pthread_self(), MemoryLayout<rte_cpuset_t>.size, &s)
        #expect(!Lcores.initialized)
        #expect(rte_lcore_count() == 0)
        // a second init while one is active
        try withLcores(config([(0, [a])])) {
            #expect(throws: Errno.EALREADY) { try lcoresInit(config: config([(0, [a])])) }
        }
    }

    @Test func nextLcoreNeverHangs() throws {
        let (a, _) = twoCPUs()
        try withLcores(config([(0, [a])])) {
            #expect(rte_get_next_lcore(0, 1, 1) == UInt32(RTE_MAX_LCORE))
            #expect(rte_get_next_lcore(UInt32.max, 1, 1) == UInt32(RTE_MAX_LCORE))
            #expect(rte_get_next_lcore(UInt32.max, 0, 1) == 0)
            #expect(rte_eal_mp_remote_launch(echo, nil, SKIP_MAIN) == 0)   // no workers
        }
    }

    @Test func cleanupWhileAWorkerRuns() throws {
        let (a, b) = twoCPUs()
        let before = threadCount()
        try withLcores(config([(0, [a]), (1, [b])])) {
            #expect(rte_eal_remote_launch(napper, UnsafeMutableRawPointer(bitPattern: 150), 1) == 0)
            #expect(rte_eal_get_lcore_state(1) == RUNNING)
        }
        // the table is gone at once; the thread leaves when its function returns
        #expect(rte_lcore_count() == 0)
        #expect(rte_eal_get_lcore_state(1) == WAIT)
        let deadline = Date().addingTimeInterval(5)
        while threadCount() != before && Date() < deadline { usleep(10_000) }
        #expect(threadCount() == before)
    }

    @Test func forcedSimdWidth() throws {
        let (a, _) = twoCPUs()
        var c = config([(0, [a])])
        c.maxSimdBitwidth = 128
        try withLcores(c) {
            #expect(rte_vect_get_max_simd_bitwidth() == 128)
            #expect(rte_vect_set_max_simd_bitwidth(256) == -EPERM)
        }
        try withLcores(config([(0, [a])])) {
            #expect(rte_vect_get_max_simd_bitwidth() == 256)
            #expect(rte_vect_set_max_simd_bitwidth(512) == 0)
            #expect(rte_vect_set_max_simd_bitwidth(96) == -EINVAL)
        }
    }

    @Test func workerStackSize() throws {
        let (a, b) = twoCPUs()
        var c = config([(0, [a]), (1, [b])])
        c.hugeWorkerStack = 32 << 20   // above glibc's cached 8 MB stacks
        let stackOfCaller: LcoreFunction = { _ in
            var attr = pthread_attr_t()
            var size = 0
            pthread_getattr_np(pthread_self(), &attr)
            pthread_attr_getstacksize(&attr, &size)
            pthread_attr_destroy(&attr)
            return Int32(size >> 20)
        }
        try withLcores(c) {
            #expect(rte_eal_remote_launch(stackOfCaller, nil, 1) == 0)
            #expect(rte_eal_wait_lcore(1) >= 32)
        }
        c.hugeWorkerStack = 1   // below PTHREAD_STACK_MIN: init fails cleanly
        let before = threadCount()
        let saved = CPUSet.currentAffinity().cpuset
        #expect(throws: Errno.EINVAL) { try lcoresInit(config: c) }
        var s = saved
        pthread_setaffinity_np(pthread_self(), MemoryLayout<rte_cpuset_t>.size, &s)
        eal_tls_set_lcore_id(LCORE_ID_ANY)
        #expect(!Lcores.initialized && threadCount() == before && rte_lcore_count() == 0)
    }

    @Test func controlThreadsForOtherSubsystems() throws {
        let (a, b) = twoCPUs()
        try withLcores(config([(0, [a])])) {
            final class Seen: @unchecked Sendable { var lcore: UInt32 = 0; var cpus = CPUSet(); var name = "" }
            let seen = Seen()
            let t = try spawnControlThread(name: "eal-test-ctrl") {
                seen.lcore = rte_lcore_id()
                seen.cpus = CPUSet.currentAffinity()
                var buf = [CChar](repeating: 0, count: 32)
                pthread_getname_np(pthread_self(), &buf, 32)
                seen.name = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            }
            pthread_join(t, nil)
            #expect(seen.lcore == LCORE_ID_ANY)
            #expect(seen.name == "eal-test-ctrl")
            // lcore 0 uses CPU a: control threads get the others (or a when none is left)
            #expect(seen.cpus == Lcores.ctrlCPUs)
            #expect(seen.cpus.contains(a) == (a == b))
        }
    }

    @Test func manyHandoffs() throws {
        let (a, b) = twoCPUs()
        try withLcores(config([(0, [a]), (1, [b])])) {
            var bad = 0
            for i in 0..<5000 {
                if rte_eal_remote_launch(echo, UnsafeMutableRawPointer(bitPattern: i), 1) != 0 { bad += 1 }
                if rte_eal_wait_lcore(1) != Int32(i) { bad += 1 }
            }
            #expect(bad == 0)
        }
    }

    @Test func affinityStrings() {
        #expect(affinityString(CPUSet([0, 1, 5])) == ("0,1,5", false))
        #expect(affinityString(CPUSet()) == ("", false))
        let (text, cut) = affinityString(CPUSet(0..<1024))
        #expect(cut)
        #expect(text.utf8.count < 256 && !text.hasSuffix(","))
    }

    @Test func cpuFlagTable() {
        #expect(CPUFlags.table.count == Int(RTE_CPUFLAG_NUMFLAGS.rawValue))
        #expect(Set(CPUFlags.table.map { "\($0.name)" }).count == CPUFlags.table.count)
        #expect(CPUFlags.enabled(RTE_CPUFLAG_SSE2.rawValue) == 1)   // every x86-64
        #expect(CPUFlags.enabled(UInt32(CPUFlags.table.count)) == -ENOENT)
    }

    @Test func tscCalibration() throws {
        try timersInit()
        let hz = rte_get_tsc_hz()
        #expect(hz > 100_000_000)
        let measured = TSC.measure(ms: 50)
        #expect(Double(measured) > Double(hz) * 0.97 && Double(measured) < Double(hz) * 1.03)
        let t0 = Date()
        rte_delay_us_block(3000)
        #expect(Date().timeIntervalSince(t0) >= 0.003)
    }
}
