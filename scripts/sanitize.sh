#!/usr/bin/env bash
# make sanitize: the Swift tests under ThreadSanitizer and under AddressSanitizer, and the
# C suite against a libswifteal.so built with AddressSanitizer. Each part builds in a
# directory of its own (.build/tsan, .build/asan-test, .build/asan), so the ordinary
# debug and release builds are left as they are.
#
#   tsan    swift test --scratch-path .build/tsan --sanitize=thread
#   asan    swift test --scratch-path .build/asan-test --sanitize=address
#   c-asan  swift build -c release --scratch-path .build/asan --sanitize=address, then
#           Tests/c/run.sh with SWIFTEAL_LIBDIR=.build/asan/release and the toolchain's
#           libclang_rt.asan-x86_64.so preloaded into the programs that load SwiftEAL
#           (the C programs are not instrumented; the library is)
#
# Usage: scripts/sanitize.sh [tsan] [asan] [c-asan] [-- C-suite-name-filter]
# (no part named: all three). A sanitizer report fails its part whatever the tests say.
# Ends with "sanitize: N passed, N failed" (the Swift tests and the C suite's results,
# plus one failure per part with reports).
set -u
cd "$(dirname "$0")/.."
parts=()
filter=
while [ $# -gt 0 ]; do
	case $1 in
	--) filter=${2:-}; shift $#; break ;;
	tsan | asan | c-asan) parts+=("$1") ;;
	*) echo "usage: $0 [tsan] [asan] [c-asan] [-- C-suite-name-filter]"; exit 2 ;;
	esac
	shift
done
[ ${#parts[@]} -eq 0 ] && parts=(tsan asan c-asan)
mkdir -p .build/sanitize
export TMPDIR=$PWD/.build/sanitize/tmp
# No Swift crash backtracer: these builds load the dynamic Swift runtime, whose
# swift-backtrace stays behind holding a crashed child's stderr (rte_panic tests) and
# leaves its parent reading the pipe until the timeout.
export SWIFT_BACKTRACE=enable=no
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT
scripts/hugepages.sh > /dev/null 2>&1 || true

# As in scripts/check.sh: as root, the Swift tests get their own /run/dpdk and hugetlbfs.
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

passed=0
failed=0
lines=()
# reports LOG...: how many sanitizer reports the files hold
reports() {
	cat "$@" 2> /dev/null | grep -cE '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer)|ThreadSanitizer: CHECK failed|AddressSanitizer: CHECK failed)'
}

swift_part() {
	local part=$1 kind=$2 scratch=$3 log=.build/sanitize/$1.log
	echo "== $part: swift test --scratch-path $scratch --sanitize=$kind"
	# no LeakSanitizer here: XCTest's and Swift Testing's own objects outlive the run (the
	# library's leaks are the C suite's part); TSan reports every race and goes on
	ASAN_OPTIONS=detect_leaks=0 TSAN_OPTIONS=halt_on_error=0 \
		"${isolate[@]}" swift test --scratch-path "$scratch" --sanitize="$kind" > "$log" 2>&1
	local st=$?
	local sline p f n
	sline=$(scripts/swift-test-summary.sh "$log" "$st" | head -n 1)
	p=$(echo "$sline" | awk '{print $3}'); f=$(echo "$sline" | awk '{print $5}')
	n=$(reports "$log")
	grep -E '^(WARNING: ThreadSanitizer|SUMMARY: |==[0-9]+==ERROR)' "$log" | sort | uniq -c | head -n 20
	[ "$n" -gt 0 ] && f=$((f + 1))
	# The test runner must export the sanitizer's allocator interceptors: the library's
	# version script once reached it (local: *), the Swift runtime's aligned_alloc went
	# to glibc and the sanitizer aborted on its free before the first test.
	if nm -D --defined-only "$scratch"/debug/SwiftEALPackageTests.xctest 2> /dev/null | grep -qwE '(aligned_alloc|strndup)$'; then
		p=$((p + 1))
	else
		echo "FAILED: $part: the test runner does not export the sanitizer's aligned_alloc/strndup"
		f=$((f + 1))
	fi
	passed=$((passed + p)); failed=$((failed + f))
	lines+=("$part: $p passed (tests, and the runner's exported interceptors), $f failed, $n sanitizer reports (log: $log)")
	echo "${lines[-1]}"
}

c_asan_part() {
	local scratch=.build/asan log=.build/sanitize/c-asan-build.log out=$PWD/Tests/c/out-asan
	local rt
	rt=$(ls "$(dirname "$(readlink -f "$(command -v swiftc)")")"/../lib/clang/*/lib/linux/libclang_rt.asan-x86_64.so 2> /dev/null | head -n 1)
	echo "== c-asan: swift build -c release --scratch-path $scratch --sanitize=address; Tests/c/run.sh ${filter:-(all)}"
	if [ -z "$rt" ]; then
		echo "no libclang_rt.asan-x86_64.so beside swiftc"
		failed=$((failed + 1)); lines+=("c-asan: no ASan runtime"); return
	fi
	if ! swift build -c release --scratch-path "$scratch" --sanitize=address > "$log" 2>&1; then
		tail -n 20 "$log"
		failed=$((failed + 1)); lines+=("c-asan: the ASan library did not build (log: $log)"); return
	fi
	rm -rf "$out"
	# detect_leaks: the library must give back what it takes (the programs' own
	# allocations are freed too, or the suite names them in Tests/c/lsan.supp)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1 \
	LSAN_OPTIONS=suppressions=$PWD/Tests/c/lsan.supp:print_suppressions=0 \
	SWIFTEAL_LIBDIR=$PWD/$scratch/release SANITIZER_RT=$rt CSUITE_OUT=$out \
		Tests/c/run.sh $filter > .build/sanitize/c-asan.log 2>&1
	grep -E '^(FAILED|C suite)' .build/sanitize/c-asan.log
	local cline p f n
	cline=$(grep -E '^C suite: [0-9]+ passed, [0-9]+ failed' .build/sanitize/c-asan.log | tail -n 1)
	p=$(echo "$cline" | awk '{print $3}'); p=${p:-0}
	f=$(echo "$cline" | awk '{print $5}'); f=${f:-1}
	n=$(reports "$out"/*.log "$out"/*.err)
	if [ "$n" -gt 0 ]; then
		grep -lE '==[0-9]+==ERROR' "$out"/*.log "$out"/*.err 2> /dev/null | sed 's/^/  reports in: /'
		grep -hE '^SUMMARY: ' "$out"/*.log "$out"/*.err 2> /dev/null | sort | uniq -c | head -n 20
		f=$((f + 1))
	fi
	passed=$((passed + p)); failed=$((failed + f))
	lines+=("c-asan: $p C suite results passed, $f failed, $n sanitizer reports (logs: Tests/c/out-asan)")
	echo "${lines[-1]}"
}

for part in "${parts[@]}"; do
	case $part in
	tsan) swift_part tsan thread .build/tsan ;;
	asan) swift_part asan address .build/asan-test ;;
	c-asan) c_asan_part ;;
	esac
done
echo "== sanitize summary"
printf '%s\n' "${lines[@]}"
echo "sanitize: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
