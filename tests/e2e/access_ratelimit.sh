# Per-client rate limit: 127.0.0.2 flooding gets 429 with Retry-After while
# 127.0.0.3, scraping at a normal pace meanwhile, gets 200 every time.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
ip addr show lo 2>/dev/null | grep -q '127.0.0.1/8' || skip "loopback is not 127.0.0.0/8 here"
start_agent --access.rate-limit=20 --access.rate-limit-burst=10 --collect.scrape-max-age=0s

python3 - "$PORT" "$TMP/flood" <<'PY' &
# 3 s of back-to-back requests on keep-alive connections from 127.0.0.2.
import socket, sys, time, collections
port, out = int(sys.argv[1]), sys.argv[2]
codes = collections.Counter(); retry = set()
end = time.time() + 3
s = None
while time.time() < end:
    if s is None:
        s = socket.socket(); s.bind(("127.0.0.2", 0)); s.connect(("127.0.0.1", port)); f = s.makefile("rb")
    s.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
    status = f.readline().split()
    if not status: s = None; continue
    length = 0
    while True:
        h = f.readline()
        if h in (b"\r\n", b""): break
        k, _, v = h.decode().partition(":")
        if k.lower() == "content-length": length = int(v)
        if k.lower() == "retry-after": retry.add(v.strip())
    f.read(length)
    codes[status[1].decode()] += 1
open(out, "w").write("%d %d %s\n" % (codes["200"], codes["429"], ",".join(sorted(retry))))
PY
flood=$!
sleep 0.3
ok=0 bad=0
for _ in $(seq 20); do
  c=$(code --interface 127.0.0.3 "$(URL /metrics)")
  if [ "$c" = 200 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); echo "127.0.0.3 got $c"; fi
  sleep 0.1
done
wait $flood
read -r f200 f429 retry <"$TMP/flood"
echo "flood from 127.0.0.2: $f200 x 200, $f429 x 429 (Retry-After: $retry); 127.0.0.3: $ok x 200, $bad other"
[ "$bad" = 0 ] || fail "the quiet client was limited"
[ "$f429" -gt 100 ] || fail "the flood was not limited"
[ "$f200" -le $((10 + 20 * 4)) ] || fail "the flood got more than burst + rate: $f200"
[ "$retry" = 1 ] || fail "Retry-After: $retry"
n=$(curl -s "$(URL /metrics)" | awk '$1 == "edgestat_http_refused_total{reason=\"rate_limit\"}" { print $2 }')
[ "${n:-0}" -ge "$f429" ] || fail "429s not counted: $n"
c=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$(URL /health/live)")
sleep 1.1
c=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$(URL /health/live)")
[ "$c" = 200 ] || fail "the flooder is not served again after Retry-After: $c"
pass "noisy client limited (429, Retry-After 1), quiet client untouched, flooder recovers"
