import Glibc

/// A hugetlbfs mount as /proc/mounts lists it.
struct HugetlbfsMount: Equatable {
    /// The mount point, as bytes (octal escapes decoded): it names files.
    var path: ByteString
    /// The `pagesize=` option in bytes, or nil when the mount has none (it then uses the
    /// system's default hugepage size).
    var pageSize: Int?
}

/// The hugetlbfs entries of a mount table, in the table's order.
enum MountTable {
    static func hugetlbfsMounts(in text: [UInt8]) -> [HugetlbfsMount] {
        var mounts: [HugetlbfsMount] = []
        for line in text.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            guard fields.count >= 4, Array(fields[2]) == Array("hugetlbfs".utf8) else { continue }
            var pageSize: Int? = nil
            for opt in fields[3].split(separator: UInt8(ascii: ",")) {
                let prefix = Array("pagesize=".utf8)
                if opt.starts(with: prefix) { pageSize = parseSize(Array(opt.dropFirst(prefix.count))) }
            }
            mounts.append(HugetlbfsMount(path: ByteString(unescape(Array(fields[1]))), pageSize: pageSize))
        }
        return mounts
    }

    /// The kernel writes space, tab, newline and backslash in mount points as \ooo.
    static func unescape(_ field: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < field.count {
            if field[i] == UInt8(ascii: "\\"), i + 3 < field.count, let v = octal(field[(i + 1)...(i + 3)]) {
                out.append(v)
                i += 4
            } else {
                out.append(field[i])
                i += 1
            }
        }
        return out
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var v = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { return nil }
            v = v * 8 + Int(d - UInt8(ascii: "0"))
        }
        return v <= 255 ? UInt8(v) : nil
    }

    /// "2M", "1G", "2048k", "2097152" (the kernel prints sizes with a K/M/G suffix).
    static func parseSize(_ text: [UInt8]) -> Int? {
        guard !text.isEmpty else { return nil }
        var digits = text
        var shift = 0
        switch digits.last! | 0x20 {
        case UInt8(ascii: "k"): shift = 10; digits.removeLast()
        case UInt8(ascii: "m"): shift = 20; digits.removeLast()
        case UInt8(ascii: "g"): shift = 30; digits.removeLast()
        default: break
        }
        guard !digits.isEmpty, digits.count < 19, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let n = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        return n << shift
    }

    /// `Hugepagesize:       2048 kB` from a meminfo text; nil when absent.
    static func defaultHugepageSize(meminfo: [UInt8]) -> Int? {
        for line in meminfo.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Hugepagesize:".utf8)) {
            let parts = line.split(separator: UInt8(ascii: " "))
            guard parts.count >= 2, let kb = parseSize(Array(parts[1])) else { return nil }
            return kb << 10
        }
        return nil
    }
}

/// A whole file's bytes (small system files: /proc/mounts, meminfo, sysfs values); nil
/// when it cannot be opened.
func readFileBytes(_ path: String, limit: Int = 1 << 20, file: StaticString = #fileID, line: UInt = #line) -> [UInt8]? {
    let fd = Sys.open(path, O_RDONLY | O_CLOEXEC, file: file, line: line)
    if fd < 0 { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 8192)
    while out.count < limit {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}
