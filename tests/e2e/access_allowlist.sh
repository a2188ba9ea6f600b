# The client address allowlist: with [access] allow = 127.0.0.1/32, a
# client at 127.0.0.2 is closed right after accept (no response, not even
# over TLS: no handshake starts) and counted; 127.0.0.1 is served. The
# default list serves loopback. A SIGHUP with a new list applies at once.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
ip addr show lo 2>/dev/null | grep -q '127.0.0.1/8' || skip "loopback is not 127.0.0.0/8 here"
PKI=$TMP/pki
make_pki "$PKI"
cat >"$TMP/edgestat.conf" <<'CONF'
[access]
allow = 127.0.0.1/32, ::1
CONF
start_tls_agent "$PKI" --config.file="$TMP/edgestat.conf" --collect.scrape-max-age=0s
[ "$(code "$(URL /health/live)")" = 200 ] || fail "127.0.0.1 refused"
[ "$(code --interface 127.0.0.2 "$(URL /health/live)")" = 000 ] || fail "127.0.0.2 served over HTTP"
[ "$(tcode --interface 127.0.0.2 "$(TURL /health/live)")" = 000 ] || fail "127.0.0.2 served over HTTPS"
out=$(python3 - "$PORT" <<'PY'
import socket, sys
s = socket.socket(); s.bind(("127.0.0.2", 0)); s.settimeout(3)
s.connect(("127.0.0.1", int(sys.argv[1])))
try:
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    print("read:", len(s.recv(65536)))
except OSError as e:
    print("error:", e.__class__.__name__)
PY
)
case "$out" in "read: 0"|error:*) ;; *) fail "refused peer got bytes: $out" ;; esac
n=$(metric 'edgestat_http_refused_total{reason="allowlist"}')
[ "${n:-0}" -ge 3 ] || fail "allowlist refusals not counted: $n"
pass "127.0.0.2 closed at accept over HTTP and HTTPS ($n counted), 127.0.0.1 served"

# Reload with the defaults (loopback, private, link-local): 127.0.0.2 is in.
: >"$TMP/edgestat.conf"
kill -HUP "$PID"
for _ in $(seq 50); do grep -q '"msg":"config reloaded' "$LOG" && break; sleep 0.1; done
[ "$(code --interface 127.0.0.2 "$(URL /health/live)")" = 200 ] || fail "127.0.0.2 refused after reload to the defaults"
pass "reload applied the default allowlist (loopback) at once"

# A bad list is a config error naming the entry; the agent refuses to start.
out=$("$BIN" check-config --access.allow=127.0.0.1/33,lan 2>&1) && fail "bad allowlist accepted"
echo "$out" | grep -q 'allow "127.0.0.1/33": prefix length' || fail "bad CIDR not named: $out"
echo "$out" | grep -q 'allow "lan": not a CIDR' || fail "bad keyword not named: $out"
pass "bad entries are config errors: $(echo "$out" | head -1)"
