import CEALShared
import CSwiftEAL
import Glibc

/// The CTF 1.8 metadata of a trace: DPDK 22.11's text (what babeltrace reads), the
/// clock from the TSC, one event per registered point.
extension Trace {
    /// DPDK's trace UUID: the points' total size and their count, then fixed bytes.
    static func makeUUID(_ points: [Point]) -> [UInt8] {
        var total: UInt32 = 0
        for p in points { total &+= UInt32(atomicLoad(p.handle) & sizeMask) }
        let count = UInt16(truncatingIfNeeded: points.count)
        var u: [UInt8] = []
        for shift in stride(from: 24, through: 0, by: -8) { u.append(UInt8(truncatingIfNeeded: total >> UInt32(shift))) }
        u += [UInt8(count >> 8), UInt8(count & 0xff), 0x43, 0x70, 0x8f, 0x50, 0x22, 0x2d, 0xdd, 0x51, 0x41, 0x76]
        return u
    }

    static func uuidText(_ u: [UInt8]) -> String {
        func hex(_ r: Range<Int>) -> String { u[r].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
        return [hex(0..<4), hex(4..<6), hex(6..<8), hex(8..<10), hex(10..<16)].joined(separator: "-")
    }

    /// `value` right-aligned in `width` columns (DPDK's fixed-width clock fields).
    private static func column(_ value: UInt64, _ width: Int) -> String {
        let t = String(value)
        return String(repeating: " ", count: max(0, width - t.count)) + t
    }

    /// The clock: cycles counted at `hz`, offset so that (offset_s, offset) is the wall
    /// time at clock zero: offset_s seconds plus offset cycles. Events carry the TSC's
    /// low 48 bits, which is what a reader counts from, so the offset is taken from
    /// those bits too (right even past 2^48 cycles of uptime).
    static func clockOffsets(_ s: State, hz: UInt64) -> (seconds: UInt64, cycles: UInt64) {
        guard hz > 0 else { return (UInt64(s.epoch.sec), 0) }
        let ticks = s.epoch.ticks & 0xffff_ffff_ffff
        var seconds = Int64(s.epoch.sec) - Int64(ticks / hz)
        var cycles = Int64(Double(s.epoch.nsec) * Double(hz) / 1e9) - Int64(ticks % hz)
        if cycles < 0 { cycles += Int64(hz); seconds -= 1 }
        return (UInt64(max(seconds, 0)), UInt64(cycles))
    }

    static func metadata(_ s: State) -> String {
        let hz = rte_get_tsc_hz()
        let off = clockOffsets(s, hz: hz)
        var m = """
        /* CTF 1.8 */
        typealias integer {size = 8; base = x;}:= uint8_t;
        typealias integer {size = 16; base = x;} := uint16_t;
        typealias integer {size = 32; base = x;} := uint32_t;
        typealias integer {size = 64; base = x;} := uint64_t;
        typealias integer {size = 8; signed = true;}  := int8_t;
        typealias integer {size = 16; signed = true;} := int16_t;
        typealias integer {size = 32; signed = true;} := int32_t;
        typealias integer {size = 64; signed = true;} := int64_t;
        typealias integer {size = 64; base = x;} := uintptr_t;
        typealias integer {size = 64; base = x;} := long;
        typealias integer {size = 8; signed = false; encoding = ASCII; } := string_bounded_t;

        typealias integer {size = 64; base = x;} := size_t;
        typealias floating_point {
            exp_dig = 8;
            mant_dig = 24;
        } := float;

        typealias floating_point {
            exp_dig = 11;
            mant_dig = 53;
        } := double;

        trace {
            major = 1;
            minor = 8;
            uuid = "\(uuidText(s.uuid))";
            byte_order = le;
            packet.header := struct {
        \t    uint32_t magic;
        \t    uint8_t  uuid[16];
            };
        };

        env {
            dpdk_version = "\(String(cString: rte_version()))";
            tracer_name = "dpdk";
        };

        clock {
            name = "dpdk";
            freq = \(column(hz, 20));
            offset_s = \(column(off.seconds, 19));
            offset = \(column(off.cycles, 19));
        };

        typealias integer {
            size = 48; align = 1; signed = false;
            map = clock.dpdk.value;
        } := uint48_clock_dpdk_t;

        stream {
            packet.context := struct {
                 uint32_t cpu_id;
                 string_bounded_t name[32];
            };
            event.header := struct {
                  uint48_clock_dpdk_t timestamp;
                  uint16_t id;
            } align(64);
        };


        """
        for (i, p) in s.points.enumerated() {
            m += "event {\n    id = \(i);\n    name = \"\(String(cString: p.name))\";\n    fields := struct {\n"
            m += p.fields
            m += "    };\n};\n\n"
        }
        return m
    }
}
