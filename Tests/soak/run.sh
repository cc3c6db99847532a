#!/usr/bin/env bash
# The soak (make soak): Tests/soak/soak.c's primary on lcores 0-1 and its secondary, every
# lcore of both mixing malloc, memzones, fbarrays, alarms and interrupt callbacks for
# SOAK_TIME seconds (default 600) with the heap validated all along, a line every minute.
# Then the verdict, PASS only when:
#   - the program and its secondary exited 0 (no validation failure, no lost alarm or
#     interrupt, no hang: the watchdog and this script's timeout)
#   - RSS is flat: each process's RSS at the end within max(+10 %, +8 MB) of its RSS
#     after the first minute; its open descriptors besides hugepages' too (at most 4
#     more: the soak's own eventfds and fbarray files come and go)
#   - the hugepages are back: free_hugepages as before the run, or, when other processes
#     on the machine moved it meanwhile, no hugepage file of this prefix left in
#     /dev/hugepages (with both processes gone only a file could hold a page of ours)
#   - /run/dpdk/<prefix> holds no more than DPDK 22.11 itself leaves after
#     rte_eal_cleanup (config, hugepage_info, fbarray_memzone, fbarray_memseg-*): no
#     fbarray of the soak's, no mp socket
# Usage: Tests/soak/run.sh (after make build). SOAK_TIME=<seconds>, SOAK_PREFIX (default
# swifteal_soak), SOAK_REPORT=<seconds between lines> (default 60). The log:
# .build/soak/soak.log.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
secs=${SOAK_TIME:-600}
prefix=${SOAK_PREFIX:-swifteal_soak}
every=${SOAK_REPORT:-60}
lib=${SWIFTEAL_LIBDIR:-$root/.build/release}
out=$root/.build/soak
sys=/sys/kernel/mm/hugepages/hugepages-2048kB
mkdir -p "$out"

if ! scripts/hugepages.sh; then
	echo "soak: needs 2 MB hugepages (root): the secondary shares the primary's memory"
	exit 2
fi
if ! cc -O2 -g -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I"$root/include" \
	Tests/soak/soak.c -o "$out/soak" -L"$lib" -lswifteal -Wl,-rpath,"$lib" -lpthread \
	> "$out/build.log" 2>&1; then
	echo "soak: the build failed"
	head -n 30 "$out/build.log"
	exit 2
fi

ours() { find /dev/hugepages -maxdepth 1 -name "${prefix}map_*" 2> /dev/null; }
# what an earlier soak of this prefix left (a crash or a kill): ours to remove, said aloud
if [ -n "$(ours)" ] || [ -e "/run/dpdk/$prefix" ]; then
	echo "soak: removing what an earlier run of prefix $prefix left: $(ours | wc -l) hugepage files, /run/dpdk/$prefix"
	ours | xargs -r rm -f
	rm -rf "/run/dpdk/$prefix"
fi

hp_before=$(cat $sys/free_hugepages)
timeout --kill-after=30 $((secs + 600)) "$out/soak" "$secs" "$prefix" "$every" 2>&1 | tee "$out/soak.log"
rc=${PIPESTATUS[0]}

# the pages come back as the processes' mappings go: give the kernel a moment
for _ in $(seq 1 20); do
	[ "$(cat $sys/free_hugepages)" -ge "$hp_before" ] && break
	sleep 0.5
done
hp_after=$(cat $sys/free_hugepages)
left_pages=$(ours | wc -l)
left_files=$(ls "/run/dpdk/$prefix" 2> /dev/null |
	grep -Ev '^(config|hugepage_info|fbarray_memzone|fbarray_memseg-[0-9]+k-[0-9]+-[0-9]+)$')

verdict=PASS
why=()
result=$(grep '^soak-result ' "$out/soak.log" | tail -n 1)
if [ "$rc" -ne 0 ] || [ -z "$result" ]; then
	verdict=FAIL
	why+=("exit $rc$([ "$rc" = 124 ] && echo ' (timeout: a hang)')")
fi
field() { echo "$result" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ran=$(field seconds); ops=$(field ops); failures=$(field failures)
IFS=, read -r p1 p2 <<< "$(field rss_primary)"
IFS=, read -r s1 s2 <<< "$(field rss_secondary)"
[ -n "$failures" ] && [ "$failures" != 0 ] && { verdict=FAIL; why+=("$failures validation failures"); }
# flat: at most max(10 %, 8 MB) above the first minute's figure
flat() { awk -v a="$1" -v b="$2" 'BEGIN { t = a * 0.10; if (t < 8) t = 8; exit !(a >= 0 && b >= 0 && b <= a + t) }'; }
if [ -n "$result" ]; then
	flat "$p1" "$p2" || { verdict=FAIL; why+=("primary RSS grew $p1 -> $p2 MB"); }
	flat "$s1" "$s2" || { verdict=FAIL; why+=("secondary RSS grew $s1 -> $s2 MB"); }
	# descriptors: the soak's own come and go (an eventfd and an fbarray file per lcore,
	# made again now and then: a sample can miss up to 4), the count stays
	IFS=, read -r f1 f2 <<< "$(field fds_primary)"
	IFS=, read -r g1 g2 <<< "$(field fds_secondary)"
	[ "$f1" -ge 0 ] && [ "$f2" -le $((f1 + 4)) ] || { verdict=FAIL; why+=("primary descriptors $f1 -> $f2"); }
	[ "$g1" -ge 0 ] && [ "$g2" -le $((g1 + 4)) ] || { verdict=FAIL; why+=("secondary descriptors $g1 -> $g2"); }
fi
hp_note=""
if [ "$left_pages" -ne 0 ]; then
	verdict=FAIL
	why+=("$left_pages hugepage files of $prefix left in /dev/hugepages")
elif [ "$hp_after" -ne "$hp_before" ]; then
	hp_note=" (others moved $((hp_after - hp_before)): no file of $prefix left)"
fi
if [ -n "$left_files" ]; then
	verdict=FAIL
	why+=("left in /run/dpdk/$prefix: $(echo $left_files)")
fi
echo "soak: ${ran:-?} s, ${ops:-?} ops, ${failures:-?} validation failures, RSS primary ${p1:-?}->${p2:-?} MB, secondary ${s1:-?}->${s2:-?} MB, free hugepages $hp_before->$hp_after$hp_note: $verdict"
[ ${#why[@]} -ne 0 ] && printf 'soak:   %s\n' "${why[@]}"
[ $verdict = PASS ]
