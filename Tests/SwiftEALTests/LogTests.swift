import CEALShared
import CSwiftEAL
import Glibc
import Testing
@testable import SwiftEAL

private func opt(_ arg: String) -> LogLevelOption? { parseLogLevelOption(ByteString(arg)) }

@Suite("--log-level grammar")
struct LogLevelGrammarTests {
    @Test("a bare level is the global level: names by prefix, C integers, clamped to 8",
          arguments: [
            ("8", 8), ("3", 3), ("1", 1), ("0x5", 5), ("010", 8), (" 5", 5), ("+3", 3),
            ("emergency", 1), ("e", 1), ("em", 1), ("a", 2), ("alert", 2), ("c", 3), ("cr", 3),
            ("critical", 3), ("err", 4), ("error", 4), ("w", 5), ("warning", 5), ("n", 6),
            ("not", 6), ("notice", 6), ("i", 7), ("info", 7), ("d", 8), ("de", 8), ("debug", 8),
            ("9", 8), ("77", 8), ("2147483647", 8), ("011", 8), ("0x10", 8),
          ] as [(String, UInt32)])
    func global(arg: String, level: UInt32) {
        let o = opt(arg)
        #expect(o?.target == .global)
        #expect(o?.level == level)
    }

    @Test("levels above 8 remember what was written (DPDK warns about it)")
    func clamped() {
        #expect(opt("9")?.clampedFrom == 9)
        #expect(opt("0x10")?.clampedFrom == 16)
        #expect(opt("my,011")?.clampedFrom == 9)
        #expect(opt("8")?.clampedFrom == nil)
        #expect(opt("debug")?.clampedFrom == nil)
    }

    @Test("',' means a regex and ':' a glob; ',' wins and splits at its first occurrence")
    func typed() {
        #expect(opt("lib.eal:3") == LogLevelOption(target: .glob("lib.eal"), level: 3))
        #expect(opt("lib.eal,3") == LogLevelOption(target: .regex("lib.eal"), level: 3))
        #expect(opt("user*:2") == LogLevelOption(target: .glob("user*"), level: 2))
        #expect(opt("user.*,debug") == LogLevelOption(target: .regex("user.*"), level: 8))
        #expect(opt("a:b,3") == LogLevelOption(target: .regex("a:b"), level: 3))
        #expect(opt("my:,3") == LogLevelOption(target: .regex("my:"), level: 3))
        #expect(opt("user[:2") == LogLevelOption(target: .glob("user["), level: 2))
        #expect(opt(":3") == LogLevelOption(target: .glob(""), level: 3))
        #expect(opt(",3") == LogLevelOption(target: .regex(""), level: 3))
        #expect(opt("my, 3") == LogLevelOption(target: .regex("my"), level: 3))
        #expect(opt("my,e") == LogLevelOption(target: .regex("my"), level: 1))
        #expect(opt("my.*:0x3") == LogLevelOption(target: .glob("my.*"), level: 3))
        #expect(opt("pmd.net.*,9") == LogLevelOption(target: .regex("pmd.net.*"), level: 8, clampedFrom: 9))
    }

    @Test("DPDK rejects these", arguments: [
        "", "0", "-0", "-1", "-3", "5 ", "3x", "0x", "errors", "DEBUG", "Info", "emergencyy",
        "4294967294", "4294967295", "2147483648", "99999999999",
        "lib.eal:", "lib.eal,", "lib.eal,x", "a:b:3", "a,b:3", "my,,3", "my:my:3",
        "my:0", "my,0", "my,-3", "my,3 ", "my,2147483648", "user[,2", "a\\(,3",
    ])
    func rejected(arg: String) {
        #expect(opt(arg) == nil)
        #expect(logLevelOptionError(ByteString(arg)) != nil)
    }

    @Test("rejection messages are DPDK's")
    func messages() {
        #expect(logLevelOptionError("0") == "Invalid log level: 0")
        #expect(logLevelOptionError("lib.eal,x") == "Invalid log level: x")
        #expect(logLevelOptionError("a:b:3") == "Invalid log level: b:3")
        #expect(logLevelOptionError("") == "Invalid log level: ")
        #expect(logLevelOptionError("user[,2") == "cannot set log level user[,2")
        #expect(logLevelOptionError("debug") == nil)
    }
}

/// Captures what the log writes while `body` runs.
private func captured(_ body: () -> Void) -> String {
    var buf: UnsafeMutablePointer<CChar>? = nil
    var size = 0
    let f = open_memstream(&buf, &size)!
    let old = eal_log_user_stream()
    _ = rte_openlog_stream(f)
    body()
    _ = rte_openlog_stream(old)
    fclose(f)
    defer { free(buf) }
    return buf.map { String(cString: $0) } ?? ""
}

private func level(_ name: String) -> Int32 {
    rte_log_get_level(UInt32(rte_log_register(name)))
}

@Suite("log levels and types", .serialized)
struct LogMachineryTests {
    @Test("the fixed types, their names and default levels")
    func defaults() {
        #expect(rte_log_register("lib.eal") == 0)
        #expect(rte_log_register("pmd") == 5)
        #expect(rte_log_register("lib.gso") == 20)
        #expect(rte_log_register("user1") == 24)
        #expect(rte_log_register("user8") == 31)
        #expect(rte_log_get_level(21) >= 0)     // unnamed ids still have a level
        #expect(rte_log_get_level(UInt32.max) == -1)
        #expect(LogRegistry.levelName(0) == "disabled")
        #expect(LogRegistry.levelName(8) == "debug")
        #expect(LogRegistry.levelName(9) == "unknown")
    }

    @Test("register: new types start at info, existing ones keep their id and level")
    func register() {
        let t = rte_log_register("swifttest.reg.a")
        #expect(t >= 32)
        #expect(rte_log_get_level(UInt32(t)) == 7)
        #expect(rte_log_set_level(UInt32(t), 2) == 0)
        #expect(rte_log_register("swifttest.reg.a") == t)
        #expect(rte_log_register_type_and_pick_level("swifttest.reg.a", 8) == t)
        #expect(rte_log_get_level(UInt32(t)) == 2)
        #expect(rte_log_register(nil) < 0)
        #expect(rte_log_register_type_and_pick_level(nil, 3) < 0)
        let many = (0..<200).map { rte_log_register("swifttest.many.\($0)") }
        #expect(Set(many).count == 200)            // crosses type-table chunks
        #expect(many.allSatisfy { rte_log_get_level(UInt32($0)) == 7 })
    }

    @Test("type ids map onto chunks of doubling size, without gaps, up to Int32.max")
    func chunkLayout() {
        var expected: (UInt32, Int) = (0, 0)
        for id in UInt32(0)..<100_000 {
            let at = LogRegistry.locate(id)
            #expect(at == expected, "id \(id)")
            expected = at.offset + 1 == LogRegistry.capacity(ofChunk: at.chunk) ? (at.chunk + 1, 0) : (at.chunk, at.offset + 1)
        }
        let last = LogRegistry.locate(UInt32(Int32.max))
        #expect(last.chunk < UInt32(EAL_LOG_MAX_CHUNKS) && last.offset < LogRegistry.capacity(ofChunk: last.chunk))
        let top = LogRegistry.locate(UInt32.max)
        #expect(top.chunk < UInt32(EAL_LOG_MAX_CHUNKS) && top.offset < LogRegistry.capacity(ofChunk: top.chunk))
    }

    @Test("saved --log-level options pick the level of later types; the last match wins")
    func pickLevel() {
        defer { LogLevelOptions.reset() }
        let before = rte_log_register("swifttest.pick.early")
        applyLogLevelOption(opt("swifttest.pick.*:2")!)
        #expect(rte_log_get_level(UInt32(before)) == 2)        // applied now
        applyLogLevelOption(opt("^swifttest\\.pick\\.r,5")!)
        #expect(level("swifttest.pick.glob.none") == 7)           // rte_log_register ignores options
        let g = rte_log_register_type_and_pick_level("swifttest.pick.g", 4)
        #expect(rte_log_get_level(UInt32(g)) == 2)
        let r = rte_log_register_type_and_pick_level("swifttest.pick.r", 4)
        #expect(rte_log_get_level(UInt32(r)) == 5)               // last matching option
        let other = rte_log_register_type_and_pick_level("swifttest.other", 4)
        #expect(rte_log_get_level(UInt32(other)) == 4)            // no match: the default
        applyLogLevelOption(opt("swifttest.other,debug")!)
        #expect(rte_log_get_level(UInt32(other)) == 8)
    }

    @Test("--log-level patterns match type names byte for byte, invalid UTF-8 included")
    func bytePatterns() {
        defer { LogLevelOptions.reset() }
        func register(_ bytes: [UInt8]) -> Int32 {
            (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
                rte_log_register_type_and_pick_level($0.baseAddress, 7)
            }
        }
        let name = Array("swifttest.bytes.".utf8)
        applyLogLevelOption(parseLogLevelOption(ByteString(name + [0xff] + Array("*:3".utf8)))!)
        applyLogLevelOption(parseLogLevelOption(ByteString(name + [0xfd] + Array(".*,2".utf8)))!)
        #expect(rte_log_get_level(UInt32(register(name + [0xff, 0x41]))) == 3)
        #expect(rte_log_get_level(UInt32(register(name + [0xfe, 0x41]))) == 7) // was 3 with U+FFFD
        #expect(rte_log_get_level(UInt32(register(name + [0xfd, 0x41]))) == 2)
        #expect(rte_log_get_level(UInt32(register(name + Array("\u{FFFD}A".utf8)))) == 7)
    }

    @Test("a global option sets the global level and is not saved")
    func globalOption() {
        let old = rte_log_get_global_level()
        defer { rte_log_set_global_level(old) }
        applyLogLevelOption(opt("err")!)
        #expect(rte_log_get_global_level() == 4)
        #expect(eal_log_opts_first() == nil)
    }

    @Test("set_level, glob and regex setters validate the level")
    func setters() {
        let t = UInt32(rte_log_register("swifttest.set.one"))
        for l: UInt32 in 0...8 {
            #expect(rte_log_set_level(t, l) == 0)
            #expect(rte_log_get_level(t) == Int32(l))
        }
        #expect(rte_log_set_level(t, 9) == -1)
        #expect(rte_log_set_level(100_000, 3) == -1)
        #expect(rte_log_set_level_pattern("swifttest.set.*", 3) == 0)
        #expect(rte_log_get_level(t) == 3)
        #expect(rte_log_set_level_pattern("swifttest.set.*", 9) == -1)
        #expect(rte_log_set_level_pattern(nil, 3) == -1)
        #expect(rte_log_set_level_regexp("set\\.o", 6) == 0)
        #expect(rte_log_get_level(t) == 6)
        #expect(rte_log_set_level_regexp("([", 6) == -1)
        #expect(rte_log_set_level_regexp(nil, 6) == -1)
        #expect(rte_log_set_level_regexp("x", 9) == -1)
        #expect(rte_log_set_level_regexp("set.one|nothing", 1) == 0)   // basic regex: '|' is literal
        #expect(rte_log_get_level(t) == 6)
    }

    @Test("can_log needs both the global and the type level")
    func canLog() {
        let old = rte_log_get_global_level()
        defer { rte_log_set_global_level(old) }
        let t = UInt32(rte_log_register("swifttest.can"))
        _ = rte_log_set_level(t, 5)
        rte_log_set_global_level(8)
        #expect(rte_log_can_log(t, 5))
        #expect(!rte_log_can_log(t, 6))
        #expect(rte_log_can_log(t, 0))
        rte_log_set_global_level(3)
        #expect(!rte_log_can_log(t, 4))
        #expect(rte_log_can_log(t, 3))
        #expect(!rte_log_can_log(1_000_000, 1))
    }

    @Test("messages go to the chosen stream, filtered, with the current level and type set")
    func output() {
        let t = UInt32(rte_log_register("swifttest.out"))
        _ = rte_log_set_level(t, 6)
        let text = captured {
            ealLogEmit(type: t, level: 6, prefix: "OUT: ", "shown")
            ealLogEmit(type: t, level: 7, prefix: "OUT: ", "hidden")
            ealLogEmit(type: t, level: 4, prefix: "OUT: ", "kept\n")
        }
        #expect(text.contains("OUT: shown\n"))
        #expect(!text.contains("hidden"))
        #expect(text.contains("OUT: kept\n"))
        #expect(!text.contains("kept\n\n"))
        #expect(rte_log_cur_msg_logtype() == Int32(t))
        #expect(rte_log_cur_msg_loglevel() == 4)
    }

    @Test("the stream: set, read back, NULL restores the default")
    func stream() {
        let f = tmpfile()!
        defer { fclose(f) }
        let old = eal_log_user_stream()
        defer { _ = rte_openlog_stream(old) }
        #expect(rte_openlog_stream(f) == 0)
        #expect(rte_log_get_stream() == f)
        #expect(rte_openlog_stream(nil) == 0)
        #expect(rte_log_get_stream() == (eal_log_default_stream() ?? eal_stderr()))
    }

    @Test("dump and list formats")
    func dumpAndList() {
        let t = rte_log_register("swifttest.dump")
        _ = rte_log_set_level(UInt32(t), 3)
        var buf: UnsafeMutablePointer<CChar>? = nil
        var size = 0
        let f = open_memstream(&buf, &size)!
        rte_log_dump(f)
        rte_log_list_types(f, "> ")
        fclose(f)
        let text = String(cString: buf!)
        free(buf)
        #expect(text.hasPrefix("global log level is "))
        #expect(text.contains("id 0: lib.eal, level is "))
        #expect(text.contains("id \(t): swifttest.dump, level is critical\n"))
        #expect(!text.contains("id 21:"))
        let listed = text.split(separator: "\n").filter { $0.hasPrefix("> ") }.map { String($0.dropFirst(2)) }
        #expect(listed == listed.sorted { strcmp($0, $1) < 0 })
        #expect(listed.contains("swifttest.dump"))
    }

    @Test("level changes are announced at EAL debug level")
    func announced() {
        let old = rte_log_get_level(0)
        defer { _ = rte_log_set_level(0, UInt32(old)) }
        _ = rte_log_set_level(0, 8)
        let t = UInt32(rte_log_register("swifttest.announce"))
        let text = captured {
            _ = rte_log_set_level(t, 2)
            _ = rte_log_set_level(t, 2)
        }
        #expect(text.contains("EAL: swifttest.announce log level changed from info to alert\n"))
        #expect(text.split(separator: "\n").filter { $0.contains("swifttest.announce") }.count == 1)
    }

    @Test("after logInit the default stream writes to stderr (and syslog); logCleanup restores stderr")
    func consoleStream() {
        let old = eal_log_user_stream()
        _ = rte_openlog_stream(nil)
        defer { _ = rte_openlog_stream(old) }
        let capture = tmpfile()!
        defer { fclose(capture) }
        fflush(eal_stderr())
        let saved = dup(2)
        dup2(fileno(capture), 2)
        #expect(logInit(ident: "swifteal-test", facility: LOG_USER))
        let stream = rte_log_get_stream()
        #expect(stream != nil && stream != eal_stderr())
        ealLog(4, "through the console stream")
        logCleanup()
        #expect(rte_log_get_stream() == eal_stderr())
        logCleanup()                                   // twice is harmless
        fflush(eal_stderr())
        dup2(saved, 2)
        close(saved)
        rewind(capture)
        var bytes = [CChar](repeating: 0, count: 65536)
        let n = fread(&bytes, 1, bytes.count - 1, capture)
        bytes[n] = 0
        #expect(bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.contains("EAL: through the console stream\n"))
    }

    @Test("concurrent registration: one id per name")
    func concurrentRegister() async {
        let ids = await withTaskGroup(of: [Int32].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<64).map { rte_log_register("swifttest.race.\($0)") } }
            }
            var all: [[Int32]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(ids.allSatisfy { $0 == ids[0] })
        #expect(Set(ids[0]).count == 64)
    }
}
