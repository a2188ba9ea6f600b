#!/bin/bash
# The exporter under faults, against the strict sink (remote write), with
# intervals shortened so the whole test takes seconds:
#   receiver down, then back: breaker opens, /health degraded, batches go
#     to the spool; after the restart the spool drains in order, nothing
#     lost, nothing twice, /health healthy again
#   500 then 200: backoff, breaker opens and closes, /health follows
#   429 with Retry-After: retried; 400: the batch is dropped and counted
#   kill -9 while spooling: every spool file whole (header, CRC, decodes),
#     no temp left; after the restart each spooled sample arrives once
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/export.sh"

start_sink
CONF=$TMP/export.conf
write_config "$CONF"
cat >>"$CONF" <<CONF
[export.remote_write.sink]
url = http://127.0.0.1:$SINK_PORT/api/v1/write
instance = fx-faults
collect = loadavg
timeout = 1s
backoff_initial = 100ms
backoff_max = 400ms
breaker_failures = 2
breaker_open = 500ms
breaker_max_open = 1s
CONF
SPOOL=$TMP/data/spool/remote_write-sink
start_agent --config.file="$CONF"

health() { curl -s "$(URL /health)"; }
degraded() { health | grep -q '"name":"export","status":"degraded"'; }
healthy() { health | grep -q '"name":"export","status":"healthy"'; }
m() { metric "$1" "${2:-target=\"sink\"}" | cut -d. -f1; }
spooled_batches() { [ "$(m edgestat_export_spool_batches)" -ge "$1" ] 2>/dev/null; }
spool_empty() { [ "$(m edgestat_export_spool_batches)" = 0 ] && [ -z "$(ls "$SPOOL")" ]; }
sent_ge() { [ "$(m edgestat_export_samples_sent_total)" -ge "$1" ] 2>/dev/null; }
load_points() { # node_load1 timestamps the sink holds, one per line
  curl -s "http://127.0.0.1:$SINK_PORT/series?name=node_load1" |
    $PY -c 'import json,sys; [print(p[0]) for s in json.load(sys.stdin) for p in s["points"]]'
}
# Increasing, and no gap larger than two collections: collections come
# every interval, or up to 1.5 intervals apart when a scrape (this test's
# /metrics reads) triggered one and postponed the timer.
no_gaps() { $PY -c 'import sys; t=[int(x) for x in sys.stdin]; sys.exit(0 if all(b-a < 3000 and b > a for a,b in zip(t,t[1:])) else 1)'; }
successes() { metric edgestat_export_requests_total 'result="success"' | cut -d. -f1; }

wait_for 10 sent_ge 1 || fail "nothing sent"
wait_for 5 healthy || fail "/health export check not healthy: $(health)"
pass "pushing, /health export healthy"

# --- receiver down, then back
load_points >"$TMP/points0"
kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null
last_old=$(tail -1 "$TMP/points0")
wait_for 10 degraded || fail "breaker did not open: $(health)"
wait_for 10 spooled_batches 3 || fail "nothing spooled while the receiver was down"
pass "receiver down: breaker open, /health degraded, $(m edgestat_export_spool_batches) batches spooled"
OLD_PORT=$SINK_PORT
start_sink  # a new port: the config names the old one, so restart the sink there instead
kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null
SINK_PORT=$OLD_PORT
$PY "$SRC/tests/e2e/lib/push_sink.py" "$SINK_PORT" "$PBDIR" >"$TMP/sink2.log" 2>&1 &
SINK_PID=$!; PIDS+=("$SINK_PID")
wait_for 10 spool_empty || fail "spool not drained: $(m edgestat_export_spool_batches) batches left"
wait_for 10 healthy || fail "breaker did not close: $(health)"
succ_a=$(successes)
load_points >"$TMP/points1"
[ "$(sink_stat duplicates)" = 0 ] && [ "$(sink_stat out_of_order)" = 0 ] || fail "duplicates or disorder after the outage"
no_gaps <"$TMP/points1" || fail "a gap in node_load1 after the outage: $(tr '\n' ' ' <"$TMP/points1")"
first=$(head -1 "$TMP/points1")
# The first sample after the restart is the collection after the old
# sink's last one: none lost in between, none sent twice.
[ "$first" -gt "$last_old" ] && [ $((first - last_old)) -lt 3000 ] ||
  fail "samples lost or repeated across the outage (old sink's last $last_old, new sink's first $first)"
# Each push is one batch holding node_load1 once: the two sinks together
# hold exactly one point per successful request. Pushes go on meanwhile,
# and /metrics shows counters as of the last collection (up to a second
# old), so: at least the successes counted before reading the points, and
# the counter catches up with them.
total=$(( $(wc -l <"$TMP/points0") + $(wc -l <"$TMP/points1") ))
caught_up() { [ "$(successes)" -ge "$total" ]; }
[ "$total" -ge "$succ_a" ] && wait_for 3 caught_up ||
  fail "$total node_load1 points in the sinks, $succ_a..$(successes) successful pushes"
pass "receiver back: spool drained in order, $(wc -l <"$TMP/points1") node_load1 samples without gap or duplicate, /health healthy"

# --- 500 then 200
opened=$(m edgestat_export_breaker_opened_total)
sink_fault '{"status": 500, "count": 6, "retry_after": null}'
wait_for 10 degraded || fail "500s did not open the breaker"
wait_for 10 healthy || fail "breaker did not close after the 500s"
[ "$(m edgestat_export_breaker_opened_total)" -gt "$opened" ] || fail "breaker_opened_total did not move"
[ "$(metric edgestat_export_requests_total 'result="server_error"' | cut -d. -f1)" -ge 2 ] || fail "server errors not counted"
sleep 1.5
load_points | no_gaps || fail "a gap after the 500s"
[ "$(sink_stat duplicates)" = 0 ] || fail "duplicates after the 500s"
pass "500 x6 then 200: breaker opened and closed, /health followed, nothing lost or repeated"

# --- 429 with Retry-After, then 400
sink_fault '{"status": 429, "count": 1, "retry_after": 1}'
thr() { [ "$(metric edgestat_export_requests_total 'result="throttled"' | cut -d. -f1)" -ge 1 ]; }
wait_for 5 thr || fail "429 not counted"
sink_fault '{"status": 400, "count": 1, "retry_after": null}'
rej() { [ "$(metric edgestat_export_samples_dropped_total 'reason="rejected"' | cut -d. -f1)" -ge 1 ] 2>/dev/null; }
wait_for 5 rej || fail "the 400 batch was not counted as dropped"
healthy || fail "a 400 must not open the breaker: $(health)"
pass "429 retried after Retry-After; 400 dropped and counted (edgestat_export_samples_dropped_total{reason=\"rejected\"})"

# --- kill -9 while spooling
kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null
wait_for 10 spooled_batches 4 || fail "nothing spooled"
kill -9 "$PID"; wait "$PID" 2>/dev/null
ls "$SPOOL" | grep -q '\.tmp' && fail "temp files left in the spool"
$PY "$SRC/tests/e2e/lib/spool_check.py" "$SPOOL" "$PBDIR" >"$TMP/spooled" || fail "spool damaged by kill -9"
nspooled=$(wc -l <"$TMP/spooled")
[ "$nspooled" -ge 4 ] || fail "only $nspooled node_load1 samples spooled"
$PY "$SRC/tests/e2e/lib/push_sink.py" "$SINK_PORT" "$PBDIR" >"$TMP/sink3.log" 2>&1 &
SINK_PID=$!; PIDS+=("$SINK_PID")
start_agent --config.file="$CONF"
grep -q 'spooled batches found' "$LOG" || wait_for 5 grep -q 'spooled batches found' "$LOG" || fail "restart did not find the spool"
wait_for 15 spool_empty || fail "spool not drained after restart"
load_points >"$TMP/points3"
for t in $(cat "$TMP/spooled"); do
  [ "$(grep -c "^$t\$" "$TMP/points3")" = 1 ] || fail "spooled sample at $t arrived $(grep -c "^$t\$" "$TMP/points3") times"
done
[ "$(sink_stat duplicates)" = 0 ] && [ "$(sink_stat out_of_order)" = 0 ] || fail "duplicates or disorder after kill -9"
pass "kill -9 while spooling: $nspooled spooled node_load1 samples intact, each delivered once after restart"
echo "export_faults: all passed"
