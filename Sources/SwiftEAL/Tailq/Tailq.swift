import CEALShared
import CSwiftEAL
import Glibc

/// Named tail queue heads. Libraries register a `rte_tailq_elem` from their
/// constructors; rte_eal_init gives each one a head (created by a primary, found by a
/// secondary) in the RTE_MAX_TAILQ slots it hands over, normally those of the shared
/// memory config. Until then, and when no shared slots are given, heads are
/// process-local (`eal_tailqs.local`): a secondary then sees none of the primary's lists.
enum Tailqs {
    static let maxTailq = Int(RTE_MAX_TAILQ)
    static let nameSize = Int(RTE_TAILQ_NAMESIZE)

    /// rte_eal_init: use `heads` (RTE_MAX_TAILQ slots, zeroed by the primary) or the
    /// process-local slots, and give every registered element its head. False (after
    /// logging which one) when a head cannot be created or, in a secondary, found.
    static func initialize(heads: UnsafeMutablePointer<rte_tailq_head>?, primary: Bool) -> Bool {
        eal_tailq_set_heads(heads ?? eal_tailq_local_heads())
        var e = eal_tailq_first()
        while let elem = e {
            guard attach(elem, primary: primary) else {
                ealLog(UInt32(RTE_LOG_ERR), "Cannot initialize tailq: \(String(cString: eal_tailq_elem_name(elem)))")
                return false
            }
            e = eal_tailq_next(elem)
        }
        return true
    }

    /// rte_eal_cleanup: heads go away; registered elements stay registered.
    static func cleanup() {
        var e = eal_tailq_first()
        while let elem = e { elem.pointee.head = nil; e = eal_tailq_next(elem) }
        if eal_tailq_heads() == eal_tailq_local_heads() {
            memset(eal_tailq_local_heads(), 0, MemoryLayout<rte_tailq_head>.stride * maxTailq)
        }
        eal_tailq_set_heads(nil)
    }

    static func register(_ t: UnsafeMutablePointer<rte_tailq_elem>) -> Bool {
        let name = eal_tailq_elem_name(t)!
        var e = eal_tailq_first()
        while let elem = e {
            if elem == t || strncmp(eal_tailq_elem_name(elem), name, nameSize) == 0 {
                ealLog(UInt32(RTE_LOG_ERR), "\(String(cString: name)) tailq is already registered")
                t.pointee.head = nil
                return false
            }
            e = eal_tailq_next(elem)
        }
        eal_tailq_append(t)
        if eal_tailq_heads() != nil {
            // after init only a primary creates heads; a secondary finds the primary's
            guard attach(t, primary: Runtime.config.processType == RTE_PROC_PRIMARY) else {
                ealLog(UInt32(RTE_LOG_ERR), "Cannot initialize tailq: \(String(cString: name))")
                eal_tailq_remove(t)
                t.pointee.head = nil
                return false
            }
        }
        return true
    }

    static func lookup(_ name: UnsafePointer<CChar>) -> UnsafeMutablePointer<rte_tailq_head>? {
        guard name.pointee != 0, let heads = eal_tailq_heads() else { return nil }
        for i in 0..<maxTailq where strncmp(name, eal_tailq_head_name(heads + i), nameSize - 1) == 0 {
            return heads + i
        }
        return nil
    }

    /// Finds the element's head, or (primary) makes one in a free slot.
    private static func attach(_ t: UnsafeMutablePointer<rte_tailq_elem>, primary: Bool) -> Bool {
        let name = eal_tailq_elem_name(t)!
        guard name.pointee != 0 else { return false }
        if let head = lookup(name) { t.pointee.head = head; return true }
        guard primary, let heads = eal_tailq_heads() else { return false }
        for i in 0..<maxTailq where eal_tailq_head_name(heads + i).pointee == 0 {
            let head = heads + i
            eal_tailq_head_init(head)
            strncpy(eal_tailq_head_name(head), name, nameSize - 1)
            eal_tailq_head_name(head)[nameSize - 1] = 0
            t.pointee.head = head
            return true
        }
        return false
    }
}

/// rte_eal_init calls this after the memory config exists (see Tailqs.initialize).
func tailqsInit(heads: UnsafeMutablePointer<rte_tailq_head>? = nil, primary: Bool = true) -> Bool {
    Tailqs.initialize(heads: heads, primary: primary)
}

/// rte_eal_cleanup calls this.
func tailqsCleanup() {
    Tailqs.cleanup()
}

@c @implementation
public func rte_eal_tailq_register(_ t: UnsafeMutablePointer<rte_tailq_elem>!) -> Int32 {
    guard let t else { return -1 }
    return Tailqs.register(t) ? 0 : -1
}

@c @implementation
public func rte_eal_tailq_lookup(_ name: UnsafePointer<CChar>!) -> UnsafeMutablePointer<rte_tailq_head>! {
    guard let name else { return nil }
    return Tailqs.lookup(name)
}

@c @implementation
public func rte_dump_tailq(_ f: UnsafeMutablePointer<FILE>!) {
    guard let f else { return }
    let heads = eal_tailq_heads() ?? eal_tailq_local_heads()!
    for i in 0..<Tailqs.maxTailq {
        let h = heads + i
        fputs("Tailq \(i): qname:<\(String(cString: eal_tailq_head_name(h)))>, "
              + "tqh_first:\(Hexdump.pointerText(eal_tailq_head_first(h))), "
              + "tqh_last:\(Hexdump.pointerText(eal_tailq_head_last(h)))\n", f)
    }
}
