#!/usr/bin/env bash
# The C suite, the user's view of SwiftEAL. Three kinds of program:
#   test_*.c  self-checking; built against include/ and against DPDK 22.11's headers,
#             both linked to libswifteal.so; each prints "N passed, N failed".
#   diff_*.c  built against DPDK's headers, linked once to DPDK's librte_eal and once
#             to libswifteal.so; the two outputs (stdout) must be identical.
#   abi_*.c   built against include/ and against DPDK's headers; outputs must match.
#   preload_*.c  built against DPDK's headers and linked to DPDK's librte_eal, run with
#             LD_PRELOAD=libswifteal.so; self-checking like test_*.c.
# Usage: Tests/c/run.sh [name-filter]. Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=${SWIFTEAL_LIBDIR:-$root/.build/release}
out=$root/Tests/c/out
filter=${1:-}
mkdir -p "$out"
cd "$root"

passed=0
failed=0
failures=()
ours_cflags="-I$root/include"
dpdk_cflags=$(pkg-config --cflags libdpdk 2>/dev/null) || { echo "libdpdk-dev is missing (make deps)"; exit 2; }
common="-O1 -g -D_GNU_SOURCE -Wall -Wno-unused-function -I$root/Tests/c"
swifteal_libs="-L$lib -lswifteal -Wl,-rpath,$lib -lpthread"
dpdk_libs="-lrte_eal -lpthread"
timeout_s=${CTEST_TIMEOUT:-180}

fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAILED: $1"; }

# Each program runs with its own empty /run/dpdk (a private mount namespace) where the
# machine allows it: two runs of the suite at once cannot collide on a --file-prefix,
# and what DPDK leaves in its runtime dirs goes away with the namespace.
isolate=()
if [ "$(id -u)" = 0 ] && mkdir -p /run/dpdk 2> /dev/null &&
   unshare -m --propagation private sh -c 'mount -t tmpfs none /run/dpdk' 2> /dev/null; then
	isolate=(unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0700 swifteal-test /run/dpdk && exec "$@"' sh)
fi

# Runs a built self-checking program and adds its counts.
run_counted() {
	local bin=$1 label=$2 log=$out/$2.log
	timeout "$timeout_s" "${isolate[@]}" "$bin" > "$log" 2>&1
	local rc=$?
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail "$label (exit $rc, no summary line)"
		tail -n 20 "$log" | sed 's/^/    /'
		return
	fi
	local p f
	p=$(echo "$line" | awk '{print $1}')
	f=$(echo "$line" | awk '{print $3}')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		[ "$f" -eq 0 ] && fail "$label (exit $rc)"
		failures+=("$label")
		grep -E '^FAIL' "$log" | head -n 20 | sed 's/^/    /'
		tail -n 5 "$log" | sed 's/^/    /'
	fi
	echo "$label: $line"
}

# Builds; on failure counts one failed check and prints the compiler's words.
build() {
	local label=$1; shift
	if ! cc "$@" > "$out/$label.build.log" 2>&1; then
		fail "$label (build)"
		head -n 20 "$out/$label.build.log" | sed 's/^/    /'
		return 1
	fi
}

for src in Tests/c/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	for flavor in ours dpdk; do
		if [ $flavor = ours ]; then cf=$ours_cflags; else cf=$dpdk_cflags; fi
		bin=$out/$name.$flavor
		build "$name.$flavor" $common $cf "$src" -o "$bin" $swifteal_libs || continue
		run_counted "$bin" "$name.$flavor"
	done
done

for src in Tests/c/diff_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	build "$name.dpdk" $common $dpdk_cflags "$src" -o "$out/$name.dpdk" $dpdk_libs || continue
	build "$name.swifteal" $common $dpdk_cflags "$src" -o "$out/$name.swifteal" $swifteal_libs || continue
	timeout "$timeout_s" "${isolate[@]}" "$out/$name.dpdk" > "$out/$name.dpdk.out" 2> "$out/$name.dpdk.err"
	rc_d=$?
	timeout "$timeout_s" "${isolate[@]}" "$out/$name.swifteal" > "$out/$name.swifteal.out" 2> "$out/$name.swifteal.err"
	rc_s=$?
	if [ $rc_d -eq $rc_s ] && cmp -s "$out/$name.dpdk.out" "$out/$name.swifteal.out" && [ -s "$out/$name.dpdk.out" ]; then
		passed=$((passed + 1))
		echo "$name: identical ($(wc -l < "$out/$name.dpdk.out") lines, exit $rc_d)"
	else
		fail "$name (DPDK exit $rc_d, SwiftEAL exit $rc_s)"
		diff "$out/$name.dpdk.out" "$out/$name.swifteal.out" | head -n 20 | sed 's/^/    /'
	fi
done

for src in Tests/c/preload_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	build "$name" $common $dpdk_cflags "$src" -o "$out/$name" $dpdk_libs -ldl || continue
	LD_PRELOAD=$lib/libswifteal.so run_counted "$out/$name" "$name"
done

for src in Tests/c/abi_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	build "$name.ours" $common $ours_cflags "$src" -o "$out/$name.ours" || continue
	build "$name.dpdk" $common $dpdk_cflags "$src" -o "$out/$name.dpdk" || continue
	"$out/$name.ours" > "$out/$name.ours.out"
	"$out/$name.dpdk" > "$out/$name.dpdk.out"
	if cmp -s "$out/$name.ours.out" "$out/$name.dpdk.out" && [ -s "$out/$name.ours.out" ]; then
		passed=$((passed + 1))
		echo "$name: identical ($(wc -l < "$out/$name.ours.out") facts)"
	else
		fail "$name (layouts differ)"
		diff "$out/$name.dpdk.out" "$out/$name.ours.out" | head -n 30 | sed 's/^/    /'
	fi
done

# The library exports DPDK's names only, each under DPDK's version node.
if [ -z "$filter" ] || [[ exports == *$filter* ]]; then
	map=$root/Sources/SwiftEAL/swifteal.map
	bad=$(nm -D --defined-only "$lib/libswifteal.so" | awk '$2 != "A" {print $3}' | while read -r sym; do
		name=${sym%%@*}; node=${sym##*@}
		awk -v n="$name" -v v="$node" '/^[A-Z_0-9]+ \{/ {cur=$1} $1 == n";" && cur == v {found=1} END {exit !found}' "$map" || echo "$sym"
	done)
	if [ -z "$bad" ]; then
		passed=$((passed + 1))
		echo "exports: $(nm -D --defined-only "$lib/libswifteal.so" | awk '$2 != "A"' | wc -l) symbols, all DPDK 22.11 names under DPDK's version nodes"
	else
		fail "exports (not DPDK names or wrong version node)"
		echo "$bad" | head -n 20 | sed 's/^/    /'
	fi
fi

if [ ${#failures[@]} -ne 0 ]; then
	echo "C suite failures:"
	printf '  %s\n' "${failures[@]}" | sort -u
fi
echo "C suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
