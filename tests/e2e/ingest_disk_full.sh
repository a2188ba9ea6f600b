# Disk full: the data directory is a 256 KiB tmpfs. Records keep coming
# until writes fail with ENOSPC; the agent must keep serving, count
# edgestat_store_write_errors_total{reason="no_space"}, report the store
# degraded on /health, keep the records in its ring (503 + Retry-After once
# the ring is full), and when space is freed (the batch files are moved
# away) write everything it accepted: every 202-accepted record ends up on
# disk exactly once, no file is half-written, no temp file is left. Freed
# space is noticed within a few seconds (a statfs while backing off), not
# when a backoff of up to 60 s ends.
# Needs root for mount(8); SKIPPED with the reason otherwise.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

SMALL="$TMP/small"
mkdir -p "$SMALL" "$TMP/saved"
mount -t tmpfs -o size=256k,mode=0755 tmpfs "$SMALL" 2>"$TMP/mount.err" ||
  skip "cannot mount a tmpfs (needs root): $(cat "$TMP/mount.err")"
umount_small() { umount "$SMALL" 2>/dev/null; }
trap 'umount_small; cleanup' EXIT

# start_agent always passes $TMP/data; the last --agent.data-dir wins.
start_agent --collect.scrape-max-age=0s --agent.data-dir="$SMALL" --web.max-body-bytes=64KiB --store.ring-slots=2048 \
  --store.record-bytes=512 --store.max-batch=50 --store.flush-interval=50ms

python3 - "$PORT" "$TMP/accepted.txt" "$SMALL" <<'PY' || fail "filling the disk"
import http.client, json, os, sys, time
port, out, small = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
seq, accepted, status_seen = 0, [], {}
def post(n):
    global seq
    recs = [{"operation_type": "disk", "operation_name": "fill", "duration_ms": 1.5,
             "error_message": "x" * 100, "metadata": {"seq": seq + i}} for i in range(n)]
    c.request("POST", "/api/v1/operations", body=json.dumps(recs))
    r = c.getresponse(); body = r.read()
    status_seen[r.status] = status_seen.get(r.status, 0) + 1
    if r.status == 202:
        accepted.extend(range(seq, seq + n))
    elif r.status == 503:
        assert r.getheader("Retry-After") == "1", r.getheaders()
        assert json.loads(body)["status"] == 503
    else:
        raise SystemExit("unexpected %d %r" % (r.status, body[:200]))
    seq += n
    return r.status
def metric(name):
    c.request("GET", "/metrics"); r = c.getresponse(); text = r.read().decode()
    assert r.status == 200
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0
# Fill until a write fails for lack of space.
deadline = time.time() + 60
while metric('edgestat_store_write_errors_total{reason="no_space"}') == 0:
    assert time.time() < deadline, "the disk never filled"
    post(25); time.sleep(0.01)
# Keep posting: accepted into the ring until it is full, then 503.
while post(100) != 503:
    assert time.time() < deadline, "the ring never filled"
assert status_seen.get(503), status_seen
open(out, "w").write("".join("%d\n" % s for s in accepted))
print("accepted %d records, statuses %s" % (len(accepted), status_seen))
PY
pass "disk filled, records kept coming: $(wc -l < "$TMP/accepted.txt") accepted, then 503 + Retry-After"

[ "$(code "$(URL /metrics)")" = 200 ] || fail "/metrics not served while the disk is full"
m=$(curl -s "$(URL /metrics)")
echo "$m" | grep -Eq '^edgestat_store_write_errors_total\{reason="no_space"\} [1-9]' || fail "no_space not counted"
echo "$m" | grep -Eq '^edgestat_ring_dropped_total\{source="http"\} [1-9]' || fail "503 refusals not counted as drops"
h=$(curl -s "$(URL /health)")
echo "$h" | python3 -c '
import json, sys
h = json.load(sys.stdin)
st = [c for c in h["checks"] if c["name"] == "store"][0]
assert h["status"] != "healthy" and st["status"] == "degraded", h
assert "no_space" in st["detail"], st' || fail "/health does not report the store degraded: $h"
ls -a "$SMALL" | grep -q '\.tmp$' && fail "a temp file stayed after a failed write"
pass "serving continues, no_space counted, /health degraded: $(echo "$h" | python3 -c 'import json,sys; print([c["detail"] for c in json.load(sys.stdin)["checks"] if c["name"]=="store"][0])')"

# Prompt resume: let the retry backoff grow (1 s, doubling, up to 60 s) to at
# least 8 s, then free space once. The writer checks the directory's free
# space while it backs off and must resume within a few seconds (5 s allowed;
# the probe runs every 250 ms), not when the backoff ends.
stat() { curl -s "$(URL /api/v1/stats)" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
for _ in $(seq 300); do
  [ "$(stat backoff_ms)" -ge 8000 ] && break
  sleep 0.1
done
backoff=$(stat backoff_ms)
[ "$backoff" -ge 8000 ] || fail "the backoff never grew to 8 s (at $backoff ms)"
# Free the space and time the first write, polling in one process (a
# curl+python per poll would blur the figure by a few hundred ms).
took=$(python3 - "$PORT" "$SMALL" "$TMP/saved" <<'PY'
import glob, http.client, json, os, shutil, sys, time
port, small, saved = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def persisted():
    c.request("GET", "/api/v1/stats"); return json.loads(c.getresponse().read())["total_persisted"]
before = persisted()
for f in glob.glob(os.path.join(small, "metrics_*.json")): shutil.move(f, saved)
t0 = time.time()
while time.time() - t0 < 10 and persisted() == before: time.sleep(0.05)
print("%.2f" % (time.time() - t0) if persisted() > before else "never")
PY
)
[ "$took" != never ] || fail "no write within 10 s of freeing space (backoff $backoff ms)"
python3 -c "import sys; sys.exit(0 if $took < 5 else 1)" ||
  fail "writing resumed ${took}s after space returned (backoff was $backoff ms): not prompt"
pass "writing resumed ${took}s after space returned, although the backoff was $backoff ms"

# Free the space: move the written files away, as a shipper would, until
# the ring has drained (it holds more than the 256 KiB disk takes at once).
# Retries back off from 1 s, doubling, and reset after a success.
for _ in $(seq 240); do
  mv "$SMALL"/metrics_*.json "$TMP/saved/" 2>/dev/null
  st=$(curl -s "$(URL /api/v1/stats)")
  q=$(echo "$st" | grep -o '"queue_size":[0-9]*,' | tr -dc 0-9)
  b=$(echo "$st" | grep -o '"backoff_ms":[0-9]*,' | tr -dc 0-9)
  [ "$q" = 0 ] && [ "$b" = 0 ] && break
  sleep 0.5
done
[ "$q" = 0 ] && [ "$b" = 0 ] || fail "the ring did not drain after space was freed (queue $q, backoff $b ms)"
curl -s "$(URL /health)" | grep -q '"name":"store","status":"healthy"' || fail "store still degraded after recovery"
pass "writing resumed when space was freed; /health store healthy again"

kill -TERM "$PID"
wait_exit "$PID" 20 || fail "agent exit"
cp "$SMALL"/metrics_*.json "$TMP/saved/" 2>/dev/null
python3 - "$TMP/saved" "$TMP/accepted.txt" "$SMALL" <<'PY' || fail "records on disk"
import json, os, sys
saved, acc, small = sys.argv[1], sys.argv[2], sys.argv[3]
accepted = [int(l) for l in open(acc)]
assert not [n for n in os.listdir(small) if n.endswith(".tmp")], "temp file left"
seen = []
for n in sorted(os.listdir(saved)):
    doc = json.load(open(os.path.join(saved, n)))
    assert doc["total_records"] == len(doc["records"])
    seen += [r["metadata"]["seq"] for r in doc["records"]]
assert len(seen) == len(set(seen)), "a record was written twice"
assert sorted(seen) == sorted(accepted), "lost %d, unexpected %d" % (
    len(set(accepted) - set(seen)), len(set(seen) - set(accepted)))
print(len(seen), "records, all accepted ones, once each")
PY
pass "no accepted record lost: every one on disk exactly once, no temp file"
