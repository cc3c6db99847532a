"""
The generated probe: one C program printing what can be printed of each item (values,
sizes, alignments, offsets, bit-field positions), built and run against each header set.
Each statement sits in a function of its own, so a compiler error names its item.
"""
import re
import subprocess

from headers import PRELUDE
from items import fields

# Probe levels of an object-like macro, tried in order on DPDK's side: a constant is
# printed with its value and type; another expression with its type and size; a type name
# with its size and alignment; an attribute by what it does to a small struct.
CONST, EXPR, TYPE, ATTR, UNPRINTABLE = 0, 1, 2, 3, 4
LEVEL_NAMES = ["values", "expressions", "types", "attributes", "unprintable"]


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


def settle_levels(side, path, headers, items, levels):
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
