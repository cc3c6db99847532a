import CEALShared
import CSwiftEAL
import Glibc

/// Where messages go: the stream given to rte_openlog_stream(), else the EAL's default
/// (after rte_eal_init: stderr plus syslog, as DPDK 22.11 on Linux), else stderr.
enum LogOutput {
    @inline(__always)
    static var stream: UnsafeMutablePointer<FILE> {
        eal_log_user_stream() ?? eal_log_default_stream() ?? eal_stderr()
    }

    /// rte_vlog: -1 for an unknown type, 0 when filtered, else what vfprintf returns.
    static func vlog(_ level: UInt32, _ type: UInt32, _ format: UnsafePointer<CChar>,
                     _ args: CVaListPointer) -> Int32 {
        guard type < LogRegistry.count else { return -1 }
        guard LogRegistry.canLog(type, level) else { return 0 }
        let f = stream
        eal_log_set_cur(Int32(bitPattern: level), Int32(bitPattern: type))
        let written = vfprintf(f, format, args)
        fflush(f)
        return written
    }

    /// Writes `text` as one message of `type` at `level` if it passes the levels.
    static func emit(type: UInt32, level: UInt32, _ text: String) {
        guard LogRegistry.canLog(type, level) else { return }
        let f = stream
        eal_log_set_cur(Int32(bitPattern: level), Int32(bitPattern: type))
        fputs(text, f)
        fflush(f)
    }

    // MARK: the EAL's default stream (console and syslog)

    /// openlog(3)'s ident must outlive the log; kept here between logInit and logCleanup.
    // Safe: only logInit and logCleanup touch it, from rte_eal_init and rte_eal_cleanup (one at a time).
    nonisolated(unsafe) private static var ident: UnsafeMutablePointer<CChar>? = nil
    // Safe: as ident; writers reach the stream through eal_log_set_default_stream's atomic pointer.
    nonisolated(unsafe) private static var console: UnsafeMutablePointer<FILE>? = nil

    /// Each write goes to stderr and to syslog at the message's level.
    private static let consoleWrite: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int) -> Int = { _, buf, size in
        guard let buf else { return 0 }
        let n = fwrite(buf, 1, size, eal_stderr())
        fflush(eal_stderr())
        let priority = max(0, min(7, eal_log_get_cur_level() - 1))
        withVaList([Int32(clamping: size), buf]) { vsyslog(priority, "%.*s", $0) }
        return n
    }

    /// Called by rte_eal_init: messages from now on also go to syslog with `ident` (the
    /// program's basename) and `facility` (--syslog, LOG_DAEMON by default). False when
    /// the stream cannot be created (DPDK then fails init with "Cannot init logging.").
    static func initialize(ident name: ByteString, facility: Int32) -> Bool {
        cleanup()
        ident = name.strdup()
        openlog(ident, LOG_NDELAY | LOG_PID, facility)
        let io = cookie_io_functions_t(read: nil, write: consoleWrite, seek: nil, close: nil)
        guard let f = fopencookie(nil, "w+", io) else {
            closelog()
            free(ident); ident = nil
            return false
        }
        console = f
        eal_log_set_default_stream(f)
        return true
    }

    /// Called by rte_eal_cleanup: back to plain stderr, syslog closed.
    static func cleanup() {
        guard let f = console else { return }
        eal_log_set_default_stream(nil)
        console = nil
        fclose(f)
        closelog()
        free(ident)
        ident = nil
    }
}

/// rte_eal_init calls this once options are parsed (see LogOutput.initialize).
func logInit(ident: ByteString, facility: Int32 = LOG_DAEMON) -> Bool {
    LogOutput.initialize(ident: ident, facility: facility)
}

/// rte_eal_cleanup calls this last.
func logCleanup() {
    LogOutput.cleanup()
}
