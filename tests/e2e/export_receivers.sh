#!/bin/bash
# Pushes to real receivers, each started by this test, and checks what they
# stored against `edgestat once` over the same fixture tree:
#   - Debian's Prometheus 2.42 with --web.enable-remote-write-receiver
#   - bookworm's VictoriaMetrics 1.79 (remote write)
#   - trixie's VictoriaMetrics 1.112 (OTLP/HTTP at /opentelemetry/v1/metrics),
#     fetched pinned by version and sha256 (toolchains/fetch-export-deps.sh)
#   - the strict sink (push_sink.py), over OTLP, decoding with the official
#     generated classes
# Every node_* sample must arrive with the same value and labels, plus the
# external labels (job, instance, site).
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/export.sh"
command -v prometheus >/dev/null || skip "prometheus not installed"
VM_OLD=$(command -v victoria-metrics || true)
[ -n "$VM_OLD" ] || skip "victoria-metrics (bookworm) not installed"
VM_NEW=$(sh "$SRC/toolchains/fetch-export-deps.sh" victoria-metrics) || skip "cannot fetch VictoriaMetrics 1.112"

PROM_PORT=$(free_port)
printf 'global: {}\n' >"$TMP/prom.yml"
prometheus --config.file="$TMP/prom.yml" --web.listen-address="127.0.0.1:$PROM_PORT" \
  --storage.tsdb.path="$TMP/prom" --web.enable-remote-write-receiver >"$TMP/prom.log" 2>&1 &
PIDS+=($!)
VM1_PORT=$(free_port)
"$VM_OLD" -httpListenAddr="127.0.0.1:$VM1_PORT" -storageDataPath="$TMP/vm1" -search.latencyOffset=0s \
  -search.disableCache >"$TMP/vm1.log" 2>&1 &
PIDS+=($!)
VM2_PORT=$(free_port)
"$VM_NEW" -httpListenAddr="127.0.0.1:$VM2_PORT" -storageDataPath="$TMP/vm2" -search.latencyOffset=0s \
  -search.disableCache >"$TMP/vm2.log" 2>&1 &
PIDS+=($!)
start_sink
for p in $PROM_PORT $VM1_PORT $VM2_PORT; do
  wait_http "http://127.0.0.1:$p/-/ready" 2>/dev/null || wait_http "http://127.0.0.1:$p/health" ||
    fail "receiver on $p did not start"
done

CONF=$TMP/export.conf
write_config "$CONF"
cat >>"$CONF" <<CONF
[export.remote_write.prometheus]
url = http://127.0.0.1:$PROM_PORT/api/v1/write
instance = fx-export
site = lab
[export.remote_write.vm]
url = http://127.0.0.1:$VM1_PORT/api/v1/write
instance = fx-export
site = lab
[export.otlp.vm]
url = http://127.0.0.1:$VM2_PORT/opentelemetry/v1/metrics
instance = fx-export-otlp
[export.otlp.sink]
url = http://127.0.0.1:$SINK_PORT/v1/metrics
instance = fx-export
CONF
start_agent --config.file="$CONF"
# The same flags as start_agent's (no textfile directory).
"$BIN" once --log.level=error --path.procfs="$FIX/proc" --path.sysfs="$FIX/sys" --path.rootfs="$FIX/root" \
  >"$TMP/once.prom" || fail "edgestat once"

sent() { [ "$(metric edgestat_export_samples_sent_total "target=\"$1\"" | cut -d. -f1)" -gt 0 ] 2>/dev/null; }
# kind="otlp" and kind="remote_write" both have a target "vm": the metric
# helper takes the first match, so wait on the distinct names and on both.
for t in prometheus sink; do wait_for 20 sent "$t" || fail "nothing sent to $t"; done
wait_for 20 sent vm || fail "nothing sent to vm"
pass "every target accepted pushes"

compare() { $PY "$SRC/tests/e2e/lib/export_compare.py" "$TMP/once.prom" "$@" "$SRC/tests/lib"; }
wait_for 15 compare promql "http://127.0.0.1:$PROM_PORT" fx-export >/dev/null || true
compare promql "http://127.0.0.1:$PROM_PORT" fx-export || fail "Prometheus (remote write) differs"
pass "Prometheus 2.42 stored every node_* series with its value and labels"
wait_for 15 compare promql "http://127.0.0.1:$VM1_PORT" fx-export >/dev/null || true
compare promql "http://127.0.0.1:$VM1_PORT" fx-export || fail "VictoriaMetrics 1.79 (remote write) differs"
pass "VictoriaMetrics 1.79 stored every node_* series (remote write)"
compare sink "http://127.0.0.1:$SINK_PORT" fx-export || fail "the strict OTLP sink differs"
[ "$(sink_stat refused)" = 0 ] || fail "the strict sink refused a push: $(sink_stat errors)"
pass "the strict sink decoded every OTLP push with the official classes, canonically encoded"

# VictoriaMetrics turns OTLP resource attributes into labels; dots kept.
q='node_load1{"host.name"="fx-export-otlp"}'
vm_otlp() {
  curl -s "http://127.0.0.1:$VM2_PORT/api/v1/query?nocache=1" --data-urlencode "query=$q" | grep -q '"service.name":"edgestat"'
}
wait_for 15 vm_otlp || fail "VictoriaMetrics 1.112 has no node_load1 from OTLP: $(curl -s "http://127.0.0.1:$VM2_PORT/api/v1/query" --data-urlencode "query=$q")"
want=$(awk '$1 == "node_load1" {print $2}' "$TMP/once.prom")
got=$(curl -s "http://127.0.0.1:$VM2_PORT/api/v1/query?nocache=1" --data-urlencode "query=$q" |
  $PY -c 'import json,sys; print(float(json.load(sys.stdin)["data"]["result"][0]["value"][1]))')
$PY -c "import sys; sys.exit(0 if abs(float('$want') - float('$got')) < 1e-9 else 1)" ||
  fail "VictoriaMetrics 1.112 node_load1 = $got, want $want"
pass "VictoriaMetrics 1.112 stored OTLP pushes (node_load1 = $got, resource attributes as labels)"
echo "export_receivers: all passed"
