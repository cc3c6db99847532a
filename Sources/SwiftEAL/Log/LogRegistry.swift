import CEALShared
import CSwiftEAL
import Glibc

/// The log types and their levels, kept in C static storage (`eal_log_state`) so they are
/// usable from ELF constructors before anything of ours has run. Type ids index
/// chunks that never move, each twice the size of the one before: readers take no
/// lock; registration takes the spinlock. There is no fixed limit (ids stop at
/// Int32.max, what rte_log_register can return).
enum LogRegistry {
    static let maxLevel = UInt32(RTE_LOG_MAX)
    static let chunkShift = UInt32(EAL_LOG_CHUNK_SHIFT)
    static let maxTypes = UInt32(Int32.max)

    /// Number of type ids in use (the unnamed 21...23 included).
    @inline(__always) static var count: UInt32 { eal_log_count() }

    /// The chunk of `id` and its place there: chunk k starts at id 64 * (2^k - 1).
    @inline(__always)
    static func locate(_ id: UInt32) -> (chunk: UInt32, offset: Int) {
        let q: UInt32 = (id >> chunkShift) &+ 1
        let k = UInt32(31 &- q.leadingZeroBitCount)
        let first: UInt32 = ((1 << k) &- 1) << chunkShift
        return (k, Int(id &- first))
    }

    /// How many types chunk k holds.
    static func capacity(ofChunk k: UInt32) -> Int { Int(EAL_LOG_CHUNK) << Int(k) }

    @inline(__always)
    static func entry(_ id: UInt32) -> UnsafeMutablePointer<eal_log_type>? {
        guard id < eal_log_count() else { return nil }
        let (k, offset) = locate(id)
        guard let chunk = eal_log_chunk(k) else { return nil }
        return chunk + offset
    }

    static var globalLevel: UInt32 {
        get { eal_log_global_level() }
        set { eal_log_set_global_level(newValue) }
    }

    /// The type's level, or nil when `id` is not a type.
    @inline(__always)
    static func level(of id: UInt32) -> UInt32? {
        guard let e = entry(id) else { return nil }
        return eal_log_type_level(e)
    }

    /// False when `id` is unknown or `level` is above RTE_LOG_MAX.
    static func setLevel(_ id: UInt32, _ level: UInt32) -> Bool {
        guard level <= maxLevel, let e = entry(id) else { return false }
        change(e, to: level)
        return true
    }

    /// Stores a type's level and, when it differs, says so at EAL debug level as DPDK does
    /// ("lib.eal log level changed from info to debug").
    static func change(_ e: UnsafeMutablePointer<eal_log_type>, to level: UInt32) {
        let old = eal_log_type_level(e)
        guard old != level else { return }
        eal_log_type_set_level(e, level)
        // Checked before any String work: this runs from other libraries' constructors,
        // possibly before the Swift runtime's own have run.
        guard canLog(UInt32(RTE_LOGTYPE_EAL), UInt32(RTE_LOG_DEBUG)) else { return }
        let name = e.pointee.name.map { String(cString: $0) } ?? ""
        ealLog(UInt32(RTE_LOG_DEBUG), "\(name) log level changed from \(levelName(old)) to \(levelName(level))")
    }

    @inline(__always)
    static func canLog(_ type: UInt32, _ msgLevel: UInt32) -> Bool {
        guard msgLevel <= globalLevel, let typeLevel = level(of: type) else { return false }
        return msgLevel <= typeLevel
    }

    /// The id of the type named `name`, created when new with `level` (or, when `pick`,
    /// the level of the last matching saved --log-level option). Existing types keep
    /// their level. Throws ENOMEM when the table or memory is exhausted.
    static func register(_ name: UnsafePointer<CChar>, level: UInt32, pick: Bool) throws(Errno) -> UInt32 {
        let (id, level, created) = try insert(name, level: level, pick: pick)
        // A new type starts disabled and is then set, which is logged (outside the lock:
        // a custom log stream may itself log or register).
        if created, let e = entry(id) { change(e, to: level) }
        return id
    }

    private static func insert(_ name: UnsafePointer<CChar>, level: UInt32, pick: Bool) throws(Errno) -> (UInt32, UInt32, Bool) {
        eal_log_lock()
        defer { eal_log_unlock() }
        let n = count
        for id in 0..<n {
            if let e = entry(id), let existing = e.pointee.name, strcmp(existing, name) == 0 {
                return (id, eal_log_type_level(e), false)
            }
        }
        guard n < maxTypes else { throw .ENOMEM }
        let (chunkIndex, offset) = locate(n)
        if eal_log_chunk(chunkIndex) == nil {
            guard let raw = calloc(capacity(ofChunk: chunkIndex), MemoryLayout<eal_log_type>.stride) else {
                throw .ENOMEM
            }
            eal_log_set_chunk(chunkIndex, raw.assumingMemoryBound(to: eal_log_type.self))
        }
        guard let copy = strdup(name) else { throw .ENOMEM }
        let e = eal_log_chunk(chunkIndex)! + offset
        e.pointee.name = UnsafePointer(copy)
        e.pointee.name_owned = 1
        e.pointee.level = 0
        eal_log_set_count(n + 1)
        return (n, pick ? LogLevelOptions.pickLevel(for: name, default: level) : level, true)
    }

    /// Calls `body` with each named type.
    static func forEachNamed(_ body: (UInt32, UnsafePointer<CChar>, UnsafeMutablePointer<eal_log_type>) -> Void) {
        let n = count
        for id in 0..<n {
            if let e = entry(id), let name = e.pointee.name { body(id, name, e) }
        }
    }

    /// Sets every type whose name matches the shell glob.
    static func setLevel(glob: UnsafePointer<CChar>, _ level: UInt32) -> Bool {
        guard level <= maxLevel else { return false }
        forEachNamed { _, name, e in
            if fnmatch(glob, name, 0) == 0 { change(e, to: level) }
        }
        return true
    }

    /// Sets every type whose name matches the POSIX basic regex (regcomp flags 0, as
    /// DPDK); false when it does not compile.
    static func setLevel(regex: UnsafePointer<CChar>, _ level: UInt32) -> Bool {
        guard level <= maxLevel else { return false }
        var re = regex_t()
        guard regcomp(&re, regex, REG_NOSUB) == 0 else { return false }
        defer { regfree(&re) }
        forEachNamed { _, name, e in
            if regexec(&re, name, 0, nil, 0) == 0 { change(e, to: level) }
        }
        return true
    }

    static func levelName(_ level: UInt32) -> String {
        switch level {
        case 0: return "disabled"
        case 1: return "emergency"
        case 2: return "alert"
        case 3: return "critical"
        case 4: return "error"
        case 5: return "warning"
        case 6: return "notice"
        case 7: return "info"
        case 8: return "debug"
        default: return "unknown"
        }
    }
}
