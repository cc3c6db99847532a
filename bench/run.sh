#!/usr/bin/env bash
# Builds every bench/bench_*.c twice from the same source: against DPDK 22.11
# (pkg-config libdpdk, librte_eal) and against SwiftEAL (pkg-config libswifteal), runs
# both BENCH_RUNS times (default 5) and prints "metric, dpdk, swifteal, ratio" with the
# median of each metric. Every metric is lower-is-better; ratio = swifteal / dpdk.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
runs=${BENCH_RUNS:-5}
filter=${1:-}
mkdir -p "$out"
cd "$root"
pkg-config --exists libswifteal || { echo "libswifteal.pc not found: run make bench"; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }

echo "metric, dpdk, swifteal, ratio"
for src in bench/bench_*.c; do
	name=$(basename "$src" .c)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	cc -O2 -g -D_GNU_SOURCE $(pkg-config --cflags libdpdk) "$src" -o "$out/$name.dpdk" -lrte_eal -lpthread -lm || continue
	cc -O2 -g -D_GNU_SOURCE $(pkg-config --cflags libswifteal) "$src" -o "$out/$name.swifteal" $(pkg-config --libs libswifteal) -lm || continue
	: > "$out/$name.dpdk.all"
	: > "$out/$name.swifteal.all"
	# alternate the two so that a change in the machine's background load hits both
	for i in $(seq "$runs"); do
		for lib in dpdk swifteal; do
			"$out/$name.$lib" >> "$out/$name.$lib.all" 2> "$out/$name.$lib.err" || echo "($name.$lib run $i failed: $(tail -n 1 "$out/$name.$lib.err"))" >&2
		done
	done
	for metric in $(awk '{print $1}' "$out/$name.dpdk.all" | awk '!seen[$0]++'); do
		d=$(awk -v m="$metric" '$1 == m {print $2}' "$out/$name.dpdk.all" | median)
		s=$(awk -v m="$metric" '$1 == m {print $2}' "$out/$name.swifteal.all" | median)
		awk -v m="$metric" -v d="$d" -v s="$s" 'BEGIN { r = (d > 0 && s != "nan") ? sprintf("%.2f", s / d) : "n/a"; printf "%s, %s, %s, %s\n", m, d, s, r }'
	done
done
