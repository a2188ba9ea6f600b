#!/bin/bash
# Runs Debian's node_exporter (1.5) and `edgestat once` over the same
# fixture trees (tests/fixtures/{vm,rpi,openwrt}) with the same collectors,
# and lists every difference in families, types, label names, label values
# and values (compare_node_exporter_fixtures.py says which are expected,
# and why: node_exporter 1.5 is older than the 1.12 edgestat follows).
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
NE=/usr/bin/prometheus-node-exporter
[ -x "$NE" ] || skip "node_exporter not installed (Debian package prometheus-node-exporter)"
tmp=$(mktemp -d /tmp/edgestat-collectors-cmp.XXXXXX)
ne_pid=
trap 'set +e; [ -n "$ne_pid" ] && kill $ne_pid 2>/dev/null; rm -rf "$tmp"' EXIT
# The collectors both have, default or opt-in (processes needs live PIDs).
both=(arp conntrack cpu cpufreq diskstats entropy filefd filesystem hwmon interrupts loadavg meminfo netclass
  netdev netstat powersupplyclass pressure schedstat sockstat softnet stat thermal_zone time timex udp_queues
  uname vmstat)
rc=0
for name in vm rpi openwrt; do
  tree="$SRC/tests/fixtures/$name"
  # Filters pinned to node_exporter 1.12's defaults on both sides: Debian's
  # 1.5 excludes lo from netdev and predates zram in diskstats' exclude
  # (1.8.0, #2898).
  common=(--path.procfs="$tree/proc" --path.sysfs="$tree/sys" --path.rootfs="$tree/root"
    --path.udev.data="$tree/udev" --collector.disable-defaults --collector.cpu.info --collector.stat.softirq
    --collector.netdev.device-exclude= \
    --collector.diskstats.device-exclude='^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$' \
    --collector.filesystem.mount-points-exclude='^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)'
    --collector.filesystem.fs-types-exclude='^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$')
  for c in "${both[@]}"; do common+=(--collector."$c"); done
  port=$(free_port)
  "$NE" --web.listen-address="127.0.0.1:$port" --no-collector.netdev.netlink "${common[@]}" > "$tmp/ne-$name.log" 2>&1 &
  ne_pid=$!
  wait_http "http://127.0.0.1:$port/metrics" || { cat "$tmp/ne-$name.log"; fail "node_exporter did not start"; }
  curl -s "http://127.0.0.1:$port/metrics" > "$tmp/ne-$name.prom"
  kill $ne_pid; wait $ne_pid 2>/dev/null || true; ne_pid=
  "$BIN" once --log.level=error "${common[@]}" > "$tmp/ours-$name.prom" || fail "$name: edgestat once failed"
  python3 "$SRC/tests/e2e/compare_node_exporter_fixtures.py" "$tmp/ours-$name.prom" "$tmp/ne-$name.prom" \
    "$SRC/tests/lib" "$name" || rc=1
done
exit $rc
