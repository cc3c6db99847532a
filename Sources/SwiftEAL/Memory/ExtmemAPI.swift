import CSwiftEAL

// rte_extmem_*: application memory recorded as external memseg lists.

@c @implementation
public func rte_extmem_register(_ va_addr: UnsafeMutableRawPointer?, _ len: Int, _ iova_addrs: UnsafeMutablePointer<rte_iova_t>?,
                                _ n_pages: UInt32, _ page_sz: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalMemory.register(base: va_addr, length: len, iovas: iova_addrs.map { UnsafePointer($0) },
                                    pageCount: Int(n_pages), pageSize: page_sz)
        return 0
    }
}

@c @implementation
public func rte_extmem_unregister(_ va_addr: UnsafeMutableRawPointer?, _ len: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalMemory.unregister(base: va_addr, length: len)
        return 0
    }
}

@c @implementation
public func rte_extmem_attach(_ va_addr: UnsafeMutableRawPointer?, _ len: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalMemory.attach(base: va_addr, length: len)
        return 0
    }
}

@c @implementation
public func rte_extmem_detach(_ va_addr: UnsafeMutableRawPointer?, _ len: Int) -> Int32 {
    withRteErrno(-1) { () throws(Errno) -> Int32 in
        try ExternalMemory.detach(base: va_addr, length: len)
        return 0
    }
}
