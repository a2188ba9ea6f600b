#!/bin/bash
# What each agent costs a router (issue 14), side by side on one load:
# edgestat (defaults, and with [store] enabled = false: StatsD timers
# aggregated but not stored as records), node_exporter (Debian prometheus-node-exporter), collectd
# (Debian collectd-core: cpu, memory, load, interface, disk, df, statsd,
# write_prometheus) and netdata (Debian netdata, its default plugins), each
# with a 15 s collection interval, scraped every SCRAPE_EVERY s (15) for
# WINDOW s (300), a StatsD stream of STATSD_RATE timer lines/s (1000) to
# every agent that has a StatsD listener (node_exporter has none), and
# LXC_CONTAINERS (8) running busybox containers when LXC works here (root,
# packages lxc and busybox-static): a container host's load for the agents
# that watch containers (edgestat's lxc collector, netdata's cgroups plugin).
# A third edgestat, defaults without a StatsD listener, carries exactly
# node_exporter's load (scrapes only): the like-with-like ratio.
# Per agent (its process and children): CPU ms per minute (schedstat), RSS and Pss
# (smaps_rollup) at the end, wake-ups per minute (voluntary + involuntary
# context switches of every thread: each is one scheduling onto a CPU),
# bytes written per hour (/proc/PID/io write_bytes: what reaches the block
# layer, i.e. flash). Prints the table and each peer's ratio to edgestat.
# Usage: tests/bench/router_cost.sh [EDGESTAT_BINARY]
#   default: build-x86_64/edgestat (static) if built, else build/edgestat
#   WINDOW=60 for a quick look; LXC_CONTAINERS=0 for none; peers missing
#   are installed with apt-get.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../lib/common.sh"  # the busybox container helpers
BIN=$(bench_binary "${1:-}")
WINDOW=${WINDOW:-300}
SCRAPE_EVERY=${SCRAPE_EVERY:-15}
STATSD_RATE=${STATSD_RATE:-1000}
LXC_CONTAINERS=${LXC_CONTAINERS:-8}
need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 || true
  command -v "$1" >/dev/null
}
tmp=$(mktemp -d)
declare -A PID PORT UPORT URLPATH
pids=()
containers=()
cleanup() {
  set +e  # a process already gone must not stop the cleanup (errexit applies in traps)
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
  [ ${#containers[@]} = 0 ] || destroy_containers "${containers[@]}"
  rm -rf "$tmp" 2>/dev/null || true  # netdata may still be writing into it
}
trap cleanup EXIT
trap "exit 1" INT TERM  # a timeout or ^C still stops the agents (through the EXIT trap)
port() { python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.$1); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }
kind=dynamic
file -L "$BIN" | grep -q 'statically linked' && kind=static
echo "edgestat binary: $BIN ($kind); window ${WINDOW}s, scraped every ${SCRAPE_EVERY}s, StatsD ${STATSD_RATE} lines/s"

# ---- the containers, before the agents start (they find them at start, as
# on a host that boots its containers first). No network: the busybox
# template's veth needs a bridge this bench does not set up.
run_containers() {
  [ "$LXC_CONTAINERS" -gt 0 ] || { echo "none (LXC_CONTAINERS=0)"; return; }
  [ "$(id -u)" = 0 ] || { echo "none (needs root)"; return; }
  need lxc-create lxc && need busybox busybox-static || { echo "none (lxc or busybox-static not installable)"; return; }
  local i why
  for i in $(seq 0 $((LXC_CONTAINERS - 1))); do containers+=("es-cost-$$-$i"); done
  why=$(create_busybox_containers "${containers[@]}" && start_containers "${containers[@]}") ||
    { destroy_containers "${containers[@]}"; containers=(); echo "none ($why)"; return; }
  echo "${#containers[@]} busybox containers running"
}
# Not in a subshell: containers[] must reach the cleanup.
run_containers > "$tmp/lxc.note"
echo "LXC: $(cat "$tmp/lxc.note")"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- edgestat: defaults (15 s interval), StatsD on
PORT[edgestat]=$(port SOCK_STREAM)
UPORT[edgestat]=$(port SOCK_DGRAM)
URLPATH[edgestat]=/metrics
mkdir -p "$tmp/edgestat"
"$BIN" run --web.listen-address="127.0.0.1:${PORT[edgestat]}" --agent.runtime-dir="$tmp/edgestat/run" \
  --agent.data-dir="$tmp/edgestat" --ingest.statsd-listen-address="127.0.0.1:${UPORT[edgestat]}" \
  2>"$tmp/edgestat.log" &
PID[edgestat]=$!
pids+=("${PID[edgestat]}")

# ---- the same with [store] enabled = false: StatsD timers aggregated for
# /metrics only, not kept as records on disk (what collectd's statsd does)
PORT[edgestat_nostore]=$(port SOCK_STREAM)
UPORT[edgestat_nostore]=$(port SOCK_DGRAM)
URLPATH[edgestat_nostore]=/metrics
mkdir -p "$tmp/edgestat_nostore"
"$BIN" run --web.listen-address="127.0.0.1:${PORT[edgestat_nostore]}" \
  --agent.runtime-dir="$tmp/edgestat_nostore/run" --agent.data-dir="$tmp/edgestat_nostore" --store.enabled=false \
  --ingest.statsd-listen-address="127.0.0.1:${UPORT[edgestat_nostore]}" 2>"$tmp/edgestat_nostore.log" &
PID[edgestat_nostore]=$!
pids+=("${PID[edgestat_nostore]}")

# ---- edgestat on node_exporter's load: defaults, no StatsD listener (the
# default config has none), scraped like the others: like with like
PORT[edgestat_scrapes]=$(port SOCK_STREAM)
URLPATH[edgestat_scrapes]=/metrics
mkdir -p "$tmp/edgestat_scrapes"
"$BIN" run --web.listen-address="127.0.0.1:${PORT[edgestat_scrapes]}" \
  --agent.runtime-dir="$tmp/edgestat_scrapes/run" --agent.data-dir="$tmp/edgestat_scrapes" \
  2>"$tmp/edgestat_scrapes.log" &
PID[edgestat_scrapes]=$!
pids+=("${PID[edgestat_scrapes]}")

# ---- node_exporter: its defaults; it collects when scraped
if need prometheus-node-exporter prometheus-node-exporter; then
  PORT[node_exporter]=$(port SOCK_STREAM)
  URLPATH[node_exporter]=/metrics
  prometheus-node-exporter --web.listen-address="127.0.0.1:${PORT[node_exporter]}" 2>"$tmp/ne.log" &
  PID[node_exporter]=$!
  pids+=("${PID[node_exporter]}")
else
  echo "node_exporter: SKIPPED (apt-get install prometheus-node-exporter failed)"
fi

# ---- collectd: the host plugins edgestat's defaults cover, statsd, write_prometheus
# collectd-core only recommends the libraries write_prometheus links.
if need collectd collectd-core && ldd /usr/lib/collectd/write_prometheus.so 2>/dev/null | grep -q 'not found'; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libprotobuf-c1 libmicrohttpd12 \
    >/dev/null 2>&1 || true
fi
if command -v collectd >/dev/null && [ -f /usr/lib/collectd/write_prometheus.so ] &&
  ! ldd /usr/lib/collectd/write_prometheus.so | grep -q 'not found'; then
  PORT[collectd]=$(port SOCK_STREAM)
  UPORT[collectd]=$(port SOCK_DGRAM)
  URLPATH[collectd]=/metrics
  cat > "$tmp/collectd.conf" <<EOF
Interval 15
BaseDir "$tmp/collectd"
PIDFile "$tmp/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin cpu
LoadPlugin memory
LoadPlugin load
LoadPlugin interface
LoadPlugin disk
LoadPlugin df
LoadPlugin statsd
LoadPlugin write_prometheus
<Plugin statsd>
  Host "127.0.0.1"
  Port "${UPORT[collectd]}"
  TimerPercentile 50
  TimerPercentile 99
</Plugin>
<Plugin write_prometheus>
  Port "${PORT[collectd]}"
</Plugin>
EOF
  mkdir -p "$tmp/collectd"
  collectd -f -C "$tmp/collectd.conf" >"$tmp/collectd.log" 2>&1 &
  PID[collectd]=$!
  pids+=("${PID[collectd]}")
else
  echo "collectd: SKIPPED (collectd-core or its write_prometheus plugin not installable)"
fi

# ---- netdata: its defaults at a 15 s update, statsd on its own port
if need netdata netdata; then
  PORT[netdata]=$(port SOCK_STREAM)
  UPORT[netdata]=$(port SOCK_DGRAM)
  URLPATH[netdata]="/api/v1/allmetrics?format=prometheus"
  mkdir -p "$tmp/netdata/cache" "$tmp/netdata/lib" "$tmp/netdata/log"
  cat > "$tmp/netdata.conf" <<EOF
[global]
  update every = 15
  run as user = root
[directories]
  cache = $tmp/netdata/cache
  lib = $tmp/netdata/lib
  log = $tmp/netdata/log
[web]
  bind to = 127.0.0.1:${PORT[netdata]}
[statsd]
  enabled = yes
  default port = ${UPORT[netdata]}
  bind to = udp:127.0.0.1:${UPORT[netdata]}
[plugins]
  go.d = no
  python.d = no
  charts.d = no
[health]
  enabled = no
[ml]
  enabled = no
EOF
  netdata -D -c "$tmp/netdata.conf" >"$tmp/netdata.log" 2>&1 &
  PID[netdata]=$!
  pids+=("${PID[netdata]}")
else
  echo "netdata: SKIPPED (apt-get install netdata failed)"
fi

agents=()
for a in edgestat edgestat_nostore edgestat_scrapes node_exporter collectd netdata; do
  [ -n "${PID[$a]:-}" ] || continue
  ok=no
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:${PORT[$a]}${URLPATH[$a]}" && { ok=yes; break; }
    kill -0 "${PID[$a]}" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$ok" = yes ]; then agents+=("$a"); else echo "$a: SKIPPED (did not answer on ${URLPATH[$a]}; log: $(tail -3 "$tmp/$a.log" 2>/dev/null | tr '\n' ' '))"; fi
done
sleep 2  # start-up work is not the steady state

# The process and its descendants.
tree() {
  local p=$1
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree "$c"; done
}
# cpu_ns wakeups write_bytes for an agent's tree (summed). CPU is each
# thread's time on a CPU in ns (/proc/PID/task/TID/schedstat), not the
# 10 ms clock ticks of /proc/PID/stat: an agent scraped 4 times a minute
# uses a few ticks in a short window.
sample() {
  local cpu=0 wk=0 wb=0 p t
  for p in $(tree "$1"); do
    [ -r "/proc/$p/stat" ] || continue
    for t in /proc/"$p"/task/*; do
      cpu=$((cpu + $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)))
      wk=$((wk + $(awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {s += $2} END {print s + 0}' "$t/status" 2>/dev/null || echo 0)))
    done
    wb=$((wb + $(awk '/^write_bytes/ {print $2}' "/proc/$p/io" 2>/dev/null || echo 0)))
  done
  echo "$cpu $wk $wb"
}
# rss_kib pss_kib for a tree
memory() {
  local rss=0 pss=0 p
  for p in $(tree "$1"); do
    read -r r s < <(awk '/^Rss:/ {r = $2} /^Pss:/ {s = $2} END {print r + 0, s + 0}' "/proc/$p/smaps_rollup" 2>/dev/null || echo "0 0")
    rss=$((rss + r)); pss=$((pss + s))
  done
  echo "$rss $pss"
}

declare -A C0 W0 B0
for a in "${agents[@]}"; do read -r C0[$a] W0[$a] B0[$a] < <(sample "${PID[$a]}"); done
t0=$(date +%s.%N)

# The StatsD stream: STATSD_RATE timer lines a second, 50 lines a datagram,
# to every agent listening.
targets=()
for a in "${agents[@]}"; do [ -n "${UPORT[$a]:-}" ] && targets+=("${UPORT[$a]}"); done
python3 - "$STATSD_RATE" "$WINDOW" "${targets[@]}" <<'PY' &
import socket, sys, time
rate, window, ports = float(sys.argv[1]), float(sys.argv[2]), [int(p) for p in sys.argv[3:]]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
per = 50
t0 = time.monotonic(); sent = 0; seq = 0
while time.monotonic() - t0 < window:
    due = rate * (time.monotonic() - t0)
    if sent + per > due:
        time.sleep(0.005); continue
    lines = "\n".join(f"router.t{(seq + i) % 8}:{(seq + i) % 997}|ms" for i in range(per)).encode()
    seq += per
    for p in ports: s.sendto(lines, ("127.0.0.1", p))
    sent += per
PY
sender=$!
pids+=("$sender")
# The scraper: every SCRAPE_EVERY s, each agent once.
end=$(python3 -c "import time; print(time.time() + $WINDOW)")
scrapes=0
while python3 -c "import sys, time; sys.exit(0 if time.time() < $end else 1)"; do
  for a in "${agents[@]}"; do curl -s -o /dev/null "http://127.0.0.1:${PORT[$a]}${URLPATH[$a]}"; done
  scrapes=$((scrapes + 1))
  sleep "$SCRAPE_EVERY"
done
wait "$sender" 2>/dev/null || true
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')

echo "measured ${secs}s, $scrapes scrapes each; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-17s %14s %10s %10s %16s %16s\n' agent "CPU ms/min" "RSS MiB" "Pss MiB" "wake-ups/min" "written KiB/h"
declare -A R
for a in "${agents[@]}"; do
  read -r c w b < <(sample "${PID[$a]}")
  read -r rss pss < <(memory "${PID[$a]}")
  cpu=$(awk -v c=$((c - C0[$a])) -v s="$secs" 'BEGIN {printf "%.1f", c / 1e6 / s * 60}')
  wk=$(awk -v w=$((w - W0[$a])) -v s="$secs" 'BEGIN {printf "%.0f", w / s * 60}')
  wr=$(awk -v x=$((b - B0[$a])) -v s="$secs" 'BEGIN {printf "%.0f", x / 1024 / s * 3600}')
  R[$a]="$cpu $(awk -v k="$rss" 'BEGIN {printf "%.2f", k / 1024}') $(awk -v k="$pss" 'BEGIN {printf "%.2f", k / 1024}') $wk $wr"
  # shellcheck disable=SC2086
  printf '%-17s %14s %10s %10s %16s %16s\n' "$a" ${R[$a]}
done
# ratio PEER BASE: PEER's figures over BASE's (above 1: BASE is cheaper)
ratio() {
  read -r c r p w wr <<<"${R[$1]}"
  read -r ec er ep ew ewr <<<"${R[$2]}"
  awk -v a="$1" -v b="$2" -v c="$c" -v r="$r" -v p="$p" -v w="$w" -v wr="$wr" -v ec="$ec" -v er="$er" -v ep="$ep" -v ew="$ew" -v ewr="$ewr" '
    function ratio(x, y) { return y > 0 ? sprintf("%.1fx", x / y) : (x > 0 ? "inf" : "=") }
    BEGIN { printf "  %-16s / %-16s CPU %s  RSS %s  Pss %s  wake-ups %s  written %s\n", a, b, ratio(c, ec), ratio(r, er), ratio(p, ep), ratio(w, ew), ratio(wr, ewr) }'
}
echo "ratios peer / edgestat (above 1: edgestat is cheaper):"
for a in "${agents[@]}"; do
  case $a in edgestat*) continue ;; esac
  ratio "$a" edgestat
done
# Like with like: node_exporter gets no StatsD, nor does edgestat_scrapes.
[ -n "${R[node_exporter]:-}" ] && [ -n "${R[edgestat_scrapes]:-}" ] && ratio node_exporter edgestat_scrapes
# collectd stores nothing either: against edgestat with the store off.
[ -n "${R[collectd]:-}" ] && [ -n "${R[edgestat_nostore]:-}" ] && ratio collectd edgestat_nostore
curl -s "http://127.0.0.1:${PORT[edgestat]}/metrics" |
  awk '/^edgestat_(collections_total|statsd_lines_total|ring_dropped_total|store_records_persisted_total|store_batches_written_total)/ {print "  edgestat " $0}
       /^lxc_container_running\{/ {n += $2} END {print "  edgestat saw " n + 0 " running containers"}'
exit 0  # the table is printed (the cleanup trap kills processes that may have exited)
