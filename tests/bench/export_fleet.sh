#!/bin/bash
# Fleet simulation: N edgestat agents (default 200), each on its own
# loopback address 127.0.X.Y with the VM fixture tree, pushing every
# INTERVAL to one Prometheus (remote write receiver) and one
# VictoriaMetrics (bookworm's, remote write) on this machine, for SECONDS.
# Not part of `make test`.
#
#   bash tests/bench/export_fleet.sh BINARY [N] [INTERVAL_S] [SECONDS]
#
# Prints, measured over the run after a warm-up:
#   - samples/s each receiver ingested (Prometheus:
#     prometheus_tsdb_head_samples_appended_total; VictoriaMetrics:
#     vm_rows_inserted_total{type="promremotewrite"}), against what the
#     agents sent (edgestat_export_samples_sent_total), and each receiver's
#     CPU (% of one core) and RSS;
#   - per agent: CPU seconds per push (utime+stime over successful
#     requests of both targets, which includes the collections), RSS, p50
#     and max over the fleet.
set -u
BIN=$(realpath "$1"); N=${2:-200}; INTERVAL=${3:-5}; SECONDS_RUN=${4:-60}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$SRC/tests/fixtures/vm
TMP=$(mktemp -d /tmp/edgestat-export-fleet.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ulimit -n 65536 2>/dev/null || true

PP=$(port); VP=$(port)
printf 'global: {}\n' >"$TMP/prom.yml"
prometheus --config.file="$TMP/prom.yml" --web.listen-address="127.0.0.1:$PP" --storage.tsdb.path="$TMP/prom" \
  --web.enable-remote-write-receiver >"$TMP/prom.log" 2>&1 &
PROM=$!; PIDS+=($PROM)
victoria-metrics -httpListenAddr="127.0.0.1:$VP" -storageDataPath="$TMP/vm" >"$TMP/vm.log" 2>&1 &
VM=$!; PIDS+=($VM)
sleep 2

for i in $(seq 1 "$N"); do
  addr=127.0.$((i / 250 + 1)).$((i % 250 + 1))
  d=$TMP/a$i; mkdir -p "$d/run" "$d/data"
  cat >"$d/e.conf" <<CONF
[collect]
interval = ${INTERVAL}s
[web]
listen_address = $addr:9100
[agent]
runtime_dir = $d/run
data_dir = $d/data
[export.remote_write.prom]
url = http://127.0.0.1:$PP/api/v1/write
instance = agent-$i
spool_bytes = 1MiB
queue_bytes = 1MiB
[export.remote_write.vm]
url = http://127.0.0.1:$VP/api/v1/write
instance = agent-$i
spool_bytes = 1MiB
queue_bytes = 1MiB
CONF
  "$BIN" --config.file="$d/e.conf" --path.procfs="$FIX/proc" --path.sysfs="$FIX/sys" --path.rootfs="$FIX/root" \
    --log.level=warn 2>"$d/log" &
  PIDS+=($!)
  echo "$! $addr" >>"$TMP/agents"
done
echo "started $N agents; warming up $((INTERVAL * 2))s"
sleep $((INTERVAL * 2))

ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
q() { curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" 'index($0, n) == 1 {s += $NF} END {printf "%.0f\n", s}'; }
sent_total() {
  local s=0 p a
  while read -r p a; do
    v=$(curl -s "http://$a:9100/metrics" | awk '/^edgestat_export_samples_sent_total/ {s += $NF} END {printf "%.0f", s}')
    s=$((s + ${v:-0}))
  done <"$TMP/agents"
  echo "$s"
}
p0=$(q "$PP" prometheus_tsdb_head_samples_appended_total); v0=$(q "$VP" 'vm_rows_inserted_total{type="promremotewrite"}')
s0=$(sent_total); pc0=$(cpu_of $PROM); vc0=$(cpu_of $VM); t0=$(date +%s.%N)
sleep "$SECONDS_RUN"
p1=$(q "$PP" prometheus_tsdb_head_samples_appended_total); v1=$(q "$VP" 'vm_rows_inserted_total{type="promremotewrite"}')
s1=$(sent_total); pc1=$(cpu_of $PROM); vc1=$(cpu_of $VM); t1=$(date +%s.%N)
dt=$(echo "$t1 - $t0" | bc -l)

while read -r p a; do
  reqs=$(curl -s "http://$a:9100/metrics" | awk '/^edgestat_export_requests_total.*result="success"/ {s += $NF} END {print s + 0}')
  echo "$(cpu_of "$p") $reqs $(rss_kib "$p")"
done <"$TMP/agents" >"$TMP/per-agent"
python3 - "$TMP/per-agent" "$N" "$INTERVAL" "$dt" "$p0" "$p1" "$v0" "$v1" "$s0" "$s1" "$pc0" "$pc1" "$vc0" "$vc1" \
  "$(rss_kib $PROM)" "$(rss_kib $VM)" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
n, interval, dt = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
p0, p1, v0, v1, s0, s1, pc0, pc1, vc0, vc1, prss, vrss = map(float, sys.argv[5:17])
per_push = [c / r * 1000 for c, r, _ in rows if r > 0]
rss = [k / 1024 for _, _, k in rows]
print(f"{n} agents, push every {interval:.0f}s to 2 receivers, measured {dt:.0f}s")
print(f"agents sent        {(s1 - s0) / dt:10.0f} samples/s (both targets)")
print(f"Prometheus 2.42    {(p1 - p0) / dt:10.0f} samples/s  CPU {(pc1 - pc0) / dt * 100:5.1f}% of a core  RSS {prss / 1024:.0f} MiB")
print(f"VictoriaMetrics    {(v1 - v0) / dt:10.0f} samples/s  CPU {(vc1 - vc0) / dt * 100:5.1f}% of a core  RSS {vrss / 1024:.0f} MiB")
print(f"agent CPU per push (collection + encode + send, ms): p50 {statistics.median(per_push):.2f}  max {max(per_push):.2f}")
print(f"agent RSS (MiB): p50 {statistics.median(rss):.2f}  max {max(rss):.2f}")
PY
