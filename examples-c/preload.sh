#!/usr/bin/env bash
# preload: SwiftEAL under a program built for DPDK, without rebuilding it.
#
# Builds helloworld.c against DPDK 22.11's own headers and librte_eal (pkg-config libdpdk)
# and runs the same binary three ways, asking the dynamic linker (LD_DEBUG=bindings)
# which library served the program's EAL calls:
#   1. as built: DPDK's librte_eal.so.23;
#   2. LD_PRELOAD=libswifteal.so: SwiftEAL's symbols come first, so they serve the
#      program's calls (DPDK's librte_eal is still loaded, because the binary needs it,
#      and its constructors run against SwiftEAL; it resolves to itself only the
#      functions SwiftEAL does not export);
#   3. a directory holding librte_eal.so.23 -> libswifteal.so first on LD_LIBRARY_PATH:
#      SwiftEAL stands in for librte_eal and DPDK's library is not loaded at all.
# In cases 2 and 3 SwiftEAL finds librte_eal.so.23 loaded and so, as DPDK does, loads
# DPDK's default driver directory (RTE_EAL_PMD_PATH) at rte_eal_init: DPDK's drivers and
# libraries then run on it too (case 3: theirs is the only EAL; case 2: DPDK's answers
# what SwiftEAL lacks). A DPDK-built program or driver needing an EAL function SwiftEAL
# does not export stops with "symbol lookup error" (the count is printed); check.sh
# makes this example wait until every EAL function DPDK's libraries import is there.
#
# Usage: examples-c/preload.sh [EAL options]  (default: -l 0-1 --no-huge -m 64 --no-pci)
# Finds libswifteal.so through pkg-config libswifteal (PKG_CONFIG_PATH), or $SWIFTEAL_LIB.
# Last line on success: "preload: OK"
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${EXAMPLES_OUT:-$here/out}
mkdir -p "$out"
lib=${SWIFTEAL_LIB:-$(pkg-config --variable=libdir libswifteal 2> /dev/null)/libswifteal.so}
dpdk_libdir=$(pkg-config --variable=libdir libdpdk 2> /dev/null)
dpdk_eal=$dpdk_libdir/librte_eal.so.23
[ -f "$lib" ] || { echo "preload: libswifteal.so not found (set PKG_CONFIG_PATH or SWIFTEAL_LIB)"; exit 2; }
[ -f "$dpdk_eal" ] || { echo "preload: DPDK 22.11's librte_eal.so.23 not found (libdpdk-dev)"; exit 2; }
if [ $# -gt 0 ]; then eal=("$@"); else eal=(-l 0-1 --no-huge -m 64 --no-pci); fi
prefix=""
case " ${eal[*]} " in *" --file-prefix"*) ;; *) prefix=swex_preload$$; eal+=(--file-prefix "$prefix") ;; esac
# the runtime dirs the runs leave under a prefix of our own go when the script ends
cleanup() {
	[ -n "$prefix" ] || return
	for d in /var/run/dpdk "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk" /tmp/dpdk; do
		rm -rf "${d:?}/$prefix"
	done
}
trap cleanup EXIT
failures=0
dpdk_real=$(readlink -f "$dpdk_eal")
lib_real=$(readlink -f "$lib")

bin=$out/helloworld.dpdk-linked
if ! cc -O2 $(pkg-config --cflags libdpdk) "$here/helloworld.c" -o "$bin" -lrte_eal 2> "$out/preload.build.log"; then
	echo "preload: building helloworld against DPDK failed"; cat "$out/preload.build.log"; exit 1
fi
echo "helloworld built against DPDK 22.11: needs $(readelf -d "$bin" | grep -o 'librte_eal[^]]*')"

# Runs the binary with extra environment; reports where rte_eal_init was bound, how many
# lcores said hello and whether DPDK's librte_eal was loaded at all.
run() {
	local label=$1; shift
	local log=$out/preload.$label.log
	env "$@" LD_DEBUG=bindings "$bin" "${eal[@]}" > "$log.out" 2> "$log"
	local rc=$?
	local from hellos dpdk_loaded=no f
	from=$(grep -m1 "normal symbol \`rte_eal_init'" "$log" | sed -E 's/.* to ([^ ]+) \[.*/\1/')
	hellos=$(grep -c '^hello from core' "$log.out")
	# every object the linker bound a symbol in or to; DPDK's librte_eal among them?
	for f in $(grep -oE '(file|to) /[^ ]+ \[' "$log" | awk '{print $2}' | sort -u); do
		[ "$(readlink -f "$f")" = "$dpdk_real" ] && dpdk_loaded=yes
	done
	local shown=$from
	[ -L "$from" ] && [ "$(readlink -f "$from")" = "$lib_real" ] && shown="$from -> $(readlink "$from")"
	echo "$label: rte_eal_init bound to $shown"
	echo "    $hellos lcores said hello, exit $rc; DPDK's librte_eal.so.23 loaded: $dpdk_loaded"
	echo "$rc $hellos $(readlink -f "$from") $dpdk_loaded" > "$log.result"
}

run "as built"
read -r rc n from loaded < "$out/preload.as built.log.result"
[ "$rc" = 0 ] && [ "$n" -ge 1 ] && [ "$from" = "$dpdk_real" ] || failures=$((failures + 1))

run "LD_PRELOAD" LD_PRELOAD="$lib"
read -r rc n from loaded < "$out/preload.LD_PRELOAD.log.result"
[ "$rc" = 0 ] && [ "$n" -ge 1 ] && [ "$from" = "$lib_real" ] || failures=$((failures + 1))
# DPDK's library is loaded here: the program binds nothing to it; only DPDK's library
# itself resolves its references to functions SwiftEAL does not have (yet) to itself.
n_prog=0 n_self=0
for f in $(grep -oE ' to /[^ ]+ \[' "$out/preload.LD_PRELOAD.log" | awk '{print $2}' | sort -u); do
	[ "$(readlink -f "$f")" = "$dpdk_real" ] || continue
	n_prog=$(grep -F " to $f [" "$out/preload.LD_PRELOAD.log" | grep -cF "binding file $bin ")
	n_self=$(grep -F " to $f [" "$out/preload.LD_PRELOAD.log" | grep -cF "binding file $f ")
done
echo "    symbols the program bound to DPDK's librte_eal: $n_prog" \
	"(DPDK's librte_eal bound $n_self of its own references to itself)"
[ "$n_prog" = 0 ] || failures=$((failures + 1))

shim=$out/preload-libdir
mkdir -p "$shim"
ln -sfn "$lib" "$shim/librte_eal.so.23"
run "LD_LIBRARY_PATH" LD_LIBRARY_PATH="$shim"
read -r rc n from loaded < "$out/preload.LD_LIBRARY_PATH.log.result"
[ "$rc" = 0 ] && [ "$n" -ge 1 ] && [ "$from" = "$lib_real" ] && [ "$loaded" = no ] ||
	failures=$((failures + 1))

# How much of DPDK's EAL a DPDK-built program can call through SwiftEAL today.
nm -D --defined-only "$dpdk_eal" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort -u > "$out/preload.dpdk.syms"
nm -D --defined-only "$lib" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort -u > "$out/preload.swifteal.syms"
echo "SwiftEAL exports $(comm -12 "$out/preload.dpdk.syms" "$out/preload.swifteal.syms" | wc -l) of the" \
	"$(wc -l < "$out/preload.dpdk.syms") symbols of DPDK's librte_eal; calling one of the others" \
	"stops a DPDK-built program with \"symbol lookup error\""
rm -f "$out"/preload.*.result

echo "preload: $([ $failures -eq 0 ] && echo OK || echo FAILED)"
[ $failures -eq 0 ]
