#!/usr/bin/env bash
# make check: Swift Testing suites, the release library, the C suite, the install test and
# the harness's own test; one summary line per part saying what it counts, then the
# closing "N passed, N failed" (the sum of the parts).
set -u
cd "$(dirname "$0")/.."
log=.build/check-swift-test.log
mkdir -p .build
# The Swift driver leaves a /tmp/TemporaryDirectory.* behind on every invocation (swiftc
# -print-target-info); its temporary files go to a directory of this run, removed at exit.
export TMPDIR=$PWD/.build/check-tmp
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT
# hugepages and a hugetlbfs mount, as root (the memory tests need them; DPDK does too)
scripts/hugepages.sh || true

# As root, the Swift tests run in a private mount namespace with their own /run/dpdk and
# hugetlbfs instance, as each C program does (Tests/c/run.sh): runs from other worktrees
# cannot collide with them on a prefix, and nothing they leave there outlives the run.
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

echo "== swift test"
"${isolate[@]}" swift test 2>&1 | tee "$log" |
	grep -E '^(✔|✘|􁁛|􀢄|➜)? ?(Suite|Test run)|FAIL|error:|✘|skipped' | grep -v '^✔ Test "' | tail -n 60
st=${PIPESTATUS[0]}
sline=$(scripts/swift-test-summary.sh "$log" "$st")
echo "$sline"
sline=$(echo "$sline" | head -n 1)
spassed=$(echo "$sline" | awk '{print $3}')
sfailed=$(echo "$sline" | awk '{print $5}')

echo "== release library"
if ! make --no-print-directory build > .build/check-build.log 2>&1; then
	tail -n 30 .build/check-build.log
	echo "$spassed passed, $((sfailed + 1)) failed"
	exit 1
fi

echo "== C suite"
Tests/c/run.sh | tee .build/check-c.log
cparts=$(grep -E '^C suite parts: ' .build/check-c.log | tail -n 1)
cline=$(grep -E '^C suite: [0-9]+ passed, [0-9]+ failed' .build/check-c.log | tail -n 1)
cpassed=$(echo "$cline" | awk '{print $3}'); cpassed=${cpassed:-0}
cfailed=$(echo "$cline" | awk '{print $5}'); cfailed=${cfailed:-1}

echo "== install"
Tests/install/run.sh | tee .build/check-install.log
iline=$(grep -E '^install: [0-9]+ passed, [0-9]+ failed' .build/check-install.log | tail -n 1)
ipassed=$(echo "$iline" | awk '{print $2}'); ipassed=${ipassed:-0}
ifailed=$(echo "$iline" | awk '{print $4}'); ifailed=${ifailed:-1}

echo "== compat"
# SwiftEAL standing in for librte_eal.so.23 under Debian's dpdk-test and dpdk-testpmd
# (in the same kind of namespace: DPDK's drivers and the autotests leave runtime files)
"${isolate[@]}" Tests/compat/run.sh | tee .build/check-compat.log
kline=$(grep -E '^compat: [0-9]+ passed, [0-9]+ failed' .build/check-compat.log | tail -n 1)
kpassed=$(echo "$kline" | awk '{print $2}'); kpassed=${kpassed:-0}
kfailed=$(echo "$kline" | awk '{print $4}'); kfailed=${kfailed:-1}

echo "== examples"
# in the same kind of namespace as the Swift tests: the DPDK-built examples run on
# hugepages, and DPDK leaves its rtemap_* files behind
"${isolate[@]}" examples-c/check.sh | tee .build/check-examples.log
eline=$(grep -E '^examples: [0-9]+ passed, [0-9]+ failed' .build/check-examples.log | tail -n 1)
epassed=$(echo "$eline" | awk '{print $2}'); epassed=${epassed:-0}
efailed=$(echo "$eline" | awk '{print $4}' | tr -d ,); efailed=${efailed:-1}
ewaiting=$(echo "$eline" | awk '{print $6}'); ewaiting=${ewaiting:-0}

echo "== harness"
Tests/harness/run.sh | tee .build/check-harness.log
hline=$(grep -E '^harness: [0-9]+ passed, [0-9]+ failed' .build/check-harness.log | tail -n 1)
hpassed=$(echo "$hline" | awk '{print $2}'); hpassed=${hpassed:-0}
hfailed=$(echo "$hline" | awk '{print $4}'); hfailed=${hfailed:-1}

echo "== fuzz smoke"
# each libFuzzer target (Tests/fuzz) over its seed corpus once, no fuzzing: the targets
# build and their invariants hold (`make fuzz` fuzzes; a debug build of its own)
Tests/fuzz/run.sh --smoke | tee .build/check-fuzz.log
zline=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' .build/check-fuzz.log | tail -n 1)
zpassed=$(echo "$zline" | awk '{print $2}'); zpassed=${zpassed:-0}
zfailed=$(echo "$zline" | awk '{print $4}'); zfailed=${zfailed:-1}

echo "== summary"
echo "$sline (a test is one @Test function; a skipped one is neither passed nor failed)"
echo "${cparts:-C suite parts: none} (test_*: the checks inside the programs; diff_*, abi_*: one per program; abi_check: one per header; abi_selftest, exports: checks)"
echo "install: $ipassed checks passed, $ifailed failed"
echo "examples: $epassed programs passed, $efailed failed, $ewaiting waiting (a waiting example needs symbols not exported yet: neither run nor counted)"
echo "compat: $kpassed checks passed, $kfailed failed (dpdk-test autotests, LD_PRELOAD, testpmd on SwiftEAL as librte_eal.so.23)"
echo "harness: $hpassed checks passed, $hfailed failed"
echo "fuzz smoke: $zpassed targets passed, $zfailed failed (each fuzz target over its seed corpus)"
p=$((spassed + cpassed + ipassed + kpassed + epassed + hpassed + zpassed))
f=$((sfailed + cfailed + ifailed + kfailed + efailed + hfailed + zfailed))
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
