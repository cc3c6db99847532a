import CEALShared
import CSwiftEAL
import Glibc
import Synchronization

/// The registered trace points and the tracer's settings. Process-local. Trace points
/// register from ELF constructors, so everything here works before rte_eal_init (and
/// before any constructor of ours). The recording path (inline code in applications)
/// reads only a point's handle and the thread's buffer: nothing here is on it.
enum Trace {
    struct Point {
        // Safe: the point's handle word, only ever read and written with atomics.
        nonisolated(unsafe) let handle: UnsafeMutablePointer<rte_trace_point_t>
        // Safe: our own copy, NUL-terminated, written once before the point is listed, freed never.
        nonisolated(unsafe) let name: UnsafeMutablePointer<CChar>
        let fields: String                      // CTF lines, as the point described them
    }

    struct State {
        var points: [Point] = []
        /// The first registration error: rte_eal_init then fails, as DPDK's.
        var registerErrno: Int32 = 0
        var mode: rte_trace_mode = RTE_TRACE_MODE_OVERWRITE
        /// Set by rte_eal_init; zero before (no buffer is given out then).
        var bufferLen: UInt32 = 0
        /// --trace-dir (each one appended, with a '/', as DPDK), or after the first
        /// save the session directory; nil before either.
        var dir: String? = nil
        var sessionCreated = false
        var uuid = [UInt8](repeating: 0, count: 16)
        var epoch = (sec: 0, nsec: 0, ticks: UInt64(0))
        var initialized = false
        var buffers: [UnsafeMutableRawPointer] = []
        var filePrefix = "rte"
    }

    static let state = Mutex(State())
    /// How many points are enabled: tracing is on while it is not 0.
    static let enabledCount = Atomic<Int>(0)

    /// Registrations run one at a time: a point's function reports its fields to
    /// __rte_trace_point_emit_field on the registering thread, into `collected`.
    // Safe: the pointer never changes and the mutex it points to is the synchronisation.
    nonisolated(unsafe) static let registerLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    static let registrar = Atomic<Int32>(0)
    // Safe: only the thread holding registerLock touches it (emitField checks registrar == its tid).
    nonisolated(unsafe) static var collected = ""

    static let sizeMask = UInt64(0xffff)
    static let idShift: UInt64 = 16
    static let enableBit = UInt64(1) << 63
    static let discardBit = UInt64(1) << 62

    @inline(__always) static func id(_ handle: UInt64) -> Int { Int((handle >> idShift) & 0xffff) }

    static var isEnabled: Bool { enabledCount.load(ordering: .acquiring) != 0 }

    static func fail(_ e: Errno, _ line: Int, _ what: String) -> Int32 {
        traceErr("__rte_trace_point_register", line, what)
        state.withLock { if $0.registerErrno == 0 { $0.registerErrno = e.rawValue } }
        RteErrno.set(e)
        return -e.rawValue
    }

    /// __rte_trace_point_register: learns the point's size and fields by calling its
    /// function in registration mode, then gives it the next id.
    static func register(_ handle: UnsafeMutablePointer<rte_trace_point_t>?, _ name: UnsafePointer<CChar>?,
                         _ fn: (@convention(c) () -> Void)?) -> Int32 {
        guard let handle, let name, let fn else { return fail(.EINVAL, 457, "invalid arguments") }
        pthread_mutex_lock(registerLock)
        defer { pthread_mutex_unlock(registerLock) }
        collected = ""
        registrar.store(currentTid(), ordering: .releasing)
        eal_trace_point_sz_set(0)
        fn()
        registrar.store(0, ordering: .releasing)
        let size = eal_trace_point_sz()
        let fields = collected
        collected = ""
        if size == 0 { return fail(.EBADF, 466, "missing rte_trace_emit_header() in register fn") }
        if size > Int32(UInt16.max) { return fail(.ENOSPC, 473, "trace point size overflowed") }
        return state.withLock { s -> Int32 in
            // The same handle under the same name again: already registered. This is
            // DPDK's own librte_eal registering its lib.eal.* points from constructors
            // while SwiftEAL is preloaded over it (its handle symbols bind to ours);
            // DPDK never sees it, and would count a duplicate that fails init.
            if s.points.contains(where: { $0.handle == handle && strcmp($0.name, name) == 0 }) { return 0 }
            if s.points.count > Int(UInt16.max) {
                traceErr("__rte_trace_point_register", 479, "trace point exceeds the max count")
                if s.registerErrno == 0 { s.registerErrno = ENOSPC }
                RteErrno.set(.ENOSPC)
                return -ENOSPC
            }
            var value = UInt64(size) | UInt64(s.points.count) << idShift
            if s.mode != RTE_TRACE_MODE_OVERWRITE { value |= discardBit }
            atomicStore(handle, value)
            s.points.append(Point(handle: handle, name: strdup(name), fields: fields))
            return 0
        }
    }

    /// __rte_trace_point_emit_field: one field of the point being registered.
    static func emitField(_ size: Int, _ field: UnsafePointer<CChar>?, _ type: UnsafePointer<CChar>?) {
        eal_trace_point_sz_set(eal_trace_point_sz() &+ Int32(truncatingIfNeeded: size))
        guard registrar.load(ordering: .acquiring) == currentTid(), let field, let type else { return }
        collected += "        \(String(cString: type)) \(ctfFieldName(field));\n"
    }

    /// A C expression as a CTF field name: CTF's reserved words get a '_' in front,
    /// '.' and '->' become '_' ("p->x" is "p_x"), as DPDK writes them.
    static func ctfFieldName(_ field: UnsafePointer<CChar>) -> String {
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(field).assumingMemoryBound(to: UInt8.self),
                                              count: strlen(field)))
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "align" || text == "event" { return "_" + text }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: ".") {
                out.append(UInt8(ascii: "_"))
            } else if bytes[i] == UInt8(ascii: "-"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") {
                out.append(UInt8(ascii: "_"))
                i += 1
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `handle` is a registered point's (its id is one given out).
    static func isRegistered(_ handle: UnsafeMutablePointer<rte_trace_point_t>?) -> Bool {
        guard let handle else { return false }
        let n = state.withLock { $0.points.count }
        return id(atomicLoad(handle)) < n
    }

    static func enable(_ handle: UnsafeMutablePointer<rte_trace_point_t>?) -> Int32 {
        guard isRegistered(handle), let handle else { return -ERANGE }
        if atomicOr(handle, enableBit) & enableBit == 0 { enabledCount.add(1, ordering: .releasing) }
        return 0
    }

    static func disable(_ handle: UnsafeMutablePointer<rte_trace_point_t>?) -> Int32 {
        guard isRegistered(handle), let handle else { return -ERANGE }
        if atomicAnd(handle, ~enableBit) & enableBit != 0 { enabledCount.subtract(1, ordering: .releasing) }
        return 0
    }

    /// Enables or disables every point whose name `matches`: 1 when one did, 0 when
    /// none did.
    static func apply(enable on: Bool, where matches: (UnsafePointer<CChar>) -> Bool) -> Int32 {
        let handles = state.withLock { s in s.points.filter { matches($0.name) }.map(\.handle) }
        for h in handles {
            let rc = on ? enable(h) : disable(h)
            if rc < 0 { return rc }
        }
        return handles.isEmpty ? 0 : 1
    }

    /// rte_trace_mode_set, on every point at any time, as DPDK's: any mode but
    /// overwrite (even a value outside the enum, which rte_trace_dump calls
    /// "unknown") discards.
    static func setMode(_ mode: rte_trace_mode) {
        state.withLock { s in
            for p in s.points {
                if mode != RTE_TRACE_MODE_OVERWRITE { _ = atomicOr(p.handle, discardBit) } else { _ = atomicAnd(p.handle, ~discardBit) }
            }
            s.mode = mode
        }
    }

    static func lookup(_ name: UnsafePointer<CChar>?) -> UnsafeMutablePointer<rte_trace_point_t>? {
        guard let name else { return nil }
        return state.withLock { s in s.points.first { strcmp($0.name, name) == 0 }?.handle }
    }

    /// DPDK's trace_err: "<function>():<line> <message>" at ERR level (its function
    /// names and line numbers, so messages read the same).
    static func traceErr(_ function: String, _ line: Int, _ message: String) {
        ealLog(4, "\(function)():\(line) \(message)")
    }
}

@inline(__always) func atomicLoad(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 { eal_trace_load(p) }
@inline(__always) func atomicStore(_ p: UnsafeMutablePointer<UInt64>, _ v: UInt64) { eal_trace_store(p, v) }
@inline(__always) func atomicOr(_ p: UnsafeMutablePointer<UInt64>, _ v: UInt64) -> UInt64 { eal_trace_fetch_or(p, v) }
@inline(__always) func atomicAnd(_ p: UnsafeMutablePointer<UInt64>, _ v: UInt64) -> UInt64 { eal_trace_fetch_and(p, v) }
