#!/usr/bin/env bash
# Runs Debian's dpdk-test autotests one per process (DPDK_TEST=<name>), each with its own
# --file-prefix, and prints "<name>: passed|failed (exit N)|timeout" per test.
# Usage: autotest.sh [-e ENV=VAL]... NAME...   (extra EAL options in $AUTOTEST_EAL)
# The environment (LD_LIBRARY_PATH for SwiftEAL standing in for librte_eal.so.23) is
# passed with -e; logs go to $AUTOTEST_OUT (default /tmp/autotest.$$).
set -u
envs=()
while [ "${1:-}" = -e ]; do envs+=("$2"); shift 2; done
out=${AUTOTEST_OUT:-/tmp/autotest.$$}
mkdir -p "$out"
eal=(${AUTOTEST_EAL:--l 0-1 --no-pci})
for t in "$@"; do
	prefix=at_${t}_$$
	# --file-prefix is the test's own; the test binary re-executes itself for children
	( cd "$out" && exec env "${envs[@]}" DPDK_TEST=$t timeout "${AUTOTEST_TIMEOUT:-180}" \
		dpdk-test "${eal[@]}" --file-prefix "$prefix" < /dev/null ) > "$out/$t.log" 2>&1
	rc=$?
	rm -rf "/var/run/dpdk/$prefix"
	case $rc in
	0) echo "$t: passed" ;;
	124) echo "$t: timeout" ;;
	*) echo "$t: failed (exit $rc)" ;;
	esac
done
