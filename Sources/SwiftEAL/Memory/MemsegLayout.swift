import CSwiftEAL

/// One memseg list to create: its page size, socket and number of segments.
struct MemsegListSpec: Equatable {
    var pageSize: Int
    var socket: Int32
    var segments: Int
    /// Rank among the lists of the same (page size, socket): the last part of the name.
    var index: Int

    /// The fbarray name, as DPDK names it: memseg-<kB>k-<socket>-<index>.
    var name: String { "memseg-\(pageSize >> 10)k-\(socket)-\(index)" }
    var length: Int { pageSize * segments }
}

/// How much virtual memory the lists reserve, with DPDK 22.11's limits: at most
/// RTE_MAX_MEM_MB in all, RTE_MAX_MEM_MB_PER_TYPE and RTE_MAX_MEMSEG_PER_TYPE per
/// (page size, socket), RTE_MAX_MEM_MB_PER_LIST and RTE_MAX_MEMSEG_PER_LIST per list,
/// RTE_MAX_MEMSEG_LISTS lists. Types are ordered by page size (largest first), then socket.
enum MemsegLayout {
    static let maxLists = Int(RTE_MAX_MEMSEG_LISTS)
    static let maxSegsPerList = Int(RTE_MAX_MEMSEG_PER_LIST)
    static let maxSegsPerType = Int(RTE_MAX_MEMSEG_PER_TYPE)
    static let maxMemPerList = Int(RTE_MAX_MEM_MB_PER_LIST) << 20
    static let maxMemPerType = Int(RTE_MAX_MEM_MB_PER_TYPE) << 20
    static let maxMem = Int(RTE_MAX_MEM_MB) << 20

    /// The lists of dynamic memory: every type gets its share of the limits up front.
    /// Throws ENOMEM when the types cannot each have a list.
    static func dynamicLists(pageSizes: [Int], sockets: [Int32],
                             log: (UInt32, String) -> Void = { ealLog($0, $1) }) throws(Errno) -> [MemsegListSpec] {
        let types = pageSizes.count * sockets.count
        guard types > 0 else { return [] }
        let listsPerType = maxLists / types
        guard listsPerType > 0 else {
            log(4, "Cannot accommodate all memory types, please increase RTE_MAX_MEMSEG_LISTS")
            throw .ENOMEM
        }
        let memPerType = min(maxMemPerType, maxMem / types)
        var specs: [MemsegListSpec] = []
        for size in pageSizes {
            for socket in sockets {
                let segsPerType = min(memPerType / size, maxSegsPerType)
                let segsPerList = min(segsPerType, maxSegsPerList)
                let memPerList = min(segsPerList * size, maxMemPerList)
                let segs = min(segsPerType, memPerList / size)
                guard segs > 0 else { continue }
                let lists = min(segsPerType / segs, memPerType / memPerList, listsPerType)
                for i in 0..<lists {
                    specs.append(MemsegListSpec(pageSize: size, socket: socket, segments: segs, index: i))
                }
            }
        }
        return specs
    }

    /// The lists that hold `pages` pages of one type mapped at init (legacy memory):
    /// as few full lists as the per-list limits allow.
    static func staticLists(pageSize: Int, socket: Int32, pages: Int, firstIndex: Int = 0) -> [MemsegListSpec] {
        let perList = min(maxSegsPerList, max(1, maxMemPerList / pageSize))
        var specs: [MemsegListSpec] = []
        var left = pages
        var i = firstIndex
        while left > 0 {
            specs.append(MemsegListSpec(pageSize: pageSize, socket: socket, segments: perList, index: i))
            left -= perList
            i += 1
        }
        return specs
    }
}
