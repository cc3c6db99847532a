#!/usr/bin/env bash
# What a user does: make install into a prefix, build a program with
# `pkg-config --cflags --libs libswifteal`, run it with no LD_LIBRARY_PATH.
# Prints "install: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(mktemp -d /tmp/swifteal-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
ko() { failed=$((failed + 1)); echo "FAILED: $1"; }

if make -C "$root" --no-print-directory install PREFIX="$prefix" > "$prefix.log" 2>&1; then ok "make install"; else ko "make install"; tail -n 20 "$prefix.log"; fi
rm -f "$prefix.log"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
[ -f "$prefix/include/swifteal/rte_eal.h" ] && ok "headers installed" || ko "headers installed"
pkg-config --exists libswifteal && ok "pkg-config finds libswifteal" || ko "pkg-config finds libswifteal"

if cc "$root/examples-c/helloworld.c" $(pkg-config --cflags --libs libswifteal) -o "$prefix/hello" 2> "$prefix/cc.log"; then
	ok "helloworld builds through pkg-config"
	out=$(env -u LD_LIBRARY_PATH "$prefix/hello" -l 0-1 --no-huge -m 64 --no-pci --file-prefix swifteal_install 2>&1)
	n=$(echo "$out" | grep -c '^hello from core')
	[ "$n" -eq 2 ] && ok "helloworld says hello from 2 lcores" || { ko "helloworld output"; echo "$out" | tail -n 5; }
	ldd "$prefix/hello" | grep -q "libswiftCore" && ko "no Swift runtime needed at run time" || ok "no Swift runtime needed at run time"
else
	ko "helloworld builds through pkg-config"; cat "$prefix/cc.log" | head -n 10
fi
echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
