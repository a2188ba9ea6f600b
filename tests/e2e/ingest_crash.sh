# Crash test: kill -9 the agent repeatedly while it writes batch files
# (small batches, short flush interval, records streaming in). After every
# kill every metrics_*.json file parses, no record appears twice, and every
# record on disk was one the agent had answered 202 for; the next start
# removes the temp file a kill may leave, and a final SIGTERM leaves none.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
ROUNDS=${INGEST_CRASH_ROUNDS:-8}
DATA="$TMP/data"
ACCEPTED="$TMP/accepted.txt"
: > "$ACCEPTED"

check_files() {
  python3 - "$DATA" "$ACCEPTED" "$1" <<'PY'
import json, os, re, sys
data, acc_path, final = sys.argv[1], sys.argv[2], sys.argv[3] == "final"
accepted = set(int(l) for l in open(acc_path) if l.strip())
seen = set()
files = 0
for n in sorted(os.listdir(data)):
    if n.endswith(".tmp"):
        assert not final, "temp file left after a clean stop: " + n
        continue
    if not re.fullmatch(r"metrics_\d{8}_\d{6}_\d{6}\.json", n):
        continue
    files += 1
    with open(os.path.join(data, n)) as f:
        doc = json.load(f)  # a half-written file fails here
    assert doc["total_records"] == len(doc["records"]), n
    for r in doc["records"]:
        s = r["metadata"]["seq"]
        assert s not in seen, "record %d appears twice" % s
        seen.add(s)
missing = seen - accepted
# A record can reach the disk before the client read its 202 (the kill
# cut the answer): only the last in-flight request of a round may do that.
assert len(missing) <= 200, "%d records on disk were never accepted" % len(missing)
print("%d files, %d records, %d accepted so far" % (files, len(seen), len(accepted)))
PY
}

for round in $(seq "$ROUNDS"); do
  start_agent --web.max-body-bytes=256KiB --store.ring-slots=8192 --store.record-bytes=512 \
    --store.max-batch=100 --store.flush-interval=20ms
  python3 - "$PORT" "$round" "$ACCEPTED" <<'PY' &
import http.client, json, sys
port, rnd, out = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "a")
seq = rnd * 10_000_000
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
try:
    while True:
        recs = [{"operation_type": "crash", "operation_name": "w", "duration_ms": 1,
                 "metadata": {"seq": seq + i}} for i in range(200)]
        c.request("POST", "/api/v1/operations", body=json.dumps(recs))
        r = c.getresponse(); r.read()
        if r.status == 202:
            out.write("".join("%d\n" % (seq + i) for i in range(200))); out.flush()
            if seq % 10_000_000 == 0: open(out.name + ".ready", "w").close()
        seq += 200
except Exception as e:
    print("sender stopped:", repr(e)[:100], file=sys.stderr)
PY
  SENDER=$!
  # Python takes a while to start here: kill only once records flow.
  for _ in $(seq 200); do [ -f "$ACCEPTED.ready" ] && break; sleep 0.05; done
  [ -f "$ACCEPTED.ready" ] || fail "round $round: the sender never got a 202"
  rm -f "$ACCEPTED.ready"
  sleep "0.$((RANDOM % 6 + 3))"
  kill -9 "$PID"
  wait "$PID" 2>/dev/null
  wait "$SENDER" 2>/dev/null
  out=$(check_files crash) || fail "round $round: $out"
  pass "round $round: kill -9 while writing: $out"
done

# A clean run afterwards removes any stale temp and leaves none.
start_agent --store.flush-interval=20ms
sleep 0.3
kill -TERM "$PID"
wait_exit "$PID" 10 || fail "final stop"
out=$(check_files final) || fail "final: $out"
pass "restart removed stale temps, SIGTERM left none: $out"
