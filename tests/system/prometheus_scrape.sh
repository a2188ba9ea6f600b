# System test: a real Prometheus (Debian's /usr/bin/prometheus) scrapes
# edgestat on loopback every second for ~8 s; its HTTP API must then show
# up == 1 for the target and the node_load1 and node_cpu_seconds_total
# series. Usage: bash prometheus_scrape.sh BINARY SRCDIR (exit 77 = skipped).
BIN=$1 SRC=$2
EDGESTAT_SYSTEM_TEST=1  # a skip under CI=true as root fails (tests/lib/common.sh)
source "$SRC/tests/e2e/lib/agent.sh"
PROM=${PROMETHEUS:-/usr/bin/prometheus}
[ -x "$PROM" ] || skip "no Prometheus at $PROM (apt-get install prometheus)"
start_agent
PPORT=$(free_port)
cat >"$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: edgestat
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
"$PROM" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PPORT" >"$TMP/prometheus.log" 2>&1 &
PIDS+=($!)  # killed by the EXIT trap whatever happens
sleep 8
q() { curl -s --max-time 5 "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1"; }
q 'up{job="edgestat"}' | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
assert len(r) == 1 and r[0]["value"][1] == "1", r' || fail "up != 1 ($(tail -5 "$TMP/prometheus.log"))"
q 'node_load1{job="edgestat"}' | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
assert len(r) == 1 and float(r[0]["value"][1]) == 7.31, r' || fail "node_load1 missing"
n=$(q 'count(node_cpu_seconds_total{job="edgestat"})' | python3 -c '
import json, sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])') || fail "node_cpu_seconds_total missing"
[ "$n" -gt 0 ] || fail "no node_cpu_seconds_total series"
samples=$(q 'count_over_time(up{job="edgestat"}[1m])' | python3 -c '
import json, sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
pass "Prometheus scraped edgestat: up=1, node_load1, $n node_cpu_seconds_total series, $samples scrapes"
