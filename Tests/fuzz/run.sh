#!/usr/bin/env bash
# The fuzz targets (Tests/fuzz/<name>/, libFuzzer with AddressSanitizer and its leak
# checker), built over the library's own objects (Package.swift, SWIFTEAL_FUZZ=1):
#   options   rte_eal_init's command line through its parser, no init
#   parsers   the lcore list/mask/map, service core, size, log level, socket list, UUID,
#             strsplit and devargs parsers
#   fbarray   rte_fbarray call sequences against a model
#   malloc    rte_malloc/rte_memzone call sequences on an initialised EAL (--no-huge)
#   mp        rte_mp datagram decoding (MPChannel.handle)
# Each target fuzzes from its seed corpus (Tests/fuzz/<name>/corpus, read only) into
# .build/fuzz/corpus/<name>, which later runs start from; a crash, a hang (10 s), a
# leak or a broken invariant stops it and leaves the input in .build/fuzz/artifacts.
#
# Usage: Tests/fuzz/run.sh [--smoke] [name-filter]
#   FUZZ_TIME=s   seconds per target (default 36: three minutes for the five)
#   FUZZ_RUNS=n   executions per target instead (e.g. 1000000)
#   FUZZ_BUILD=debug|release (default release: five times the executions per second;
#                 the first build takes several minutes)
#   --smoke       each target runs its seed corpus once, no fuzzing (make check)
# Ends with "fuzz: N passed, N failed" (one per target) after each target's final
# libFuzzer line. Replay one input: .build/fuzz/<config>/fuzz_<name> <file>.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
filter=${1:-}
config=${FUZZ_BUILD:-release}
[ $smoke = 1 ] && config=${FUZZ_BUILD:-debug}
scratch=.build/fuzz/$config
work=.build/fuzz
targets=(options parsers fbarray malloc mp)
mkdir -p "$work/logs"

# As root, each target runs in a private mount namespace with its own /run/dpdk (as the C
# suite's programs do): what the malloc target's EAL leaves there, even after a crash,
# goes with the namespace.
isolate=()
if [ "$(id -u)" = 0 ] && mkdir -p /run/dpdk 2> /dev/null &&
   unshare -m --propagation private sh -c 'mount -t tmpfs none /run/dpdk' 2> /dev/null; then
	isolate=(unshare -m --propagation private sh -c 'mount -t tmpfs -o mode=0700 swifteal-fuzz /run/dpdk && exec "$@"' sh)
fi

build_flags=(--scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address)
# the fuzz executables reach internal entry points: release needs testability too
[ "$config" = release ] && build_flags+=(-c release -Xswiftc -enable-testing)

passed=0
failed=0
for t in "${targets[@]}"; do
	[ -n "$filter" ] && [[ "$t" != *$filter* ]] && continue
	if ! SWIFTEAL_FUZZ=1 nice swift build "${build_flags[@]}" --product "fuzz_$t" > "$work/logs/build_$t.log" 2>&1; then
		echo "fuzz_$t: build failed"
		grep -E "error:" "$work/logs/build_$t.log" | head -n 10
		failed=$((failed + 1))
		continue
	fi
	bin=$scratch/$config/fuzz_$t
	log=$work/logs/$t.log
	seeds=Tests/fuzz/$t/corpus
	# Swift's backtracer would answer the crash signals before libFuzzer does; stderr is
	# closed for the targets (glibc getopt and the EAL's messages), not for libFuzzer
	export SWIFT_BACKTRACE=enable=no
	if [ $smoke = 1 ]; then
		nice "${isolate[@]}" "$bin" -close_fd_mask=2 "$seeds"/* > "$log" 2>&1
		rc=$?
		n=$(ls "$seeds" | wc -l)
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1)); echo "fuzz_$t: $n seed inputs ran clean"
		else
			failed=$((failed + 1)); echo "fuzz_$t: FAILED on its seeds (exit $rc, $log)"
			grep -E "FUZZ CHECK|ERROR|SUMMARY|Fatal error|Running:" "$log" | tail -n 5 | sed 's/^/    /'
		fi
		continue
	fi
	corpus=$work/corpus/$t
	artifacts=$work/artifacts/$t
	mkdir -p "$corpus" "$artifacts"
	if [ -n "${FUZZ_RUNS:-}" ]; then limit=(-runs="$FUZZ_RUNS"); else limit=(-max_total_time="${FUZZ_TIME:-36}"); fi
	nice "${isolate[@]}" "$bin" "${limit[@]}" -timeout=10 -close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" "$seeds" > "$log" 2>&1
	rc=$?
	final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
	if [ $rc -eq 0 ] && [ -n "$final" ]; then
		passed=$((passed + 1))
		echo "fuzz_$t: ${runs:-?} runs, no crash, hang or leak"
		echo "    $final"
		grep -E '^stat::' "$log" | sed 's/^/    /'
	else
		failed=$((failed + 1))
		echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs: see $log; the input is in $artifacts"
		grep -E "FUZZ CHECK|ERROR|SUMMARY|Fatal error|Test unit written" "$log" | tail -n 6 | sed 's/^/    /'
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
