import CEALShared
import Glibc
import Synchronization

/// The text `-h`/`--help` and a refused command line print (to stdout, as DPDK does),
/// followed by the application's own usage hook if it installed one.
enum Usage {
    static var applicationHook: (@convention(c) (UnsafePointer<CChar>?) -> Void)? {
        get { applicationHookStorage.withLock { $0 } }
        set { applicationHookStorage.withLock { $0 = newValue } }
    }
    private static let applicationHookStorage = Mutex<(@convention(c) (UnsafePointer<CChar>?) -> Void)?>(nil)

    static func print(programName: ByteString) {
        fputs("\nUsage: ", eal_stdout())
        _ = programName.withCString { fputs($0, eal_stdout()) } // as given, byte for byte
        let text = """
         [options]

        EAL common options:
          -c COREMASK         Hexadecimal bitmask of the cores to run on
          -l CORELIST         List of cores to run on: <c1>[-c2][,c3[-c4],...]
                              with core ids below \(CoreList.maxLcore)
          --lcores COREMAP    Map lcore sets to CPU sets: '<lcores[@cpus]>[,<lcores[@cpus]>...]'
                              a set is one id, a range a-b, or a list in parentheses;
                              without '@' an lcore runs on the CPU of the same number
          -s SERVICE COREMASK Hexadecimal bitmask of service cores
          -S SERVICE CORELIST List of service cores
          --main-lcore ID     The lcore that runs main()
          --mbuf-pool-ops-name NAME  Mempool ops name for mbufs
          -n CHANNELS         Number of memory channels
          -m MB               Memory to reserve (see also --socket-mem)
          -r RANKS            Number of memory ranks (no detection)
          -b, --block DEV     Never use this device
          -a, --allow DEV     Use only the devices named like this (repeatable; not with -b)
          --vdev DEV          Add a virtual device: <driver><id>[,key=val,...]
          --iova-mode MODE    IOVA mode: 'pa' or 'va'
          -d LIB.so|DIR       Add a driver or a driver directory (repeatable)
          --vmware-tsc-map    Use the VMware TSC map instead of RDTSC
          --proc-type TYPE    primary, secondary or auto
          --syslog FACILITY   Also log to syslog with this facility
          --log-level=LEVEL   Global log level (1-8 or a level name)
          --log-level=TYPE:LEVEL  Level for the log types matching a glob
          --log-level=REGEX,LEVEL Level for the log types matching a regular expression
          --trace=REGEX       Record the trace points whose names match (repeatable)
          --trace-dir=DIR     Where rte_trace_save writes (default $HOME/dpdk-traces)
          --trace-bufsz=SIZE  Trace buffer of each thread, in B, K or M (default 1M)
          --trace-mode=o[verwrite]|d[iscard]  What a full trace buffer does
          -v                  Print the version at startup
          -h, --help          This help
          --in-memory         Keep everything in memory: no files, no secondary processes
          --base-virtaddr ADDR  Base virtual address for the EAL's mappings
          --telemetry, --no-telemetry  Telemetry on (default) or off
          --force-max-simd-bitwidth BITS  Cap the SIMD width code may use

        EAL options for debugging:
          --huge-unlink[=existing|always|never]  When to unlink hugepage files
                              ('existing' by default, no value means 'always')
          --no-huge           Use anonymous memory instead of hugepages
          --no-pci            Disable PCI
          --no-hpet           Disable HPET
          --no-shconf         No shared files (process-private configuration)

        EAL Linux options:
          --socket-mem MB,MB  Memory to reserve per socket
          --socket-limit MB,MB  Upper limit of memory per socket
          --huge-dir DIR      The hugetlbfs mount to use
          --file-prefix NAME  Prefix for the runtime directory and hugepage files
          --create-uio-dev    Create /dev/uioX
          --vfio-intr MODE    VFIO interrupt mode: legacy, msi or msix
          --vfio-vf-token UUID  VF token shared between a PF and its VFs
          --legacy-mem        Reserve all memory at startup, never release it
          --single-file-segments  One hugepage file per memory segment list
          --match-allocations Free hugepages exactly as they were allocated
          --huge-worker-stack[=KB]  Worker thread stacks in hugepage memory

        """
        fputs(text, eal_stdout())
        if let hook = applicationHook {
            // DPDK 22.11 sets the application's part off with this line
            fputs("===== Application Usage =====\n\n", eal_stdout())
            programName.withCString { hook($0) }
        }
        fflush(eal_stdout())
    }
}
