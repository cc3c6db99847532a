#!/usr/bin/env bash
# Counts a `swift test` log (Swift Testing's output) in tests: one @Test function is one
# test, a parameterised one included. Prints
#   swift test: P passed, F failed, S skipped (tests)
# and the name of each skipped test: a disabled or skipped test is never a pass.
# Usage: scripts/swift-test-summary.sh LOG [swift-test-exit-status]
set -u
log=$1
st=${2:-0}
total=$(grep -Eo 'Test run with [0-9]+ tests?' "$log" | tail -n 1 | grep -Eo '[0-9]+')
total=${total:-0}
# one "✘ Test ... failed after" line per failed test; its "recorded an issue" lines and
# the closing "✘ Test run with ..." line are not more failures
failed=$(grep -E '^✘ Test .* failed after' "$log" | grep -vc '^✘ Test run with')
# "➜ Test "name" skipped." or "... skipped: "reason"" (disabled, or enabled(if:) false)
skipped_lines=$(grep -E '^[^ ]+ Test ".*" skipped(\.|: )' "$log")
skipped=0
[ -n "$skipped_lines" ] && skipped=$(echo "$skipped_lines" | wc -l)
# the run did not complete (a build error, a crash): that is a failure too
if [ "$st" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
passed=$((total - failed - skipped)); [ $passed -lt 0 ] && passed=0
echo "swift test: $passed passed, $failed failed, $skipped skipped (tests)"
[ -n "$skipped_lines" ] && echo "$skipped_lines" | sed -E 's/^[^ ]+ Test /  skipped: /'
exit 0
