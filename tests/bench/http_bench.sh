#!/bin/bash
# Benchmark (not a test): edgestat against Debian's prometheus-node-exporter
# on loopback, same wrk load, both reading the real /proc and /sys.
# Prints scrapes/s, p50/p99 latency, RSS idle and under load, CPU seconds
# per 1000 scrapes, and the ratios. Goals: >= 50x node_exporter's
# scrapes/s, <= 1/10 of its RSS.
#   bash tests/bench/http_bench.sh [EDGESTAT_BINARY] [DURATION_S] [CONNECTIONS]
# node_exporter gets upstream flags: Debian's default file
# (/etc/default/prometheus-node-exporter) adds collectors and a textfile
# directory, which the binary itself does not read, and the
# disable-defaults/enable list below pins the collectors to the set
# edgestat implements so both do the same work.
set -u
BIN=${1:-build/edgestat}
DUR=${2:-10}
CONNS=${3:-8}
NE=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
command -v wrk >/dev/null || { echo "wrk not installed"; exit 77; }
[ -x "$NE" ] || { echo "no node_exporter at $NE"; exit 77; }
TMP=$(mktemp -d /tmp/edgestat-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill -9 $p 2>/dev/null; done; rm -rf "$TMP"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS/ {print $2}' /proc/$1/status; }
# Private (anonymous) memory: RSS minus shared library pages, which a
# dynamically linked glibc build counts and the static release build has not.
anon_kb() { awk '/^RssAnon/ {print $2}' /proc/$1/status; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
HZ=$(getconf CLK_TCK)
COLLECTORS="conntrack cpu diskstats entropy filefd filesystem hwmon loadavg meminfo netclass netdev pressure stat textfile thermal_zone time uname vmstat"

EP=$(port)
mkdir -p "$TMP/run" "$TMP/data"
"$BIN" --web.listen-address=127.0.0.1:$EP --agent.runtime-dir="$TMP/run" --agent.data-dir="$TMP/data" \
  --log.level=warn 2>"$TMP/edgestat.log" &
PIDS+=($!); EPID=$!
NP=$(port)
ne_flags=(--web.listen-address=127.0.0.1:$NP --collector.disable-defaults)
for c in $COLLECTORS; do ne_flags+=(--collector.$c); done
"$NE" "${ne_flags[@]}" 2>"$TMP/ne.log" &
PIDS+=($!); NPID=$!
sleep 2

run() {  # name pid url
  local name=$1 pid=$2 url=$3
  curl -s -o /dev/null "$url"; sleep 0.5
  local idle=$(rss_kb $pid) anon=$(anon_kb $pid) t0=$(cpu_ticks $pid) peak=0
  wrk -t2 -c$CONNS -d${DUR}s --latency "$url" >"$TMP/$name.wrk" 2>&1 &
  local w=$!
  while kill -0 $w 2>/dev/null; do r=$(rss_kb $pid); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.2; done
  local t1=$(cpu_ticks $pid)
  local rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/$name.wrk")
  local total=$(awk '/requests in/ {print $1}' "$TMP/$name.wrk")
  local p50=$(awk '$1=="50%" {print $2}' "$TMP/$name.wrk")
  local p99=$(awk '$1=="99%" {print $2}' "$TMP/$name.wrk")
  local cpu=$(python3 -c "print(round(($t1-$t0)/$HZ/($total/1000.0), 4))")
  local bytes=$(curl -s "$url" | wc -c)
  printf '%-14s %9s scrapes/s  p50 %-9s p99 %-9s RSS idle %6s KiB (private %6s)  load %6s KiB  CPU %7s s/1000 scrapes  body %s B\n' \
    "$name" "$rps" "$p50" "$p99" "$idle" "$anon" "$peak" "$cpu" "$bytes"
  eval "${name}_rps=$rps ${name}_idle=$idle ${name}_anon=$anon ${name}_peak=$peak ${name}_cpu=$cpu"
}
echo "wrk -t2 -c$CONNS -d${DUR}s --latency, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run edgestat $EPID http://127.0.0.1:$EP/metrics
run node_exporter $NPID http://127.0.0.1:$NP/metrics
python3 - <<PY
e_rps, n_rps = $edgestat_rps, $node_exporter_rps
print(f"scrapes/s ratio      {e_rps / n_rps:8.1f}x   (goal >= 50x)")
print(f"RSS idle ratio       {$edgestat_idle / $node_exporter_idle:8.3f}    (goal <= 0.1)")
print(f"private RSS ratio    {$edgestat_anon / $node_exporter_idle:8.3f}    (edgestat's private memory / node_exporter's RSS)")
print(f"RSS under load ratio {$edgestat_peak / $node_exporter_peak:8.3f}")
print(f"CPU per scrape ratio {$edgestat_cpu / max($node_exporter_cpu, 1e-9):8.4f}")
PY
