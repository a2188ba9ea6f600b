#!/bin/bash
# The Node Exporter Full dashboard (grafana.com 1860) against this machine:
# edgestat's daemon and Debian's node_exporter run side by side on the live
# /proc and /sys, and tests/compat/dashboard_coverage.py checks that
# edgestat serves at least the dashboard metrics node_exporter serves, with
# the labels the dashboard uses, and no duplicate series. The metric list,
# tests/compat/node_exporter_full.metrics, is derived from the dashboard's
# JSON by tests/compat/dashboard_metrics.py (its header names the source).
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
NE=/usr/bin/prometheus-node-exporter
if [ ! -x "$NE" ]; then
  [ "${CI:-}" = true ] && fail "node_exporter not installed (Debian package prometheus-node-exporter)"
  skip "node_exporter not installed (Debian package prometheus-node-exporter)"
fi
# The live machine, not the fixture tree: what a user who swaps one for the
# other sees. node_exporter runs with Debian's defaults, as installed.
start_agent --path.procfs=/proc --path.sysfs=/sys --path.rootfs=/ --collector.textfile.directory=
ne_port=$(free_port)
"$NE" --web.listen-address="127.0.0.1:$ne_port" > "$TMP/ne.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ne_port/metrics" > /dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$ne_port/metrics" > "$TMP/ne.prom" || fail "node_exporter did not answer: $(cat "$TMP/ne.log")"
curl -sf "$(URL /metrics)" > "$TMP/ours.prom" || fail "edgestat did not answer"
python3 "$SRC/tests/compat/dashboard_coverage.py" "$SRC/tests/compat/node_exporter_full.metrics" \
  "$TMP/ours.prom" "$TMP/ne.prom" "$SRC/tests/lib" || fail "dashboard coverage"
pass "dashboard coverage"
