#!/usr/bin/env python3
"""
The drop-in check: every header in include/ that DPDK 22.11 also ships is compared with
DPDK's, item by item, and nothing is listed by hand.

For each such header H (found at run time), DPDK's `#include <H>` is read with `cc -E -dD`
(macros, include tree) and clang's JSON AST (enums, aggregates, typedefs, prototypes,
variables). The items H owns (declared in H or in a DPDK-internal file only H brings in)
are looked up in our headers, and:
  - values (enumerators, object-like macros that are constants), macro expression types,
    enum/aggregate/typedef sizes and alignments, member offsets and sizes, bit-field
    positions are printed by one generated probe, compiled and run against each header set;
  - prototypes, variables, typedefs and member types are compared as canonical types
    (typedefs expanded) from the two ASTs; function-like macros by arity.
A value, layout or signature that differs fails. An item our headers lack is reported as
missing (a subsystem not built yet), an item our H does not make visible although another
header of ours declares it as not reachable; neither fails. Known, deliberate differences
are in exceptions.txt, each with its reason; an exception that no longer matches fails.

Usage: abi_check.py [--ours DIR] [--out DIR] [--headers a.h,b.h] [--verbose]
Prints per-header counts and ends with "abi: N passed, N failed" (one per header).
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctypes_canon import Canon          # noqa: E402
from headers import Side, Preprocessed, Decls, shared_headers   # noqa: E402
from items import Item, collect, lookup, other_kind, fields, field_map   # noqa: E402
from probe import (CONST, UNPRINTABLE, LEVEL_NAMES, probe_lines, write_probe,   # noqa: E402
                   failing_lines, build_and_run, settle_levels)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# macro bodies compared as tokens (spacing aside) when nothing else can be printed
_C_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|\w+|\.\.\.|##|[^\s\w]')


def sides(ours_dir):
    dpdk_flags = shlex.split(subprocess.run(["pkg-config", "--cflags", "libdpdk"],
                                            capture_output=True, text=True, check=True).stdout)
    dirs, extra, i = [], [], 0
    while i < len(dpdk_flags):
        f = dpdk_flags[i]
        if f == "-include":
            i += 2
            continue
        if f.startswith("-I"):
            d = f[2:]
            if os.path.isdir(d) and any(n.startswith("rte_") for n in os.listdir(d)):
                dirs.append(d)
        else:
            extra.append(f)          # e.g. -march: the same machine for both sets
        i += 1
    common = ["-D_GNU_SOURCE"]
    dpdk = Side("dpdk", dpdk_flags + common, dirs)
    ours = Side("ours", ["-I" + ours_dir] + extra + common, [ours_dir])
    return dpdk, ours


def load_exceptions(path):
    """Lines `header kind name  # reason`; the reason is required."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            body, _, reason = line.partition("#")
            words = body.split()
            if len(words) != 3 or not reason.strip():
                raise SystemExit("%s:%d: want `header kind name  # reason`" % (path, n))
            out[(words[0], words[1] + " " + words[2])] = reason.strip()
    return out


class HeaderReport:
    def __init__(self, header):
        self.header = header
        self.counts = {}
        self.different = []      # (key, dpdk, ours)
        self.missing = []
        self.unreachable = []
        self.excepted = []
        self.stale = []

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n


def article(what):
    return ("an " if what[0] in "aeiou" else "a ") + what


class Comparison:
    """One run: reads both header sets, sorts DPDK's items into missing, not reachable and
    checked, compares the checked ones and fills a HeaderReport per header."""

    def __init__(self, headers, shipped, dpdk, ours, workdir, exceptions):
        self.headers = headers            # the headers to check
        self.common = set(shipped)        # every header both sets ship (item ownership)
        self.dpdk, self.ours = dpdk, ours
        self.workdir = workdir
        self.exceptions = exceptions
        self.used = set()                 # exceptions that matched a difference
        self.reports = {h: HeaderReport(h) for h in headers}
        self.error = None

    def run(self):
        os.makedirs(self.workdir, exist_ok=True)
        if not self.read():
            return None
        checked, kind_changed = self.sort_items()
        for it, other in kind_changed:
            self.differ(it, article("function-like macro" if it.kind == "macro" and it.macro.function_like
                                    else it.kind), article(other))
        probed = [it for it in checked if self.compare_declaration(it)]
        if not self.probe(probed):
            return None
        self.write_checked(checked)
        for (h, key) in self.exceptions:
            if h in self.reports and (h, key) not in self.used:
                self.reports[h].stale.append(key)
        return self.reports

    def fail(self, message):
        print("abi: " + message)
        return False

    # -- reading

    def read(self):
        def pp_all(side):
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
                return dict(zip(self.headers, ex.map(lambda h: Preprocessed(side, h, self.workdir), self.headers)))

        self.pp_d, self.pp_o = pp_all(self.dpdk), pp_all(self.ours)
        for name, pps in (("DPDK", self.pp_d), ("our", self.pp_o)):
            for h, p in pps.items():
                if not p.ok:
                    return self.fail("%s %s does not preprocess:\n%s" % (name, h, p.errors[:2000]))
            union = {}
            for p in pps.values():
                union.update(p.macros)
            for p in pps.values():
                p.all_macros = union
        self.dec_d = Decls(self.dpdk, self.headers, self.workdir)
        self.dec_o = Decls(self.ours, self.headers, self.workdir)
        for name, d in (("DPDK's", self.dec_d), ("our", self.dec_o)):
            if not d.ok:
                return self.fail("%s headers do not parse:\n%s" % (name, d.errors[:3000]))
        self.canon_d = Canon({n: t["type"] for n, t in self.dec_d.typedefs.items()})
        self.canon_o = Canon({n: t["type"] for n, t in self.dec_o.typedefs.items()})
        return True

    def sort_items(self):
        """DPDK's items per header: missing in ours, there under another kind, not
        reachable through our header, or checked."""
        checked, kind_changed = [], []
        for h in self.headers:
            rep = self.reports[h]
            for it in collect(h, self.pp_d[h], self.dec_d, self.common, self.dpdk):
                if it.kind == "macro" and re.search(r"_H_?$", it.name):
                    continue          # include guards
                found, visible = lookup(it, self.pp_o[h], self.dec_o)
                if not found:
                    other = other_kind(it, self.pp_o[h], self.dec_o)
                    if other is None:
                        rep.missing.append(it.key)
                    elif it.kind == "macro" and it.macro.function_like and other == "function":
                        rep.count("function-like macros")    # called the same way
                    else:
                        kind_changed.append((it, other))
                elif not visible:
                    rep.unreachable.append(it.key)
                else:
                    checked.append(it)
        return checked, kind_changed

    def differ(self, it, dpdk_val, ours_val):
        rep = self.reports[it.header]
        if (it.header, it.key) in self.exceptions:
            rep.excepted.append(it.key)
            self.used.add((it.header, it.key))
        else:
            rep.different.append((it.key, dpdk_val, ours_val))

    # -- what the ASTs and the preprocessor answer

    def compare_declaration(self, it):
        """Compares what needs no probe; True when the probe has something to print."""
        rep = self.reports[it.header]
        k, n = it.kind, it.name
        if k == "macro":
            m, om = it.macro, self.pp_o[it.header].macros[n]
            if m.function_like or om.function_like:
                rep.count("function-like macros")
                if m.function_like != om.function_like:
                    self.differ(it, "function-like" if m.function_like else "object-like",
                                "function-like" if om.function_like else "object-like")
                elif m.arity() != om.arity():
                    self.differ(it, "%s arguments" % m.arity(), "%s arguments" % om.arity())
                return False
            if not m.body.strip():
                rep.count("flag macros")
                if om.body.strip():
                    self.differ(it, "defined empty", "defined as %s" % om.body)
                return False
            return True
        if k == "enumerator":
            rep.count("enumerators")
            oe = self.dec_o.enumerators[n]["enum"]
            if oe != it.enum:
                self.differ(it, "in enum %s" % (it.enum or "(anonymous)"), "in enum %s" % (oe or "(anonymous)"))
            return True
        if k == "enum":
            rep.count("enums")
            return True
        if k in ("struct", "union") or (k == "typedef" and it.record is not None):
            return self.compare_aggregate(it)
        if k == "typedef":
            rep.count("typedefs")
            if self.dec_o.typedefs[n]["record"] is not None:
                self.differ(it, self.canon_d.of(self.dec_d.typedefs[n]["type"]), "an aggregate")
                return False
            a = self.canon_d.of(self.dec_d.typedefs[n]["type"])
            b = self.canon_o.of(self.dec_o.typedefs[n]["type"])
            if a != b:
                self.differ(it, a, b)
            return True
        if k == "function":
            rep.count("prototypes")
            a = self.function_signature(self.dec_d.functions[n], self.canon_d)
            b = self.function_signature(self.dec_o.functions[n], self.canon_o)
            if a != b:
                self.differ(it, a, b)
            return False
        if k == "variable":
            rep.count("variables")
            a = self.variable_signature(self.dec_d.variables[n], self.canon_d)
            b = self.variable_signature(self.dec_o.variables[n], self.canon_o)
            if a != b:
                self.differ(it, a, b)
        return False

    @staticmethod
    def function_signature(fn, canon):
        return ("static inline " if fn["inline"] and fn["storage"] == "static" else "") + canon.of(fn["type"])

    @staticmethod
    def variable_signature(v, canon):
        return " ".join(filter(None, [v["storage"], v["tls"] and "thread-local", canon.of(v["type"])]))

    def compare_aggregate(self, it):
        """Members by name and canonical type; their offsets and sizes are the probe's."""
        rep = self.reports[it.header]
        rep.count("aggregates")
        if it.kind == "typedef":
            orec = self.dec_o.typedefs[it.name]["record"]
        else:
            orec = self.dec_o.records.get(it.ctype)
        if orec is None:
            self.differ(it, "an aggregate", "not an aggregate")
            return False
        if not orec["complete"]:
            self.differ(it, "complete", "incomplete")
            return False
        member = lambda path: Item(it.header, it.kind, it.name + "." + path)   # noqa: E731
        ofields = field_map(orec)
        ok_fields = set()
        for path, f in fields(it.record):
            rep.count("members")
            of = ofields.get(path)
            if of is None:
                self.differ(member(path), "present", "absent")
                continue
            if f["record"] is None or of["record"] is None:   # unnamed aggregates: members walked
                ct_d, ct_o = self.canon_d.of(f["type"]), self.canon_o.of(of["type"])
                if ct_d != ct_o:
                    self.differ(member(path), ct_d, ct_o)
            if f["bitfield"] != of["bitfield"]:
                self.differ(member(path), "bit-field" if f["bitfield"] else "not a bit-field",
                            "bit-field" if of["bitfield"] else "not a bit-field")
                continue
            ok_fields.add(path)
        for path in sorted(set(ofields) - set(p for p, _ in fields(it.record))):
            self.differ(member(path), "absent", "present")
        it.ok_fields = ok_fields
        return True

    # -- what the probe prints

    def probe(self, probed):
        levels = {it.key: CONST for it in probed}
        dsrc = os.path.join(self.workdir, "probe_dpdk.c")
        osrc = os.path.join(self.workdir, "probe_ours.c")
        ok, err = settle_levels(self.dpdk, dsrc, shared_headers(self.headers), probed, levels)
        if not ok:
            return self.fail("the probe does not build against DPDK's headers:\n" + err[:3000])
        for it in probed:
            self.count_level(it, levels[it.key])
        # what compiles against DPDK's headers must compile against ours
        entries = [(it, probe_lines(it, levels[it.key])) for it in probed]
        broken = []
        for _ in range(8):
            where = write_probe(osrc, shared_headers(self.headers), entries)
            bad, err = failing_lines(self.ours, osrc)
            if not bad:
                break
            if -1 in bad:
                return self.fail("the probe does not build against our headers:\n" + err[:3000])
            dropped = {id(where[fn]) for fn in bad if fn in where}
            broken += [it for it, _ in entries if id(it) in dropped]
            entries = [(it, s) for it, s in entries if id(it) not in dropped]
        for it in broken:
            self.differ(it, "compiles in the probe (%s)" % LEVEL_NAMES[levels[it.key]],
                        "does not compile with our headers")
        write_probe(dsrc, shared_headers(self.headers), entries)
        out_d, err_d = build_and_run(self.dpdk, dsrc)
        out_o, err_o = build_and_run(self.ours, osrc)
        if out_d is None or out_o is None:
            return self.fail("the probe does not run:\n" + (err_d or err_o)[:3000])
        by_key = {it.key: it for it, _ in entries}
        for k in sorted(set(out_d) | set(out_o)):
            a, b = out_d.get(k), out_o.get(k)
            it = by_key.get(k.split(".")[0])
            if a == b or it is None:
                continue
            shown = it if k == it.key else Item(it.header, *k.split(" ", 1))
            self.differ(shown, a or "(not printed)", b or "(not printed)")
        return True

    def count_level(self, it, level):
        rep = self.reports[it.header]
        if it.kind == "macro":
            rep.count("macros: " + LEVEL_NAMES[level])
            if level == UNPRINTABLE:
                # neither expression, type nor attribute: the spelling is what there is
                a = " ".join(_C_TOKEN.findall(it.macro.body))
                b = " ".join(_C_TOKEN.findall(self.pp_o[it.header].macros[it.name].body))
                if a != b:
                    self.differ(it, "defined as " + a, "defined as " + b)
        elif it.kind == "typedef" and it.record is None and level != CONST:
            rep.count("typedefs without a size")

    def write_checked(self, checked):
        """Every item compared, one per line (members as `struct x.member`)."""
        with open(os.path.join(self.workdir, "checked.txt"), "w") as f:
            for it in checked:
                f.write("%s %s\n" % (it.header, it.key))
                if getattr(it, "record", None) is not None:
                    for path, _ in fields(it.record):
                        f.write("%s %s.%s\n" % (it.header, it.key, path))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "include"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Tests", "c", "out", "abi"))
    ap.add_argument("--headers", default="")
    ap.add_argument("--exceptions", default=os.path.join(HERE, "exceptions.txt"))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    dpdk, ours = sides(os.path.abspath(args.ours))
    shipped = sorted(h for h in os.listdir(args.ours)
                     if h.endswith(".h") and dpdk.find_header(h))
    headers = shipped
    if args.headers:
        want = set(args.headers.split(","))
        headers = [h for h in headers if h in want]
    ours_only = sorted(h for h in os.listdir(args.ours) if h.endswith(".h") and not dpdk.find_header(h))
    exceptions = load_exceptions(args.exceptions)
    reports = Comparison(headers, shipped, dpdk, ours, args.out, exceptions).run()
    if reports is None:
        print("abi: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    totals = {}
    order = ["enumerators", "enums", "macros: values", "macros: expressions", "macros: types",
             "macros: attributes", "macros: unprintable", "flag macros", "function-like macros", "aggregates",
             "members", "typedefs", "typedefs without a size", "prototypes", "variables"]
    for h in headers:
        r = reports[h]
        for k, v in r.counts.items():
            totals[k] = totals.get(k, 0) + v
        counts = ", ".join("%d %s" % (r.counts[k], k) for k in order if r.counts.get(k))
        status = "ok" if not r.different and not r.stale else "FAILED"
        print("%s: %s; %d different, %d missing, %d not reachable%s [%s]" % (
            h, counts or "nothing to check", len(r.different), len(r.missing), len(r.unreachable),
            ", %d excepted" % len(r.excepted) if r.excepted else "", status))
        for key, a, b in r.different:
            print("    different: %s\n        DPDK: %s\n        ours: %s" % (key, a, b))
        for key in r.stale:
            print("    stale exception (matches no difference): %s" % key)
        if args.verbose:
            for key in r.missing:
                print("    missing: %s" % key)
            for key in r.unreachable:
                print("    not reachable through %s: %s" % (h, key))
            for key in r.excepted:
                print("    excepted: %s (%s)" % (key, exceptions[(h, key)]))
        if status == "ok":
            passed += 1
        else:
            failed += 1
    print("abi: %d headers compared with DPDK 22.11's (%s); ours only: %s" % (
        len(headers), ", ".join("%d %s" % (totals[k], k) for k in order if totals.get(k)),
        " ".join(ours_only) or "none"))
    print("abi: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
