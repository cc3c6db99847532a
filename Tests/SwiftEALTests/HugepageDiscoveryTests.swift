import CEALShared
import CSwiftEAL
import Foundation
import Glibc
import Testing
@testable import SwiftEAL

/// A fake machine: sysfs and /proc trees under a temporary directory.
private struct FakeMachine {
    let root: String
    var sysfs: String { root + "/sys" }
    var proc: String { root + "/proc" }

    init() {
        var template = Array("/tmp/swifteal-hp.XXXXXX".utf8CString)
        root = String(cString: mkdtemp(&template)!)
        try? FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: root + "/sys/kernel/mm/hugepages", withIntermediateDirectories: true)
        write("/proc/meminfo", "MemTotal:       24000000 kB\nHugepagesize:       2048 kB\n")
        write("/proc/mounts", "proc /proc proc rw 0 0\n")
    }

    func write(_ path: String, _ text: String) {
        let full = root + path
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    }

    /// A page size the kernel offers, with its global free/reserved counts.
    func size(kb: Int, free: Int, resv: Int = 0) {
        let d = "/sys/kernel/mm/hugepages/hugepages-\(kb)kB/"
        write(d + "nr_hugepages", "\(free)\n")
        write(d + "free_hugepages", "\(free)\n")
        write(d + "resv_hugepages", "\(resv)\n")
    }

    func node(_ n: Int, kb: Int, free: Int) {
        write("/sys/devices/system/node/node\(n)/hugepages/hugepages-\(kb)kB/free_hugepages", "\(free)\n")
    }

    func mounts(_ lines: [String]) {
        write("/proc/mounts", "proc /proc proc rw 0 0\n" + lines.joined(separator: "\n") + "\n")
    }

    func request(nodes: [UInt32] = [0], hugeDir: String? = nil, inMemory: Bool = false) -> HugepageDiscovery.Request {
        HugepageDiscovery.Request(sysfsRoot: sysfs, procRoot: proc, hugeDir: hugeDir.map { ByteString($0) },
                                  inMemory: inMemory, legacy: false, nodes: nodes)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Runs discovery, collecting its messages.
private func discover(_ m: FakeMachine, _ r: HugepageDiscovery.Request) -> (Result<[HugepageSize], Errno>, [String]) {
    var messages: [String] = []
    let result = Result { () throws(Errno) in try HugepageDiscovery.discover(r) { _, text in messages.append(text) } }
    return (result, messages)
}

@Suite("Hugepage discovery on simulated machines")
struct HugepageDiscoveryTests {
    @Test("1 node, 2 MB pages, a mount without pagesize= uses the default size")
    func oneNodeDefaultSize() throws {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 100, resv: 4)
        m.node(0, kb: 2048, free: 100)
        m.mounts(["hugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0"])
        let (r, _) = discover(m, m.request())
        let sizes = try r.get()
        #expect(sizes.count == 1)
        #expect(sizes[0].pageSize == 2 << 20)
        #expect(sizes[0].directory == "/dev/hugepages")
        #expect(sizes[0].freePages[0] == 100)
        #expect(sizes[0].totalFree == 100)
    }

    @Test("2 nodes, 1 GB and 2 MB, mounts with pagesize=: largest first, counts per node")
    func twoNodesTwoSizes() throws {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 300)
        m.size(kb: 1048576, free: 4)
        m.node(0, kb: 2048, free: 100); m.node(1, kb: 2048, free: 200)
        m.node(0, kb: 1048576, free: 1); m.node(1, kb: 1048576, free: 3)
        m.mounts(["nodev /mnt/huge2m hugetlbfs rw,pagesize=2M 0 0", "nodev /mnt/huge1g hugetlbfs rw,pagesize=1024M 0 0"])
        let sizes = try discover(m, m.request(nodes: [0, 1])).0.get()
        #expect(sizes.map(\.pageSize) == [1 << 30, 2 << 20])
        #expect(sizes[0].directory == "/mnt/huge1g" && sizes[1].directory == "/mnt/huge2m")
        #expect(Array(sizes[0].freePages.prefix(2)) == [1, 3])
        #expect(Array(sizes[1].freePages.prefix(2)) == [100, 200])
    }

    @Test("1 GB pages reserved without a mount are skipped with DPDK's notice")
    func reservedWithoutMount() throws {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 10)
        m.size(kb: 1048576, free: 2)
        m.mounts(["nodev /dev/hugepages hugetlbfs rw 0 0"])
        let (r, messages) = discover(m, m.request())
        #expect(try r.get().map(\.pageSize) == [2 << 20])
        #expect(messages.contains("2 hugepages of size 1073741824 reserved, but no mounted hugetlbfs found for that size"))
    }

    @Test("without per-node counts the global free minus reserved count goes to node 0")
    func globalCount() throws {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 50, resv: 8)
        m.mounts(["nodev /dev/hugepages hugetlbfs rw 0 0"])
        let sizes = try discover(m, m.request()).0.get()
        #expect(sizes[0].freePages[0] == 42)
    }

    @Test("--huge-dir picks its mount among several; one that is not a mount is refused with what to do")
    func hugeDir() throws {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 10)
        m.mounts(["nodev /mnt/a hugetlbfs rw,pagesize=2M 0 0", "nodev /mnt/b hugetlbfs rw,pagesize=2M 0 0"])
        #expect(try discover(m, m.request(hugeDir: "/mnt/b/")).0.get()[0].directory == "/mnt/b")
        let (r, messages) = discover(m, m.request(hugeDir: "/tmp"))
        #expect(throws: Errno.EACCES) { try r.get() }
        #expect(messages.last == "--huge-dir /tmp is not a hugetlbfs mount point (mount -t hugetlbfs nodev /tmp)")
    }

    @Test("no hugepages reserved: EACCES, and the message says how to reserve them")
    func noHugepages() {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 0)
        m.node(0, kb: 2048, free: 0)
        m.mounts(["nodev /dev/hugepages hugetlbfs rw 0 0"])
        let (r, messages) = discover(m, m.request())
        #expect(throws: Errno.EACCES) { try r.get() }
        #expect(messages.last == "No free hugepages: reserve some (echo 512 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages), or run with --no-huge")
        #expect(messages.contains("No free 2048 kB hugepages reported on node 0"))
    }

    @Test("pages reserved but nothing mounted: EACCES, and the message says to mount hugetlbfs")
    func noMount() {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 64)
        let (r, messages) = discover(m, m.request())
        #expect(throws: Errno.EACCES) { try r.get() }
        #expect(messages.last?.hasPrefix("No hugetlbfs mount for the reserved hugepages: mount one") == true)
    }

    @Test("a kernel without hugepage support")
    func noSupport() {
        let m = FakeMachine(); defer { m.remove() }
        let (r, messages) = discover(m, m.request())
        #expect(throws: Errno.EACCES) { try r.get() }
        #expect(messages.last?.contains("lists no page sizes. Run with --no-huge") == true)
    }

    @Test("--in-memory needs no mount: every size is usable through memfd")
    func inMemory() throws {
        let m = FakeMachine(); defer { m.remove() }
        m.size(kb: 2048, free: 16)
        m.size(kb: 1048576, free: 0)
        let sizes = try discover(m, m.request(inMemory: true)).0.get()
        #expect(sizes.map(\.pageSize) == [1 << 30, 2 << 20])
        #expect(sizes.allSatisfy { $0.directory == nil })
    }

    @Test("mount points keep their escaped spaces and bytes")
    func mountEscapes() {
        let text = Array("a /mnt/huge\\040pages hugetlbfs rw,pagesize=1G 0 0\nb /x\\134y tmpfs rw 0 0\nc /p\\377 hugetlbfs rw 0 0\n".utf8)
        let mounts = MountTable.hugetlbfsMounts(in: text)
        #expect(mounts == [HugetlbfsMount(path: "/mnt/huge pages", pageSize: 1 << 30),
                           HugetlbfsMount(path: ByteString([0x2f, 0x70, 0xff]), pageSize: nil)])
        #expect(MountTable.parseSize(Array("2048k".utf8)) == 2 << 20)
        #expect(MountTable.parseSize(Array("x".utf8)) == nil)
    }
}

private func quiet(_: UInt32, _: String) {}

@Suite("Memseg list layout and preallocation plans")
struct MemsegLayoutTests {
    @Test("one socket: 2 lists of 32 x 1 GB and 4 lists of 8192 x 2 MB, named as DPDK names them")
    func oneSocket() throws {
        let specs = try MemsegLayout.dynamicLists(pageSizes: [1 << 30, 2 << 20], sockets: [0], log: quiet)
        #expect(specs.map(\.name) == ["memseg-1048576k-0-0", "memseg-1048576k-0-1",
                                      "memseg-2048k-0-0", "memseg-2048k-0-1", "memseg-2048k-0-2", "memseg-2048k-0-3"])
        #expect(specs.map(\.segments) == [32, 32, 8192, 8192, 8192, 8192])
        #expect(specs.allSatisfy { $0.length <= Int(RTE_MAX_MEM_MB_PER_LIST) << 20 })
    }

    @Test("every type stays within RTE_MAX_MEM_MB_PER_TYPE and the lists within RTE_MAX_MEMSEG_LISTS")
    func limits() throws {
        for sockets in 1...8 {
            let specs = try MemsegLayout.dynamicLists(pageSizes: [1 << 30, 2 << 20], sockets: (0..<Int32(sockets)).map { $0 }, log: quiet)
            #expect(specs.count <= Int(RTE_MAX_MEMSEG_LISTS))
            for size in [1 << 30, 2 << 20] {
                for s in 0..<Int32(sockets) {
                    let type = specs.filter { $0.pageSize == size && $0.socket == s }
                    #expect(!type.isEmpty)
                    #expect(type.reduce(0) { $0 + $1.length } <= Int(RTE_MAX_MEM_MB_PER_TYPE) << 20)
                    #expect(type.reduce(0) { $0 + $1.segments } <= Int(RTE_MAX_MEMSEG_PER_TYPE))
                }
            }
        }
    }

    @Test("too many types for RTE_MAX_MEMSEG_LISTS is an error")
    func tooManyTypes() {
        #expect(throws: Errno.ENOMEM) {
            try MemsegLayout.dynamicLists(pageSizes: [1 << 30, 2 << 20, 4096], sockets: (0..<64).map { $0 }, log: quiet)
        }
    }

    private func sizes(_ perNode2M: [UInt32], _ perNode1G: [UInt32] = []) -> [HugepageSize] {
        func pad(_ a: [UInt32]) -> [UInt32] { a + [UInt32](repeating: 0, count: Int(RTE_MAX_NUMA_NODES) - a.count) }
        var s = [HugepageSize(pageSize: 2 << 20, directory: "/d", freePages: pad(perNode2M))]
        if !perNode1G.isEmpty { s.insert(HugepageSize(pageSize: 1 << 30, directory: "/g", freePages: pad(perNode1G)), at: 0) }
        return s
    }

    @Test("-m rounds up to whole pages, largest pages first")
    func planRounding() throws {
        var c = InternalConfig()
        c.memoryMB = 3
        #expect(try MemoryInit.planPreallocation(c, sizes: sizes([10]), sockets: [0], log: quiet) == [0: [2 << 20: 2]])
        c.memoryMB = 1030
        #expect(try MemoryInit.planPreallocation(c, sizes: sizes([10], [1]), sockets: [0], log: quiet) == [0: [1 << 30: 1, 2 << 20: 3]])
    }

    @Test("--socket-mem for a socket the machine lacks, or more than it has, fails")
    func planFailures() throws {
        var c = InternalConfig()
        c.socketMem = [2, 2]
        #expect(throws: Errno.ENOMEM) { try MemoryInit.planPreallocation(c, sizes: sizes([10]), sockets: [0], log: quiet) }
        c.socketMem = [40]
        #expect(throws: Errno.ENOMEM) { try MemoryInit.planPreallocation(c, sizes: sizes([10]), sockets: [0], log: quiet) }
        c.socketMem = []
        c.memoryMB = 21
        #expect(throws: Errno.ENOMEM) { try MemoryInit.planPreallocation(c, sizes: sizes([10]), sockets: [0], log: quiet) }
        c.memoryMB = 20
        #expect(try MemoryInit.planPreallocation(c, sizes: sizes([10]), sockets: [0], log: quiet) == [0: [2 << 20: 10]])
    }

    @Test("--socket-mem gives each socket its share on a 2-node machine")
    func planTwoSockets() throws {
        var c = InternalConfig()
        c.socketMem = [4, 8]
        #expect(try MemoryInit.planPreallocation(c, sizes: sizes([10, 10]), sockets: [0, 1], log: quiet) == [0: [2 << 20: 2], 1: [2 << 20: 4]])
    }
}
