#!/usr/bin/env python3
"""The library's dynamic symbol table against DPDK 22.11's librte_eal.so.23 exports
(../shared/abi/symbols.tsv): every defined symbol is one of DPDK's, under DPDK's version
node, of DPDK's kind (function, data, thread-local) and, for data and thread-local
symbols, of DPDK's object size. Each export is one check. DPDK exports the library lacks
are listed by subsystem; they fail unless their subsystem is named in
Tests/abi/exports_pending.txt (with the reason), and an entry there whose subsystem is
complete fails too (it is stale).

Usage: exports_check.py LIB [SYMBOLS_TSV] [PENDING]
Ends with "exports: N passed, N failed".
"""
import collections
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
lib = sys.argv[1]
# a copy of ../shared/abi/symbols.tsv lives here: CI clones the project alone
tsv = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "symbols.tsv")
pending_file = sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "exports_pending.txt")

want = {}
for line in open(tsv):
    if line.startswith("#") or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    want[f[0]] = {"version": f[1], "kind": f[2], "size": int(f[3]), "subsystem": f[4]}

pending = {}
if os.path.exists(pending_file):
    for line in open(pending_file):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        sub, _, reason = line.partition(" ")
        pending[sub] = reason.strip()

kinds = {"FUNC": "func", "OBJECT": "data", "TLS": "tls"}
out = subprocess.run(["readelf", "--dyn-syms", "-W", lib], capture_output=True, text=True, check=True).stdout
passed = failed = 0
have = set()
for line in out.splitlines():
    f = line.split()
    if len(f) < 8 or not f[0][:-1].isdigit() or f[6] in ("UND", "ABS"):
        continue
    name, _, version = f[7].partition("@")
    version = version.lstrip("@")
    have.add(name)
    w = want.get(name)
    problems = []
    if w is None:
        problems.append("not a DPDK 22.11 EAL export")
    else:
        if version != w["version"]:
            problems.append(f"version {version or '(none)'}, DPDK's {w['version']}")
        kind = kinds.get(f[3], f[3])
        if kind != w["kind"]:
            problems.append(f"kind {kind}, DPDK's {w['kind']}")
        elif kind != "func" and int(f[2]) != w["size"]:
            problems.append(f"size {f[2]}, DPDK's {w['size']}")
    if problems:
        failed += 1
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        passed += 1

missing = collections.defaultdict(list)
for name, w in want.items():
    if name not in have:
        missing[w["subsystem"]].append(name)
for sub, names in sorted(missing.items()):
    if sub in pending:
        print(f"missing ({sub}, {len(names)}): pending: {pending[sub]}")
    else:
        failed += 1
        print(f"FAIL missing ({sub}, {len(names)}): " + " ".join(sorted(names)))
for sub in pending:
    if sub not in missing:
        failed += 1
        print(f"FAIL stale entry in {os.path.basename(pending_file)}: {sub} is complete")
print(f"exports: {len(have & set(want))} of {len(want)} DPDK 22.11 EAL exports, "
      f"each with DPDK's name, version node, kind and object size")
print(f"exports: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
