#!/bin/bash
# POST /api/v1/operations throughput and latency for [store] ack = received
# and ack = durable, side by side in one run: wrk with keep-alive clients,
# each request an array of RECORDS records; reported as records/s and the
# request latency percentiles (p50, p99), with the batch files on a real
# disk ($TMPDIR, fsync) and on tmpfs (/dev/shm). Records/s counts 202s only
# (a full ring answers 503: "non-202"); latency covers every request.
# Usage: tests/bench/ingest_ack_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS] [RECORDS]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
SECS=${2:-10}
CONNS=${3:-16}
RECORDS=${4:-40}
command -v wrk >/dev/null || { echo "SKIPPED: wrk not installed"; exit 77; }
tmp=$(mktemp -d)
shm=$(mktemp -d /dev/shm/edgestat-ackbench.XXXXXX)
agent_pid=
cleanup() { set +e; [ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null; rm -rf "$tmp" "$shm"; }
trap cleanup EXIT

python3 - "$RECORDS" > "$tmp/post.lua" <<'PY'
import json, sys
n = int(sys.argv[1])
body = json.dumps([{"operation_type": "bench", "operation_name": "post", "duration_ms": 1.25,
                    "metadata": {"i": i}} for i in range(n)])
print('wrk.method = "POST"')
print('wrk.body = %s' % json.dumps(body))
print('wrk.headers["Content-Type"] = "application/json"')
print('''done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.0f %.0f %.0f\\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end''')
PY

run() {  # MODE DIR
  local mode=$1 dir=$2 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -f "$dir"/metrics_*.json
  "$BUILD/edgestat" run --web.listen-address="127.0.0.1:$port" --agent.runtime-dir="$tmp/run" \
    --agent.data-dir="$dir" --store.ack="$mode" --store.ring-slots=65536 --store.record-bytes=512 \
    --store.max-files=0 --store.max-bytes=0 --web.max-body-bytes=64KiB --web.max-connections=256 \
    --web.max-requests=0 --log.level=warn 2>"$tmp/agent.log" &
  agent_pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/live" && break; sleep 0.05; done
  local r
  r=$(wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$tmp/post.lua" "http://127.0.0.1:$port/api/v1/operations" | grep '^RESULT')
  kill -TERM "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=
  local persisted
  persisted=$(cat "$dir"/metrics_*.json 2>/dev/null | grep -o '"total_records":[0-9]*' | cut -d: -f2 |
              awk '{s+=$1} END {print s+0}')
  set -- $r
  awk -v mode="$mode" -v w="$where" -v req="$2" -v us="$3" -v err="$4" -v p50="$5" -v p99="$6" -v mx="$7" \
      -v n="$RECORDS" -v pers="$persisted" 'BEGIN {
    printf "%-9s %-6s %9.0f records/s acknowledged  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  non-202 %d  persisted %d\n",
      mode, w, (req - err) * n / (us / 1e6), p50 / 1000, p99 / 1000, mx / 1000, err, pers }'
}

echo "wrk: $CONNS connections, ${SECS}s, $RECORDS records per POST; $(nproc) cores"
for where in disk tmpfs; do
  dir=$tmp/data; [ "$where" = tmpfs ] && dir=$shm
  mkdir -p "$dir"
  for mode in received durable; do run "$mode" "$dir"; done
done
