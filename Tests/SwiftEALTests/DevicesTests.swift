import CEALShared
import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

/// The splitting rules of devargs layers (DPDK's librte_kvargs, which the EAL does not
/// link) and the kernel uevents the device monitor reads.
@Suite struct DevicesTests {
    /// (key|value) pairs as librte_kvargs 22.11 returns them for each string (read off
    /// rte_kvargs_parse), nil where it fails.
    static let kvargsCases: [(String, [String]?)] = [
        ("", []), ("a", ["a|nil"]), ("a=1", ["a|1"]), ("a=1,b=2", ["a|1", "b|2"]),
        ("a=1,,b=2", ["a|1", "b|2"]), (",", []), ("=", ["|"]), (",a", ["a|nil"]), ("a=", ["a|"]),
        ("=1", ["|1"]), ("a==1", ["|1"]), ("a=1=2", ["1|2"]), ("a=[1,2],b", ["a|[1,2]", "b|nil"]),
        ("a=[1,2", ["a|[1,2"]), ("a]=x,b", ["a]|x", "b|nil"]), ("k,=v", ["k|nil", "|v"]),
        ("a/b=c", ["a/b|c"]), ("x,y,z", ["x|nil", "y|nil", "z|nil"]), (",,,", []),
        ("[a,b]=c", ["[a,b]|c"]), ("a=b]c,d", ["a|b]c", "d|nil"]), (" a = 1 ", [" a | 1 "]),
        ("a=1,=2", ["a|1", "|2"]),
        ((0..<32).map { "k\($0)" }.joined(separator: ","), (0..<32).map { "k\($0)|nil" }),
        ((0..<33).map { "k\($0)" }.joined(separator: ","), nil),
        ((0..<32).map { "k\($0)" }.joined(separator: ",") + ",", nil),
    ]

    @Test func kvargsSplitsAsDPDK() {
        for (input, want) in Self.kvargsCases {
            let bytes = Array(input.utf8)
            let got: [String]? = bytes.withUnsafeBufferPointer { b in
                KVArgs(b).map { kv in
                    kv.pairs.map { p in
                        String(decoding: b[p.key], as: UTF8.self) + "|"
                            + (p.value.map { String(decoding: b[$0], as: UTF8.self) } ?? "nil")
                    }
                }
            }
            #expect(got == want, "\(input)")
        }
    }

    @Test func kvargsFindsTheFirstValue() {
        let bytes = Array("bus=x,name=a,name=b,name".utf8)
        bytes.withUnsafeBufferPointer { b in
            let kv = KVArgs(b)!
            #expect(kv.value(of: "name", in: b).map { String(decoding: b[$0], as: UTF8.self) } == "a")
            #expect(kv.value(of: "nope", in: b) == nil)
        }
    }

    static func uevent(_ fields: [String]) -> DeviceMonitor.Uevent? {
        var bytes: [UInt8] = []
        for f in fields { bytes += Array(f.utf8) + [0] }
        return bytes.withUnsafeBufferPointer { DeviceMonitor.parse($0) }
    }

    @Test func ueventsOfPCIDevices() {
        let add = Self.uevent(["add@/devices/pci0000:00/0000:00:03.0", "ACTION=add", "SUBSYSTEM=pci",
                               "PCI_SLOT_NAME=0000:00:03.0", "SEQNUM=1"])
        #expect(add == DeviceMonitor.Uevent(type: RTE_DEV_EVENT_ADD, busName: "pci", devname: Array("0000:00:03.0".utf8)))
        let remove = Self.uevent(["ACTION=remove", "SUBSYSTEM=uio", "PCI_SLOT_NAME=0000:00:04.0"])
        #expect(remove?.type == RTE_DEV_EVENT_REMOVE && remove?.busName == "pci")
        let vfio = Self.uevent(["ACTION=add", "SUBSYSTEM=vfio"])
        #expect(vfio?.busName == "" && vfio?.devname == nil)
        // other subsystems and actions, and udev's own copies, are ignored
        #expect(Self.uevent(["ACTION=add", "SUBSYSTEM=net", "INTERFACE=eth0"]) == nil)
        #expect(Self.uevent(["ACTION=change", "SUBSYSTEM=pci", "PCI_SLOT_NAME=0000:00:03.0"]) == nil)
        #expect(Self.uevent(["libudev", "ACTION=add", "SUBSYSTEM=pci"]) == nil)
        #expect(Self.uevent([]) == nil)
    }
}
