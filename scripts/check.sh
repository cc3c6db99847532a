#!/usr/bin/env bash
# make check: Swift Testing suites, the release library, the C suite; one summary line.
set -u
cd "$(dirname "$0")/.."
log=.build/check-swift-test.log
mkdir -p .build
# hugepages and a hugetlbfs mount, as root (the memory tests need them; DPDK does too)
scripts/hugepages.sh || true

echo "== swift test"
swift test 2>&1 | tee "$log" | grep -E '^(✔|✘|􁁛|􀢄)? ?(Suite|Test run)|FAIL|error:|✘' | grep -v '^✔ Test "' | tail -n 60
st=${PIPESTATUS[0]}
total=$(grep -Eo 'Test run with [0-9]+ tests?' "$log" | tail -n 1 | grep -Eo '[0-9]+')
total=${total:-0}
# one "✘ Test ... failed after" line per failed test; its "recorded an issue" lines and
# the closing "✘ Test run with ..." line are not more failures
sfailed=$(grep -E '^✘ Test .* failed after' "$log" | grep -vc '^✘ Test run with')
if [ "$st" -ne 0 ] && [ "$sfailed" -eq 0 ]; then sfailed=1; fi
spassed=$((total - sfailed)); [ $spassed -lt 0 ] && spassed=0
echo "swift test: $spassed passed, $sfailed failed"

echo "== release library"
if ! make --no-print-directory build > .build/check-build.log 2>&1; then
	tail -n 30 .build/check-build.log
	echo "$spassed passed, $((sfailed + 1)) failed"
	exit 1
fi

echo "== C suite"
Tests/c/run.sh | tee .build/check-c.log
cline=$(grep -E '^C suite: [0-9]+ passed, [0-9]+ failed' .build/check-c.log | tail -n 1)
cpassed=$(echo "$cline" | awk '{print $3}'); cpassed=${cpassed:-0}
cfailed=$(echo "$cline" | awk '{print $5}'); cfailed=${cfailed:-1}

echo "== install"
Tests/install/run.sh | tee .build/check-install.log
iline=$(grep -E '^install: [0-9]+ passed, [0-9]+ failed' .build/check-install.log | tail -n 1)
ipassed=$(echo "$iline" | awk '{print $2}'); ipassed=${ipassed:-0}
ifailed=$(echo "$iline" | awk '{print $4}'); ifailed=${ifailed:-1}

echo "== examples"
examples-c/check.sh | tee .build/check-examples.log
eline=$(grep -E '^examples: [0-9]+ passed, [0-9]+ failed' .build/check-examples.log | tail -n 1)
epassed=$(echo "$eline" | awk '{print $2}'); epassed=${epassed:-0}
efailed=$(echo "$eline" | awk '{print $4}'); efailed=${efailed:-1}

p=$((spassed + cpassed + ipassed + epassed))
f=$((sfailed + cfailed + ifailed + efailed))
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
