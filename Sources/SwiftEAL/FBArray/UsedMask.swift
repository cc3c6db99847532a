/// The used-bit mask of one fbarray, scanned a 64-bit word at a time.
///
/// Element `i` is bit `i % 64` of word `i / 64`; 1 = used. Every search is written for
/// "bits in state": a word's state bits are the word XOR `flip` (0 looking for used,
/// all ones looking for free), with the bits past `len` in the last word cleared, so a
/// free search never sees the padding. No search allocates, loops per bit, or touches
/// anything but the mask words; callers hold the array's rwlock and pass valid input
/// (`start < len`, `1 <= n <= len`).
struct UsedMask {
    let words: UnsafeMutablePointer<UInt64>
    let len: Int

    @inline(__always) init(words: UnsafeMutablePointer<UInt64>, len: Int) {
        self.words = words
        self.len = len
    }

    @inline(__always) var wordCount: Int { (len &+ 63) &>> 6 }

    /// The state bits of word `i`: `flip` applied, padding past `len` cleared.
    @inline(__always)
    func state(_ i: Int, _ flip: UInt64) -> UInt64 {
        let w = words[i] ^ flip
        let valid = len &- (i &<< 6)
        return valid >= 64 ? w : w & ((1 &<< UInt64(valid)) &- 1)
    }

    @inline(__always) static func flip(_ used: Bool) -> UInt64 { used ? 0 : ~0 }

    /// Bits at and above `bit` (0...63).
    @inline(__always) static func from(_ bit: Int) -> UInt64 { ~0 &<< UInt64(bit) }
    /// Bits at and below `bit` (0...63).
    @inline(__always) static func through(_ bit: Int) -> UInt64 {
        bit == 63 ? ~0 : (1 &<< UInt64(bit + 1)) &- 1
    }

    /// Bit p is set where bits p ..< p+n of `w` are all set (1 <= n <= 64): the window
    /// doubles while it fits in n, then one shift of what is left (log2(n) + 1 ANDs at
    /// most); windows that would run past bit 63 are dropped.
    @inline(__always)
    static func windowsUp(_ w: UInt64, _ n: Int) -> UInt64 {
        var a = w, have = 1
        while have &<< 1 <= n && a != 0 {
            a &= a &>> UInt64(truncatingIfNeeded: have)
            have &<<= 1
        }
        if have < n { a &= a &>> UInt64(truncatingIfNeeded: n &- have) }
        return a
    }

    /// Bit e is set where bits e-n+1 ... e of `w` are all set (1 <= n <= 64).
    @inline(__always)
    static func windowsDown(_ w: UInt64, _ n: Int) -> UInt64 {
        var a = w, have = 1
        while have &<< 1 <= n && a != 0 {
            a &= a &<< UInt64(truncatingIfNeeded: have)
            have &<<= 1
        }
        if have < n { a &= a &<< UInt64(truncatingIfNeeded: n &- have) }
        return a
    }

    // MARK: single bits

    @inline(__always)
    func isSet(_ idx: Int) -> Bool { words[idx >> 6] & (1 &<< UInt64(idx & 63)) != 0 }

    /// Sets bit `idx` to `used`; returns whether it changed.
    @inline(__always)
    func assign(_ idx: Int, _ used: Bool) -> Bool {
        let bit: UInt64 = 1 &<< UInt64(idx & 63)
        let w = words[idx >> 6]
        if (w & bit != 0) == used { return false }
        words[idx >> 6] = w ^ bit
        return true
    }

    // MARK: next / previous

    /// Lowest index >= start in state, or -1.
    @inline(__always)
    func next(_ start: Int, _ used: Bool) -> Int {
        let flip = Self.flip(used), n = wordCount
        var i = start >> 6
        var w = state(i, flip) & Self.from(start & 63)
        while w == 0 {
            i += 1
            if i >= n { return -1 }
            w = state(i, flip)
        }
        return i &<< 6 &+ w.trailingZeroBitCount
    }

    /// Highest index <= start in state, or -1.
    @inline(__always)
    func prev(_ start: Int, _ used: Bool) -> Int {
        let flip = Self.flip(used)
        var i = start >> 6
        var w = state(i, flip) & Self.through(start & 63)
        while w == 0 {
            if i == 0 { return -1 }
            i -= 1
            w = state(i, flip)
        }
        return i &<< 6 &+ 63 &- w.leadingZeroBitCount
    }

    // MARK: contiguous runs

    /// How many elements from start upwards are in state.
    @inline(__always)
    func contig(_ start: Int, _ used: Bool) -> Int {
        let flip = Self.flip(used), n = wordCount
        var i = start >> 6
        let sh = start & 63
        // Bits shifted in from the top are 0, so the count stops at the word's end.
        let first = (~(state(i, flip) &>> UInt64(sh))).trailingZeroBitCount
        if first < 64 - sh { return first }
        var count = 64 - sh
        while true {
            i += 1
            if i >= n { return count }
            let w = state(i, flip)
            if w != ~0 { return count + (~w).trailingZeroBitCount }
            count += 64
        }
    }

    /// How many elements from start downwards are in state.
    @inline(__always)
    func revContig(_ start: Int, _ used: Bool) -> Int {
        let flip = Self.flip(used)
        var i = start >> 6
        let b = start & 63
        let first = (~(state(i, flip) &<< UInt64(63 - b))).leadingZeroBitCount
        if first < b + 1 { return first }
        var count = b + 1
        while true {
            if i == 0 { return count }
            i -= 1
            let w = state(i, flip)
            if w != ~0 { return count + (~w).leadingZeroBitCount }
            count += 64
        }
    }

    // MARK: n in a row

    /// nextN's answer when it lies inside the start's word (most short searches end
    /// there), else nil: a window inside the word starts below any run that crosses
    /// into the next one. Small enough to inline into the C entry points, which then
    /// call the out-of-line nextN only when this has no answer.
    @inline(__always)
    func nextNInFirstWord(_ start: Int, _ count: Int, _ used: Bool) -> Int? {
        guard count <= 64 else { return nil }
        let a = Self.windowsUp(state(start &>> 6, Self.flip(used)) & Self.from(start & 63), count)
        return a != 0 ? (start & ~63) | a.trailingZeroBitCount : nil
    }

    /// Lowest p >= start with p ..< p+n all in state, or -1. A run is carried from one
    /// word into the next; within a word, windows are found by shift-ands.
    @inline(never)
    func nextN(_ start: Int, _ count: Int, _ used: Bool) -> Int {
        let flip = Self.flip(used), words = wordCount
        var i = start >> 6
        var w = state(i, flip) & Self.from(start & 63)
        var run = 0, runStart = 0
        while true {
            if w == ~0 {
                if run == 0 { runStart = i << 6 }
                run += 64
                if run >= count { return runStart }
            } else if w == 0 {
                run = 0
            } else {
                let low = (~w).trailingZeroBitCount
                if run > 0 && run + low >= count { return runStart }
                if count <= 64 {
                    let a = Self.windowsUp(w, count)
                    if a != 0 { return i << 6 + a.trailingZeroBitCount }
                }
                run = (~w).leadingZeroBitCount
                runStart = i << 6 + 64 - run
            }
            i += 1
            if i >= words { return -1 }
            w = state(i, flip)
        }
    }

    /// Highest p with p+n-1 <= start and p ..< p+n all in state, or -1. Runs are carried
    /// downwards from the bottom of one word into the top of the one below.
    func prevN(_ start: Int, _ count: Int, _ used: Bool) -> Int {
        let flip = Self.flip(used)
        var i = start >> 6
        var w = state(i, flip) & Self.through(start & 63)
        var run = 0, runEnd = 0
        while true {
            if w == ~0 {
                if run == 0 { runEnd = i << 6 + 63 }
                run += 64
                if run >= count { return runEnd - count + 1 }
            } else if w == 0 {
                run = 0
            } else {
                let high = (~w).leadingZeroBitCount
                if run > 0 && run + high >= count { return runEnd - count + 1 }
                if count <= 64 {
                    let a = Self.windowsDown(w, count)
                    if a != 0 { return i << 6 + 63 - a.leadingZeroBitCount - count + 1 }
                }
                run = (~w).trailingZeroBitCount
                runEnd = i << 6 + run - 1
            }
            if i == 0 { return -1 }
            i -= 1
            w = state(i, flip)
        }
    }

    // MARK: biggest run

    /// Start of the longest run in state within [from, through], or -1. `laterWins`
    /// breaks ties toward the higher run (the reverse search), else toward the lower.
    /// Only runs longer than (or, with `laterWins`, as long as) the best so far are
    /// looked for inside a word, by shift-ands for that length.
    func biggest(from: Int, through: Int, _ used: Bool, laterWins: Bool) -> Int {
        let flip = Self.flip(used)
        let lastWord = through >> 6
        var i = from >> 6
        var w = state(i, flip) & Self.from(from & 63)
        var best = 0, bestStart = -1
        var run = 0, runStart = 0
        while true {
            if i == lastWord { w &= Self.through(through & 63) }
            if w == ~0 {
                if run == 0 { runStart = i << 6 }
                run += 64
            } else {
                // the run carried in ends in this word
                let low = (~w).trailingZeroBitCount
                let total = run + low
                if total > 0 && (total > best || (laterWins && total == best)) {
                    best = total
                    bestStart = run > 0 ? runStart : i << 6
                }
                if w != 0 {
                    // runs inside the word (the top one included), lowest first
                    var x = low == 0 ? w : w & Self.from(low)
                    while x != 0 {
                        let want = laterWins ? max(best, 1) : best + 1
                        if want > 64 { break }
                        let a = Self.windowsUp(x, want)
                        if a == 0 { break }
                        let p = a.trailingZeroBitCount
                        let length = (~(x &>> UInt64(p))).trailingZeroBitCount
                        best = length
                        bestStart = i << 6 + p
                        if p + length >= 64 { break }
                        x &= Self.from(p + length)
                    }
                }
                run = (~w).leadingZeroBitCount
                runStart = i << 6 + 64 - run
            }
            if i == lastWord { break }
            i += 1
            w = state(i, flip)
        }
        if run > 0 && (run > best || (laterWins && run == best)) {
            best = run
            bestStart = runStart
        }
        return bestStart
    }
}
