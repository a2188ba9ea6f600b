# HTTPS beside plain HTTP: real handshakes with curl and openssl s_client,
# TLS 1.2 always, TLS 1.3 where the mbedTLS build has it (Debian's 2.28 has
# no TLS 1.3 server: the 1.3-only client must then fail cleanly), security
# headers and HSTS on HTTPS only, garbage on the TLS port, the handshake
# deadline, and the TLS counters on /metrics.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
PKI=$TMP/pki
make_pki "$PKI"
start_tls_agent "$PKI" --tls.handshake-timeout=1s --tls.hsts-max-age=365d --collect.scrape-max-age=0s

# Plain and HTTPS side by side.
[ "$(code "$(URL /health/live)")" = 200 ] || fail "plain listener"
out=$(tcurl --tlsv1.2 -D - "$(TURL /metrics)") || fail "curl over TLS 1.2 failed"
echo "$out" | grep -q '^node_cpu_seconds_total' || fail "no metrics over TLS"
echo "$out" | grep -qi '^Strict-Transport-Security: max-age=31536000' || fail "no HSTS over HTTPS"
echo "$out" | grep -qi '^X-Content-Type-Options: nosniff' || fail "no nosniff over HTTPS"
curl -s -D - -o /dev/null "$(URL /metrics)" | grep -qi 'Strict-Transport-Security' && fail "HSTS over plain HTTP"
pass "HTTPS and HTTP side by side; HSTS on HTTPS only"

# openssl s_client: protocol, cipher, verification against the CA.
so=$(printf 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
  timeout 10 openssl s_client -connect "127.0.0.1:$TPORT" -servername localhost -CAfile "$PKI/ca.pem" \
    -tls1_2 -ign_eof 2>&1)
echo "$so" | grep -q 'Verify return code: 0 (ok)' || fail "s_client did not verify: $(echo "$so" | tail -5)"
echo "$so" | grep -Eq 'Protocol *: TLSv1.2' || fail "s_client not TLS 1.2"
echo "$so" | grep -Eq 'Cipher *: ECDHE-(ECDSA|RSA)-(AES128-GCM|AES256-GCM|CHACHA20)' || fail "unexpected cipher: $(echo "$so" | grep Cipher)"
echo "$so" | grep -q '^ok$' || fail "no response body through s_client"
pass "openssl s_client: TLS 1.2, $(echo "$so" | sed -n 's/^ *Cipher *: //p' | head -1), verified"

# TLS 1.3: only with an mbedTLS 3.x build.
# s_client prints the protocol it tried even when the handshake failed; a
# failure is "Cipher is (NONE)".
handshakes() { timeout 10 openssl s_client -connect "127.0.0.1:$TPORT" "$@" </dev/null 2>&1 | grep -q 'New, .*Cipher is [A-Z]'; }
if handshakes -tls1_3; then
  [ "$(tcode --tlsv1.3 "$(TURL /health/live)")" = 200 ] || fail "TLS 1.3 negotiated but curl failed"
  pass "TLS 1.3 (mbedTLS 3.x build)"
else
  [ "$(tcode --tlsv1.3 --tls-max 1.3 "$(TURL /health/live)")" = 000 ] || fail "a 1.3-only client got an answer"
  echo "note: this build's mbedTLS has no TLS 1.3 server (Debian 2.28); 1.3 is tested on the static 3.6 builds"
  pass "TLS 1.3-only client refused cleanly, TLS 1.2 works"
fi

# Weak protocol versions are refused.
handshakes -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' && fail "TLS 1.1 accepted"
handshakes -tls1_2 || fail "the handshake probe itself does not work"
# Keep-alive: several requests over one TLS connection.
n=$(tcurl "$(TURL /health/live)" "$(TURL /health/live)" "$(TURL /health/live)" -w '%{num_connects}\n' -o /dev/null | paste -sd+ | bc)
[ "$n" = 1 ] || fail "keep-alive over TLS opened $n connections"
pass "TLS 1.1 refused; keep-alive reuses one TLS connection"

# Garbage (plain HTTP) on the TLS port: closed, the agent keeps serving.
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 5 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=4); s.sendall(sys.stdin.buffer.read())
try:
    while s.recv(4096): pass
except OSError: pass' "$TPORT" || fail "plain HTTP on the TLS port was not closed"
# A client that connects and says nothing is closed at the handshake deadline.
python3 - "$TPORT" <<'PY' || fail "silent client not closed at the handshake deadline"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
t = time.time()
assert s.recv(1) == b""
assert 0.5 < time.time() - t < 3, time.time() - t
PY
[ "$(tcode "$(TURL /health/live)")" = 200 ] || fail "agent stopped serving TLS"
m=$(curl -s "$(URL /metrics)")
echo "$m" | grep -q '^edgestat_tls_handshakes_total{result="failed"} [1-9]' || fail "failed handshake not counted"
echo "$m" | grep -q '^edgestat_tls_handshakes_total{result="timeout"} [1-9]' || fail "handshake timeout not counted"
echo "$m" | grep -q '^edgestat_tls_handshakes_total{result="ok"} [1-9]' || fail "handshakes not counted"
echo "$m" | grep -Eq '^edgestat_tls_cert_expiry_timestamp_seconds [0-9.e+]+$' || fail "no cert expiry metric"
kill -0 "$PID" || fail "agent died"
pass "garbage and silent clients closed (counted), agent still serving"
