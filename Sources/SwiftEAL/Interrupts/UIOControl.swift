import CEALShared
import Glibc

/// Switching a UIO device's interrupt on and off, as DPDK does it: the uio driver takes
/// an int written to the device fd (1 on, 0 off); uio_pci_generic's INTx is masked by
/// bit 2 of the high byte of the PCI command register (config space offset 5), read
/// and written through the config fd. Nothing here knows it is a device: a pipe (or
/// a file for the config space) stands in for one in tests, DPDK's own included.
enum UIOControl {
    /// The PCI command register's high byte, and its INTx-disable bit.
    private static let commandHighOffset: off_t = 5
    private static let intxDisable: UInt8 = 0x4

    /// UIO: writes 1 or 0 to the fd. False (logged) when the write fails.
    static func uio(_ h: IntrHandlePtr, enable: Bool) -> Bool {
        var value: Int32 = enable ? 1 : 0
        let fd = h.pointee.fd
        if fd >= 0, write(fd, &value, MemoryLayout<Int32>.size) >= 0 { return true }
        let e = errno
        ealLog(4, "Error \(enable ? "enabling" : "disabling") interrupts for fd \(fd) (\(String(cString: strerror(e))))")
        return false
    }

    /// UIO_INTX: read-modify-write of the command register's INTx-disable bit.
    static func intx(_ h: IntrHandlePtr, enable: Bool) -> Bool {
        let cfg = h.pointee.dev_fd
        var high: UInt8 = 0
        guard cfg >= 0, pread(cfg, &high, 1, commandHighOffset) == 1 else {
            ealLog(4, "Error reading interrupts status for fd \(cfg)")
            return false
        }
        high = enable ? high & ~intxDisable : high | intxDisable
        guard pwrite(cfg, &high, 1, commandHighOffset) == 1 else {
            ealLog(4, "Error \(enable ? "enabling" : "disabling") interrupts for fd \(cfg)")
            return false
        }
        return true
    }
}
