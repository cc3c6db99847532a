#!/usr/bin/env bash
# SwiftEAL standing in for DPDK's librte_eal.so.23, under programs and libraries built
# for DPDK 22.11 (Debian's dpdk-dev), as a user would set it up:
#   install-compat  `make install-compat` into a stage: COMPATDIR/librte_eal.so.23 is a
#                   link to the installed libswifteal.so (one check)
#   autotests       each `NAME pass` of Tests/compat/autotests.txt: dpdk-test run with
#                   LD_LIBRARY_PATH=COMPATDIR, DPDK's default driver directory loaded by
#                   SwiftEAL, -l 0-1 --no-pci (one check each; `skip` lines say why a test
#                   cannot pass here, with DPDK's own EAL too)
#   preload         two autotests with LD_PRELOAD=libswifteal.so over DPDK's own
#                   librte_eal: DPDK's libraries call SwiftEAL from their constructors
#                   before SwiftEAL's own constructors have run
#   testpmd         dpdk-testpmd on two net_null vdevs forwards for 3 s and exits cleanly;
#                   meanwhile DPDK's dpdk-telemetry.py lists its heaps, memzones and ports
# When the library lacks symbols dpdk-test binds, nothing can run: the parts wait (named,
# not counted), as an example waits for a subsystem.
# Usage: Tests/compat/run.sh [name-filter]. Ends with "compat: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${COMPAT_OUT:-$root/Tests/compat/out}
stage=$root/.build/stage
compat=$root/.build/compat
filter=${1:-}
mkdir -p "$out"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "compat: $1: passed"; }
ko() { failed=$((failed + 1)); echo "compat: $1: FAILED${2:+ ($2)}"; }
command -v dpdk-test > /dev/null || { echo "dpdk-test is missing (make deps installs dpdk-dev)"; echo "compat: 0 passed, 1 failed"; exit 1; }

# 1. the link
rm -rf "$compat"
if make -C "$root" --no-print-directory install-compat PREFIX="$stage" COMPATDIR="$compat" > "$out/install.log" 2>&1 &&
   [ "$(readlink -f "$compat/librte_eal.so.23")" = "$(readlink -f "$stage/lib/libswifteal.so")" ]; then
	ok install-compat
else
	ko install-compat "see $out/install.log"; tail -n 5 "$out/install.log"
fi
lib=$stage/lib/libswifteal.so

# 2. can dpdk-test bind every EAL symbol to SwiftEAL?
missing=$(LD_LIBRARY_PATH=$compat ldd -r "$(command -v dpdk-test)" 2>&1 | grep -o "undefined symbol: [a-z_0-9]*" | sort -u | awk '{print $3}')
if [ -n "$missing" ]; then
	echo "compat: waiting: dpdk-test's libraries need $(echo "$missing" | wc -l) EAL symbols libswifteal.so does not export yet:"
	echo "$missing" | head -n 10 | sed 's/^/    /'
	echo "compat: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

# 3. the autotests
eal="-l 0-1 --no-pci"
while read -r name verdict reason; do
	case "$name" in ''|'#'*) continue ;; esac
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	if [ "$verdict" != pass ]; then
		echo "compat: $name: not run: $reason"
		continue
	fi
	r=$(AUTOTEST_OUT=$out AUTOTEST_EAL="$eal" "$root/Tests/compat/autotest.sh" -e LD_LIBRARY_PATH="$compat" "$name")
	case "$r" in *": passed") ok "$name" ;; *) ko "$name" "${r#*: }"; tail -n 8 "$out/$name.log" | sed 's/^/    /' ;; esac
done < "$root/Tests/compat/autotests.txt"

# 4. under LD_PRELOAD, beside DPDK's own librte_eal
if [ -z "$filter" ] || [[ preload == *$filter* ]]; then
	for t in tailq_autotest errno_autotest; do
		r=$(AUTOTEST_OUT=$out/preload AUTOTEST_EAL="$eal" "$root/Tests/compat/autotest.sh" -e LD_PRELOAD="$lib" "$t")
		case "$r" in *": passed") ok "preload $t" ;; *) ko "preload $t" "${r#*: }"; tail -n 8 "$out/preload/$t.log" | sed 's/^/    /' ;; esac
	done
fi

# 5. testpmd forwarding between two null devices
if [ -z "$filter" ] || [[ testpmd == *$filter* ]]; then
	prefix=compat_testpmd_$$
	# while it forwards, DPDK's dpdk-telemetry.py asks it (SwiftEAL's telemetry) for its
	# heaps, memzones and ports
	printf '/eal/heap_list\n/eal/heap_info,0\n/eal/memzone_list\n/ethdev/list\n' > "$out/testpmd-telemetry.in"
	(sleep 2; timeout 20 python3 "$(command -v dpdk-telemetry.py)" -f "$prefix" < "$out/testpmd-telemetry.in" \
		> "$out/testpmd-telemetry.log" 2>&1; sleep 1; echo) |
		LD_LIBRARY_PATH=$compat timeout 60 dpdk-testpmd -l 0-1 --no-pci \
		--vdev=net_null0 --vdev=net_null1 --file-prefix "$prefix" -- --total-num-mbufs=2048 \
		> "$out/testpmd.log" 2>&1
	rc=$?
	rm -rf "/var/run/dpdk/$prefix"
	fwd=$(grep -oE "TX-packets: [1-9][0-9]*" "$out/testpmd.log" | tail -n 1 | awk '{print $2}')
	if [ $rc -eq 0 ] && grep -q "Bye..." "$out/testpmd.log" && [ -n "$fwd" ]; then
		ok "testpmd (net_null0 <-> net_null1, $fwd packets forwarded on the last port)"
	else
		ko testpmd "exit $rc"; tail -n 15 "$out/testpmd.log" | sed 's/^/    /'
	fi
	t=$out/testpmd-telemetry.log
	if grep -q '^{"/eal/heap_list": \[0' "$t" && grep -q '"Name": "socket_0", "Heap_size": [1-9]' "$t" &&
	   grep -q '^{"/eal/memzone_list": \[0, ' "$t" && grep -q '^{"/ethdev/list": \[0, 1\]}' "$t"; then
		ok "testpmd telemetry (dpdk-telemetry.py lists its heaps, $(grep -o '"/eal/memzone_list": \[[^]]*' "$t" | tr -cd , | wc -c | awk '{print $1 + 1}') memzones and both ports)"
	else
		ko "testpmd telemetry" "see $t"; sed 's/^/    /' "$t" | head -n 10
	fi
fi
echo "compat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
