import CEALShared
import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

/// The pieces of the tracer's output that are pure functions: CTF field names, the
/// --trace-mode words, DPDK's trace UUID and the clock offsets of the metadata.
@Suite("Trace")
struct TraceTests {
    @Test("C expressions as CTF field names")
    func fieldNames() {
        #expect(Trace.ctfFieldName("x") == "x")
        #expect(Trace.ctfFieldName("p->x") == "p_x")
        #expect(Trace.ctfFieldName("q.y") == "q_y")
        #expect(Trace.ctfFieldName("a->b.c->d") == "a_b_c_d")
        #expect(Trace.ctfFieldName("align") == "_align")
        #expect(Trace.ctfFieldName("event") == "_event")
        #expect(Trace.ctfFieldName("events") == "events")
        #expect(Trace.ctfFieldName("s[32]") == "s[32]")
        #expect(Trace.ctfFieldName("a-b") == "a-b")
    }

    @Test("--trace-mode words")
    func modes() {
        for w in ["o", "over", "overwrite", "*", "?", "o*"] { #expect(TraceOption.mode(w) == RTE_TRACE_MODE_OVERWRITE) }
        for w in ["d", "disc", "discard", "d?s"] { #expect(TraceOption.mode(w) == RTE_TRACE_MODE_DISCARD) }
        for w in ["", "x", "overwritex", "discards", "O"] { #expect(TraceOption.mode(w) == nil) }
    }

    @Test("DPDK's trace UUID: total event size and point count, then fixed bytes")
    func uuid() {
        // DPDK 22.11 with its driver plugins: 164 points of 4850 bytes in all
        let sizes = [UInt64](repeating: 29, count: 163) + [4850 - 29 * 163]
        let handles = UnsafeMutablePointer<UInt64>.allocate(capacity: sizes.count)
        defer { handles.deallocate() }
        for (i, s) in sizes.enumerated() { handles[i] = s | UInt64(i) << 16 | (i % 2 == 0 ? Trace.enableBit : 0) }
        let points = sizes.indices.map { Trace.Point(handle: handles + $0, name: strdup("p"), fields: "") }
        defer { for p in points { free(p.name) } }
        #expect(Trace.uuidText(Trace.makeUUID(points)) == "000012f2-00a4-4370-8f50-222ddd514176")
        #expect(Trace.uuidText(Trace.makeUUID([])) == "00000000-0000-4370-8f50-222ddd514176")
    }

    /// offset_s seconds plus (offset + the event's 48-bit TSC) cycles is the wall time,
    /// for any uptime, frequency and instant.
    @Test("clock offsets put events at their wall time")
    func clock() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let hz = UInt64.random(in: 1_000_000...5_000_000_000, using: &rng)
            var s = Trace.State()
            let sec = Int.random(in: 1_000_000_000...2_000_000_000, using: &rng)
            let nsec = Int.random(in: 0..<1_000_000_000, using: &rng)
            let ticks = UInt64.random(in: 0...(UInt64(1) << 62), using: &rng)
            s.epoch = (sec, nsec, ticks)
            let off = Trace.clockOffsets(s, hz: hz)
            #expect(off.cycles < hz)
            let ticks48 = ticks & 0xffff_ffff_ffff
            // wall time in cycles, as the reader computes it, against the epoch's
            let reader = Double(off.seconds) * Double(hz) + Double(off.cycles) + Double(ticks48)
            let truth = Double(sec) * Double(hz) + Double(nsec) * Double(hz) / 1e9
            #expect(abs(reader - truth) / Double(hz) < 1e-6)   // within a microsecond
        }
    }
}
