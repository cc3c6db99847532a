import CEALShared
import CSwiftEAL
import Glibc

/// rte_devargs_parse as DPDK 22.11 parses, in two tries:
/// - layers: "bus=B,k=v/class=C,k=v/driver=D,k=v" (the layers in any order; a '/'
///   not followed by "bus=", "class=" or "driver=" belongs to the value; a copy of the
///   string in `data` is cut at the layer boundaries; the bus layer's "name=" names
///   the device). It counts when it names a bus or a class.
/// - legacy: "[bus<any char>]name[,args]", the bus being the first registered one
///   whose name starts the string and which parses what follows; without one, the
///   first bus that parses the name.
enum DevargsParser {
    static let nameSize = Int(RTE_DEV_NAME_MAX_LEN)
    private static let layerKeys: [[UInt8]] = ["bus=", "class=", "driver="].map { Array($0.utf8) }

    static func name(_ da: UnsafeMutablePointer<rte_devargs>) -> UnsafeMutablePointer<CChar> {
        (UnsafeMutableRawPointer(da) + MemoryLayout<rte_devargs>.offset(of: \rte_devargs.name)!)
            .assumingMemoryBound(to: CChar.self)
    }

    /// 0 or a negative errno.
    static func parse(_ da: UnsafeMutablePointer<rte_devargs>, _ dev: UnsafePointer<CChar>) -> Int32 {
        if parseLayers(da, dev) == 0 {
            if da.pointee.bus != nil || da.pointee.cls != nil { return 0 }
            reset(da)
        }
        return parseLegacy(da, dev)
    }

    /// rte_devargs_layers_parse. When da.data is devstr itself (the device iterator),
    /// nothing is allocated and the string is left as it is (DPDK writes its layer
    /// boundaries into it; the layers' strings here run on to the next '/' instead).
    static func parseLayers(_ da: UnsafeMutablePointer<rte_devargs>, _ devstr: UnsafePointer<CChar>) -> Int32 {
        let inPlace = UnsafePointer(da.pointee.data) == devstr
        let base: UnsafeMutablePointer<CChar>
        if inPlace {
            base = UnsafeMutablePointer(mutating: devstr)
        } else {
            guard let copy = strdup(devstr) else {
                ealLog(4, "OOM")
                return fail(da, allocated: false, .ENOMEM)
            }
            da.pointee.data = copy
            base = copy
        }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self),
                                        count: strlen(base))

        // Split into at most 4 layers (DPDK keeps a 4th it then ignores; a 5th is E2BIG).
        var layers: [(range: Range<Int>, kv: KVArgs)] = []
        var next: Int? = 0
        while let start = next {
            if layers.count > 3 { return fail(da, allocated: !inPlace, Errno(E2BIG)) }
            var end = bytes.count
            next = nil
            var p = start
            while let slash = bytes[p...].firstIndex(of: UInt8(ascii: "/")) {
                let rest = bytes[(slash + 1)...]
                if layerKeys.contains(where: { rest.starts(with: $0) }) {
                    end = slash
                    next = slash + 1
                    if !inPlace { base[slash] = 0 }
                    break
                }
                p = slash + 1
            }
            guard let kv = KVArgs(UnsafeBufferPointer(rebasing: bytes[start..<end])) else {
                return fail(da, allocated: !inPlace, .EINVAL)
            }
            layers.append((start..<end, kv))
        }

        var busLayer: (range: Range<Int>, kv: KVArgs)? = nil
        for layer in layers.prefix(3) {
            guard let first = layer.kv.pairs.first else { continue }
            let lb = UnsafeBufferPointer(rebasing: bytes[layer.range])
            let key = lb[first.key]
            let str = UnsafePointer(base + layer.range.lowerBound)
            let value = first.value.map { ByteString(bytes: lb[$0]) }
            if key.elementsEqual("bus".utf8) {
                busLayer = layer
                da.pointee.bus_str = str
                let bus = value.flatMap { v in v.withCString { Buses.byName($0) } }
                guard let bus else {
                    ealLog(4, "Could not find bus \"\(value?.description ?? "(null)")\"")
                    errno = EFAULT
                    return fail(da, allocated: !inPlace, .EFAULT)
                }
                da.pointee.bus = bus
            } else if key.elementsEqual("class".utf8) {
                da.pointee.cls_str = str
                let cls = value.flatMap { v in v.withCString { Classes.byName($0) } }
                guard let cls else {
                    ealLog(4, "Could not find class \"\(value?.description ?? "(null)")\"")
                    errno = EFAULT
                    return fail(da, allocated: !inPlace, .EFAULT)
                }
                da.pointee.cls = cls
            } else if key.elementsEqual("driver".utf8) {
                da.pointee.drv_str = str
            }
        }

        // The device's name: the bus's own devargs parser finds it (PCI reads "addr="),
        // or else the bus layer's "name=".
        if let bus = da.pointee.bus, let busParse = bus.pointee.devargs_parse {
            let ret = busParse(da)
            if ret != 0 {
                if !inPlace { reset(da) }
                RteErrno.set(-ret)
            }
            return ret
        }
        guard let busLayer else { return 0 }
        let lb = UnsafeBufferPointer(rebasing: bytes[busLayer.range])
        guard let value = busLayer.kv.value(of: "name", in: lb) else {
            debug("devargs name not found: \(String(cString: base))")
            return 0
        }
        guard value.count < nameSize else {
            ealLog(4, "devargs name too long: \(String(cString: base))")
            return fail(da, allocated: !inPlace, Errno(E2BIG))
        }
        let n = name(da)
        memcpy(n, lb.baseAddress! + value.lowerBound, value.count)
        n[value.count] = 0
        return 0
    }

    /// Undoes what a failed layers parse allocated; rte_errno and the negative errno.
    /// Pointers into the freed copy are cleared (DPDK leaves them dangling).
    private static func fail(_ da: UnsafeMutablePointer<rte_devargs>, allocated: Bool, _ e: Errno) -> Int32 {
        if allocated { reset(da) }
        RteErrno.set(e)
        return -e.rawValue
    }

    static func parseLegacy(_ da: UnsafeMutablePointer<rte_devargs>, _ dev: UnsafePointer<CChar>) -> Int32 {
        var bus: UnsafeMutablePointer<rte_bus>? = nil
        var devname = dev
        while true {
            devname = dev
            bus = Buses.find(after: bus) { strncmp(Buses.name($0), dev, strlen(Buses.name($0))) == 0 }
            guard let b = bus else { break }
            // the bus name and one separator, whatever it is (DPDK reads past the end of
            // a string that is only the bus name)
            let n = strlen(Buses.name(b))
            devname = dev[n] == 0 ? dev + n : dev + n + 1
            if Buses.parsing(deviceName: devname) == b { break }
        }
        let out = name(da)
        var i = 0
        while devname[i] != 0 && devname[i] != CChar(UInt8(ascii: ",")) {
            out[i] = devname[i]
            i += 1
            if i == nameSize {
                ealLog(5, "Parsing \"\(String(cString: dev))\": device name should be shorter than \(nameSize)")
                out[i - 1] = 0
                return -Errno.EINVAL.rawValue
            }
        }
        out[i] = 0
        if bus == nil {
            bus = Buses.parsing(deviceName: out)
            guard bus != nil else {
                ealLog(4, "failed to parse device \"\(String(cString: out))\"")
                return -Errno.EFAULT.rawValue
            }
        }
        da.pointee.bus = bus
        let args = devname[i] == CChar(UInt8(ascii: ",")) ? strdup(devname + i + 1) : strdup("")
        guard let args else {
            ealLog(4, "not enough memory to parse arguments")
            return -Errno.ENOMEM.rawValue
        }
        da.pointee.data = args
        da.pointee.drv_str = UnsafePointer(args)
        return 0
    }

    /// rte_devargs_reset: frees the copy (not da); pointers into it are cleared.
    static func reset(_ da: UnsafeMutablePointer<rte_devargs>) {
        guard let data = da.pointee.data else { return }
        // the copy may hold NULs at layer boundaries: its whole allocation counts
        let end = UnsafePointer(data) + max(eal_alloc_size(data), strlen(data) + 1)
        func inside(_ p: UnsafePointer<CChar>?) -> Bool { p.map { $0 >= UnsafePointer(data) && $0 <= end } ?? false }
        if inside(da.pointee.bus_str) { da.pointee.bus_str = nil }
        if inside(da.pointee.cls_str) { da.pointee.cls_str = nil }
        if inside(da.pointee.drv_str) { da.pointee.drv_str = nil }
        free(data)
        da.pointee.data = nil
    }
}
