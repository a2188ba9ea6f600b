#!/bin/bash
# Runs Debian's node_exporter and `edgestat once` side by side on this
# machine and compares families, types, label names and stable values.
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
NE=/usr/bin/prometheus-node-exporter
[ -x "$NE" ] || skip "node_exporter not installed (Debian package prometheus-node-exporter)"
tmp=$(mktemp -d)
port=$(free_port)
# Upstream defaults (Debian's build changes some) and only the collectors
# edgestat has, so the comparison is like for like.
collectors=$("$BIN" --help | awk '/enable or disable a collector/{getline; print}')
args=(--web.listen-address="127.0.0.1:$port" --collector.disable-defaults
  --collector.filesystem.mount-points-exclude='^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)'
  --collector.filesystem.fs-types-exclude='^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$'
  --no-collector.netdev.netlink)
for c in $collectors; do
  case $c in textfile|lxc|openwrt) continue;; esac  # not node_exporter collectors here
  args+=(--collector."$c")
done
"$NE" "${args[@]}" > "$tmp/ne.log" 2>&1 &
ne_pid=$!
trap 'set +e; kill $ne_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_http "http://127.0.0.1:$port/metrics" || { cat "$tmp/ne.log"; fail "node_exporter did not start"; }
curl -s "http://127.0.0.1:$port/metrics" > "$tmp/ne.prom"
"$BIN" once --log.level=error --no-collector.textfile > "$tmp/ours.prom"
python3 "$SRC/tests/e2e/compare_node_exporter.py" "$tmp/ours.prom" "$tmp/ne.prom" "$SRC/tests/lib"
