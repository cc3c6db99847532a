#!/usr/bin/env python3
"""
Compares a differential program's two outputs (DPDK's, SwiftEAL's) line by line, allowing
only the differences a .known file documents.

A .known file is groups of entries, each group under the reason it exists:
    # reason: SwiftEAL has no VFIO; DPDK says it set it up
    - case *: stderr: EAL: VFIO support initialized
    + case 3: stderr: EAL: something only SwiftEAL prints
An entry is `- PATTERN` (a line only DPDK prints) or `+ PATTERN` (only SwiftEAL), the
pattern the whole line, where `*` stands for any text (nothing else is special). Every differing line must match an entry, and
every entry must match a differing line: a stale entry fails, so the list stays true.
Exit 0 when the outputs agree up to the file; the verdict (or what is wrong) on stdout.
Usage: known_diff.py KNOWN DPDK_OUT SWIFTEAL_OUT
"""
import difflib
import re
import sys


def matcher(pattern):
    return re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$")


def load(path):
    entries = []       # (sign, pattern, reason, compiled pattern)
    reason = None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("# reason:"):
                reason = line[len("# reason:"):].strip()
            elif not line.strip() or line.startswith("#"):
                continue
            elif line[:2] in ("- ", "+ "):
                if not reason:
                    raise SystemExit("%s:%d: an entry without a '# reason:' line above it" % (path, n))
                entries.append((line[0], line[2:], reason, matcher(line[2:])))
            else:
                raise SystemExit("%s:%d: want '- PATTERN', '+ PATTERN' or '# reason: ...'" % (path, n))
    return entries


def compare(entries, dpdk_lines, ours_lines):
    """Returns (unexplained differing lines, stale entries, count of explained lines)."""
    diff = [l for l in difflib.ndiff(dpdk_lines, ours_lines) if l[:2] in ("- ", "+ ")]
    used = set()
    unexplained = []
    for d in diff:
        sign, text = d[0], d[2:]
        hit = [i for i, (s, _, _, m) in enumerate(entries) if s == sign and m.match(text)]
        if hit:
            used.update(hit)
        else:
            unexplained.append(d)
    stale = [e for i, e in enumerate(entries) if i not in used]
    return unexplained, stale, len(diff) - len(unexplained)


def main():
    known, dpdk_out, ours_out = sys.argv[1:4]
    entries = load(known)
    with open(dpdk_out) as f:
        dpdk_lines = f.read().splitlines()
    with open(ours_out) as f:
        ours_lines = f.read().splitlines()
    unexplained, stale, explained = compare(entries, dpdk_lines, ours_lines)
    for d in unexplained:
        print("unexplained: %s %s" % ("DPDK only:" if d[0] == "-" else "SwiftEAL only:", d[2:]))
    for sign, pattern, reason, _ in stale:
        print("stale entry (matches no difference): %s %s  [%s]" % (sign, pattern, reason))
    if unexplained or stale:
        return 1
    reasons = len(set(e[2] for e in entries))
    if explained:
        print("identical but for %d documented lines (%d reasons in %s)" % (
            explained, reasons, known.rsplit("/", 1)[-1]))
    else:
        print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
