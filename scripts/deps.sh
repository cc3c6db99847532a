#!/usr/bin/env bash
# Installs what building and testing need, when it is missing (Debian, as root).
set -eu
need=()
dpkg -s libdpdk-dev > /dev/null 2>&1 || need+=(libdpdk-dev)
dpkg -s libnuma-dev > /dev/null 2>&1 || need+=(libnuma-dev)
command -v pkg-config > /dev/null 2>&1 || need+=(pkg-config)
# the C suite, the benchmarks and the examples build with `cc`; a Swift toolchain
# brings its own clang but not `cc`, and gcc only recommends the libc headers
command -v cc > /dev/null 2>&1 || need+=(gcc)
dpkg -s libc6-dev > /dev/null 2>&1 || need+=(libc6-dev)
# the generated ABI check (Tests/abi) and the differential runner's known-difference
# filter are Python 3 (standard library only); clang comes with the Swift toolchain
command -v python3 > /dev/null 2>&1 || need+=(python3)
# test_trace reads the CTF trace rte_trace_save writes with babeltrace, as a DPDK user would
command -v babeltrace > /dev/null 2>&1 || need+=(babeltrace)
# Tests/compat runs Debian's dpdk-test and dpdk-testpmd on SwiftEAL (and DPDK's drivers)
command -v dpdk-test > /dev/null 2>&1 || need+=(dpdk-dev)
# test_telemetry lists a SwiftEAL process's memzones and heaps with DPDK's own client
# (Debian puts dpdk-telemetry.py in dpdk-dev; rte_eal_init loads librte_telemetry.so.23,
# which libdpdk-dev brings)
command -v dpdk-telemetry.py > /dev/null 2>&1 || need+=(dpdk-dev)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing packages: ${need[*]} (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
