# [store] ack = durable under kill -9: several clients flood POST
# /api/v1/operations (small arrays, keep-alive) while the agent is killed
# with SIGKILL again and again. Every record a client got 202 for must be in
# a batch file after the last restart: zero acknowledged records lost. (With
# ack = received a kill loses what was still in the memory ring; that mode
# is measured by tests/bench/ingest_ack_bench.sh, not asserted here.)
# Also: durable 202s carry the normal body, the acks are counted, and a
# request is answered 503 when its records cannot be persisted in
# ack_timeout (a missing data directory).
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
ROUNDS=${INGEST_DURABLE_ROUNDS:-6}
CLIENTS=${INGEST_DURABLE_CLIENTS:-4}
DATA="$TMP/data"
ACKED="$TMP/acked.txt"
: > "$ACKED"

FLAGS=(--collect.scrape-max-age=0s --store.ack=durable --web.max-body-bytes=64KiB --store.ring-slots=8192 --store.record-bytes=512
       --store.max-batch=1000 --store.flush-interval=1h --store.max-files=100000 --store.max-bytes=4GiB)
# Retention is lifted: a fast machine acknowledges enough records for the
# default limits to delete the oldest files, which is not a loss.

# One sanity round first: flush_interval is an hour, so only durable acks
# can have written these.
start_agent "${FLAGS[@]}"
body='[{"operation_type":"d","operation_name":"x","duration_ms":1,"metadata":{"seq":-1}}]'
out=$(curl -s -w ' %{http_code}' -X POST --data "$body" "$(URL /api/v1/operations)")
[ "$out" = '{"accepted":1}
 202' ] || fail "durable POST answered: $out"
ls "$DATA"/metrics_*.json >/dev/null 2>&1 || fail "202 sent but no batch file written"
curl -s "$(URL /metrics)" | grep -q '^edgestat_ingest_acks_total{result="durable"} [1-9]' ||
  fail "durable acks not counted"
kill -9 "$PID"; wait "$PID" 2>/dev/null
rm -f "$DATA"/metrics_*.json
pass "ack=durable: the 202 comes after the batch file exists (flush_interval 1h), counted"

for round in $(seq "$ROUNDS"); do
  start_agent "${FLAGS[@]}"
  python3 - "$PORT" "$round" "$ACKED" "$CLIENTS" <<'PY' &
import http.client, json, sys, threading, time
port, rnd, path, clients = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
lock = threading.Lock()
out = open(path, "a")
started = threading.Event()
def client(k):
    seq = rnd * 100_000_000 + k * 10_000_000
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            recs = [{"operation_type": "durable", "operation_name": "w", "duration_ms": 1,
                     "metadata": {"seq": seq + i}} for i in range(40)]
            c.request("POST", "/api/v1/operations", body=json.dumps(recs))
            r = c.getresponse(); r.read()
            if r.status == 202:
                with lock:
                    out.write("".join("%d\n" % (seq + i) for i in range(40))); out.flush()
                started.set()
            seq += 40
    except Exception:
        pass  # the kill
ts = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
for t in ts: t.start()
started.wait(20)
open(path + ".ready", "w").close()
for t in ts: t.join()
PY
  SENDER=$!
  for _ in $(seq 400); do [ -f "$ACKED.ready" ] && break; sleep 0.05; done
  [ -f "$ACKED.ready" ] || fail "round $round: no 202 came"
  rm -f "$ACKED.ready"
  sleep "0.$((RANDOM % 6 + 3))"
  kill -9 "$PID"
  wait "$PID" 2>/dev/null
  wait "$SENDER" 2>/dev/null
done

# Restart once (stale temps removed), stop cleanly, then count.
start_agent "${FLAGS[@]}"
kill -TERM "$PID"
wait_exit "$PID" 20 || fail "final stop"
out=$(python3 - "$DATA" "$ACKED" <<'PY'
import json, os, re, sys
data, acked = sys.argv[1], [int(l) for l in open(sys.argv[2]) if l.strip()]
seen = set()
for n in sorted(os.listdir(data)):
    assert not n.endswith(".tmp"), "temp file left: " + n
    if re.fullmatch(r"metrics_\d{8}_\d{6}_\d{6}\.json", n):
        for r in json.load(open(os.path.join(data, n)))["records"]:
            seen.add(r["metadata"]["seq"])
lost = set(acked) - seen
print("%d acknowledged, %d persisted, %d acknowledged but lost" % (len(acked), len(seen), len(lost)))
sys.exit(1 if lost or not acked else 0)
PY
) || fail "$out"
pass "$ROUNDS kill -9 rounds, $CLIENTS clients, ack=durable: $out"

# A request whose records cannot be written (no data directory) is answered
# 503 at ack_timeout, and the loop keeps serving meanwhile.
rm -rf "$DATA"
start_agent "${FLAGS[@]}" --store.ack-timeout=300ms --agent.data-dir="$TMP/missing"
rm -rf "$DATA"
out=$(curl -s -D - -o "$TMP/body" -w '%{http_code}' -X POST --data "$body" "$(URL /api/v1/operations)")
grep -q '^HTTP/1.1 503' <<<"$out" || fail "undurable request answered: $out $(cat "$TMP/body")"
grep -qi '^Retry-After: 1' <<<"$out" || fail "503 without Retry-After"
grep -q 'ack_timeout' "$TMP/body" || fail "503 body does not say why: $(cat "$TMP/body")"
[ "$(code "$(URL /metrics)")" = 200 ] || fail "not serving while a request is parked"
curl -s "$(URL /metrics)" | grep -q '^edgestat_ingest_acks_total{result="timeout"} 1' || fail "timeout not counted"
kill -TERM "$PID"
wait_exit "$PID" 20 || fail "stop with records unwritable"
pass "records that cannot be persisted: 503 + Retry-After at ack_timeout, agent keeps serving"
