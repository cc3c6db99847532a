// The driver SDK's file helpers: eal_parse_sysfs_value (eal_filesystem.h) and
// rte_firmware_read (eal_firmware.h), both INTERNAL exports that bus and net drivers
// call.
import CEALShared
import CSwiftEAL
import Glibc

/// The number on a sysfs file's first line (strtoul base 0, followed by its newline):
/// 0, or -1 when the file cannot be opened, read or parsed.
@c @implementation
public func eal_parse_sysfs_value(_ filename: UnsafePointer<CChar>?, _ val: UnsafeMutablePointer<UInt>?) -> Int32 {
    let what = filename.map { String(cString: $0) } ?? "(null)"
    guard let filename, let val, let f = fopen(filename, "r") else {
        ealLog(4, "eal_parse_sysfs_value(): cannot open sysfs value \(what)")
        return -1
    }
    defer { fclose(f) }
    var buf = [CChar](repeating: 0, count: Int(BUFSIZ))
    guard fgets(&buf, Int32(buf.count), f) != nil else {
        ealLog(4, "eal_parse_sysfs_value(): cannot read sysfs value \(what)")
        return -1
    }
    var end: UnsafeMutablePointer<CChar>? = nil
    let ok = buf.withUnsafeBufferPointer { p -> Bool in
        val.pointee = strtoul(p.baseAddress!, &end, 0)
        return p[0] != 0 && end?.pointee == CChar(UInt8(ascii: "\n"))
    }
    guard ok else {
        ealLog(4, "eal_parse_sysfs_value(): cannot parse sysfs value \(what)")
        return -1
    }
    return 0
}

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
