"""
The items a header owns, as the comparison sees them: each enumerator, macro, enum,
aggregate, typedef, function and variable DPDK's header declares itself (or through a
DPDK-internal file only it brings in), and how to find the same name in our headers.
"""
import os


class Item:
    def __init__(self, header, kind, name, **kw):
        self.header = header
        self.kind = kind
        self.name = name
        self.__dict__.update(kw)

    @property
    def key(self):
        return self.kind + " " + self.name


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
