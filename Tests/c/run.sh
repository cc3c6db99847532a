#!/usr/bin/env bash
# The C suite, the user's view of SwiftEAL. Its parts, and what each counts:
#   test_*.c  self-checking; built against include/ and against DPDK 22.11's headers,
#             both linked to libswifteal.so; each prints "N passed, N failed" and the
#             suite adds up those checks. A program that ran no check is one failure.
#   diff_*.c  built against DPDK's headers, linked once to DPDK's librte_eal and once
#             to libswifteal.so; the two outputs (stdout) and exit codes must be
#             identical, except the lines Tests/c/<name>.known documents (each with its
#             reason; an entry no difference needs fails): one result per program.
#   preload_*.c  built against DPDK's headers and linked to DPDK's librte_eal (and the
#             DPDK libraries preload_NAME.libs names), run with LD_PRELOAD=libswifteal.so;
#             self-checking, counted with test_*.c's checks.
#   abi_*.c   built against include/ and against DPDK's headers; outputs must match:
#             one result per program.
#   Tests/abi the generated ABI comparison: one result per header both sets ship (what
#             each lacks yet: Tests/c/out/abi_check.log), then
#             the checks of its self-test (a deliberately broken header copy).
#   exports   the library's dynamic symbols against DPDK's (Tests/abi/exports_check.py):
#             one check per export.
# A program NAME.c is built together with parts/NAME.c when that exists: a second
# translation unit, for what must be compiled apart (trace point registration).
# Usage: Tests/c/run.sh [name-filter]. Ends with "C suite: N passed, N failed".
# CSUITE_DIR (default Tests/c) and CSUITE_OUT run the same machinery on other programs.
# SWIFTEAL_LIBDIR picks the library (default .build/release); SANITIZER_RT, a sanitizer
# runtime (libclang_rt.asan-x86_64.so) preloaded into the programs that load SwiftEAL
# only (not DPDK's runs), for a library built with -sanitize=address (make sanitize).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=${SWIFTEAL_LIBDIR:-$root/.build/release}
src_dir=${CSUITE_DIR:-$root/Tests/c}
out=${CSUITE_OUT:-$root/Tests/c/out}
filter=${1:-}
mkdir -p "$out"
cd "$root"

failures=()
declare -A part_passed=() part_failed=()
parts=(test diff abi abi_check abi_selftest exports)
declare -A unit=([test]="checks" [diff]="programs" [abi]="programs" [abi_check]="headers"
	[abi_selftest]="checks" [exports]="checks")
for p in "${parts[@]}"; do part_passed[$p]=0; part_failed[$p]=0; done
ours_cflags="-I$root/include"
dpdk_cflags=$(pkg-config --cflags libdpdk 2>/dev/null) || { echo "libdpdk-dev is missing (make deps)"; exit 2; }
common="-O1 -g -D_GNU_SOURCE -Wall -Wno-unused-function -I$root/Tests/c -I$src_dir -I$root/Sources/CEALShared/include"
swifteal_libs="-L$lib -lswifteal -Wl,-rpath,$lib -lpthread"
dpdk_libs="-lrte_eal -lpthread"
timeout_s=${CTEST_TIMEOUT:-180}
sanitizer_rt=${SANITIZER_RT:-}
# how a program that loads SwiftEAL is started: with the sanitizer runtime first, if any
swifteal_run=(env)
if [ -n "$sanitizer_rt" ]; then
	swifteal_run=(env "LD_PRELOAD=$sanitizer_rt")
	# the instrumented library calls into the runtime: the programs link it too
	swifteal_libs="$swifteal_libs $sanitizer_rt -Wl,-rpath,$(dirname "$sanitizer_rt")"
fi
# under a sanitizer, the programs Tests/c/sanitize.known leaves out or does not count
declare -A san_mode=() san_why=()
if [ -n "$sanitizer_rt" ] && [ -e "$root/Tests/c/sanitize.known" ]; then
	while read -r n m why; do
		[[ -z "$n" || "$n" == \#* ]] && continue
		san_mode[$n]=$m; san_why[$n]=$why
	done < "$root/Tests/c/sanitize.known"
fi

add() { part_passed[$1]=$((part_passed[$1] + $2)); part_failed[$1]=$((part_failed[$1] + $3)); }
# fail PART LABEL: one failed result in PART
fail() { add "$1" 0 1; failures+=("$2"); echo "FAILED: $2"; }

# Each program runs in a private mount namespace where root allows it, with its own empty
# /run/dpdk and its own hugetlbfs instance on /dev/hugepages (same page pool, its own
# files): two runs of the suite at once cannot collide on a --file-prefix, and what
# either library leaves in its runtime dirs or as rtemap_* files goes with the namespace.
isolate=()
if [ "$(id -u)" = 0 ] && mkdir -p /run/dpdk 2> /dev/null &&
   unshare -m --propagation private sh -c 'mount -t tmpfs none /run/dpdk' 2> /dev/null; then
	ns='mount -t tmpfs -o mode=0700 swifteal-test /run/dpdk'
	if [ -d /dev/hugepages ] && unshare -m --propagation private sh -c \
		'mount -t hugetlbfs nodev /dev/hugepages' 2> /dev/null; then
		ns="$ns && mount -t hugetlbfs -o mode=1770 swifteal-test /dev/hugepages"
	fi
	isolate=(unshare -m --propagation private sh -c "$ns"' && exec "$@"' sh)
fi

# Runs a built self-checking program and adds its counts.
run_counted() {
	local bin=$1 label=$2 log=$out/$2.log t=$timeout_s
	# a program that needs longer says so in NAME.timeout (seconds)
	[ -e "$src_dir/${label%.*}.timeout" ] && [ -z "${CTEST_TIMEOUT:-}" ] && t=$(cat "$src_dir/${label%.*}.timeout")
	timeout "$t" "${isolate[@]}" "${swifteal_run[@]}" "$bin" > "$log" 2>&1
	local rc=$?
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ] && [ "${san_mode[${label%.*}]:-}" = known ]; then
		echo "$label: exit $rc, no summary line (not counted under the sanitizer: ${san_why[${label%.*}]})"
		return
	fi
	if [ -z "$line" ]; then
		fail test "$label (exit $rc, no summary line)"
		tail -n 20 "$log" | sed 's/^/    /'
		return
	fi
	local p f
	p=$(echo "$line" | awk '{print $1}')
	f=$(echo "$line" | awk '{print $3}')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		fail test "$label (ran no checks)"
		return
	fi
	if [ "${san_mode[${label%.*}]:-}" = known ] && { [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; }; then
		add test "$p" 0
		echo "$label: $line, exit $rc (not counted under the sanitizer: ${san_why[${label%.*}]})"
		return
	fi
	add test "$p" "$f"
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		[ "$f" -eq 0 ] && fail test "$label (exit $rc)"
		failures+=("$label")
		grep -E '^FAIL' "$log" | head -n 20 | sed 's/^/    /'
		tail -n 5 "$log" | sed 's/^/    /'
	fi
	echo "$label: $line"
}

# build PART LABEL cc-args: on failure one failed result and the compiler's words.
build() {
	local part=$1 label=$2; shift 2
	if ! cc "$@" > "$out/$label.build.log" 2>&1; then
		fail "$part" "$label (build)"
		head -n 20 "$out/$label.build.log" | sed 's/^/    /'
		return 1
	fi
}

# parts/NAME.c, the second translation unit of NAME.c, when there is one
part_of() { [ -e "$src_dir/parts/$1.c" ] && echo "$src_dir/parts/$1.c"; }

for src in "$src_dir"/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	if [ "${san_mode[$name]:-}" = skip ]; then
		echo "$name: not run under the sanitizer: ${san_why[$name]}"
		continue
	fi
	for flavor in ours dpdk; do
		if [ $flavor = ours ]; then cf=$ours_cflags; else cf=$dpdk_cflags; fi
		bin=$out/$name.$flavor
		build test "$name.$flavor" $common $cf "$src" $(part_of "$name") -o "$bin" $swifteal_libs || continue
		run_counted "$bin" "$name.$flavor"
	done
done

for src in "$src_dir"/diff_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	build diff "$name.dpdk" $common $dpdk_cflags "$src" $(part_of "$name") -o "$out/$name.dpdk" $dpdk_libs || continue
	build diff "$name.swifteal" $common $dpdk_cflags "$src" $(part_of "$name") -o "$out/$name.swifteal" $swifteal_libs || continue
	timeout "$timeout_s" "${isolate[@]}" "$out/$name.dpdk" > "$out/$name.dpdk.out" 2> "$out/$name.dpdk.err"
	rc_d=$?
	timeout "$timeout_s" "${isolate[@]}" "${swifteal_run[@]}" "$out/$name.swifteal" > "$out/$name.swifteal.out" 2> "$out/$name.swifteal.err"
	rc_s=$?
	known=${src%.c}.known
	if [ "${san_mode[$name]:-}" = known ] && ! cmp -s "$out/$name.dpdk.out" "$out/$name.swifteal.out"; then
		echo "$name: outputs differ, exit $rc_d/$rc_s (not counted under the sanitizer: ${san_why[$name]})"
	elif [ $rc_d -ne $rc_s ] || [ ! -s "$out/$name.dpdk.out" ]; then
		fail diff "$name (DPDK exit $rc_d, SwiftEAL exit $rc_s)"
		diff "$out/$name.dpdk.out" "$out/$name.swifteal.out" | head -n 20 | sed 's/^/    /'
	elif cmp -s "$out/$name.dpdk.out" "$out/$name.swifteal.out" && [ ! -e "$known" ]; then
		add diff 1 0
		echo "$name: identical ($(wc -l < "$out/$name.dpdk.out") lines, exit $rc_d)"
	elif [ -e "$known" ] && verdict=$(python3 "$root/Tests/c/known_diff.py" "$known" \
		"$out/$name.dpdk.out" "$out/$name.swifteal.out" 2>&1); then
		add diff 1 0
		echo "$name: $(wc -l < "$out/$name.dpdk.out") lines, exit $rc_d: $verdict"
	else
		fail diff "$name (outputs differ)"
		if [ -e "$known" ]; then
			echo "$verdict" | head -n 30 | sed 's/^/    /'
		else
			diff "$out/$name.dpdk.out" "$out/$name.swifteal.out" | head -n 20 | sed 's/^/    /'
		fi
	fi
done

for src in "$src_dir"/preload_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	# NAME.libs: DPDK libraries the program links besides librte_eal (one line)
	extra=()
	[ -e "${src%.c}.libs" ] && read -r -a extra < "${src%.c}.libs"
	build test "$name" $common $dpdk_cflags "$src" -o "$out/$name" "${extra[@]}" $dpdk_libs -ldl || continue
	saved_run=("${swifteal_run[@]}")
	swifteal_run=(env "LD_PRELOAD=${sanitizer_rt:+$sanitizer_rt }$lib/libswifteal.so")
	run_counted "$out/$name" "$name"
	swifteal_run=("${saved_run[@]}")
done

for src in "$src_dir"/abi_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	build abi "$name.ours" $common $ours_cflags "$src" -o "$out/$name.ours" || continue
	build abi "$name.dpdk" $common $dpdk_cflags "$src" -o "$out/$name.dpdk" || continue
	"$out/$name.ours" > "$out/$name.ours.out"
	"$out/$name.dpdk" > "$out/$name.dpdk.out"
	if cmp -s "$out/$name.ours.out" "$out/$name.dpdk.out" && [ -s "$out/$name.ours.out" ]; then
		add abi 1 0
		echo "$name: identical ($(wc -l < "$out/$name.ours.out") facts)"
	else
		fail abi "$name (outputs differ)"
		diff "$out/$name.dpdk.out" "$out/$name.ours.out" | head -n 30 | sed 's/^/    /'
	fi
done

# The generated ABI comparison (Tests/abi): every header both sets ship, item by item, one
# result per header; then the generator's own test, a deliberately broken header copy.
if [ -z "${CSUITE_DIR:-}" ] && { [ -z "$filter" ] || [[ abi_check == *$filter* ]]; }; then
	for part in abi_check abi_selftest; do
		if [ $part = abi_check ]; then
			cmd=(python3 "$root/Tests/abi/abi_check.py" --out "$out/abi" --verbose)
		else
			cmd=(python3 "$root/Tests/abi/selftest.py")
		fi
		"${cmd[@]}" > "$out/$part.log" 2>&1
		rc=$?
		grep -E '^(rte_[a-z0-9_]+\.h: |abi: [0-9]+ headers|    different|        (DPDK|ours):|    stale|FAIL)' \
			"$out/$part.log" | sed "s/^/$part: /"
		line=$(grep -E '^abi( selftest)?: [0-9]+ passed, [0-9]+ failed' "$out/$part.log" | tail -n 1)
		if [ -z "$line" ]; then
			fail $part "$part (exit $rc, no summary line)"
			tail -n 20 "$out/$part.log" | sed 's/^/    /'
			continue
		fi
		p=$(echo "$line" | awk '{print $(NF-3)}'); f=$(echo "$line" | awk '{print $(NF-1)}')
		add $part "$p" "$f"
		if [ "$f" -ne 0 ] || [ $rc -ne 0 ]; then
			[ "$f" -eq 0 ] && fail $part "$part (exit $rc)"
			failures+=("$part")
		fi
		echo "$line"
	done
fi

# The library's exports against DPDK 22.11's (Tests/abi/exports_check.py): each export
# with DPDK's name, version node, kind and object size is one check; DPDK exports missing
# outside the subsystems Tests/abi/exports_pending.txt names fail.
# (Not for a sanitized library: ASan pads every exported object with a redzone.)
if [ -z "${CSUITE_DIR:-}" ] && [ -z "$sanitizer_rt" ] && { [ -z "$filter" ] || [[ exports == *$filter* ]]; }; then
	python3 "$root/Tests/abi/exports_check.py" "$lib/libswifteal.so" > "$out/exports.log" 2>&1
	rc=$?
	grep -E '^(FAIL|missing|exports: [0-9]+ of)' "$out/exports.log" | head -n 20
	line=$(grep -E '^exports: [0-9]+ passed, [0-9]+ failed' "$out/exports.log" | tail -n 1)
	if [ -z "$line" ]; then
		fail exports "exports (exit $rc, no summary line)"
		tail -n 10 "$out/exports.log" | sed 's/^/    /'
	else
		p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
		add exports "$p" "$f"
		[ "$f" -ne 0 ] && failures+=("exports")
		echo "$line"
	fi
fi

if [ ${#failures[@]} -ne 0 ]; then
	echo "C suite failures:"
	printf '  %s\n' "${failures[@]}" | sort -u
fi
passed=0
failed=0
summary=()
for p in "${parts[@]}"; do
	passed=$((passed + part_passed[$p])); failed=$((failed + part_failed[$p]))
	[ $((part_passed[$p] + part_failed[$p])) -eq 0 ] && continue
	summary+=("$p: ${part_passed[$p]} ${unit[$p]} passed, ${part_failed[$p]} failed")
done
echo "C suite parts: $(IFS=';'; echo "${summary[*]}" | sed 's/;/; /g')"
echo "C suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
