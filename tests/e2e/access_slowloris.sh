# Hundreds of slow-header connections (300 from 127.0.0.2, one header byte
# every 200 ms) do not stop a normal scrape from 127.0.0.1 completing
# promptly: one client holds at most [access] max_connections_per_client
# slots (the rest are closed at accept and counted), so the scraper always
# finds a free one. (The header deadline, 30 s here, cuts the slow ones
# later; conn_limits.sh tests it.)
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
ip addr show lo 2>/dev/null | grep -q '127.0.0.1/8' || skip "loopback is not 127.0.0.0/8 here"
start_agent --web.max-connections=64 --access.max-connections-per-client=16 --web.header-timeout=30s \
  --collect.scrape-max-age=0s

python3 - "$PORT" "$TMP/ready" <<'PY' &
import socket, sys, time, threading
port = int(sys.argv[1])
socks = []
for i in range(300):
    s = socket.socket(); s.bind(("127.0.0.2", 0))
    try:
        s.connect(("127.0.0.1", port)); socks.append(s)
    except OSError:
        pass
def slow(batch):
    for b in b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 100:
        for s in batch:
            try: s.send(bytes([b]))
            except OSError: pass
        time.sleep(0.2)
t = threading.Thread(target=slow, args=(socks,)); t.start()
open(sys.argv[2], "w").close()
t.join()
PY
abuse=$!
for _ in $(seq 200); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
[ -e "$TMP/ready" ] || fail "abuse script did not start"
sleep 0.5
echo "established from 127.0.0.2: $(ss -Htn state established "( dport = :$PORT )" 2>/dev/null | grep -c 127.0.0.2)"
worst=0
for i in 1 2 3 4 5; do
  out=$(curl -s --max-time 5 -w '\n%{http_code} %{time_total}' "$(URL /metrics)")
  read -r c tt <<<"$(echo "$out" | tail -1)"
  [ "$c" = 200 ] || fail "scrape $i under slowloris: $c"
  worst=$(python3 -c "print(max($worst, $tt))")
  sleep 0.3
done
conns=$(echo "$out" | awk '$1 == "edgestat_http_connections" { print $2 }')
refused=$(echo "$out" | awk '$1 == "edgestat_http_refused_total{reason=\"client_connections\"}" { print $2 }')
echo "5 scrapes, slowest $worst s; connections open $conns; refused at accept $refused"
python3 -c "assert $worst < 1.0" || fail "a scrape took $worst s under slowloris"
[ "${refused:-0}" -ge 200 ] || fail "per-client cap did not refuse the excess: $refused"
[ "${conns:-99}" -le 20 ] || fail "more than the per-client cap held: $conns"
kill $abuse 2>/dev/null; wait $abuse 2>/dev/null
kill -0 "$PID" || fail "agent died"
pass "300 slow-header connections: scrapes served in <= $worst s"
