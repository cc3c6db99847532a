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
from headers import Side, Preprocessed, Decls, PRELUDE   # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Probe levels of an object-like macro, tried in order on DPDK's side.
# A constant is printed with its value and type; another expression with its type and size;
# a type name with its size and alignment; an attribute by what it does to a small struct.
CONST, EXPR, TYPE, ATTR, UNPRINTABLE = 0, 1, 2, 3, 4
LEVEL_NAMES = ["values", "expressions", "types", "attributes", "unprintable"]


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


class Item:
    def __init__(self, header, kind, name, **kw):
        self.header = header
        self.kind = kind
        self.name = name
        self.__dict__.update(kw)

    @property
    def key(self):
        return self.kind + " " + self.name


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


def owner(path, pp, common, side):
    """The shipped header a DPDK file belongs to: itself if we ship one of that name, else
    the nearest including file that is (generic/ and arch files fold into their header)."""
    seen = set()
    while path and side.owns_file(path) and path not in seen:
        seen.add(path)
        if os.path.basename(path) in common:
            return os.path.basename(path)
        path = pp.parent.get(path)
    return None


def collect(header, pp, decls, common, side):
    """The items DPDK's `header` owns, in a stable order."""
    items = []
    def mine(f):
        return f in pp.files and side.owns_file(f) and owner(f, pp, common, side) == header

    for name, m in sorted(pp.macros.items()):
        if mine(m.file):
            items.append(Item(header, "macro", name, macro=m))
    for name, e in sorted(decls.enumerators.items()):
        if mine(e["file"]):
            items.append(Item(header, "enumerator", name, enum=e["enum"]))
    for name, e in sorted(decls.enums.items()):
        if mine(e["file"]) and e["complete"]:
            items.append(Item(header, "enum", name))
    for key, r in sorted(decls.records.items()):
        if mine(r["file"]):
            items.append(Item(header, r["tag"], r["name"], ctype=key, record=r))
    for name, t in sorted(decls.typedefs.items()):
        if mine(t["file"]):
            if t["record"] is not None:
                if t["record"]["complete"]:
                    items.append(Item(header, "typedef", name, ctype=name, record=t["record"]))
            else:
                items.append(Item(header, "typedef", name, ctype=name, record=None))
    for name, fn in sorted(decls.functions.items()):
        if mine(fn["file"]):
            items.append(Item(header, "function", name))
    for name, v in sorted(decls.variables.items()):
        if mine(v["file"]):
            items.append(Item(header, "variable", name))
    return items


def lookup(item, pp, decls):
    """(found anywhere in this header set, visible through the header's include)."""
    k, n = item.kind, item.name
    if k == "macro":
        return (n in pp.all_macros), (n in pp.macros)
    table = {"enumerator": decls.enumerators, "enum": decls.enums,
             "function": decls.functions, "variable": decls.variables}.get(k)
    if k in ("struct", "union"):
        entry = decls.records.get(k + " " + n)
    elif k == "typedef":
        entry = decls.typedefs.get(n)
    else:
        entry = table.get(n)
    if entry is None:
        return False, False
    return True, entry["file"] in pp.files


def other_kind(item, pp, decls):
    """What our headers have under the item's name when it is not of the item's kind:
    'macro', 'function', 'enumerator', 'variable' or None."""
    n = item.name
    if item.kind != "macro" and n in pp.all_macros:
        return "macro"
    for kind, table in (("function", decls.functions), ("enumerator", decls.enumerators),
                        ("variable", decls.variables)):
        if item.kind != kind and n in table:
            return kind
    return None


def fields(record, prefix=""):
    """Member paths as C spells them: anonymous members' fields belong to the parent,
    a named member of an unnamed aggregate type is walked as `m.sub`."""
    out = []
    for f in record["fields"]:
        path = prefix + f["name"] if f["name"] else prefix.rstrip(".")
        if f["name"]:
            out.append((path, f))
        if f["record"] is not None:
            out.extend(fields(f["record"], path + "." if f["name"] else prefix))
    return out


def field_map(record):
    return dict(fields(record))


# ---------------------------------------------------------------- the probe program

PROBE_HEAD = r"""
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#define ABI_TYPE(x) _Generic((x), _Bool: "_Bool", char: "char", signed char: "signed char", \
	unsigned char: "unsigned char", short: "short", unsigned short: "unsigned short", \
	int: "int", unsigned int: "unsigned int", long: "long", unsigned long: "unsigned long", \
	long long: "long long", unsigned long long: "unsigned long long", float: "float", \
	double: "double", long double: "long double", char *: "char *", \
	const char *: "const char *", void *: "void *", const void *: "const void *", \
	default: "other")
static void abi_i(const char *k, const char *t, long long v) { printf("%s = %lld (%s)\n", k, v, t); }
static void abi_u(const char *k, const char *t, unsigned long long v) { printf("%s = %llu (%s)\n", k, v, t); }
static void abi_f(const char *k, const char *t, long double v) { printf("%s = %La (%s)\n", k, v, t); }
static void abi_s(const char *k, const char *t, const char *v) { printf("%s = \"%s\" (%s)\n", k, v, t); }
static void abi_p(const char *k, const char *t, const void *v) { printf("%s = %p (%s)\n", k, v, t); }
#define ABI_VAL(k, x) _Generic((x), float: abi_f, double: abi_f, long double: abi_f, \
	char *: abi_s, const char *: abi_s, void *: abi_p, const void *: abi_p, \
	unsigned int: abi_u, unsigned long: abi_u, unsigned long long: abi_u, \
	default: abi_i)(k, ABI_TYPE(x), (x))
static void abi_bytes(const char *k, const void *p, size_t n)
{
	const unsigned char *b = p;
	printf("%s = bits", k);
	for (size_t i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf("\n");
}
"""


def probe_lines(item, level):
    """The probe's statements for an item at a level; [] when nothing is printed."""
    k, key = item.kind, item.key
    q = '"%s"' % key
    if k == "enumerator":
        return ["ABI_VAL(%s, %s);" % (q, item.name)]
    if k == "enum":
        t = "enum " + item.name
        return ['printf("%%s = size %%zu align %%zu signed %%d\\n", %s, sizeof(%s), _Alignof(%s), (%s)-1 < 0);'
                % (q, t, t, t)]
    if k == "macro":
        n = item.name
        if level == CONST:
            return ['_Static_assert(__builtin_constant_p(%s), "constant"); ABI_VAL(%s, %s);' % (n, q, n)]
        if level == EXPR:
            return ['printf("%%s : expression of type %%s, size %%zu\\n", %s, ABI_TYPE(%s), sizeof(%s));' % (q, n, n)]
        if level == TYPE:
            return ['%s *abi_p_ = 0; (void)abi_p_; printf("%%s : type of size %%zu align %%zu\\n", %s, sizeof(%s), _Alignof(%s));'
                    % (n, q, n, n)]
        if level == ATTR:
            return ['typedef struct abi_s { char c; short s; int i; } %s abi_t; printf("%%s : attribute giving a struct size %%zu align %%zu\\n", %s, sizeof(struct abi_s), _Alignof(struct abi_s));'
                    % (n, q)]
        return []
    if k in ("struct", "union") or (k == "typedef" and item.record is not None):
        t = item.ctype
        out = ['printf("%%s = size %%zu align %%zu\\n", %s, sizeof(%s), _Alignof(%s));' % (q, t, t)]
        keep = getattr(item, "ok_fields", None)
        for path, f in fields(item.record):
            if keep is not None and path not in keep:
                continue
            fq = '"%s.%s"' % (key, path)
            if f["bitfield"]:
                out.append("{ %s v_; memset(&v_, 0, sizeof v_); v_.%s = -1; abi_bytes(%s, &v_, sizeof v_); }"
                           % (t, path, fq))
            elif f["type"].endswith("[]"):
                out.append('printf("%%s = offset %%zu (flexible)\\n", %s, offsetof(%s, %s));' % (fq, t, path))
            else:
                out.append('printf("%%s = offset %%zu size %%zu\\n", %s, offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                           % (fq, t, path, t, path))
        return out
    if k == "typedef" and level == CONST:
        t = item.name
        return ['printf("%%s = size %%zu align %%zu\\n", %s, sizeof(%s), _Alignof(%s));' % (q, t, t)]
    return []


def write_probe(path, headers, entries):
    """entries: [(item, [statements])]; one function per statement; returns its name -> item."""
    lines = [PRELUDE.rstrip("\n")] + ["#include <%s>" % h for h in headers] + PROBE_HEAD.strip("\n").split("\n")
    where = {}
    calls = []
    for n, (item, stmts) in enumerate(entries):
        for j, s in enumerate(stmts):
            fn = "p%d_%d" % (n, j)
            lines.append("static void %s(void) { %s }" % (fn, s))
            where[fn] = item
            calls.append(fn)
    lines.append("int main(void)\n{")
    lines += ["\t%s();" % c for c in calls]
    lines.append("\treturn 0;\n}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return where


def failing_lines(side, src):
    res = subprocess.run([side.cc, "-fsyntax-only", "-fmax-errors=0", "-Werror=int-conversion",
                          "-Werror=incompatible-pointer-types", "-Werror=implicit-int"] + side.cflags + [src],
                         capture_output=True, text=True)
    bad, fn = set(), None
    for line in res.stderr.splitlines():
        m = re.search(r"In function .(p\d+_\d+).:", line)
        if m:
            fn = m.group(1)
        elif "At top level:" in line:
            fn = None
        elif ": error:" in line:
            bad.add(fn if fn else -1)
    if res.returncode != 0 and not bad:
        bad.add(-1)
    return bad, res.stderr


def build_and_run(side, src):
    exe = src[:-2]
    res = subprocess.run([side.cc, "-O0", "-w"] + side.cflags + [src, "-o", exe],
                         capture_output=True, text=True)
    if res.returncode != 0:
        return None, res.stderr
    run = subprocess.run([exe], capture_output=True, text=True)
    if run.returncode != 0:
        return None, "probe exited %d" % run.returncode
    out = {}
    for line in run.stdout.splitlines():
        for sep in (" = ", " : "):
            if sep in line:
                k, v = line.split(sep, 1)
                out[k] = v
                break
    return out, ""


def settle_levels(side, path, headers, items, levels, workdir):
    """Demotes, on DPDK's side, each item whose probe line does not compile, until the
    probe compiles: its final level says what can be printed of it."""
    for _ in range(8):
        where = write_probe(path, headers, [(it, probe_lines(it, levels[it.key])) for it in items])
        bad, err = failing_lines(side, path)
        if not bad:
            return True, ""
        if -1 in bad:
            return False, err
        for fn in bad:
            it = where.get(fn)
            if it is None:
                return False, err
            levels[it.key] = min(levels[it.key] + 1, UNPRINTABLE)
    return False, "probe levels did not settle"


# ---------------------------------------------------------------- comparison

def compare(headers, shipped, dpdk, ours, workdir, exceptions, verbose):
    """headers: those to check; shipped: every header both sets have (ownership)."""
    os.makedirs(workdir, exist_ok=True)
    common = set(shipped)

    def pp_all(side):
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            return dict(zip(headers, ex.map(lambda h: Preprocessed(side, h, workdir), headers)))

    pp_d, pp_o = pp_all(dpdk), pp_all(ours)
    bad = [(s, h) for s, pps in (("dpdk", pp_d), ("ours", pp_o)) for h, p in pps.items() if not p.ok]
    if bad:
        for s, h in bad:
            print("abi: %s's %s does not preprocess:\n%s" % (s, h, (pp_d if s == "dpdk" else pp_o)[h].errors[:2000]))
        return None
    for pps in (pp_d, pp_o):
        union = {}
        for p in pps.values():
            union.update(p.macros)
        for p in pps.values():
            p.all_macros = union
    dec_d = Decls(dpdk, headers, workdir)
    dec_o = Decls(ours, headers, workdir)
    for s, d in (("dpdk", dec_d), ("ours", dec_o)):
        if not d.ok:
            print("abi: %s's headers do not parse:\n%s" % (s, d.errors[:3000]))
            return None
    canon_d = Canon({n: t["type"] for n, t in dec_d.typedefs.items()})
    canon_o = Canon({n: t["type"] for n, t in dec_o.typedefs.items()})

    reports = {h: HeaderReport(h) for h in headers}
    checked = []          # items present on both sides and visible through their header
    kind_changed = []     # (item, what ours has under its name)
    for h in headers:
        rep = reports[h]
        for it in collect(h, pp_d[h], dec_d, common, dpdk):
            found, visible = lookup(it, pp_o[h], dec_o)
            if it.kind == "macro" and re.search(r"_H_?$", it.name):
                continue          # include guards
            if not found:
                other = other_kind(it, pp_o[h], dec_o)
                if other is None:
                    rep.missing.append(it.key)
                elif it.kind == "macro" and it.macro.function_like and other == "function":
                    rep.count("function-like macros")    # called the same way
                else:
                    kind_changed.append((it, other))
                continue
            if not visible:
                rep.unreachable.append(it.key)
                continue
            checked.append(it)

    def differ(it, dpdk_val, ours_val):
        rep = reports[it.header]
        if (it.header, it.key) in exceptions:
            rep.excepted.append(it.key)
            used.add((it.header, it.key))
        else:
            rep.different.append((it.key, dpdk_val, ours_val))

    used = set()
    def a(what):
        return ("an " if what[0] in "aeiou" else "a ") + what

    for it, other in kind_changed:
        differ(it, a("function-like macro" if it.kind == "macro" and it.macro.function_like else it.kind),
               a(other))
    # what the ASTs answer
    levels = {}
    probed = []
    for it in checked:
        rep = reports[it.header]
        k, n = it.kind, it.name
        if k == "macro":
            m, om = it.macro, pp_o[it.header].macros[n]
            if m.function_like or om.function_like:
                rep.count("function-like macros")
                if m.function_like != om.function_like:
                    differ(it, "function-like" if m.function_like else "object-like",
                           "function-like" if om.function_like else "object-like")
                elif m.arity() != om.arity():
                    differ(it, "%s arguments" % m.arity(), "%s arguments" % om.arity())
                continue
            if not m.body.strip():
                rep.count("flag macros")
                if om.body.strip():
                    differ(it, "defined empty", "defined as %s" % om.body)
                continue
            levels[it.key] = CONST
            probed.append(it)
        elif k == "enumerator":
            rep.count("enumerators")
            oe = dec_o.enumerators[n]["enum"]
            if oe != it.enum:
                differ(it, "in enum %s" % (it.enum or "(anonymous)"), "in enum %s" % (oe or "(anonymous)"))
            probed.append(it)
        elif k == "enum":
            rep.count("enums")
            probed.append(it)
        elif k in ("struct", "union") or (k == "typedef" and it.record is not None):
            rep.count("aggregates")
            orec = dec_o.records.get(it.ctype) if k != "typedef" else dec_o.typedefs[n]["record"]
            if orec is None:
                differ(it, "an aggregate", "not an aggregate")
                continue
            if not orec["complete"]:
                differ(it, "complete", "incomplete")
                continue
            ofields = field_map(orec)
            ok_fields = []
            for path, f in fields(it.record):
                rep.count("members")
                of = ofields.get(path)
                if of is None:
                    differ(Item(it.header, it.kind, it.name + "." + path), "present", "absent")
                    continue
                ct_d, ct_o = canon_d.of(f["type"]), canon_o.of(of["type"])
                if f["record"] is not None and of["record"] is not None:
                    pass          # unnamed aggregate types: their members are walked
                elif ct_d != ct_o:
                    differ(Item(it.header, it.kind, it.name + "." + path), ct_d, ct_o)
                if f["bitfield"] != of["bitfield"]:
                    differ(Item(it.header, it.kind, it.name + "." + path),
                           "bit-field" if f["bitfield"] else "not a bit-field",
                           "bit-field" if of["bitfield"] else "not a bit-field")
                    continue
                ok_fields.append(path)
            extra = sorted(set(ofields) - set(p for p, _ in fields(it.record)))
            for path in extra:
                differ(Item(it.header, it.kind, it.name + "." + path), "absent", "present")
            it.ok_fields = set(ok_fields)
            probed.append(it)
        elif k == "typedef":
            rep.count("typedefs")
            if dec_o.typedefs[n]["record"] is not None:
                differ(it, canon_d.of(dec_d.typedefs[n]["type"]), "an aggregate")
                continue
            a, b = canon_d.of(dec_d.typedefs[n]["type"]), canon_o.of(dec_o.typedefs[n]["type"])
            if a != b:
                differ(it, a, b)
            levels[it.key] = CONST
            probed.append(it)
        elif k == "function":
            rep.count("prototypes")
            fd, fo = dec_d.functions[n], dec_o.functions[n]
            a = ("static inline " if fd["inline"] and fd["storage"] == "static" else "") + canon_d.of(fd["type"])
            b = ("static inline " if fo["inline"] and fo["storage"] == "static" else "") + canon_o.of(fo["type"])
            if a != b:
                differ(it, a, b)
        elif k == "variable":
            rep.count("variables")
            vd, vo = dec_d.variables[n], dec_o.variables[n]
            a = " ".join(filter(None, [vd["storage"], vd["tls"] and "thread-local", canon_d.of(vd["type"])]))
            b = " ".join(filter(None, [vo["storage"], vo["tls"] and "thread-local", canon_o.of(vo["type"])]))
            if a != b:
                differ(it, a, b)

    # what the probe prints
    for it in probed:
        levels.setdefault(it.key, CONST)
    dsrc = os.path.join(workdir, "probe_dpdk.c")
    ok, err = settle_levels(dpdk, dsrc, headers, probed, levels, workdir)
    if not ok:
        print("abi: the probe does not build against DPDK's headers:\n" + err[:3000])
        return None
    for it in probed:
        if it.kind == "macro":
            reports[it.header].count("macros: " + LEVEL_NAMES[levels[it.key]])
            if levels[it.key] == UNPRINTABLE:
                # neither expression, type nor attribute: the spelling is what there is
                a = " ".join(_C_TOKEN.findall(it.macro.body))
                b = " ".join(_C_TOKEN.findall(pp_o[it.header].macros[it.name].body))
                if a != b:
                    differ(it, "defined as " + a, "defined as " + b)
        elif it.kind == "typedef" and it.record is None and levels[it.key] != CONST:
            reports[it.header].count("typedefs without a size")
    entries_d = [(it, probe_lines(it, levels[it.key])) for it in probed]
    osrc = os.path.join(workdir, "probe_ours.c")
    entries = entries_d
    broken = []
    for _ in range(8):
        where = write_probe(osrc, headers, entries)
        badl, err = failing_lines(ours, osrc)
        if not badl:
            break
        if -1 in badl:
            print("abi: the probe does not build against our headers:\n" + err[:3000])
            return None
        dropped = {id(where[fn]) for fn in badl if fn in where}
        for it, _ in entries:
            if id(it) in dropped:
                broken.append(it)
        entries = [(it, s) for it, s in entries if id(it) not in dropped]
    write_probe(dsrc, headers, entries)
    out_d, err_d = build_and_run(dpdk, dsrc)
    out_o, err_o = build_and_run(ours, osrc)
    if out_d is None or out_o is None:
        print("abi: the probe does not run:\n" + (err_d or err_o)[:3000])
        return None
    for it in broken:
        differ(it, "compiles in the probe (%s)" % LEVEL_NAMES[levels.get(it.key, CONST)],
               "does not compile with our headers")
    by_key = {}
    for it, _ in entries:
        by_key[it.key] = it
    for k in sorted(set(out_d) | set(out_o)):
        a, b = out_d.get(k), out_o.get(k)
        if a != b:
            base = k.split(".")[0]
            it = by_key.get(base) or by_key.get(k)
            if it is None:
                continue
            differ(Item(it.header, k.split(" ", 1)[0], k.split(" ", 1)[1]) if k != it.key else it,
                   a or "(not printed)", b or "(not printed)")

    with open(os.path.join(workdir, "checked.txt"), "w") as f:
        for it in checked:
            f.write("%s %s\n" % (it.header, it.key))
            if it.record is not None if hasattr(it, "record") else False:
                for path, _ in fields(it.record):
                    f.write("%s %s.%s\n" % (it.header, it.key, path))

    for (h, key), reason in exceptions.items():
        if h in reports and (h, key) not in used:
            reports[h].stale.append(key)
    return reports


_C_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|\w+|\.\.\.|##|[^\s\w]')


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
    reports = compare(headers, shipped, dpdk, ours, args.out, exceptions, args.verbose)
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
