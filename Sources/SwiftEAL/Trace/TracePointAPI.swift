// The C API of rte_trace_point.h.
import CEALShared
import CSwiftEAL
import Glibc

@c @implementation
public func rte_trace_point_enable(_ tp: UnsafeMutablePointer<rte_trace_point_t>?) -> Int32 {
    Trace.enable(tp)
}

@c @implementation
public func rte_trace_point_disable(_ tp: UnsafeMutablePointer<rte_trace_point_t>?) -> Int32 {
    Trace.disable(tp)
}

@c @implementation
public func rte_trace_point_is_enabled(_ tp: UnsafeMutablePointer<rte_trace_point_t>?) -> Bool {
    guard Trace.isRegistered(tp), let tp else { return false }
    return atomicLoad(tp) & Trace.enableBit != 0
}

@c @implementation
public func rte_trace_point_lookup(_ name: UnsafePointer<CChar>?) -> UnsafeMutablePointer<rte_trace_point_t>? {
    Trace.lookup(name)
}

@c @implementation
public func __rte_trace_mem_per_thread_alloc() {
    Trace.allocateThreadBuffer()
}

@c @implementation
public func __rte_trace_point_emit_field(_ sz: Int, _ field: UnsafePointer<CChar>?, _ type: UnsafePointer<CChar>?) {
    Trace.emitField(sz, field, type)
}

@c @implementation
public func __rte_trace_point_register(_ trace: UnsafeMutablePointer<rte_trace_point_t>?, _ name: UnsafePointer<CChar>?,
                                       _ register_fn: (@convention(c) () -> Void)?) -> Int32 {
    Trace.register(trace, name, register_fn)
}
