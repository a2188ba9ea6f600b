#!/bin/bash
# Ingest figures on this machine, against the goals of issue 6 (2-core VM):
#   ring push+pop, two threads        >= 20 M ops/s   (tests/bench/ring_bench.cpp)
#   StatsD lines/s end to end, 0 drops >= 200 000      (UDP -> parse -> aggregate -> ring -> batch files)
#   records/s written                  >= 200 000      (RecordWriter alone, tmpfs and disk)
# Usage: tests/bench/ingest_bench.sh [OPTIMISED_BUILD_DIR] [SECONDS]
#   (a build dir configured with -DCMAKE_BUILD_TYPE=Release or RelWithDebInfo)
#        tests/bench/ingest_bench.sh burst [BUILD_DIR]   only the default-config burst
#   BUILD_DIR needs libedgestat_lib.a (the bench tools link it) and edgestat.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" = burst ]; then BUILD=${2:-$SRC/build}; else BUILD=${1:-$SRC/build}; fi
SECS=${2:-5}
tmp=$(mktemp -d)
agent_pid=
cleanup() { set +e; [ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null; rm -rf "$tmp" /dev/shm/edgestat-bench.*; }
trap cleanup EXIT

libs="-luv -lmbedtls -lmbedx509 -lmbedcrypto -lpthread"
g++ -std=c++20 -O2 -fno-exceptions -fno-rtti -I"$SRC/src" "$SRC/tests/bench/ingest_bench.cpp" \
  "$BUILD/libedgestat_lib.a" $libs -o "$tmp/ingest_bench"
g++ -std=c++20 -O2 -fno-exceptions -fno-rtti -I"$SRC/src" "$SRC/tests/bench/ring_bench.cpp" \
  "$SRC/src/core/reserve.cpp" -o "$tmp/ring_bench" -lpthread

# The default config (issue 14): a burst of BURST_LINES timer lines (1M)
# at BURST_RATE (100k lines/s) into an agent started with no [store] or
# [ingest] flags at all, batch files on disk (two fsyncs each, as on flash).
# Nothing may be lost: kernel drops (sent - received) and ring drops both 0.
# BURST_FLAGS adds agent flags (e.g. --store.ring-slots=1024 for the sizing table).
# burst_default STEADY: STEADY seconds of a 1000 lines/s stream first (the
# router-cost load: the listener rests its longest, ~1 s, when the burst
# starts, and the first read after the rest brings more than the ring holds).
burst_default() {
  local steady=${1:-0} lines=${BURST_LINES:-1000000} rate=${BURST_RATE:-100000}
  local port uport dir pid
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  uport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dir=$(mktemp -d "$tmp/burst.XXXXXX")
  "$BUILD/edgestat" run --web.listen-address="127.0.0.1:$port" --agent.runtime-dir="$dir/run" \
    --agent.data-dir="$dir" --ingest.statsd-listen-address="127.0.0.1:$uport" --log.level=warn \
    ${BURST_FLAGS:-} 2>"$dir/agent.log" &
  pid=$!
  agent_pid=$pid
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/live" && break; sleep 0.05; done
  m() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {printf "%d\n", $2}'; }
  local slots
  slots=$(m edgestat_ring_capacity)
  local pre=0 after="from idle"
  if [ "$steady" != 0 ]; then
    read -r pre _ < <("$tmp/ingest_bench" statsd-send "$uport" 1000 "$steady" 50)
    after="after ${steady}s at 1000 lines/s"
  fi
  read -r sent took < <("$tmp/ingest_bench" statsd-send "$uport" "$rate" "$(awk -v n="$lines" -v r="$rate" 'BEGIN{print n/r}')" 20)
  sent=$((sent + pre))
  for _ in $(seq 100); do
    [ "$(m edgestat_ring_records)" = 0 ] && break
    sleep 0.2
  done
  local got dropped persisted
  got=$(m edgestat_statsd_lines_total)
  dropped=$(m 'edgestat_ring_dropped_total{source="statsd"}')
  persisted=$(m edgestat_store_records_persisted_total)
  printf '  default config (ring_slots %s), %s: %d lines (burst at %d lines/s in %ss): received %d (kernel drops %d), ring drops %s, persisted %s, lost %d\n' \
    "$slots" "$after" "$sent" "$rate" "$took" "$got" $((sent - got)) "$dropped" "$persisted" $((sent - persisted))
  kill -TERM "$pid"; wait "$pid" || true; agent_pid=
  rm -rf "$dir"
}
if [ "${1:-}" = burst ]; then
  echo "== StatsD burst on the default config (disk)"
  burst_default
  burst_default 10
  exit 0
fi
echo "== ring: push+pop, two threads"
"$tmp/ring_bench" 20000000 3

echo "== writer: records persisted per second"
shm=$(mktemp -d /dev/shm/edgestat-bench.XXXXXX)
"$tmp/ingest_bench" writer "$shm" 2000000 1000
rm -f "$shm"/metrics_*.json
mkdir -p "$tmp/disk"
"$tmp/ingest_bench" writer "$tmp/disk" 1000000 1000
rm -f "$tmp/disk"/metrics_*.json
"$tmp/ingest_bench" writer "$tmp/disk" 1000000 5000
rm -f "$tmp/disk"/metrics_*.json

echo "== StatsD parse + aggregate, one core"
"$tmp/ingest_bench" parse 5000000

echo "== StatsD burst on the default config (disk)"
burst_default
burst_default 10
burst_default
burst_default 10

echo "== StatsD end to end: UDP -> agent -> ring -> batch files (tmpfs), zero drops"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
uport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD/edgestat" run --web.listen-address="127.0.0.1:$port" --agent.runtime-dir="$tmp/run" \
  --agent.data-dir="$shm" --collect.scrape-max-age=0s --store.ring-slots=262144 --store.record-bytes=256 \
  --store.max-files=0 --store.max-bytes=0 --ingest.statsd-listen-address="127.0.0.1:$uport" \
  --ingest.statsd-receive-buffer-bytes=64MiB --log.level=warn 2>"$tmp/agent.log" &
agent_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/live" && break; sleep 0.05; done
# Values print like Go's %g (1.5e+06): read them as numbers.
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {printf "%d\n", $2}'; }
best=0
total_sent=0
for rate in 100000 200000 400000 600000 800000 1000000; do
  before=$(metric edgestat_statsd_lines_total)
  read -r sent took < <("$tmp/ingest_bench" statsd-send "$uport" "$rate" "$SECS" 20)
  total_sent=$((total_sent + sent))
  sleep 1
  got=$(( $(metric edgestat_statsd_lines_total) - before ))
  dropped=$(metric 'edgestat_ring_dropped_total{source="statsd"}')
  lost=$((sent - got))
  ok=no
  [ "$lost" -eq 0 ] && [ "$dropped" = 0 ] && ok=yes && best=$rate
  printf '  offered %7d lines/s for %ss: sent %d, received %d (kernel drops %d), ring drops %s, zero drops: %s\n' \
    "$rate" "$SECS" "$sent" "$got" "$lost" "$dropped" "$ok"
  [ "$ok" = yes ] || break
done
for _ in $(seq 100); do
  [ "$(metric edgestat_ring_records)" = 0 ] && break
  sleep 0.2
done
persisted=$(metric edgestat_store_records_persisted_total)
printf '  highest rate with zero drops: %d lines/s; records persisted %s of %s received\n' "$best" "$persisted" \
  "$(metric edgestat_statsd_lines_total)"
kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=
