import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Synchronization
import Testing
@testable import SwiftEAL

/// What the memory event callback and the validator were told (C callbacks cannot capture).
private enum Seen {
    private static let state = Mutex<(events: [(rte_mem_event, UInt, Int)], asked: [(Int32, Int, Int)], allow: Bool)>(([], [], false))
    static var events: [(rte_mem_event, UInt, Int)] {
        get { state.withLock { $0.events } }
        set { state.withLock { $0.events = newValue } }
    }
    static var asked: [(Int32, Int, Int)] {
        get { state.withLock { $0.asked } }
        set { state.withLock { $0.asked = newValue } }
    }
    static var allow: Bool {
        get { state.withLock { $0.allow } }
        set { state.withLock { $0.allow = newValue } }
    }
}

private let eventCallback: rte_mem_event_callback_t = { event, addr, len, _ in
    Seen.events.append((event, UInt(bitPattern: addr), len))
}
private let validator: rte_mem_alloc_validator_t = { socket, limit, newLen in
    Seen.asked.append((socket, limit, newLen))
    return Seen.allow ? 0 : -1
}

private func hugepagesUsable() -> Bool {
    guard getuid() == 0, let text = try? String(contentsOfFile: "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
                                                  encoding: .utf8),
          let free = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), free >= 16 else { return false }
    return (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8))?.contains(" hugetlbfs ") == true
}

private func pageFiles(prefix: ByteString) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/hugepages")) ?? []).filter { $0.hasPrefix(prefix.description + "map_") }.count
}

extension FBArrayTests {
/// Dynamic memory on real 2 MB hugepages, through the Swift API the malloc heaps use.
/// Serialized with the fbarray tests: the memseg lists are fbarrays (FBArray's test hook).
@Suite(.serialized)
struct MemoryGrowth {
    @Test("grow and shrink fire events with address and length; a validator and --socket-limit refuse growth",
          .enabled(if: hugepagesUsable(), "needs root, 16 free 2 MB hugepages and a hugetlbfs mount"))
    func growShrink() throws {
        let savedBacking = FBArray.testBacking
        let savedConfig = Runtime.config
        let savedIOVA = EALState.iovaMode
        FBArray.testBacking = .privateMemory
        var config = InternalConfig()
        config.filePrefix = ByteString("swtest_grow\(getpid())")
        config.memoryMB = 4
        config.noShconf = true
        Runtime.config = config
        EALState.iovaMode = IOVA.chooseMode(requested: RTE_IOVA_DC, noHuge: false)
        let undoConfig = try MemConfig.install(shared: nil)
        let undoHugepages = try MemoryInit.discoverHugepages(config)
        let undoMemory = try MemoryInit.initMemory(config)
        defer {
            undoMemory()
            undoHugepages()
            undoConfig()
            FBArray.testBacking = savedBacking
            Runtime.config = savedConfig
            EALState.iovaMode = savedIOVA
            #expect(pageFiles(prefix: config.filePrefix) == 0)
        }
        let page = 2 << 20
        #expect(MemoryPages.isDynamic)
        #expect(MemoryPages.pageSizes().contains(page))
        #expect(rte_eal_get_physmem_size() == UInt64(4 << 20))
        let initial = MemoryPages.initialRuns()
        #expect(initial.count == 1 && initial[0].length == 4 << 20)
        // preallocated memory is never given back
        #expect(throws: Errno.EINVAL) { try MemoryPages.free(initial[0]) }

        Seen.events = []
        #expect(rte_mem_event_callback_register("grow-test", eventCallback, nil) == 0)
        defer { _ = rte_mem_event_callback_unregister("grow-test", nil) }

        // grow: mapped, writable, recorded, announced
        let run = try MemoryPages.allocate(count: 2, pageSize: page, socket: 0, iovaContiguous: false)
        #expect(run.length == 2 * page && run.pageSize == page && run.socket == 0)
        #expect(Seen.events.count == 1)
        #expect(Seen.events.first?.0 == RTE_MEM_EVENT_ALLOC)
        #expect(Seen.events.first?.1 == UInt(bitPattern: run.base) && Seen.events.first?.2 == 2 * page)
        memset(run.base, 0x5a, run.length)
        #expect(run.base.load(fromByteOffset: run.length - 1, as: UInt8.self) == 0x5a)
        #expect(rte_eal_get_physmem_size() == UInt64(8 << 20))
        #expect(MemoryPages.isMapped(run.base, length: run.length))
        #expect(rte_mem_virt2memseg(run.base + page, nil)?.pointee.addr == run.base + page)
        #expect(pageFiles(prefix: config.filePrefix) == 4)

        // a validator over its limit refuses, and is told socket, limit and new length
        Seen.asked = []
        Seen.allow = false
        #expect(rte_mem_alloc_validator_register("grow-limit", validator, 0, 10 << 20) == 0)
        #expect(throws: Errno.ENOMEM) { try MemoryPages.allocate(count: 2, pageSize: page, socket: 0, iovaContiguous: false) }
        #expect(Seen.asked.count == 1 && Seen.asked[0].0 == 0 && Seen.asked[0].1 == 10 << 20 && Seen.asked[0].2 == 12 << 20)
        #expect(Seen.events.count == 1) // nothing was mapped
        Seen.allow = true
        let more = try MemoryPages.allocate(count: 1, pageSize: page, socket: 0, iovaContiguous: false)
        #expect(Seen.asked.count == 2 && Seen.asked[1].2 == 10 << 20)
        try MemoryPages.free(more)
        #expect(rte_mem_alloc_validator_unregister("grow-limit", 0) == 0)

        // --socket-limit caps growth
        MemoryPages.socketLimit = [10 << 20]
        #expect(throws: Errno.ENOMEM) { try MemoryPages.allocate(count: 2, pageSize: page, socket: 0, iovaContiguous: false) }
        MemoryPages.socketLimit = []

        // IOVA-contiguous growth either is contiguous or is refused
        if let c = try? MemoryPages.allocate(count: 2, pageSize: page, socket: 0, iovaContiguous: true) {
            #expect(MemoryPages.isIovaContiguous(c.base, length: c.length))
            try MemoryPages.free(c)
        }

        // shrink: announced before the pages go, with the same address and length
        Seen.events = []
        try MemoryPages.free(run)
        #expect(Seen.events.count == 1)
        #expect(Seen.events.first?.0 == RTE_MEM_EVENT_FREE)
        #expect(Seen.events.first?.1 == UInt(bitPattern: run.base) && Seen.events.first?.2 == 2 * page)
        #expect(!MemoryPages.isMapped(run.base, length: page))
        #expect(rte_eal_get_physmem_size() == UInt64(4 << 20))
        #expect(pageFiles(prefix: config.filePrefix) == 2)
        // twice, or part of nothing: refused
        #expect(throws: Errno.EINVAL) { try MemoryPages.free(run) }
        // an unknown socket has no lists
        #expect(throws: Errno.ENOMEM) { try MemoryPages.allocate(count: 1, pageSize: page, socket: 7, iovaContiguous: false) }
    }
}
}
