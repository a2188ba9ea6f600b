#!/bin/sh
# The size table and the footprint budgets: every stripped static binary
# (build-TARGET/edgestat with TLS, build-TARGET-notls/edgestat without,
# build-TARGET-lean/edgestat the lean variant: TLS, no autoscaler, push
# exporter or lxc collector) against its named budget in
# toolchains/size-budgets. Exit 1 when any
# binary is over its budget, or (with --require) when one is not built.
# `make sizes` runs it on what is built; `make dist` with --require.
#
# Usage: check-sizes.sh [--require] [--root DIR] TARGET...
#   --root DIR   where the build-TARGET directories are (default: .)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BUDGETS=${EDGESTAT_SIZE_BUDGETS:-$HERE/size-budgets}
require=0 root=.
while [ $# -gt 0 ]; do
	case $1 in
	--require) require=1; shift ;;
	--root) root=${2:?--root needs a directory}; shift 2 ;;
	--) shift; break ;;
	-*) echo "check-sizes.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: check-sizes.sh [--require] [--root DIR] TARGET..." >&2; exit 2; }
[ -r "$BUDGETS" ] || { echo "check-sizes.sh: cannot read $BUDGETS" >&2; exit 2; }

# budget TARGET VARIANT -> "NAME KIB", or nothing
budget() {
	awk -v t="$1" -v v="$2" '!/^#/ && NF >= 4 && $2 == t && $3 == v { print $1, $4; exit }' "$BUDGETS"
}

bad="" missing=""
printf '%-14s %-40s %10s %8s %10s %s\n' budget binary bytes KiB "limit KiB" verdict
for t in "$@"; do
	for v in tls notls lean; do
		b=$(budget "$t" "$v")
		[ -n "$b" ] || { echo "check-sizes.sh: no $v budget for target '$t' in $BUDGETS" >&2; exit 2; }
		name=${b% *} kib=${b#* }
		case $v in tls) bin=$root/build-$t/edgestat ;; *) bin=$root/build-$t-$v/edgestat ;; esac
		if [ ! -f "$bin" ]; then
			printf '%-14s %-40s %10s %8s %10s %s\n' "$name" "$bin" - - "$kib" "not built"
			missing="$missing $name"
			continue
		fi
		bytes=$(wc -c <"$bin" | tr -d ' ')
		used=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')
		if [ "$bytes" -le $((kib * 1024)) ]; then
			verdict=ok
		else
			verdict="OVER by $((bytes - kib * 1024)) bytes"
			bad="$bad $name"
		fi
		printf '%-14s %-40s %10s %8s %10s %s\n' "$name" "$bin" "$bytes" "$used" "$kib" "$verdict"
	done
done
if [ -n "$bad" ]; then
	echo "size budget exceeded:$bad (toolchains/sizes.sh TARGET shows what is large)" >&2
	exit 1
fi
if [ $require = 1 ] && [ -n "$missing" ]; then
	echo "size budgets not checked, binaries missing:$missing" >&2
	exit 1
fi
echo "size budgets: all built binaries within budget"
