#!/usr/bin/env bash
# The test harness must not pass by accident. This checks the machinery itself:
#   - a C program that runs no check fails (check.h), and the C runner counts it and a
#     summary that counts nothing as failures (Tests/c/run.sh on the fixtures here);
#   - a disabled or skipped Swift test is counted as skipped, never as passed, and a
#     failing one once (scripts/swift-test-summary.sh on a real `swift test` log);
#   - a differential program's documented differences pass only while they are true
#     (Tests/c/known_diff.py: an undocumented line fails, a stale entry fails).
# Needs the release library (make build). Prints "harness: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/Tests/harness
tmp=$(mktemp -d /tmp/swifteal-harness.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
ko() { failed=$((failed + 1)); echo "FAILED: $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }

# check.h: no checks is one failure, and a failing exit status
cc -I"$root/Tests/c" "$here/test_zero_checks.c" -o "$tmp/zero" 2> "$tmp/cc.log" || cat "$tmp/cc.log"
"$tmp/zero" > "$tmp/zero.out" 2>&1
rc=$?
check "a program with no checks reports '0 passed, 1 failed'" grep -qx '0 passed, 1 failed' "$tmp/zero.out"
check "a program with no checks exits non-zero" test $rc -ne 0

# the C runner, over the fixtures: both programs fail, under both header sets
CSUITE_DIR=$here CSUITE_OUT=$tmp/c "$root/Tests/c/run.sh" > "$tmp/run.log" 2>&1
rc=$?
check "the C runner fails a suite of programs that check nothing (exit $rc)" test $rc -ne 0
check "the C runner's closing line counts the four as failed" \
	grep -qx 'C suite: 0 passed, 4 failed' "$tmp/run.log"
check "a printed '0 passed, 0 failed' is named as running no checks" \
	grep -q '^FAILED: test_summary_only.ours (ran no checks)' "$tmp/run.log"
[ $failed -ne 0 ] && sed 's/^/    /' "$tmp/run.log" | tail -n 20

# the Swift summary: 4 tests, 1 passed, 1 failed (two issues), 2 skipped (disabled, and
# enabled(if: false)), the run itself failed (exit 1)
summary=$("$root/scripts/swift-test-summary.sh" "$here/swift-test-sample.log" 1)
check "swift summary counts skipped tests apart: $(echo "$summary" | head -n 1)" \
	test "$(echo "$summary" | head -n 1)" = "swift test: 1 passed, 1 failed, 2 skipped (tests)"
check "swift summary names each skipped test" \
	test "$(echo "$summary" | grep -c '^  skipped: ')" -eq 2
grep -E '^(◇ Test run started|✔ Test "runs demo")' "$here/swift-test-sample.log" > "$tmp/pass.log"
echo '✔ Test run with 1 test in 1 suite passed after 0.001 seconds.' >> "$tmp/pass.log"
summary=$("$root/scripts/swift-test-summary.sh" "$tmp/pass.log" 0)
check "swift summary of a clean run: $summary" test "$summary" = "swift test: 1 passed, 0 failed, 0 skipped (tests)"
summary=$("$root/scripts/swift-test-summary.sh" /dev/null 1 | head -n 1)
check "a swift test that did not run (build error) is a failure: $summary" \
	test "$summary" = "swift test: 0 passed, 1 failed, 0 skipped (tests)"

# known differences
printf 'case 0: a\ncase 0: stderr: only DPDK says this\ncase 1: b\n' > "$tmp/d.out"
printf 'case 0: a\ncase 1: b\ncase 1: stderr: only SwiftEAL says this\n' > "$tmp/s.out"
printf '# reason: fixture\n- case *: stderr: only DPDK says this\n+ case *: stderr: only SwiftEAL says this\n' > "$tmp/k"
check "documented differences pass" \
	bash -c "python3 '$root/Tests/c/known_diff.py' '$tmp/k' '$tmp/d.out' '$tmp/s.out' > /dev/null"
printf 'case 0: a\ncase 0: stderr: only DPDK says this\ncase 1: B\n' > "$tmp/d2.out"
check "an undocumented difference fails" \
	bash -c "! python3 '$root/Tests/c/known_diff.py' '$tmp/k' '$tmp/d2.out' '$tmp/s.out' > /dev/null"
printf '# reason: fixture\n- case *: stderr: only DPDK says this\n+ case *: stderr: only SwiftEAL says this\n- case 9: gone\n' > "$tmp/k2"
check "a stale entry fails" \
	bash -c "python3 '$root/Tests/c/known_diff.py' '$tmp/k2' '$tmp/d.out' '$tmp/s.out' | grep -q '^stale entry'"
printf -- '- case *: stderr: only DPDK says this\n' > "$tmp/k3"
check "an entry without a reason is refused" \
	bash -c "! python3 '$root/Tests/c/known_diff.py' '$tmp/k3' '$tmp/d.out' '$tmp/s.out' > /dev/null 2>&1"
printf '# reason: fixture\n- case *: [config *]\n' > "$tmp/k4"
printf 'case 0: [config x]\n' > "$tmp/d4.out"; : > "$tmp/s4.out"
check "only * is a wildcard in entries ([ ] are plain)" \
	bash -c "python3 '$root/Tests/c/known_diff.py' '$tmp/k4' '$tmp/d4.out' '$tmp/s4.out' > /dev/null"

echo "harness: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
