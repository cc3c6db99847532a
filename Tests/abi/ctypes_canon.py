"""
Canonical forms of C types as clang prints them (the `qualType` strings of its JSON AST).

Two header sets can spell one type differently (`uint32_t` or `unsigned int`, a typedef
for a callback or the pointer written out), so comparing the strings would report false
differences. This module parses a printed type into a small tree, expands every typedef
through the side's own typedef table, and prints the tree back in one fixed notation: two
types have the same canonical form exactly when they have the same structure.
"""
import re

QUALS = {"const", "volatile", "restrict", "__restrict", "_Nonnull", "_Nullable",
         "_Null_unspecified"}
TAGS = {"struct", "union", "enum"}

_ANON = re.compile(r"(?:\w+::)*\((?:unnamed|anonymous)(?: struct| union| enum)? at [^)]*\)")
_TOKEN = re.compile(r"\s*(?:([A-Za-z_]\w*)|(\d[\w.]*)|(\.\.\.)|(.))")


class TypeParseError(Exception):
    pass


def tokenize(text):
    """Tokens of a printed type; `__attribute__((...))` becomes one ('attr', text) token."""
    text = _ANON.sub("__anon__", text)
    out = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            break
        tok = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        i = m.end()
        if tok == "__attribute__":
            depth = 0
            j = text.index("(", i)
            k = j
            while k < len(text):
                if text[k] == "(":
                    depth += 1
                elif text[k] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            out.append(("attr", re.sub(r"\s+", " ", text[j:k + 1])))
            i = k + 1
        else:
            out.append(tok)
    return out


class Parser:
    def __init__(self, tokens):
        self.t = tokens
        self.i = 0

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else None

    def next(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, tok):
        if self.next() != tok:
            raise TypeParseError("expected %r" % tok)

    def type_name(self):
        base = self.specifiers()
        wrap = self.abstract()
        return wrap(base)

    def specifiers(self):
        quals, words, attrs = set(), [], []
        inner = None
        while True:
            tok = self.peek()
            if tok is None or tok in ("*", "(", "[", ",", ")", "]", "..."):
                break
            if isinstance(tok, tuple):
                attrs.append(tok[1])
                self.next()
            elif tok in QUALS:
                quals.add(tok.replace("__restrict", "restrict"))
                self.next()
            elif tok in TAGS:
                self.next()
                words.append(tok + " " + self.next())
            elif tok in ("typeof", "__typeof__", "__typeof", "_Atomic"):
                self.next()
                self.expect("(")
                t = self.type_name()
                self.expect(")")
                inner = ("atomic", frozenset(), t) if tok == "_Atomic" else t
            else:
                words.append(self.next())
        if inner is not None:
            if words:
                raise TypeParseError("typeof with other specifiers")
            node = inner
        elif not words:
            raise TypeParseError("no type specifier")
        else:
            node = ("b", frozenset(), " ".join(words))
        vec = [a for a in attrs if "vector_size" in a]
        if vec:
            m = re.search(r"vector_size__?\(\s*(\d+)\s*\*\s*sizeof", vec[0])
            if not m:
                m = re.search(r"vector_size__?\(\s*(\d+)\s*\)", vec[0])
            node = ("v", frozenset(), m.group(1) if m else vec[0], node)
        return add_quals(node, quals)

    def abstract(self):
        """An abstract declarator; returns a function wrapping the base type."""
        ptrs = []
        while self.peek() == "*":
            self.next()
            q = set()
            while self.peek() in QUALS or isinstance(self.peek(), tuple):
                tok = self.next()
                if not isinstance(tok, tuple):
                    q.add(tok.replace("__restrict", "restrict"))
            ptrs.append(frozenset(q))
        inner = None
        if self.peek() == "(" and self.peek(1) in ("*", "(", "[", "^"):
            self.next()
            inner = self.abstract()
            self.expect(")")
        suffixes = []
        while self.peek() in ("[", "("):
            if self.next() == "[":
                size = []
                while self.peek() != "]":
                    if self.peek() is None:
                        raise TypeParseError("unclosed [")
                    size.append(str(self.next()))
                self.next()
                suffixes.append(("a", " ".join(size)))
            else:
                params, variadic = self.params()
                attrs = []
                while isinstance(self.peek(), tuple):
                    attrs.append(self.next()[1])
                suffixes.append(("f", params, variadic, attrs))
        trailing = []
        while isinstance(self.peek(), tuple):
            trailing.append(self.next()[1])

        def wrap(t):
            for q in ptrs:
                t = ("p", q, t)
            for s in reversed(suffixes):
                if s[0] == "a":
                    t = ("a", s[1], t)
                else:
                    t = ("f", t, s[1], s[2], tuple(s[3]))
            if trailing and t[0] == "f":
                t = ("f", t[1], t[2], t[3], t[4] + tuple(trailing))
            if inner is not None:
                t = inner(t)
            return t
        return wrap

    def params(self):
        if self.peek() == ")":
            self.next()
            return None, False          # no prototype: int ()
        params, variadic = [], False
        while True:
            if self.peek() == "...":
                self.next()
                variadic = True
            else:
                params.append(self.type_name())
            tok = self.next()
            if tok == ")":
                break
            if tok != ",":
                raise TypeParseError("bad parameter list")
        if len(params) == 1 and params[0] == ("b", frozenset(), "void"):
            params = []
        return params, variadic


def add_quals(node, quals):
    if not quals:
        return node
    kind = node[0]
    if kind in ("b", "p", "v", "atomic"):
        return (kind, node[1] | frozenset(quals)) + node[2:]
    if kind == "a":
        return ("a", node[1], add_quals(node[2], quals))
    return node


def parse(text):
    p = Parser(tokenize(text))
    t = p.type_name()
    if p.peek() is not None:
        raise TypeParseError("trailing tokens in %r" % text)
    return t


class Canon:
    """Canonical type strings for one header set, given its typedef table (name -> text)."""

    def __init__(self, typedefs):
        self.typedefs = typedefs
        self.cache = {}

    def of(self, text):
        try:
            return self.show(self.expand(parse(text), 0))
        except (TypeParseError, RecursionError, KeyError, IndexError, ValueError) as e:
            return "unparsed<%s>" % text

    def expand(self, node, depth):
        if depth > 40:
            raise TypeParseError("typedef loop")
        kind = node[0]
        if kind == "b":
            name = node[2]
            if name == "bool":
                # clang prints _Bool as `bool` once <stdbool.h> defined the macro
                return ("b", node[1], "_Bool")
            if " " not in name and name in self.typedefs and name not in _BUILTIN_WORDS:
                under = self.expand(parse(self.typedefs[name]), depth + 1)
                return add_quals(under, node[1])
            return node
        if kind == "p":
            return ("p", node[1], self.expand(node[2], depth))
        if kind == "a":
            return ("a", node[1], self.expand(node[2], depth))
        if kind == "v":
            return ("v", node[1], node[2], self.expand(node[3], depth))
        if kind == "atomic":
            return ("atomic", node[1], self.expand(node[2], depth))
        if kind == "f":
            params = None
            if node[2] is not None:
                params = [adjust_param(self.expand(p, depth)) for p in node[2]]
            return ("f", self.expand(node[1], depth), params, node[3], node[4])
        raise TypeParseError("node %r" % (kind,))

    def show(self, node):
        kind = node[0]
        q = "".join(sorted(x + " " for x in node[1])) if kind in ("b", "p", "v", "atomic") else ""
        if kind == "b":
            return q + node[2]
        if kind == "p":
            return q + "ptr(" + self.show(node[2]) + ")"
        if kind == "a":
            return "array[" + node[1] + "](" + self.show(node[2]) + ")"
        if kind == "v":
            return q + "vector[" + node[2] + "](" + self.show(node[3]) + ")"
        if kind == "atomic":
            return q + "atomic(" + self.show(node[2]) + ")"
        params = "(no prototype)" if node[2] is None else \
            "(" + ", ".join(self.show(p) for p in node[2]) + (", ..." if node[3] else "") + ")"
        attrs = "".join(" " + a for a in node[4])
        return "fn" + params + " -> " + self.show(node[1]) + attrs


# words that name builtin types and are never typedef names
_BUILTIN_WORDS = {"int", "char", "short", "long", "unsigned", "signed", "void", "float",
                  "double", "_Bool", "bool", "__int128", "_Float16", "__bf16"}


def adjust_param(node):
    """A parameter's type as the function type holds it: no top-level qualifiers,
    arrays and functions decayed to pointers."""
    if node[0] == "a":
        return ("p", frozenset(), node[2])
    if node[0] == "f":
        return ("p", frozenset(), node)
    if node[0] in ("b", "p", "v", "atomic"):
        return (node[0], frozenset()) + node[2:]
    return node
