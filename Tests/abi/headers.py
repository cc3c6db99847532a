"""
What a header set declares, read from the compilers: macros (with the file that defines
each) and the include tree from `cc -E -dD`, declarations from clang's JSON AST.
"""
import json
import os
import re
import shutil
import subprocess

PRELUDE = "#define ALLOW_EXPERIMENTAL_API 1\n#define ALLOW_INTERNAL_API 1\n"

_LINEMARK = re.compile(r'^# (\d+) "([^"]*)"((?: \d)*)$')
_DEFINE = re.compile(r"^#define (\w+)(\([^)]*\))?(?: (.*))?$")
_UNDEF = re.compile(r"^#undef (\w+)")


def find_clang():
    """clang for the JSON AST: $CLANG, the one on PATH, or the Swift toolchain's."""
    if os.environ.get("CLANG"):
        return os.environ["CLANG"]
    found = shutil.which("clang")
    if found:
        return found
    swift = shutil.which("swift")
    if swift:
        beside = os.path.join(os.path.dirname(os.path.realpath(swift)), "clang")
        if os.path.exists(beside):
            return beside
    return "clang"


class Side:
    """One header set: 'dpdk' (the installed DPDK 22.11) or 'ours' (include/)."""

    def __init__(self, name, cflags, dirs, cc="cc", clang=None):
        self.name = name
        self.cflags = cflags
        self.dirs = [os.path.realpath(d) for d in dirs]
        self.cc = cc
        self.clang = clang or find_clang()

    def owns_file(self, path):
        return any(path.startswith(d + os.sep) for d in self.dirs)

    def find_header(self, base):
        for d in self.dirs:
            if os.path.isfile(os.path.join(d, base)):
                return os.path.join(d, base)
        return None


class Macro:
    def __init__(self, name, params, body, file):
        self.name = name
        self.params = params          # None for object-like, else the "(a, b)" text
        self.body = body or ""
        self.file = file

    @property
    def function_like(self):
        return self.params is not None

    def arity(self):
        inner = self.params.strip("()").strip()
        if not inner:
            return "0"
        args = [a.strip() for a in inner.split(",")]
        return "%d%s" % (len([a for a in args if a != "..."]), " + ..." if "..." in args[-1] else "")


class Preprocessed:
    """`#include <header>` run through `cc -E -dD`: the macros defined at the end (with the
    file that defined each), the files entered, and who first included each file."""

    def __init__(self, side, header, workdir):
        src = os.path.join(workdir, "pp_%s_%s.c" % (side.name, header.replace(".", "_")))
        with open(src, "w") as f:
            f.write(PRELUDE + "#include <%s>\n" % header)
        res = subprocess.run([side.cc, "-E", "-dD"] + side.cflags + [src],
                             capture_output=True, text=True)
        self.ok = res.returncode == 0
        self.errors = res.stderr
        self.macros = {}
        self.files = set()
        self.parent = {}
        cur = None
        for line in res.stdout.splitlines():
            if line.startswith("# "):
                m = _LINEMARK.match(line)
                if not m:
                    continue
                name = m.group(2)
                path = os.path.realpath(name) if not name.startswith("<") else name
                flags = m.group(3).split()
                if "1" in flags and path not in self.parent:
                    self.parent[path] = cur
                cur = path
                if not name.startswith("<"):
                    self.files.add(path)
            elif line.startswith("#define "):
                m = _DEFINE.match(line)
                if m and cur is not None and not cur.startswith("<"):
                    self.macros[m.group(1)] = Macro(m.group(1), m.group(2), m.group(3), cur)
                elif m:
                    self.macros.pop(m.group(1), None)
            elif line.startswith("#undef "):
                m = _UNDEF.match(line)
                if m:
                    self.macros.pop(m.group(1), None)


# Headers that refuse to follow the headers they include (rte_trace_point_register.h
# must come before rte_trace_point.h): each is parsed in a translation unit of its own
# and left out of the shared one and of the probe.
SOLO = ("rte_trace_point_register.h",)


def shared_headers(headers):
    """The headers one translation unit can include together."""
    return [h for h in headers if h not in SOLO]


class Decls:
    """Declarations of a translation unit that includes every given header, from clang's
    JSON AST (function bodies skipped), each with the file that declares it. A SOLO
    header gets a unit of its own, whose declarations join the others'."""

    def __init__(self, side, headers, workdir):
        self.typedefs = {}      # name -> dict(type, file, record)
        self.records = {}       # "struct x" / "union x" -> record dict (complete ones)
        self.anon_typedef_records = {}   # typedef name -> record dict
        self.enums = {}         # enum tag -> dict(file, enumerators, complete)
        self.enumerators = {}   # name -> dict(enum, file)
        self.functions = {}     # name -> dict(type, inline, storage, file)
        self.variables = {}     # name -> dict(type, storage, tls, file)
        self.ok, self.errors = True, ""
        units = [("ast_%s.c" % side.name, shared_headers(headers))]
        units += [("ast_%s_%s.c" % (side.name, h.replace(".", "_")), [h]) for h in headers if h in SOLO]
        for name, hs in units:
            if not self._parse(side, os.path.join(workdir, name), hs):
                return

    def _parse(self, side, src, headers):
        with open(src, "w") as f:
            f.write(PRELUDE + "".join("#include <%s>\n" % h for h in headers))
        res = subprocess.run([side.clang, "-fsyntax-only", "-Xclang", "-ast-dump=json",
                              "-Xclang", "-skip-function-bodies"] + side.cflags + [src],
                             capture_output=True, text=True)
        self.ok = res.returncode == 0
        self.errors = res.stderr
        if not self.ok:
            return False
        tu = json.loads(res.stdout)
        res = None
        _annotate_files(tu)
        by_id = {}
        for node in tu.get("inner", []):
            self._top(node, by_id)
        tu = None
        return True

    def _top(self, node, by_id):
        kind = node.get("kind")
        if node.get("isImplicit"):
            return
        if kind == "RecordDecl":
            self._record(node, by_id)
        elif kind == "EnumDecl":
            self._enum(node)
        elif kind == "TypedefDecl":
            rec = None
            for t in node.get("inner", []):
                owned = t.get("ownedTagDecl")
                if owned and owned.get("name") == "" and owned.get("id") in by_id:
                    rec = by_id[owned["id"]]
            self.typedefs.setdefault(node["name"], {
                "type": node["type"]["qualType"], "file": node["_file"], "record": rec})
            if rec is not None:
                self.anon_typedef_records[node["name"]] = rec
        elif kind == "FunctionDecl":
            if node["name"] not in self.functions:
                self.functions[node["name"]] = {
                    "type": node["type"]["qualType"], "file": node["_file"],
                    "inline": bool(node.get("inline")),
                    "storage": node.get("storageClass", "")}
        elif kind == "VarDecl":
            if node["name"] not in self.variables:
                t = node["type"]
                self.variables[node["name"]] = {
                    "type": t.get("desugaredQualType", t["qualType"]) if "typeof" in t["qualType"] else t["qualType"],
                    "file": node["_file"], "storage": node.get("storageClass", ""),
                    "tls": node.get("tls", "")}

    def _record(self, node, by_id):
        rec = {"tag": node.get("tagUsed", "struct"), "name": node.get("name", ""),
               "file": node["_file"], "complete": bool(node.get("completeDefinition")),
               "fields": []}
        by_id[node["id"]] = rec
        last_anon = None
        for child in node.get("inner", []):
            kind = child.get("kind")
            if kind == "RecordDecl":
                sub = self._record(child, by_id)
                if not sub["name"]:
                    last_anon = sub
            elif kind == "EnumDecl":
                self._enum(child)
            elif kind == "FieldDecl":
                qt = child["type"]["qualType"]
                inline_rec = last_anon if re.search(r"\((?:unnamed|anonymous)", qt) else None
                rec["fields"].append({
                    "name": child.get("name", ""), "type": qt,
                    "bitfield": bool(child.get("isBitfield")), "record": inline_rec})
        if rec["name"] and rec["complete"]:
            self.records.setdefault(rec["tag"] + " " + rec["name"], rec)
        return rec

    def _enum(self, node):
        names = [c["name"] for c in node.get("inner", []) if c.get("kind") == "EnumConstantDecl"]
        name = node.get("name", "")
        if name and (names or name not in self.enums):
            self.enums[name] = {"file": node["_file"], "enumerators": names,
                                "complete": bool(names)}
        for c in node.get("inner", []):
            if c.get("kind") == "EnumConstantDecl":
                self.enumerators.setdefault(c["name"], {"enum": name, "file": c["_file"]})


def _annotate_files(tu):
    """clang's JSON gives a location's file only when it changed since the last location
    it printed: walk every node in print order and store each node's file as `_file`."""
    state = [None]

    def bare(loc):
        if not loc:
            return None
        if "file" in loc:
            state[0] = os.path.realpath(loc["file"]) if not loc["file"].startswith("<") else loc["file"]
        return state[0]

    def location(loc):
        if not loc:
            return None
        if "spellingLoc" in loc or "expansionLoc" in loc:
            bare(loc.get("spellingLoc"))
            return bare(loc.get("expansionLoc"))
        return bare(loc)

    stack = [tu]
    while stack:
        node = stack.pop()
        f = location(node.get("loc"))
        rng = node.get("range")
        if rng:
            location(rng.get("begin"))
            location(rng.get("end"))
        node["_file"] = f
        inner = node.get("inner")
        if inner:
            stack.extend(reversed([c for c in inner if isinstance(c, dict)]))
