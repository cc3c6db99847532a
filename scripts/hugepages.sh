#!/usr/bin/env bash
# Makes 2 MB hugepages usable: reserves some when none are free and mounts hugetlbfs
# when nothing is mounted. Root only; otherwise it says so and the caller uses --no-huge.
set -u
want=${HUGEPAGES_2M:-512}
sys=/sys/kernel/mm/hugepages/hugepages-2048kB
if [ ! -d "$sys" ]; then echo "hugepages: no 2 MB page support here"; exit 1; fi
if [ "$(id -u)" != 0 ]; then echo "hugepages: not root, falling back to --no-huge"; exit 1; fi
free=$(cat $sys/free_hugepages)
if [ "$free" -lt 64 ]; then
	total=$(cat $sys/nr_hugepages)
	echo $((total + want)) > $sys/nr_hugepages 2>/dev/null
	echo "hugepages: reserved, now $(cat $sys/nr_hugepages) in total, $(cat $sys/free_hugepages) free"
fi
if ! grep -q '^[^ ]* [^ ]* hugetlbfs ' /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages && echo "hugepages: mounted hugetlbfs on /dev/hugepages"
fi
[ "$(cat $sys/free_hugepages)" -gt 0 ]
