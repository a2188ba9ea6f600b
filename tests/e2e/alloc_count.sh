# After `started`, the plain HTTP path and collection allocate nothing.
# (Every connection comes from 127.0.0.1: the per-client cap is the whole server.)
# edgestat_alloccount is the agent with the C allocator interposed and
# counted (src/core/alloc_count.cpp); its /metrics carries
# edgestat_debug_allocations_total. We read it on the first scrape after
# `started`, drive every kind of request (with a collection on every
# scrape, many concurrent keep-alive connections, errors, HEAD, filters),
# ingest (POST /api/v1/operations: accepted, refused, personal data; StatsD
# datagrams of every type, malformed and personal-data lines; the writer
# thread writing batch files), and read it again: it must not have moved.
# Then the same ingest with [store] ack = durable (parked requests).
#
# Under `make test-asan` edgestat_alloccount is not built (the counting
# allocator would fight the sanitizer's own, CMakeLists.txt): that run
# reports this test skipped, the plain suite runs it.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
AGENT_BIN="$(dirname "$BIN")/edgestat_alloccount"
[ -x "$AGENT_BIN" ] || skip "edgestat_alloccount is not built next to $BIN (sanitizer builds leave it out)"
UPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The ring holds a whole ingest_load (1,680 records and 400 StatsD timers):
# this test counts allocations, and a writer slowed by a loaded machine must
# not turn accepted records into 503s (the ring's capacity is tested in
# ingest_*).
RING=(--store.ring-slots=4096)
start_agent --collect.scrape-max-age=0s --web.max-connections=40 --access.max-connections-per-client=40 --ingest.statsd-listen-address="127.0.0.1:$UPORT" \
  --store.flush-interval=20ms --store.max-batch=50 "${RING[@]}"
code() { curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$@"; }
allocs() { curl -s --max-time 20 "$(URL /metrics)" | sed -n 's/^edgestat_debug_allocations_total //p'; }
before=$(allocs)
[ -n "$before" ] || fail "edgestat_debug_allocations_total missing"
curl -s --max-time 20 "$(URL /metrics)" >/dev/null

echo "allocation calls at the first scrape after started: $before"
timeout 120 python3 - "$PORT" <<'PY' || fail "load script"
import socket, sys, threading
port = int(sys.argv[1])
reqs = [b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n",
        b"GET /metrics?collect[]=cpu&collect[]=loadavg HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /metrics?collect[]=nosuch HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/snapshot HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"]
class Conn:
    """One keep-alive connection; leftover bytes carry over between responses."""
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
    def response(self, head_only=False):
        while b"\r\n\r\n" not in self.buf:
            b = self.s.recv(65536)
            if not b: raise EOFError("closed")
            self.buf += b
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        n = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"): n = int(line.split(b":")[1])
        if head_only: n = 0
        while len(self.buf) < n:
            b = self.s.recv(65536)
            if not b: raise EOFError("closed mid-body")
            self.buf += b
        self.buf = self.buf[n:]
        return head
def worker(errors):
    try:
        c = Conn()
        for round in range(2):
            for r in reqs:
                c.s.sendall(r)
                c.response(r.startswith(b"HEAD"))
        c.s.sendall(b"".join(reqs[5:9]))  # pipelined burst
        for _ in range(4): c.response()
        c.s.close()
    except Exception as e:
        errors.append(repr(e))
errors = []
ts = [threading.Thread(target=worker, args=(errors,)) for _ in range(20)]
for t in ts: t.start()
for t in ts: t.join()
if errors: print(errors[:3]); sys.exit(1)
PY
# Connection-closing refusals too: 431, 414, 413, 505, HTTP/1.0.
many=(); for i in $(seq 70); do many+=(-H "X-H$i: v"); done
for _ in $(seq 5); do
  code "${many[@]}" "$(URL /metrics)" >/dev/null
  code "$(URL "/metrics?$(python3 -c 'print("a"*3000)')")" >/dev/null
  code -X GET --data-binary @"$SRC/tests/e2e/alloc_count.sh" "$(URL /metrics)" >/dev/null
  curl -s --max-time 20 -0 "$(URL /metrics)" >/dev/null
  curl -s --max-time 20 -I "$(URL /metrics)" >/dev/null
done

# ingest_load PORT UDP_PORT: records over HTTP (keep-alive, several
# clients), every StatsD type, refusals; waits until the writer has
# persisted every accepted record.
ingest_load() {
  timeout 120 python3 - "$1" "$2" <<'PY'
import http.client, json, socket, sys, threading, time
port, uport = int(sys.argv[1]), int(sys.argv[2])
good = json.dumps([{"operation_type": "db", "operation_name": "q%d" % (i % 5), "duration_ms": 1.5 + i,
                    "success": i % 3 != 0, "error_message": "e" if i % 3 == 0 else None,
                    "metadata": {"table": "t", "rows": i, "ok": True}} for i in range(20)])
bodies = [(good, 202), ('{"operation_type":"a","operation_name":"b","duration_ms":2}', 202),
          ('[{"operation_type":', 400), ('{"operation_type":"a","operation_name":"b"}', 422),
          ('{"operation_type":"a","operation_name":"b","duration_ms":1,"metadata":{"userEmail":"x"}}', 422)]
accepted = [0]
lock = threading.Lock()
def client(errors):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(10):
            for body, want in bodies:
                c.request("POST", "/api/v1/operations", body=body)
                r = c.getresponse(); r.read()
                if r.status != want: raise SystemExit("POST got %d, wanted %d" % (r.status, want))
                if r.status == 202:
                    with lock: accepted[0] += json.loads(body).__len__() if body.startswith("[") else 1
        for path in ("/api/v1/operations", "/api/v1/stats"):
            c.request("GET", path); r = c.getresponse(); r.read()
    except BaseException as e:
        errors.append(repr(e))
errors = []
ts = [threading.Thread(target=client, args=(errors,)) for _ in range(8)]
for t in ts: t.start()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
lines = [b"hits:1|c|#route:home", b"temp:20.5|g", b"temp:+1|g", b"users:ann|s|#env:prod", b"lat:5|ms|#route:a",
         b"h:3|h|@0.5", b"d:7|d", b"pii:1|g|#password:x", b"customer.ssn:1|g", b"nope", b"bad:x|c", b"x:1|zz"]
for i in range(200):
    s.sendto(b"\n".join(lines), ("127.0.0.1", uport))
    if i % 20 == 0: time.sleep(0.01)
for t in ts: t.join()
if errors: print(errors[:3]); sys.exit(1)
# Every accepted record (and StatsD timer) persisted: the writer has written.
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
deadline = time.time() + 30
while time.time() < deadline:
    c.request("GET", "/api/v1/stats"); r = c.getresponse(); st = json.loads(r.read())
    if st["queue_size"] == 0 and st["total_persisted"] >= accepted[0] and st["statsd_lines"] >= 200 * 9: break
    time.sleep(0.1)
else:
    print("writer did not persist everything:", st); sys.exit(1)
print("ingest: %d records accepted, %d persisted, %d StatsD lines" % (accepted[0], st["total_persisted"], st["statsd_lines"]))
PY
}
ingest_load "$PORT" "$UPORT" || fail "ingest load"
after=$(allocs)
echo "allocations: $before after started, $after after the load"
[ "$before" = "$after" ] || fail "allocations moved from $before to $after"
pass "no allocation after started: HTTP, collection, POST records, StatsD, batch files ($before allocation calls, all at start-up)"

kill -TERM "$PID"; wait_exit "$PID" 20 || fail "stop"
start_agent --collect.scrape-max-age=0s --web.max-connections=40 --access.max-connections-per-client=40 --ingest.statsd-listen-address="127.0.0.1:$UPORT" \
  --store.ack=durable --store.max-batch=50 "${RING[@]}"
before=$(allocs)
curl -s --max-time 20 "$(URL /metrics)" >/dev/null
ingest_load "$PORT" "$UPORT" || fail "ingest load with ack=durable"
after=$(allocs)
[ "$before" = "$after" ] || fail "ack=durable: allocations moved from $before to $after"
pass "ack=durable: no allocation after started (parked requests, group commits)"
