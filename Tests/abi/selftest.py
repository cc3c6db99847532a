#!/usr/bin/env python3
"""
The ABI check must catch a broken header. A copy of include/ gets deliberate breaks (two
enumerators swapped, a macro's value changed, a member moved, a parameter's type changed,
a macro turned into an enumerator), one excepted change, one stale exception and one
removed declaration; abi_check.py run over the copy must report exactly the breaks, fail,
honour the exception, flag the stale one and count the removal as missing, not failed.
Prints "abi selftest: N passed, N failed".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    if old not in text:
        raise SystemExit("selftest: %s no longer holds %r; update the selftest" % (path, old))
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def edit_re(path, pattern, repl):
    with open(path) as f:
        text = f.read()
    new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    if n != 1:
        raise SystemExit("selftest: %s does not match %r; update the selftest" % (path, pattern))
    with open(path, "w") as f:
        f.write(new)


def main():
    tmp = tempfile.mkdtemp(prefix="swifteal-abi-selftest.")
    try:
        inc = os.path.join(tmp, "include")
        shutil.copytree(os.path.join(ROOT, "include"), inc)
        h = lambda name: os.path.join(inc, name)   # noqa: E731
        # 1. two enumerators swapped
        edit_re(h("rte_cpuflags.h"), r"^(\s*RTE_CPUFLAG_PCLMULQDQ,)\n(\s*RTE_CPUFLAG_DTES64,)$", r"\2\n\1")
        # 2. a macro's value changed
        edit_re(h("rte_eal.h"), r"^#define RTE_MAGIC 19820526", "#define RTE_MAGIC 19820527")
        # 3. a member moved
        edit_re(h("rte_fbarray.h"), r"^(\s*unsigned int count;[^\n]*)\n(\s*unsigned int len;[^\n]*)$", r"\2\n\1")
        # 4. a parameter's type changed (unsigned int to int: same size, another type)
        edit_re(h("rte_fbarray.h"), r"(rte_fbarray_init\(struct rte_fbarray \*arr, const char \*name, )unsigned int len",
                r"\1int len")
        # 5. a macro turned into an enumerator (same value, but #ifdef no longer sees it)
        edit_re(h("rte_eal.h"), r"^#define RTE_MP_MAX_NAME_LEN 64", "enum { RTE_MP_MAX_NAME_LEN = 64 };")
        # an excepted change, and an exception that matches nothing
        edit_re(h("rte_eal.h"), r"^#define RTE_MAX_THREAD_NAME_LEN 16", "#define RTE_MAX_THREAD_NAME_LEN 32")
        exc = os.path.join(tmp, "exceptions.txt")
        with open(exc, "w") as f:
            f.write("# selftest\n"
                    "rte_eal.h macro RTE_MAX_THREAD_NAME_LEN  # selftest: a deliberate difference\n"
                    "rte_eal.h macro RTE_MP_MAX_FD_NUM  # selftest: matches no difference\n")
        # a declaration removed: missing, which does not fail
        edit_re(h("rte_hexdump.h"), r"^void\s*\n?rte_memdump\([^;]*;", "")

        res = subprocess.run([sys.executable, os.path.join(HERE, "abi_check.py"), "--ours", inc,
                              "--out", os.path.join(tmp, "out"), "--exceptions", exc,
                              "--headers", "rte_cpuflags.h,rte_eal.h,rte_fbarray.h,rte_hexdump.h",
                              "--verbose"], capture_output=True, text=True)
        out = res.stdout
        different = set(re.findall(r"^    different: (.*)$", out, re.M))
        expected = {"enumerator RTE_CPUFLAG_PCLMULQDQ", "enumerator RTE_CPUFLAG_DTES64",
                    "macro RTE_MAGIC", "struct rte_fbarray.count", "struct rte_fbarray.len",
                    "function rte_fbarray_init", "macro RTE_MP_MAX_NAME_LEN"}
        check(res.returncode == 1, "the check fails (exit %d)" % res.returncode)
        for key in sorted(expected):
            check(key in different, "reported as different: " + key)
        check(different == expected, "nothing else reported as different (extra: %s)"
              % ", ".join(sorted(different - expected)) or "none")
        check("    excepted: macro RTE_MAX_THREAD_NAME_LEN (selftest: a deliberate difference)" in out,
              "an excepted difference is listed as excepted, not different")
        check("    stale exception (matches no difference): macro RTE_MP_MAX_FD_NUM" in out,
              "an exception that matches no difference fails")
        check(re.search(r"^rte_hexdump\.h: .*1 missing.*\[ok\]$", out, re.M) is not None
              and "    missing: function rte_memdump" in out,
              "a declaration our header lacks is missing, not failed")
        check(re.search(r"^abi: 1 passed, 3 failed$", out, re.M) is not None,
              "three broken headers fail, the intact one passes")
        if failed:
            print(out[-4000:])
            print(res.stderr[-2000:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("abi selftest: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
