import CEALShared
import CSwiftEAL
import Glibc

/// Per-thread trace buffers: given out on a thread's first event (or when an EAL
/// thread starts while tracing is on), kept until the trace ends so that a thread's
/// events outlive it, freed by the EAL's cleanup. From ordinary memory ("heap" in
/// rte_trace_dump); DPDK tries its hugepage heap first.
extension Trace {
    /// __rte_trace_mem_per_thread_alloc. Gives nothing while tracing is off or before
    /// rte_eal_init: the event is then not recorded, and the next one asks again.
    static func allocateThreadBuffer() {
        guard isEnabled, eal_tls_trace_mem() == nil else { return }
        let header: UnsafeMutableRawPointer? = state.withLock { s in
            guard s.initialized, s.bufferLen > 0 else { return nil }
            // Zeroed, all of it: a string field keeps the bytes past its NUL, which went
            // into trace files as whatever the heap held (calloc skips the work for fresh
            // mmapped blocks, which are zero already).
            guard let raw = calloc(1, Int(EAL_TRACE_HEADER_SIZE) + Int(s.bufferLen)) else {
                ealLog(3, "__rte_trace_mem_per_thread_alloc():\(610) trace mem malloc attempt failed")
                return nil
            }
            raw.storeBytes(of: 0, toByteOffset: 0, as: UInt32.self)                    // offset
            raw.storeBytes(of: s.bufferLen, toByteOffset: 4, as: UInt32.self)          // len
            raw.storeBytes(of: EAL_TRACE_CTF_MAGIC, toByteOffset: 8, as: UInt32.self)  // magic
            for (i, b) in s.uuid.enumerated() { raw.storeBytes(of: b, toByteOffset: 12 + i, as: UInt8.self) }
            raw.storeBytes(of: eal_tls_lcore_id(), toByteOffset: 28, as: UInt32.self)
            _ = pthread_getname_np(pthread_self(), (raw + 32).assumingMemoryBound(to: CChar.self),
                                   Int(__RTE_TRACE_EMIT_STRING_LEN_MAX))
            s.buffers.append(raw)
            return raw
        }
        eal_tls_set_trace_mem(header)
    }

    /// What rte_trace_dump says of the buffers.
    static func describeBuffers(_ s: State) -> String {
        if s.buffers.isEmpty { return "" }
        var text = "nb_trace_mem_list = \(s.buffers.count)\n\nTrace mem info\n--------------\n"
        for (i, b) in s.buffers.enumerated() {
            let lcore = Int32(bitPattern: b.load(fromByteOffset: 28, as: UInt32.self))
            let nameBytes = UnsafeRawBufferPointer(start: b + 32, count: Int(__RTE_TRACE_EMIT_STRING_LEN_MAX))
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            text += "\tid \(i), mem=0x\(String(UInt(bitPattern: b), radix: 16)), area=heap, lcore_id=\(lcore), name=\(name)\n"
        }
        return text
    }

    /// The saved form of a buffer: the stream header and the events recorded.
    static func savedBytes(_ b: UnsafeMutableRawPointer) -> UnsafeRawBufferPointer {
        let used = Int(b.load(fromByteOffset: 0, as: UInt32.self))
        return UnsafeRawBufferPointer(start: b + 8, count: Int(EAL_TRACE_STREAM_HEADER_SIZE) + used)
    }
}
