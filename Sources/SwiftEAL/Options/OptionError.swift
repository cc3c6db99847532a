/// Why the command line was refused: DPDK prints a specific line (sometimes two)
/// before the usage text, and `rte_eal_init` fails with EINVAL.
struct OptionError: Error, Equatable {
    var messages: [String]
    init(_ message: String, then second: String? = nil) {
        messages = [message] + (second.map { [$0] } ?? [])
    }
}
