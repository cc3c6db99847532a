// Integration placeholder until the Log subsystem's --log-level grammar lands:
// accepts DPDK's forms (level, type-glob:level, type-regex,level), applies nothing.
// Removed when Log/ provides parseLogLevelOption/applyLogLevelOption.
struct LogLevelOption { var text: String }

func parseLogLevelOption(_ arg: String) -> LogLevelOption? {
    let names = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug",
                 "emerg", "crit", "err"]
    func level(_ s: Substring) -> Bool {
        if let n = Int(s) { return n >= 1 && n <= 8 }
        return names.contains(String(s))
    }
    if let sep = arg.lastIndex(where: { $0 == ":" || $0 == "," }) {
        return arg[..<sep].isEmpty || !level(arg[arg.index(after: sep)...]) ? nil : LogLevelOption(text: arg)
    }
    return level(Substring(arg)) ? LogLevelOption(text: arg) : nil
}

func applyLogLevelOption(_ opt: LogLevelOption) {}
