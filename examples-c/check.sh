#!/usr/bin/env bash
# The C examples on SwiftEAL and on DPDK 22.11, compared. `make demo` and `make check`
# both run this; it prints one verdict line per example and ends with
# "examples: N passed, N failed, N waiting".
#
# For each example:
#  1. Gate: the EAL symbols it calls (its object, built against DPDK's headers, `nm -u`,
#     kept to the names DPDK's librte_eal defines) must all be exported by
#     libswifteal.so. If some are not, the example "waits for" their subsystem and is
#     neither run nor counted; it lights up by itself when the subsystem lands.
#  2. Build it twice with the examples' Makefile: our headers + libswifteal
#     (pkg-config libswifteal, from the install staged in .build/stage) and DPDK's
#     headers + DPDK's libraries (pkg-config libdpdk).
#  3. Run both with the same EAL options; each must exit 0 with "<name>: OK" last.
#  4. Their stdout, masked (the list below), must be identical.
# preload.sh is run once, on the DPDK-built helloworld (it checks itself).
#
# Usage: examples-c/check.sh [name-filter]
#   VERBOSE=1  prints every report; EAL_ARGS="..." replaces the EAL options.
# Reports and logs: examples-c/out/{swifteal,dpdk}/<name>.{out,err}
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
filter=${1:-}
out=$here/out
mkdir -p "$out/swifteal" "$out/dpdk" "$out/gate"
timeout_s=${EXAMPLE_TIMEOUT:-120}

# SwiftEAL as a user gets it: `make install` into a private prefix, found by pkg-config.
if ! make --no-print-directory -C "$root" stage > "$out/stage.log" 2>&1; then
	echo "examples: staging libswifteal failed"; tail -n 20 "$out/stage.log"
	echo "examples: 0 passed, 1 failed, 0 waiting"; exit 1
fi
export PKG_CONFIG_PATH=$root/.build/stage/lib/pkgconfig
ours_lib=$root/.build/stage/lib/libswifteal.so
if ! pkg-config --exists libdpdk; then
	echo "examples: DPDK 22.11 (libdpdk-dev) is missing: make deps"
	echo "examples: 0 passed, 1 failed, 0 waiting"; exit 1
fi
dpdk_eal=$(pkg-config --variable=libdir libdpdk)/librte_eal.so

# --- EAL options, the same for both libraries -------------------------------------------
# Up to 4 lcores (lcore_pipeline wants 2); hugepages when enough are free (memory_walk
# grows the heap by 64 MB over -m 64), anonymous memory otherwise; a prefix of our own.
n=$(nproc); [ "$n" -gt 4 ] && n=4
free_huge=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2> /dev/null || echo 0)
if [ "$free_huge" -ge 128 ] && grep -q ' hugetlbfs ' /proc/mounts; then mem="-m 64"; else mem="--no-huge -m 64"; fi
prefix=swex$$
eal_args=${EAL_ARGS:-"-l 0-$((n - 1)) $mem --no-pci"}
eal_args="$eal_args --file-prefix $prefix"
echo "EAL options: $eal_args"

# Each run gets a private, empty /run/dpdk (a mount namespace) where root allows it, so
# nothing a run leaves in its runtime dir reaches the next one or another user.
isolate=()
if [ "$(id -u)" = 0 ] && mkdir -p /run/dpdk 2> /dev/null &&
	unshare -m --propagation private sh -c 'mount -t tmpfs none /run/dpdk' 2> /dev/null; then
	isolate=(unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0700 swifteal-examples /run/dpdk && exec "$@"' sh)
fi
# What a run may leave behind under our prefix (runtime dir, hugepage files).
leftovers() {
	local d
	for d in /var/run/dpdk "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk" /tmp/dpdk; do
		rm -rf "${d:?}/$prefix"
	done
	awk '$3 == "hugetlbfs" {print $2}' /proc/mounts | while read -r d; do
		rm -f "$d/$prefix"*
	done
}
trap leftovers EXIT

# --- the mask list: what may legitimately differ between two runs -------------------------
# Applied to both stdouts before comparing. Keep it short; every rule says why.
mask() {
	sed -E \
		-e 's/0x[1-9a-f][0-9a-f]{5,}/0xADDR/g' `# addresses and IOVAs (not zero-padded bitmasks)` \
		-e 's/[0-9]+\.[0-9]+ (ms|us|ns|s)\b/<time> \1/g' `# timings` \
		-e 's/\b(pid|PID) [0-9]+/\1 <pid>/g' `# process ids` \
		-e 's/^(\t(Heap_size|Free_size|Alloc_size|Greatest_free_size|Alloc_count|Free_count)):[0-9]+,$/\1:N,/' \
		`# rte_malloc_dump_stats figures: they include what each EAL allocates for itself`
}
# Examples whose lines come from several lcores at once: compared as sets of lines.
unordered=" helloworld "

# --- gate: EAL symbols an example calls that libswifteal.so does not export -------------
nm -D --defined-only "$dpdk_eal" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort -u > "$out/gate/dpdk.syms"
nm -D --defined-only "$ours_lib" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort -u > "$out/gate/swifteal.syms"
missing_symbols() {
	local name=$1 obj=$out/gate/$1.o
	cc -c -O0 -DALLOW_EXPERIMENTAL_API $(pkg-config --cflags libdpdk) "$here/$name.c" -o "$obj" 2> "$out/gate/$name.log" || {
		echo "build-error"; return; }
	nm -u "$obj" | awk '{print $2}' | sort -u | comm -12 - "$out/gate/dpdk.syms" | comm -23 - "$out/gate/swifteal.syms"
}
# EAL symbols DPDK's own libraries and drivers import that libswifteal.so lacks: standing
# in for librte_eal.so.23, SwiftEAL loads DPDK's default driver directory as DPDK does,
# and a driver whose EAL symbols are not all there stops rte_eal_init ("Cannot init
# plugins"), so preload waits for them too.
dpdk_libs_missing() {
	local dir
	dir=$(pkg-config --variable=libdir libdpdk 2> /dev/null)
	[ -n "$dir" ] || return
	for f in "$dir"/librte_*.so.23; do nm -D --undefined-only "$f" 2> /dev/null; done |
		awk '{sub(/@.*/, "", $2); print $2}' | sort -u | comm -12 - "$out/gate/dpdk.syms" | comm -23 - "$out/gate/swifteal.syms"
}
# The subsystem (the issue an example waits for) of a missing symbol.
subsystem_of() {
	case $1 in
	rte_malloc* | rte_zmalloc* | rte_calloc* | rte_realloc* | rte_free) echo malloc ;;
	rte_memzone*) echo memzone ;;
	rte_mp_*) echo multi-process ;;
	rte_mem* | rte_eal_get_physmem_size | rte_dump_physmem_layout | rte_eal_iova_mode) echo memory ;;
	*) echo "$1" ;;
	esac
}

passed=0
failed=0
waiting=0
verdict() { printf '  %-15s %s\n' "$1" "$2"; }
fail() { failed=$((failed + 1)); verdict "$1" "FAILED  $2"; }

# Builds flavor ($2: swifteal|dpdk) of example $1; 0 on success.
build() {
	local pkg=libswifteal; [ "$2" = dpdk ] && pkg=libdpdk
	make --no-print-directory -C "$here" PKG=$pkg OUT="out/$2" "out/$2/$1" > "$out/$2/$1.build.log" 2>&1
}

# Runs flavor $2 of example $1; 0 when it exits 0 with "<name>: OK" as its last line.
run() {
	local bin=$out/$2/$1 rc
	timeout "$timeout_s" "${isolate[@]}" "$bin" $eal_args > "$out/$2/$1.out" 2> "$out/$2/$1.err" < /dev/null
	rc=$?
	leftovers
	echo "$rc" > "$out/$2/$1.rc"
	[ "$rc" -eq 0 ] && [ "$(tail -n 1 "$out/$2/$1.out")" = "$1: OK" ]
}

examples=$(make --no-print-directory -s -C "$here" list)
for name in $examples preload; do
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	gate_src=$name; [ "$name" = preload ] && gate_src=helloworld
	missing=$(missing_symbols "$gate_src")
	[ "$name" = preload ] && [ "$missing" != build-error ] &&
		missing=$( (echo "$missing"; dpdk_libs_missing) | grep -v '^$' | sort -u)
	if [ "$missing" = build-error ]; then
		fail "$name" "does not build against DPDK's headers"; sed 's/^/      /' "$out/gate/$gate_src.log" | head -n 10
		continue
	fi
	if [ -n "$missing" ]; then
		waiting=$((waiting + 1))
		subs=$(for s in $missing; do subsystem_of "$s"; done | awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g')
		count=$(echo "$missing" | wc -l)
		verdict "$name" "waits for $subs ($count EAL functions not in libswifteal.so yet)"
		continue
	fi
	if [ "$name" = multi_process ] && [[ " $eal_args " == *" --no-huge "* ]]; then
		waiting=$((waiting + 1))
		verdict "$name" "waits for hugepages (a secondary cannot map --no-huge memory)"
		continue
	fi

	if [ "$name" = preload ]; then
		EXAMPLES_OUT=$out SWIFTEAL_LIB=$ours_lib timeout "$timeout_s" "${isolate[@]}" \
			"$here/preload.sh" $eal_args > "$out/preload.out" 2>&1
		if [ "$(tail -n 1 "$out/preload.out")" = "preload: OK" ]; then
			passed=$((passed + 1))
			verdict "$name" "OK      a DPDK-built helloworld ran on SwiftEAL by LD_PRELOAD and as librte_eal.so.23"
		else
			fail "$name" "(examples-c/out/preload.out)"; sed 's/^/      /' "$out/preload.out" | tail -n 12
		fi
		[ -n "${VERBOSE:-}" ] && sed 's/^/      | /' "$out/preload.out"
		continue
	fi

	if ! build "$name" swifteal; then
		fail "$name" "does not build against SwiftEAL"; sed 's/^/      /' "$out/swifteal/$name.build.log" | head -n 12; continue
	fi
	if ! build "$name" dpdk; then
		fail "$name" "does not build against DPDK"; sed 's/^/      /' "$out/dpdk/$name.build.log" | head -n 12; continue
	fi
	run "$name" swifteal; ok_s=$?
	run "$name" dpdk; ok_d=$?
	mask < "$out/swifteal/$name.out" > "$out/swifteal/$name.masked"
	mask < "$out/dpdk/$name.out" > "$out/dpdk/$name.masked"
	if [[ "$unordered" == *" $name "* ]]; then
		sort -o "$out/swifteal/$name.masked" "$out/swifteal/$name.masked"
		sort -o "$out/dpdk/$name.masked" "$out/dpdk/$name.masked"
	fi
	same=1; cmp -s "$out/swifteal/$name.masked" "$out/dpdk/$name.masked" || same=0
	if [ $ok_s -eq 0 ] && [ $ok_d -eq 0 ] && [ $same -eq 1 ]; then
		passed=$((passed + 1))
		verdict "$name" "OK      on SwiftEAL, and the same report as DPDK 22.11 ($(wc -l < "$out/dpdk/$name.out") lines)"
	else
		why=""
		[ $ok_s -ne 0 ] && why+="SwiftEAL run failed (exit $(cat "$out/swifteal/$name.rc")); "
		[ $ok_d -ne 0 ] && why+="DPDK run failed (exit $(cat "$out/dpdk/$name.rc")); "
		[ $same -eq 0 ] && why+="reports differ (< DPDK, > SwiftEAL, masked)"
		fail "$name" "$why"
		[ $same -eq 0 ] && diff "$out/dpdk/$name.masked" "$out/swifteal/$name.masked" | head -n 16 | sed 's/^/      /'
		[ $ok_s -ne 0 ] && tail -n 4 "$out/swifteal/$name.err" | sed 's/^/      swifteal stderr: /'
		[ $ok_d -ne 0 ] && tail -n 4 "$out/dpdk/$name.err" | sed 's/^/      dpdk stderr: /'
	fi
	[ -n "${VERBOSE:-}" ] && sed 's/^/      | /' "$out/swifteal/$name.out"
done
echo "reports: examples-c/out/swifteal/<name>.out (DPDK's: out/dpdk/)"
echo "examples: $passed passed, $failed failed, $waiting waiting"
[ "$failed" -eq 0 ]
