// rte_firmware_read (DPDK's eal_firmware.h), an INTERNAL export net drivers call to
// load their firmware files (eal_parse_sysfs_value is in Misc/SysfsValue.swift).
import CEALShared
import CSwiftEAL
import Glibc

/// The whole file in a malloc'ed buffer. DPDK 22.11 as Debian builds it has no
/// libarchive, and neither has this library: a name.xz beside a missing name is only
/// warned about.
@c @implementation
public func rte_firmware_read(_ name: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                              _ bufsz: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let name, let buf, let bufsz else { return -1 }
    if readWhole(name, buf, bufsz) == 0 { return 0 }
    let xz = String(cString: name) + ".xz"
    if access(xz, F_OK) == 0 {
        ealLog(5, "libarchive not linked, \(xz) cannot be decompressed")
    }
    return -1
}

private func readWhole(_ name: UnsafePointer<CChar>, _ buf: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                       _ bufsz: UnsafeMutablePointer<Int>) -> Int32 {
    buf.pointee = nil
    bufsz.pointee = 0
    let fd = open(name, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return -1 }
    defer { close(fd) }
    let block = 4096
    var data: UnsafeMutableRawPointer? = nil
    var size = 0
    while true {
        guard let grown = realloc(data, size + block) else { free(data); return -1 }
        data = grown
        let n = read(fd, grown + size, block)
        if n < 0 {
            if errno == EINTR { continue }
            free(data)
            return -1
        }
        if n == 0 { break }
        size += n
    }
    buf.pointee = data
    bufsz.pointee = size
    return 0
}
