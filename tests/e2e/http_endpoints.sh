# Every endpoint and every status the HTTP server answers, with curl and
# raw sockets: 200s, 400, 404, 405 + Allow, 411, 413, 414, 431 (too many
# and too large headers), 503 over --web.max-requests, keep-alive reuse,
# pipelining, HEAD, OpenMetrics negotiation, collect[]/exclude[].
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
# Every scrape refreshes, so counters read back are the current ones.
start_agent --web.max-body-bytes=1KiB --collect.scrape-max-age=0s

# --- endpoints
[ "$(code "$(URL /metrics)")" = 200 ] || fail "/metrics"
ct=$(curl -s -o /dev/null -w '%{content_type}' "$(URL /metrics)")
[ "$ct" = "text/plain; version=0.0.4; charset=utf-8" ] || fail "/metrics content type: $ct"
curl -s "$(URL /metrics)" | grep -q '^node_load1 7.31$' || fail "/metrics lacks node_load1 from the fixture"
curl -s "$(URL /metrics)" | grep -q '^process_open_fds ' || fail "/metrics lacks process_open_fds"
curl -s "$(URL /metrics)" | grep -q '^edgestat_http_requests_total{code="200",handler="metrics"}' ||
  fail "/metrics lacks edgestat_http_requests_total"
pass "/metrics 200 text 0.0.4"

body=$(curl -s -H 'Accept: application/openmetrics-text; version=1.0.0' "$(URL /metrics)")
ct=$(curl -s -o /dev/null -w '%{content_type}' -H 'Accept: application/openmetrics-text; version=1.0.0' "$(URL /metrics)")
[ "$ct" = "application/openmetrics-text; version=1.0.0; charset=utf-8" ] || fail "OpenMetrics content type: $ct"
[ "$(printf '%s\n' "$body" | tail -1)" = "# EOF" ] || fail "OpenMetrics body does not end in # EOF"
pass "OpenMetrics via Accept"

body=$(curl -s "$(URL '/metrics?collect%5B%5D=loadavg')")
echo "$body" | grep -q '^node_load1 ' || fail "collect[]=loadavg lacks node_load1"
echo "$body" | grep -q '^node_cpu_seconds_total' && fail "collect[]=loadavg still has cpu"
echo "$body" | grep -q '^edgestat_build_info' || fail "collect[] dropped the agent's own metrics"
body=$(curl -s "$(URL '/metrics?exclude[]=loadavg')")
echo "$body" | grep -q '^node_load1 ' && fail "exclude[]=loadavg still has node_load1"
echo "$body" | grep -q '^node_cpu_seconds_total' || fail "exclude[]=loadavg lost cpu"
[ "$(code "$(URL '/metrics?collect[]=nosuch')")" = 400 ] || fail "unknown collector not 400"
curl -s "$(URL '/metrics?collect[]=nosuch')" | grep -q 'missing collector: nosuch' || fail "400 message"
pass "collect[] / exclude[] / unknown collector 400"

[ "$(code "$(URL /health)")" = 200 ] || fail "/health not 200 (fixture is healthy or degraded)"
curl -s "$(URL /health)" | python3 -c '
import json, sys
h = json.load(sys.stdin)
assert h["status"] in ("healthy", "degraded"), h
names = [c["name"] for c in h["checks"]]
assert names == ["collectors", "disk_free", "memory_available", "loop_lag", "store"], names
for c in h["checks"]: assert set(c) == {"name", "status", "detail"}, c
' || fail "/health JSON shape"
[ "$(curl -s "$(URL /health/live)")" = ok ] || fail "/health/live"
[ "$(curl -s -o /dev/null -w '%{content_type}' "$(URL /api/v1/snapshot)")" = application/json ] || fail "snapshot type"
curl -s "$(URL /api/v1/snapshot)" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert any(f["name"] == "node_load1" for f in s["families"])' || fail "/api/v1/snapshot JSON"
curl -s --compressed "$(URL /)" | grep -q 'href="/metrics"' || fail "status page"
[ "$(code -H 'Accept-Encoding: identity' "$(URL /)")" = 406 ] || fail "status page without gzip not 406"
curl -s -H 'Accept: text/html,*/*;q=0.8' "$(URL /health)" | grep -q '<th>status</th>' || fail "/health as HTML"
"$BIN" health --url "$(URL /health)" | grep -Eq '^(healthy|degraded): ' || fail "edgestat health output"
pass "/health /health/live /api/v1/snapshot / and edgestat health"

# --- refusals
[ "$(code "$(URL /nope)")" = 404 ] || fail "404"
[ "$(code "$(URL /metrics/)")" = 404 ] || fail "trailing slash not 404"
hdrs=$(curl -s -D - -o /dev/null -X POST "$(URL /metrics)")
echo "$hdrs" | grep -q '^HTTP/1.1 405' || fail "POST not 405"
echo "$hdrs" | tr -d '\r' | grep -qx 'Allow: GET, HEAD' || fail "405 without Allow: GET, HEAD"
[ "$(code -X DELETE "$(URL /health)")" = 405 ] || fail "DELETE not 405"
pass "404, 405 with Allow"

long=$(python3 -c 'print("a" * 3000)')
[ "$(code "$(URL "/metrics?$long")")" = 414 ] || fail "414"
big=$(python3 -c 'print("b" * 9000)')
[ "$(code -H "X-Big: $big" "$(URL /metrics)")" = 431 ] || fail "431 for a 9 KB header"
many=()
for i in $(seq 70); do many+=(-H "X-H$i: v"); done
[ "$(code "${many[@]}" "$(URL /metrics)")" = 431 ] || fail "431 for 70 headers"
pass "414, 431 (size), 431 (count)"

head -c 2000 /dev/zero >"$TMP/body"
[ "$(code -X GET --data-binary @"$TMP/body" "$(URL /metrics)")" = 413 ] || fail "413 for a 2 KB body (cap 1 KiB)"
[ "$(code -X GET -H 'Transfer-Encoding: chunked' --data-binary x "$(URL /metrics)")" = 411 ] || fail "411 chunked"
# A body within the cap on a GET is read and dropped; the next pipelined
# request on the connection is answered after it, in order.
out=$(raw 'GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
[ "$(echo "$out" | grep -c '^HTTP/1.1 ')" = 3 ] || fail "pipelined: expected 3 responses: $out"
[ "$(echo "$out" | grep '^HTTP/1.1 ' | tr -d '\r' | tr '\n' '|')" = "HTTP/1.1 200 OK|HTTP/1.1 404 Not Found|HTTP/1.1 200 OK|" ] ||
  fail "pipelined responses out of order: $out"
pass "413, 411, GET body dropped, pipelining in order"

out=$(raw 'GET /metrics HTTP/1.0\r\n\r\n')
echo "$out" | head -1 | grep -q '^HTTP/1.1 200' || fail "HTTP/1.0 request"
echo "$out" | tr -d '\r' | grep -qx 'Connection: close' || fail "HTTP/1.0 without keep-alive must close"
[ "$(raw 'GET / HTTP/2.0\r\n\r\n' | head -1 | tr -d '\r')" = "HTTP/1.1 505 HTTP Version Not Supported" ] || fail "505"
[ "$(raw 'GET /\x01 HTTP/1.1\r\n\r\n' | head -1 | tr -d '\r')" = "HTTP/1.1 400 Bad Request" ] || fail "400"
pass "HTTP/1.0, 505, 400"

# --- HEAD: the same head as GET, no body
raw 'HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >"$TMP/head.out"
len=$(tr -d '\r' <"$TMP/head.out" | sed -n 's/^Content-Length: //p')
[ "${len:-0}" -gt 1000 ] || fail "HEAD Content-Length: $len"
rest=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(len(d.split(b"\r\n\r\n",1)[1]))' "$TMP/head.out")
[ "$rest" = 0 ] || fail "HEAD sent $rest body bytes"
pass "HEAD has Content-Length and no body"

# --- keep-alive: curl reuses the connection for a second URL
curl -sv "$(URL /health/live)" "$(URL /metrics)" -o /dev/null -o /dev/null 2>&1 | grep -q 'Re-using existing connection' ||
  fail "keep-alive not reused"
pass "keep-alive reuse"

# --- every response and refusal is counted
m=$(curl -s "$(URL /metrics)")
for want in 'code="404",handler="other"' 'code="405",handler="metrics"' 'code="414",handler="other"' \
            'code="431",handler="other"' 'code="413",handler="metrics"' 'code="411",handler="metrics"' \
            'code="400",handler="metrics"' 'code="200",handler="live"' 'code="505",handler="other"'; do
  echo "$m" | grep -q "^edgestat_http_requests_total{$want}" || fail "not counted: $want"
done
pass "edgestat_http_requests_total counts refusals"

# --- 503 over --web.max-requests. One slow reader keeps a /metrics
# response in flight: its receive buffer is 2 KiB and its MSS 536, so the
# kernel holds back most of a ~200 KB body (textfile padding makes it that
# large) and the write stays pending while a second scrape arrives.
mkdir -p "$TMP/tf"
for f in a b; do python3 -c "
print('# HELP e2e_padding_$f Padding.'); print('# TYPE e2e_padding_$f gauge')
for i in range(1500): print('e2e_padding_$f{i=\"%05d\",pad=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"} %d' % (i, i))" >"$TMP/tf/pad_$f.prom"; done
start_agent --web.max-requests=1 --collector.textfile.directory="$TMP/tf"
python3 - "$PORT" <<'PY' || fail "503 over max-requests"
import socket, subprocess, sys, time
port = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
s.connect(("127.0.0.1", port))
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(0.5)
r = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", f"http://127.0.0.1:{port}/metrics"], capture_output=True, text=True).stdout
body, code = r.rsplit("\n", 1)
assert code == "503", r[-200:]
assert body == "Limit of concurrent requests reached (1), try again later.\n", repr(body)
h = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{port}/health/live"], capture_output=True, text=True).stdout
assert h == "200", h  # only /metrics is limited
s.close()
time.sleep(0.3)
r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{port}/metrics"], capture_output=True, text=True).stdout
assert r == "200", r
PY
pass "503 with node_exporter's message over --web.max-requests"
echo "all http endpoint checks passed"
