#!/bin/bash
# `edgestat once` with only the lxc collector over each LXC fixture tree
# (cgroup v1/hybrid captured, v2 and Proxmox assembled) must match its
# golden output exactly (volatile values masked) and pass promtool.
# Regenerate the goldens after an intended change with
#   UPDATE_GOLDEN=1 bash tests/e2e/once_lxc_fixtures.sh build/edgestat .
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for name in lxc-v1 lxc-v2 proxmox; do
  tree="$SRC/tests/fixtures/$name"
  TZ=UTC "$BIN" once --log.level=error --collector.disable-defaults --collector.lxc \
    --path.procfs="$tree/proc" --path.sysfs="$tree/sys" --path.rootfs="$tree/root" \
    --path.cgroupfs="$tree/cgroup" > "$tmp/$name.prom" || fail "$name: edgestat once failed"
  check_golden "$name" "$tmp/$name.prom" "$tree/golden.prom" || rc=1
  if ! promtool check metrics < "$tmp/$name.prom" > "$tmp/$name.lint" 2>&1; then
    echo "FAIL: $name: promtool check metrics:"
    cat "$tmp/$name.lint"
    rc=1
  fi
  grep -q '^node_scrape_collector_success{collector="lxc"} 1$' "$tmp/$name.prom" || { echo "FAIL: $name: lxc collector failed"; rc=1; }
  echo "$name: $(grep -c '^lxc_' "$tmp/$name.prom") lxc samples, golden ok, promtool ok"
done
exit $rc
