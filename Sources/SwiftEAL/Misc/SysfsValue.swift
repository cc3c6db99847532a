import CEALShared
import Glibc

/// `eal_parse_sysfs_value`: one number on a line of its own, as sysfs attributes hold
/// them ("0x8086\n", "1\n"). The line is read as stdio's fgets reads it into a BUFSIZ
/// buffer, so a longer line is cut where DPDK's is; the number is C's strtoul (base 0)
/// and must end at the newline.
@c @implementation
public func eal_parse_sysfs_value(_ filename: UnsafePointer<CChar>!, _ val: UnsafeMutablePointer<UInt>!) -> Int32 {
    guard let filename, let val else { return -1 }
    let name = String(cString: filename) // for the messages only
    guard let f = fopen(filename, "r") else {
        ealLog(4, "eal_parse_sysfs_value(): cannot open sysfs value \(name)")
        return -1
    }
    defer { fclose(f) }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(BUFSIZ)) { buf -> Int32 in
        let line = buf.baseAddress!
        guard fgets(line, Int32(BUFSIZ), f) != nil else {
            ealLog(4, "eal_parse_sysfs_value(): cannot read sysfs value \(name)")
            return -1
        }
        var end: UnsafeMutablePointer<CChar>? = nil
        val.pointee = strtoul(line, &end, 0)
        guard line.pointee != 0, let end, end.pointee == 0x0a else {
            ealLog(4, "eal_parse_sysfs_value(): cannot parse sysfs value \(name)")
            return -1
        }
        return 0
    }
}
