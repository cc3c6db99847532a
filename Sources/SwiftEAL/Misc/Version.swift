import CSwiftEAL

// rte_version.h: SwiftEAL reports the DPDK release it is a drop-in for.

enum Version {
    static let string: StaticString = "DPDK 22.11.11"
    static let prefix: StaticString = "DPDK"
    static let suffix: StaticString = ""

    static func cString(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}

@c @implementation
public func rte_version() -> UnsafePointer<CChar>! { Version.cString(Version.string) }

@c @implementation
public func rte_version_prefix() -> UnsafePointer<CChar>! { Version.cString(Version.prefix) }

@c @implementation
public func rte_version_suffix() -> UnsafePointer<CChar>! { Version.cString(Version.suffix) }

@c @implementation
public func rte_version_year() -> UInt32 { UInt32(RTE_VER_YEAR) }

@c @implementation
public func rte_version_month() -> UInt32 { UInt32(RTE_VER_MONTH) }

@c @implementation
public func rte_version_minor() -> UInt32 { UInt32(RTE_VER_MINOR) }

@c @implementation
public func rte_version_release() -> UInt32 { UInt32(RTE_VER_RELEASE) }
