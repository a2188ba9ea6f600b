# The connection cap and the timeouts under abuse: with
# --web.max-connections=8, 20 connections are opened (10 idle, 10 slowloris
# sending a header byte every 200 ms). The agent never holds more than 8
# (the rest wait in the kernel backlog: no uv_accept, no allocation), a
# normal scrape still succeeds within a few seconds because idle ones close
# after --web.idle-timeout and slow heads after --web.header-timeout (each
# counted as 408), and the freed slots accept the waiting connections.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
# One address opens every connection here: the per-client cap is set to the
# whole server so the global cap and the timeouts are what is tested.
start_agent --web.max-connections=8 --access.max-connections-per-client=8 --web.header-timeout=1s --web.idle-timeout=2s \
  --collect.scrape-max-age=0s

python3 - "$PORT" "$TMP/ready" <<'PY' &
import socket, sys, time, threading
port = int(sys.argv[1])
socks = []
for i in range(20):
    s = socket.socket()
    s.connect(("127.0.0.1", port))  # completes in the kernel backlog even when not accepted
    socks.append(s)
def slow(s):
    try:
        for b in b"GET /metrics HTTP/1.1\r\nHost: x\r\n" * 10:
            s.send(bytes([b]))
            time.sleep(0.2)
    except OSError:
        pass
ts = [threading.Thread(target=slow, args=(s,)) for s in socks[10:]]
for t in ts: t.start()
open(sys.argv[2], "w").close()
time.sleep(8)
PY
abuse=$!
for _ in $(seq 200); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
[ -e "$TMP/ready" ] || fail "abuse script did not start"
start=$(date +%s.%N)
out=$(curl -s --max-time 8 -w '\n%{http_code}' "$(URL /metrics)")
end=$(date +%s.%N)
[ "$(echo "$out" | tail -1)" = 200 ] || fail "normal scrape failed under abuse: $(echo "$out" | tail -1)"
conns=$(echo "$out" | sed -n 's/^edgestat_http_connections //p')
echo "scrape took $(python3 -c "print(round($end - $start, 2))") s; edgestat_http_connections=$conns"
[ "${conns:-99}" -le 8 ] || fail "more than the cap open: $conns"
wait $abuse
m=$(curl -s --max-time 5 "$(URL /metrics)")
echo "$m" | grep -q '^edgestat_http_requests_total{code="408",handler="other"}' || fail "slowloris closes not counted as 408"
kill -0 $PID || fail "agent died"
pass "cap held, abusers timed out (408 counted), normal scrape served"
