import CEALShared
import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

/// -s/-S as DPDK 22.11 reads them, and the service registry and mappings checked
/// against a plain model over random operations.
@Suite("Service cores", .serialized)
struct ServiceTests {
    @Test("-s masks")
    func masks() {
        #expect(ServiceCoreOption.parseMask("0x2") == [1])
        #expect(ServiceCoreOption.parseMask(" 0X3 ") == [0, 1])
        #expect(ServiceCoreOption.parseMask("2") == [1])
        #expect(ServiceCoreOption.parseMask("0") == [])
        #expect(ServiceCoreOption.parseMask("0x") == nil)
        #expect(ServiceCoreOption.parseMask("xyz") == nil)
        #expect(ServiceCoreOption.parseMask("0x1g") == nil)
        #expect(ServiceCoreOption.parseMask("0x8" + String(repeating: "0", count: 31)) == [127])
        #expect(ServiceCoreOption.parseMask("0x1" + String(repeating: "0", count: 32)) == nil)
        #expect(ServiceCoreOption.parseMask("0x0" + String(repeating: "0", count: 32) + "2") == [1])
    }

    @Test("-S lists")
    func lists() {
        #expect(ServiceCoreOption.parseList("1") == [1])
        #expect(ServiceCoreOption.parseList(" 1 ") == [1])
        #expect(ServiceCoreOption.parseList("0-2,5") == [0, 1, 2, 5])
        #expect(ServiceCoreOption.parseList("1,1") == [1])
        #expect(ServiceCoreOption.parseList("1-0") == [])          // names nothing: refused later
        #expect(ServiceCoreOption.parseList(",1") == [0, 1])       // strtoul reads "" as 0
        #expect(ServiceCoreOption.parseList("1,") == nil)
        #expect(ServiceCoreOption.parseList("1-") == nil)
        #expect(ServiceCoreOption.parseList("") == nil)
        #expect(ServiceCoreOption.parseList("x") == nil)
        #expect(ServiceCoreOption.parseList("0x1") == nil)
        #expect(ServiceCoreOption.parseList("127") == [127])
        #expect(ServiceCoreOption.parseList("128") == nil)
    }

    @Test("-s/-S with the other options")
    func withOtherOptions() {
        var warnings: [String] = []
        func apply(_ text: String, mask: Bool, _ c: inout InternalConfig) -> OptionError? {
            ServiceCoreOption.apply(text, mask: mask, detected: CPUSet(0..<2), to: &c) { warnings.append($0) }
        }
        var c = InternalConfig()
        c.lcores[0].role = ROLE_RTE
        c.lcores[1].role = ROLE_RTE
        c.lcoresGiven = true
        #expect(apply("0x2", mask: true, &c) == nil)
        #expect(c.serviceCores == [1] && warnings.isEmpty)
        #expect(apply("0x4", mask: true, &c) == OptionError("lcore 2 unavailable", then: "invalid service coremask"))
        #expect(apply("5", mask: false, &c) == nil)                  // the list form does not check
        #expect(c.serviceCores == [1, 5])
        #expect(warnings == ["Not all service cores were in the coremask. Please ensure -c or -l includes service cores"])
        c.mainLcore = 1
        #expect(apply("0x2", mask: true, &c)?.messages.first == "lcore 1 is main lcore, cannot use as service core")
        #expect(apply("1", mask: false, &c)?.messages.first == "Error: lcore 1 is main lcore, cannot use as service core")
        #expect(apply("0", mask: true, &c) == OptionError("invalid service coremask"))
        #expect(apply("1-0", mask: false, &c) == OptionError("invalid service core list"))
    }

    /// Registrations, mappings and run states through the C API on service lcores with
    /// no thread (ids far above any test's lcores), against a model.
    @Test("registry and mappings match a model over random operations")
    func model() {
        let lcores: [UInt32] = [120, 121, 122]
        for l in lcores { #expect(rte_service_lcore_add(l) == 0) }
        defer {
            _ = rte_service_lcore_reset_all()
            eal_service_table_reset()
            for l in lcores { Lcores.info(l).pointee.role = Int32(bitPattern: ROLE_RTE.rawValue) }
        }
        struct Service { var app = false, comp = false, check = true, lcores = Set<UInt32>() }
        var model: [UInt32: Service] = [:]
        var rng = SystemRandomNumberGenerator()
        let cb: rte_service_func = { _ in 0 }
        for step in 0..<20_000 {
            let id = UInt32.random(in: 0..<66, using: &rng)
            let lcore = lcores.randomElement(using: &rng)!
            switch Int.random(in: 0..<7, using: &rng) {
            case 0:
                var spec = rte_service_spec()
                withUnsafeMutableBytes(of: &spec.name) { b in for (i, c) in "s\(step)".utf8.enumerated() { b[i] = c } }
                spec.callback = cb
                var got: UInt32 = 0
                let r = rte_service_component_register(&spec, &got)
                if model.count == 64 { #expect(r == -ENOSPC) } else {
                    #expect(r == 0)
                    #expect(got == (0..<64).first { model[$0] == nil })
                    model[got] = Service()
                }
            case 1:
                #expect(rte_service_component_unregister(id) == (model.removeValue(forKey: id) != nil ? 0 : -EINVAL))
            case 2:
                let on = Bool.random(using: &rng)
                let r = rte_service_map_lcore_set(id, lcore, on ? 1 : 0)
                if model[id] == nil { #expect(r == -EINVAL) } else {
                    #expect(r == 0)
                    if on { model[id]!.lcores.insert(lcore) } else { model[id]!.lcores.remove(lcore) }
                }
            case 3:
                let on = Bool.random(using: &rng)
                #expect(rte_service_runstate_set(id, on ? 1 : 0) == (model[id] == nil ? -EINVAL : 0))
                model[id]?.app = on
            case 4:
                let on = Bool.random(using: &rng)
                #expect(rte_service_component_runstate_set(id, on ? 1 : 0) == (model[id] == nil ? -EINVAL : 0))
                model[id]?.comp = on
            case 5:
                let on = Bool.random(using: &rng)
                #expect(rte_service_set_runstate_mapped_check(id, on ? 1 : 0) == 0)
                model[id]?.check = on
            default:
                break
            }
            // what every query says now
            #expect(rte_service_get_count() == UInt32(model.count))
            if let s = model[id] {
                let running = s.app && s.comp && (!s.check || !s.lcores.isEmpty)
                #expect(rte_service_runstate_get(id) == (running ? 1 : 0))
                #expect(rte_service_map_lcore_get(id, lcore) == (s.lcores.contains(lcore) ? 1 : 0))
            } else {
                #expect(rte_service_runstate_get(id) == -EINVAL)
                #expect(rte_service_map_lcore_get(id, lcore) == -EINVAL)
            }
            let mapped = model.values.filter { $0.lcores.contains(lcore) }.count
            #expect(rte_service_lcore_count_services(lcore) == Int32(mapped))
        }
    }
}
