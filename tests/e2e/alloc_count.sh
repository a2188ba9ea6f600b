# After `started`, the plain HTTP path and collection allocate nothing.
# edgestat_alloccount is the agent with the C allocator interposed and
# counted (src/core/alloc_count.cpp); its /metrics carries
# edgestat_debug_allocations_total. We read it on the first scrape after
# `started`, drive every kind of request (with a collection on every
# scrape, many concurrent keep-alive connections, errors, HEAD, filters),
# and read it again: it must not have moved.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
AGENT_BIN="$(dirname "$BIN")/edgestat_alloccount"
[ -x "$AGENT_BIN" ] || skip "edgestat_alloccount not built next to $BIN"
start_agent --collect.scrape-max-age=0s --web.max-connections=40
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
after=$(allocs)
echo "allocations: $before after started, $after after the load"
[ "$before" = "$after" ] || fail "allocations moved from $before to $after"
pass "no allocation after started ($before allocation calls, all at start-up)"
