# Shared by the export e2e tests (sourced after tests/e2e/lib/agent.sh):
# the pinned protos' Python classes, the strict sink, receivers, queries.
# Names, ports and directories carry "export" and come from free_port, so
# several helpers' tests can run at once.

# wait_http and once_fixture; then agent.sh's fail (with the agent's log).
. "$SRC/tests/lib/common.sh"
fail() { echo "FAIL: $*"; [ -n "${LOG:-}" ] && [ -f "$LOG" ] && { echo "--- agent log"; tail -20 "$LOG"; }; exit 1; }
# Under CI a test that cannot run is a failure, not a skip.
skip() {
  echo "SKIPPED: $*"
  [ "${CI:-}" = true ] && exit 1
  exit 77
}

PY=/usr/bin/python3   # Debian's, with python3-protobuf and python3-snappy
command -v protoc >/dev/null || skip "protoc not installed (protobuf-compiler)"
$PY -c 'import google.protobuf, snappy' 2>/dev/null || skip "python3-protobuf or python3-snappy missing"
PROTOS=$(sh "$SRC/toolchains/fetch-export-deps.sh" protos) || skip "cannot fetch the pinned protos"
GOGO=/usr/share/gocode/src/github.com/gogo/protobuf
[ -f "$GOGO/gogoproto/gogo.proto" ] || skip "golang-github-gogo-protobuf-dev missing"

# The official generated classes, from the same pinned .proto files.
PBDIR=$TMP/pb
mkdir -p "$PBDIR"
protoc --python_out="$PBDIR" -I "$PROTOS/prompb" -I "$GOGO" types.proto remote.proto gogoproto/gogo.proto ||
  fail "protoc --python_out (prompb)"
protoc --python_out="$PBDIR" -I "$PROTOS" $(cd "$PROTOS" && ls opentelemetry/proto/*/v1/*.proto opentelemetry/proto/collector/metrics/v1/*.proto) ||
  fail "protoc --python_out (otlp)"
for d in $(cd "$PBDIR" && find opentelemetry -type d); do touch "$PBDIR/$d/__init__.py"; done

# start_sink [--tls cert key ca] -> $SINK_PORT, $SINK_PID
start_sink() {
  SINK_PORT=$(free_port)
  $PY "$SRC/tests/e2e/lib/push_sink.py" "$SINK_PORT" "$PBDIR" "$@" >"$TMP/sink-$SINK_PORT.log" 2>&1 &
  SINK_PID=$!
  PIDS+=("$SINK_PID")
  for _ in $(seq 100); do
    grep -q listening "$TMP/sink-$SINK_PORT.log" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "sink did not start: $(cat "$TMP/sink-$SINK_PORT.log")"
}

# sink_get PATH [curl args]: the sink's answer (SINK_TLS=PKI for a TLS sink,
# asked as localhost with the test client certificate).
sink_get() {
  local path=$1; shift
  if [ -n "${SINK_TLS:-}" ]; then
    curl -s --cacert "$SINK_TLS/ca.pem" --cert "$SINK_TLS/client.pem" --key "$SINK_TLS/client.key" \
      --resolve "localhost:$SINK_PORT:127.0.0.1" "https://localhost:$SINK_PORT$path" "$@"
  else
    curl -s "http://127.0.0.1:$SINK_PORT$path" "$@"
  fi
}

# sink_stat KEY -> a counter from the sink's /stats
sink_stat() { sink_get /stats | $PY -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

sink_fault() { sink_get /control -X POST --data "$1" >/dev/null; }

# metric NAME [LABELS] -> the value of one sample on the agent's /metrics
metric() {
  curl -s "$(URL /metrics)" | awk -v n="$1" -v l="${2:-}" '
    { split($0, a, " "); key = a[1]; v = a[2] }
    key == n || (l != "" && index(key, n "{") == 1 && index(key, l) > 0) { print v; exit }'
}

# wait_for SECONDS CMD... : polls CMD until it succeeds
wait_for() {
  local t=$1; shift
  for _ in $(seq $((t * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# write_config FILE: starts an agent config whose push sections the test appends.
write_config() {
  cat >"$1" <<CONF
[collect]
interval = 1s
scrape_max_age = 1s
CONF
}
