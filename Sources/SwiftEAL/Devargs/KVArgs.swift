/// Key/value lists as DPDK's librte_kvargs splits them ("k=v,k2,[a,b]=c"): pairs end
/// at ',' outside brackets, a key at '=' (a second '=' starts the key again, so
/// "a=1=2" is key "1", value "2"), empty pairs are dropped, and more than 32 pairs
/// (RTE_KVARGS_MAX) fail. The EAL parses devargs layers this way; it does not link
/// librte_kvargs, so the rules live here.
struct KVArgs {
    struct Pair {
        var key: Range<Int>
        var value: Range<Int>?
    }
    static let maxPairs = 32

    let pairs: [Pair]

    /// nil when the string holds too many pairs.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var pairs: [Pair] = []
        var start = 0
        var inList = false, endKey = false
        var key: Range<Int>? = nil
        var i = 0
        while true {
            let c: UInt8 = i < bytes.count ? bytes[i] : 0
            var endPair = false, endValue = false
            switch c {
            case UInt8(ascii: "="):
                endKey = true
            case UInt8(ascii: ","):
                if inList { i += 1; continue }
                if endKey { endValue = true } else { endKey = true }
                endPair = true
            case UInt8(ascii: "["):
                inList = true; i += 1; continue
            case UInt8(ascii: "]"):
                inList = false; i += 1; continue
            case 0:
                if endKey { endValue = true } else { endKey = true }
                endPair = true
            default:
                i += 1; continue
            }
            // a key or value ends here
            guard pairs.count < Self.maxPairs else { return nil }
            var value: Range<Int>? = nil
            if endValue { value = start..<i } else { key = start..<i }
            if endPair {
                // an empty pair (",,") is dropped
                if endValue || i != start { pairs.append(Pair(key: key ?? start..<start, value: value)) }
                endKey = false
                key = nil
            }
            if c == 0 { break }
            i += 1
            start = i
        }
        self.pairs = pairs
    }

    /// The value of the first pair whose key is `name` (nil when there is none, or it
    /// has no value).
    func value(of name: String, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let want = Array(name.utf8)
        for p in pairs where bytes[p.key].elementsEqual(want) { return p.value }
        return nil
    }
}
