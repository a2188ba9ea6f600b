# The ingest HTTP API, status by status: 202 for a record and an array,
# 400 for bad JSON, 422 naming the field (validation, personal-data keys, a
# partly bad array refused whole, a record larger than a ring slot), 413
# for more records than the ring holds, 503 + Retry-After when the ring is
# full (the data directory is missing, so the writer cannot drain it, and
# /health says why), 405 on the read-only endpoints; GET
# /api/v1/operations, /api/v1/stats and /api/v1/history shapes.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

start_agent --collect.scrape-max-age=0s --collect.interval=1s --web.max-body-bytes=64KiB \
  --agent.data-dir="$TMP/missing" --store.ring-slots=16 --store.record-bytes=512 --store.max-batch=8 \
  --history.series=node_load1 --history.series='node_cpu_seconds_total{mode="idle"}'
OPS=$(URL /api/v1/operations)
post() { curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$1" "$OPS"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get(sys.argv[2]))' "$TMP/body" "$1"; }
R='{"operation_type":"db","operation_name":"select","duration_ms":12.5}'

[ "$(post "$R")" = 202 ] || fail "single record: $(cat "$TMP/body")"
[ "$(cat "$TMP/body")" = '{"accepted":1}' ] || fail "202 body: $(cat "$TMP/body")"
[ "$(post "[$R,$R,$R]")" = 202 ] || fail "array"
[ "$(cat "$TMP/body")" = '{"accepted":3}' ] || fail "202 body for 3"
pass "202 for a record and an array"

[ "$(post '{"operation_type":')" = 400 ] || fail "truncated JSON not 400"
[ "$(field field)" = body ] || fail "400 field: $(cat "$TMP/body")"
[ "$(post '{"operation_type":"db","operation_name":"x","duration_ms":-3}')" = 422 ] || fail "negative duration"
[ "$(field field)" = duration_ms ] || fail "422 field: $(cat "$TMP/body")"
[ "$(post '{"operation_type":"db","operation_name":"x","duration_ms":1,"metadata":{"Api-Key":"s3cr3t"}}')" = 422 ] ||
  fail "personal data key accepted"
[ "$(field field)" = metadata.Api-Key ] || fail "PII field: $(cat "$TMP/body")"
[ "$(post "[$R,{\"operation_type\":\"db\",\"duration_ms\":1}]")" = 422 ] || fail "partly bad array"
[ "$(field field)" = "records[1].operation_name" ] || fail "array field: $(cat "$TMP/body")"
big=$(python3 -c 'print("x" * 900)')
[ "$(post "{\"operation_type\":\"db\",\"operation_name\":\"x\",\"duration_ms\":1,\"error_message\":\"$big\"}")" = 422 ] ||
  fail "record larger than record_bytes"
grep -q 'record_bytes' "$TMP/body" || fail "too-large reason: $(cat "$TMP/body")"
arr=$(python3 -c 'import json; print(json.dumps([{"operation_type":"a","operation_name":"b","duration_ms":1}] * 17))')
[ "$(post "$arr")" = 413 ] || fail "more records than ring slots not 413"
pass "400 bad JSON, 422 with the field (validation, personal data, partly bad array, too large), 413"

# The ring (16 slots) fills: the writer cannot write into a missing directory.
# It first takes a batch (8 records) out of the ring, tries to write it and
# backs off; then the ring fills behind it.
for _ in $(seq 40); do [ "$(post "$R")" = 503 ] && break; done
hdrs=$(curl -s -D - -o "$TMP/body" -X POST --data "$R" "$OPS" | tr -d '\r')
echo "$hdrs" | grep -q '^HTTP/1.1 503' || fail "full ring not 503: $hdrs"
echo "$hdrs" | grep -qx 'Retry-After: 1' || fail "503 without Retry-After"
curl -s "$(URL /metrics)" | grep -Eq '^edgestat_ring_dropped_total\{source="http"\} [1-9]' || fail "drops not counted"
curl -s "$(URL /metrics)" | grep -Eq '^edgestat_store_write_errors_total\{reason="no_directory"\} [1-9]' ||
  fail "no_directory write errors not counted"
curl -s "$(URL /health)" | grep -q '"name":"store","status":"degraded","detail":"writes failing (no_directory' ||
  fail "/health store check: $(curl -s "$(URL /health)")"
pass "503 + Retry-After on a full ring; drops and no_directory errors counted; /health degraded"

[ "$(code -X POST "$(URL /api/v1/stats)")" = 405 ] || fail "POST /api/v1/stats not 405"
[ "$(code -X POST "$(URL /api/v1/history)")" = 405 ] || fail "POST /api/v1/history not 405"
curl -s "$OPS" | python3 -c '
import json, sys
d = json.load(sys.stdin)
o = d["operations"][0]
assert (o["operation_type"], o["operation_name"], o["count"], o["errors"]) == ("db", "select", 24, 0), o  # a batch of 8 and the ring 16, then 503
assert abs(o["p50_ms"] - 12.5) < 0.3 and o["p99_ms"] == o["p50_ms"] and o["error_rate"] == 0, o
assert d["window_seconds"] == 300 and d["series_limit"] == 64, d' || fail "GET /api/v1/operations"
curl -s "$(URL /api/v1/stats)" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["total_recorded"] == 24 and s["queue_size"] == 24 and s["total_persisted"] == 0, s
assert s["write_errors"] > 0 and s["write_errors_by_reason"]["no_directory"] > 0 and s["is_running"], s' ||
  fail "GET /api/v1/stats"
sleep 2.2
curl -s "$(URL '/api/v1/history?series=node_load1&limit=2')" | python3 -c '
import json, sys
h = json.load(sys.stdin)
assert h["depth"] == 480 and len(h["series"]) == 1, h
s = h["series"][0]
assert s["series"] == "node_load1" and len(s["points"]) == 2 and s["points"][0][1] == 7.31, s' ||
  fail "GET /api/v1/history"
curl -s "$(URL '/api/v1/history')" | grep -q 'node_cpu_seconds_total{mode=\\"idle\\"}' || fail "history of all series"
[ "$(code "$(URL '/api/v1/history?series=nope')")" = 404 ] || fail "unknown series not 404"
[ "$(code "$(URL '/api/v1/history?limit=x')")" = 400 ] || fail "bad limit not 400"
pass "405 on read-only endpoints; /api/v1/operations, /api/v1/stats, /api/v1/history"
