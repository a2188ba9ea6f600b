# RFC 9112 details the outside review found: Host exactly once in HTTP/1.1
# (400 otherwise), absolute-form targets served, a body spanning several
# reads admitted once (one rate-limit token, not one per read), and the 413
# of a JSON API route is JSON.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
# rate_limit 1/s with a burst of 3: a body in 6 pieces would be refused if
# each read were charged again.
# No trusted_hosts here: the Host rule is the server's own, for every client.
start_agent --access.rate-limit=1 --access.rate-limit-burst=3

status() { raw "$1" | head -1 | tr -d '\r'; }
[ "$(status 'GET /health/live HTTP/1.1\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] || fail "HTTP/1.1 without Host not 400"
sleep 1.1
[ "$(status 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] ||
  fail "two Host headers not 400"
sleep 1.1
[ "$(status 'GET /health/live HTTP/1.0\r\nHost: localhost\r\nHost: localhost\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] ||
  fail "HTTP/1.0 with two Host headers not 400"
sleep 1.1
[ "$(status 'GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n')" = "HTTP/1.1 200 OK" ] || fail "one Host refused"
pass "HTTP/1.1 without Host, or any request with two: 400"

sleep 1.1
out=$(raw "GET http://127.0.0.1:$PORT/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
echo "$out" | head -1 | grep -q '^HTTP/1.1 200' || fail "absolute-form target: $(echo "$out" | head -1)"
pass "absolute-form target served"

# A POST whose body arrives in 6 reads, 150 ms apart, on a bucket of 3.
sleep 3.5
python3 - "$PORT" <<'PY' || fail "body over several reads was not admitted once"
import socket, sys, time
body = b'{"operation_type":"db","operation_name":"slow_body","duration_ms":4.5}'
head = ("POST /api/v1/operations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: %d\r\n\r\n" % len(body)).encode()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(head)
step = (len(body) + 5) // 6
for i in range(0, len(body), step):
    time.sleep(0.15)
    s.sendall(body[i:i + step])
answer = s.recv(4096).decode()
print(answer.split("\r\n")[0])
sys.exit(0 if answer.startswith("HTTP/1.1 202") else 1)
PY
refused=$(curl -s -H 'Host: localhost' "$(URL /metrics)" | grep '^edgestat_http_refused_total{reason="rate_limit"}' | awk '{print $2}')
[ "${refused:-0}" = 0 ] || fail "the slow body was charged to the rate limiter: rate_limit refusals $refused"
pass "a body spanning 6 reads is admitted and charged once (202, no 429)"

# 413: JSON on the JSON API, text elsewhere.
sleep 3.5
h=$(curl -s -D - -o "$TMP/413.json" -H 'Content-Type: application/json' -H 'Content-Length: 99999999' \
  -X POST --data-binary '{}' "$(URL /api/v1/operations)")
echo "$h" | head -1 | grep -q '^HTTP/1.1 413' || fail "oversized POST not 413: $(echo "$h" | head -1)"
echo "$h" | grep -qi '^Content-Type: application/json' || fail "413 of the API is not JSON: $h"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["status"]==413 and j["field"]=="body" and "max_body_bytes" in j["reason"], j' \
  "$TMP/413.json" || fail "413 body: $(cat "$TMP/413.json")"
sleep 1.1
h=$(curl -s -D - -o /dev/null -H 'Content-Length: 99999999' --data-binary 'x' "$(URL /health/live)")
echo "$h" | grep -qi '^Content-Type: text/plain' || fail "413 outside the API changed: $h"
pass "413 of /api/v1/operations is JSON; of other paths text"

# With trusted_hosts, an absolute-form target's authority is the host that
# counts (RFC 9112 §3.2.2), not the Host header.
start_agent --access.trusted-hosts=localhost,127.0.0.1
[ "$(status 'GET http://evil.example/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] ||
  fail "absolute-form authority outside trusted_hosts served"
[ "$(status "GET http://localhost:$PORT/health/live HTTP/1.1\r\nHost: evil.example\r\n\r\n")" = "HTTP/1.1 200 OK" ] ||
  fail "absolute-form authority in trusted_hosts refused"
pass "absolute-form: the target's authority is checked against trusted_hosts"
