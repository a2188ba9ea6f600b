#!/usr/bin/env bash
# CPU cost of a full collection + render: `edgestat once` over the vm, rpi
# and openwrt fixture trees, ROUNDS times, per binary; prints the user+sys
# CPU seconds of all runs. For comparing builds of one target (optimisation
# flags, LTO) under qemu-user, whose cost tracks the guest's instruction
# count; pass a wrapper that runs the binary under qemu, e.g.
#   printf '#!/bin/sh\nexec qemu-aarch64-static -cpu cortex-a53 %s "$@"\n' \
#     "$PWD/build-aarch64/edgestat" > /tmp/es-a64; chmod +x /tmp/es-a64
#   tests/bench/once_cpu.sh /tmp/es-a64 /tmp/es-a64-other
# Usage: tests/bench/once_cpu.sh BIN... (env ROUNDS, default 10)
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/lib/common.sh"
ROUNDS=${ROUNDS:-10}
[ $# -gt 0 ] || { echo "usage: $0 BIN..." >&2; exit 2; }
for bin in "$@"; do
	start=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	for _ in $(seq "$ROUNDS"); do
		for name in vm rpi openwrt; do
			once_fixture "$bin" "$SRC/tests/fixtures/$name" >/dev/null || { echo "$bin: once failed on $name" >&2; exit 1; }
		done
	done
	end=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	awk -v b="$bin" -v r="$ROUNDS" -v t=$((end - start)) -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%-40s %3d rounds x 3 fixtures: %.2f s CPU (%.0f ms per once)\n", b, r, t / hz, 1000 * t / hz / (3 * r) }'
done
