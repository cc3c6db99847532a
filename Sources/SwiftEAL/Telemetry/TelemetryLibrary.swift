import CEALShared
import CSwiftEAL
import Glibc

/// A command callback as librte_telemetry calls it: (command, parameters or NULL, the
/// reply to fill). Negative: the reply is `{"<command>": null}`.
typealias TelemetryCallback = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, OpaquePointer?) -> Int32

/// The entry points of DPDK 22.11's librte_telemetry.so.23 the EAL uses, found with
/// dlsym (the EAL is never linked to it: without it, init goes on).
struct TelemetryLibrary: @unchecked Sendable {
    typealias RegisterCmd = @convention(c) (UnsafePointer<CChar>?, TelemetryCallback?, UnsafePointer<CChar>?) -> Int32
    typealias StartArray = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias StartDict = @convention(c) (OpaquePointer?) -> Int32
    typealias AddArrayInt = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias AddArrayString = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    typealias AddDictInt = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32
    typealias AddDictU64 = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UInt64) -> Int32
    typealias AddDictString = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32

    static let soname = "librte_telemetry.so.23"

    let initialize: UnsafeMutableRawPointer   // rte_telemetry_init@INTERNAL (eal_telemetry_call_init)
    let registerCmd: RegisterCmd
    let startArray: StartArray
    let startDict: StartDict
    let addArrayInt: AddArrayInt
    let addArrayString: AddArrayString
    let addDictInt: AddDictInt
    let addDictU64: AddDictU64
    let addDictString: AddDictString

    /// The library when it can be loaded and has every entry point, else nil (said at
    /// debug level, as nothing is wrong). Never closed: its threads outlive the EAL.
    static func load() -> TelemetryLibrary? {
        guard let h = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "not found"
            ealLog(7, "No telemetry: \(why)")
            return nil
        }
        func sym<T>(_ name: String, _: T.Type) -> T? {
            guard let p = dlsym(h, name) else {
                ealLog(7, "\(soname) has no \(name): no telemetry")
                return nil
            }
            return unsafeBitCast(p, to: T.self)
        }
        guard let initialize = dlsym(h, "rte_telemetry_init"),
              let registerCmd = sym("rte_telemetry_register_cmd", RegisterCmd.self),
              let startArray = sym("rte_tel_data_start_array", StartArray.self),
              let startDict = sym("rte_tel_data_start_dict", StartDict.self),
              let addArrayInt = sym("rte_tel_data_add_array_int", AddArrayInt.self),
              let addArrayString = sym("rte_tel_data_add_array_string", AddArrayString.self),
              let addDictInt = sym("rte_tel_data_add_dict_int", AddDictInt.self),
              let addDictU64 = sym("rte_tel_data_add_dict_u64", AddDictU64.self),
              let addDictString = sym("rte_tel_data_add_dict_string", AddDictString.self)
        else {
            ealLog(7, "\(soname) lacks DPDK 22.11's entry points: no telemetry")
            dlclose(h) // nothing of it runs yet
            return nil
        }
        return TelemetryLibrary(initialize: initialize, registerCmd: registerCmd, startArray: startArray,
                                startDict: startDict, addArrayInt: addArrayInt, addArrayString: addArrayString,
                                addDictInt: addDictInt, addDictU64: addDictU64, addDictString: addDictString)
    }
}
