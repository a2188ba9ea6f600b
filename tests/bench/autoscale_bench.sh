#!/bin/bash
# The autoscaler benchmark (tests/bench/autoscale_bench.cpp): edgestat's
# policy against lxc_autoscale's documented rule on synthetic traces, and
# the cost of one autoscaler cycle with 50 containers.
# Usage: tests/bench/autoscale_bench.sh [BUILD_DIR]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
LIB="$BUILD/libedgestat_lib.a"
[ -f "$LIB" ] || { echo "build the project first ($LIB missing)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
c++ -std=c++20 -O2 -fno-exceptions -fno-rtti -I"$SRC/src" -o "$tmp/autoscale_bench" \
  "$SRC/tests/bench/autoscale_bench.cpp" "$LIB" -luv -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -lm
"$tmp/autoscale_bench"
