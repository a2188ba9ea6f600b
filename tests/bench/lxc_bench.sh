#!/bin/bash
# Cost of one lxc collection with N containers (1, 10, 50 by default):
# synthetic fixture trees are made by copying the `web` container of the
# cgroup v2 fixture (config, cgroup subtree, /proc/PID files, command
# socket) N times, then lxc_bench times collect_lxc in-process.
# Usage: tests/bench/lxc_bench.sh [BUILD_DIR] [ITERATIONS] [N...]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
ITER=${2:-200}
shift 2 2>/dev/null || shift $#
COUNTS=${*:-1 10 50}
LIB="$BUILD/libedgestat_lib.a"
[ -f "$LIB" ] || { echo "build the project first ($LIB missing)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
c++ -std=c++20 -O2 -fno-exceptions -fno-rtti -I"$SRC/src" -o "$tmp/lxc_bench" "$SRC/tests/bench/lxc_bench.cpp" \
  "$LIB" -luv -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -lm
base="$SRC/tests/fixtures/lxc-v2"
make_tree() {  # DIR N
  local t=$1 n=$2 i pid
  mkdir -p "$t/proc/net" "$t/root/var/lib/lxc" "$t/cgroup" "$t/sys"
  cp "$base/proc/stat" "$t/proc/stat"
  cp "$base/cgroup/cgroup.controllers" "$t/cgroup/"
  head -1 "$base/proc/net/unix" > "$t/proc/net/unix"
  cp -a "$base/sys/." "$t/sys/"
  for i in $(seq 1 "$n"); do
    pid=$((10000 + i))
    mkdir -p "$t/root/var/lib/lxc/c$i"
    sed "s/web01/c$i/" "$base/root/var/lib/lxc/web/config" > "$t/root/var/lib/lxc/c$i/config"
    cp -a "$base/cgroup/lxc.payload.web" "$t/cgroup/lxc.payload.c$i"
    echo "$pid" > "$t/cgroup/lxc.payload.c$i/init.scope/cgroup.procs"
    : > "$t/cgroup/lxc.payload.c$i/.lxc/cgroup.procs"
    mkdir -p "$t/proc/$pid/net"
    sed "s/^2345 /$pid /" "$base/proc/2345/stat" > "$t/proc/$pid/stat"
    sed "s/2345/$pid/g" "$base/proc/2345/status" > "$t/proc/$pid/status"
    echo "0::/lxc.payload.c$i/init.scope" > "$t/proc/$pid/cgroup"
    cp "$base/proc/2345/net/dev" "$t/proc/$pid/net/dev"
    printf '%016x: 00000002 00000000 00010000 0001 01 %d @/var/lib/lxc/c%d/command\n' $((i * 1024)) $((50000 + i)) "$i" >> "$t/proc/net/unix"
  done
}
echo "lxc collection cost in thread CPU time, $ITER iterations each (table warm; first = discovery + cgroup resolution)"
printf '%-11s %-95s %s\n' containers result cpu-us-per-container
for n in $COUNTS; do
  make_tree "$tmp/t$n" "$n"
  out=$("$tmp/lxc_bench" "$tmp/t$n" "$ITER")
  med=$(echo "$out" | sed -E 's/.*median_cpu_us=([0-9.]+).*/\1/')
  printf '%-11s %-95s %.1f\n' "$n" "$out" "$(echo "$med / $n" | bc -l)"
done
