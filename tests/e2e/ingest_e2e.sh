# Ingest end to end: 100 000 operation records over HTTP (1000-record
# arrays on keep-alive connections) plus StatsD timers over UDP and a unix
# datagram socket, then SIGTERM. The batch files must hold exactly the
# accepted records (202-accepted + StatsD timers received - counted drops,
# with zero drops since the ring is big enough), every file parses as JSON,
# every record appears once, and no temp file is left.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

UPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SOCK="$TMP/statsd.sock"
start_agent --collect.scrape-max-age=0s --web.max-body-bytes=1MiB --web.max-connections=8 \
  --store.ring-slots=65536 --store.record-bytes=512 --store.max-batch=1000 --store.flush-interval=5s \
  --ingest.statsd-listen-address="127.0.0.1:$UPORT" --ingest.statsd-socket="$SOCK" \
  --ingest.statsd-receive-buffer-bytes=16MiB
DATA="$TMP/data"
[ -S "$SOCK" ] || fail "no unix socket at $SOCK"

python3 - "$PORT" "$UPORT" "$SOCK" "$TMP/sent.json" <<'PY' || fail "sender failed"
import http.client, json, socket, sys, time
port, uport, sock_path, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
HTTP_BATCHES, PER = 100, 1000
accepted = refused = 0
conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(2)]
for b in range(HTTP_BATCHES):
    recs = [{"operation_type": "e2e", "operation_name": "op%d" % (i % 7), "duration_ms": (i % 500) / 10.0,
             "success": i % 13 != 0, "metadata": {"seq": b * PER + i, "src": "http"}} for i in range(PER)]
    if b % 10 == 0:
        recs[5]["error_message"] = "boom \u00e9\n\"quoted\""
    c = conns[b % 2]
    c.request("POST", "/api/v1/operations", body=json.dumps(recs), headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status == 202:
        assert json.loads(body) == {"accepted": PER}, body
        accepted += PER
    else:
        print("HTTP", r.status, body[:200]); refused += PER
# StatsD: timers (records) with a seq tag, plus counters and a malformed line per datagram.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
x = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
udp_timers = unix_timers = 0
seq = 1000000
for d in range(1000):
    lines = []
    for k in range(20):
        lines.append("statsd.t%d:%d|ms|#seq:%d" % (k % 3, k, seq)); seq += 1
    lines.append("statsd.count:1|c")
    lines.append("not a statsd line")
    u.sendto("\n".join(lines).encode(), ("127.0.0.1", uport)); udp_timers += 20
    if d % 50 == 49: time.sleep(0.005)  # stay inside the socket buffer
for d in range(250):
    lines = ["unix.t:%d|ms|@0.5|#seq:%d" % (k, seq + k) for k in range(20)]
    seq += 20
    x.sendto("\n".join(lines).encode(), sock_path); unix_timers += 20
json.dump({"accepted": accepted, "refused": refused, "udp_timers": udp_timers, "unix_timers": unix_timers}, open(out, "w"))
PY
pass "sent 100 000 HTTP records and 25 000 StatsD timers"

# Let the loop read what is queued in the sockets, then read its counters.
for _ in $(seq 100); do
  got=$(curl -s "$(URL /metrics)" | awk '/^edgestat_ingest_records_total\{source="statsd"\}/ {print $2}')
  [ "$got" = 25000 ] && break
  sleep 0.1
done
curl -s "$(URL /metrics)" > "$TMP/metrics.txt"
curl -s "$(URL /api/v1/stats)" > "$TMP/stats.json"
curl -s "$(URL /api/v1/operations)" > "$TMP/ops.json"
grep -q '^edgestat_ring_dropped_total{source="http"} 0$' "$TMP/metrics.txt" || fail "http drops: $(grep ring_dropped "$TMP/metrics.txt")"
grep -q '^edgestat_ring_dropped_total{source="statsd"} 0$' "$TMP/metrics.txt" || fail "statsd drops: $(grep ring_dropped "$TMP/metrics.txt")"
grep -q '^edgestat_statsd_counter_total{metric="statsd.count"} 1000$' "$TMP/metrics.txt" || fail "statsd counter"
grep -q '^edgestat_statsd_malformed_total{reason="bad_name"} 1000$' "$TMP/metrics.txt" || fail "malformed lines not counted"
grep -q '^edgestat_operations_total{name="op0",result="success",type="e2e"} ' "$TMP/metrics.txt" || fail "operations_total"
grep -q '^edgestat_operation_duration_window_seconds{name="op1",type="e2e",quantile="0.99"} ' "$TMP/metrics.txt" ||
  fail "window quantiles"
pass "counters: zero drops, StatsD counters and malformed lines counted, operation families present"

python3 - "$TMP/ops.json" "$TMP/stats.json" <<'PY' || fail "/api/v1/operations or /api/v1/stats"
import json, sys
ops = json.load(open(sys.argv[1]))
by = {(o["operation_type"], o["operation_name"]): o for o in ops["operations"]}
total_http = sum(o["count"] for k, o in by.items() if k[0] == "e2e")
assert total_http == 100000, total_http
o = by[("e2e", "op0")]
assert 0 < o["error_rate"] < 0.2 and o["p50_ms"] <= o["p95_ms"] <= o["p99_ms"], o
# durations (i % 500) / 10 are uniform on [0, 49.9]: P50 ~ 25, P99 ~ 49.4 within 2%.
assert abs(o["p50_ms"] - 25) < 1.5 and abs(o["p99_ms"] - 49.4) < 1.5, o
st = json.load(open(sys.argv[2]))
assert st["is_running"] is True and st["total_dropped"] == 0, st
for k in ("total_recorded", "total_persisted", "total_dropped", "queue_size", "batches_written",
          "last_flush_timestamp", "avg_batch_size", "write_errors", "is_running"):
    assert k in st, k
PY
pass "/api/v1/operations counts and quantiles, /api/v1/stats fields"

# A partial batch (7 records) waits for the 5 s flush interval; SIGTERM
# right away must write it out before exit. First the load above is let
# drain (a slow build may still be writing it), so the 7 are all that wait.
for _ in $(seq 300); do
  q=$(curl -s "$(URL /api/v1/stats)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["queue_size"])')
  [ "$q" = 0 ] && break
  sleep 0.1
done
[ "$q" = 0 ] || fail "the load did not drain in 30 s (queue_size $q)"
tail='['
for i in 0 1 2 3 4 5 6; do
  tail+="{\"operation_type\":\"e2e\",\"operation_name\":\"tail\",\"duration_ms\":1,\"metadata\":{\"seq\":$((100000 + i))}}"
  [ $i -lt 6 ] && tail+=','
done
tail+=']'
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "$tail" "$(URL /api/v1/operations)")" = 202 ] || fail "tail POST"
kill -TERM "$PID"
wait_exit "$PID" 30 || fail "agent exit status $?"
grep '"msg":"records writer stopped"' "$LOG" | grep -q '"flushed_at_stop":7,"unwritten":0' ||
  fail "the 7 waiting records were not flushed at stop: $(grep 'writer stopped' "$LOG")"
pass "SIGTERM: writer flushed the 7 waiting records and stopped"

python3 - "$DATA" "$TMP/sent.json" <<'PY' || fail "files on disk"
import json, os, re, sys
data, sent = sys.argv[1], json.load(open(sys.argv[2]))
names = sorted(os.listdir(data))
temps = [n for n in names if n.endswith(".tmp")]
assert not temps, temps
files = [n for n in names if re.fullmatch(r"metrics_\d{8}_\d{6}_\d{6}\.json", n)]
assert files, names
rfc = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
seqs, statsd, ids, total = set(), set(), [], 0
for n in files:
    doc = json.load(open(os.path.join(data, n)))
    assert set(doc) == {"records", "batch_timestamp", "batch_id", "total_records"}, doc.keys()
    assert doc["total_records"] == len(doc["records"]) and rfc.match(doc["batch_timestamp"]), n
    ids.append(doc["batch_id"])
    for r in doc["records"]:
        total += 1
        assert r["kind"] == "operation" and rfc.match(r["timestamp"]), r
        s = r["metadata"]["seq"]
        if r["operation_type"] == "e2e":
            assert isinstance(s, int) and s not in seqs, ("duplicate", s)
            seqs.add(s)
        else:
            assert r["operation_type"] == "statsd", r
            assert s not in statsd, ("duplicate", s)
            statsd.add(s)
assert ids == sorted(ids) and len(set(ids)) == len(ids), "batch ids not increasing"
expected = sent["accepted"] + 7 + sent["udp_timers"] + sent["unix_timers"]  # - counted drops (asserted 0)
assert sent["refused"] == 0, sent
assert total == expected, (total, expected)
assert seqs == set(range(100007)), len(seqs)
assert len(statsd) == 25000, len(statsd)
print("records on disk:", total, "in", len(files), "files")
PY
pass "every file parses, 125 007 records on disk exactly once, no temp file"
