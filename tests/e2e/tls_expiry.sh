# Certificate expiry and reload: an expired serving certificate makes
# /health unhealthy (503, tls_certificate check) and shows in
# edgestat_tls_cert_expiry_timestamp_seconds; one expiring within 14 days is
# degraded; SIGHUP reloads the files, a bad new pair keeps the old one
# (logged with the reason) and running connections are not disturbed.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
PKI=$TMP/pki
make_pki "$PKI"
cp "$PKI/expired.pem" "$TMP/cur.pem"
cp "$PKI/expired.key" "$TMP/cur.key"
# /health's overall status is the worst check; the fixture tree has a
# failing collector (degraded), so read the tls_certificate check itself.
tls_check() { curl -s "$(URL /health)" | python3 -c 'import json,sys; c=[c for c in json.load(sys.stdin)["checks"] if c["name"]=="tls_certificate"][0]; print(c["status"], "-", c["detail"])'; }

start_agent --tls.listen-address="127.0.0.1:$(free_port)" --tls.cert-file="$TMP/cur.pem" --tls.key-file="$TMP/cur.key" \
  --collect.scrape-max-age=0s
grep -q '"msg":"TLS certificate has expired' "$LOG" || fail "expired certificate not warned about at start"
[ "$(code "$(URL /health)")" = 503 ] || fail "/health not 503 with an expired certificate"
c=$(tls_check)
case "$c" in unhealthy*expired*) ;; *) fail "tls_certificate check: $c" ;; esac
want=$(date -d "$(openssl x509 -in "$PKI/expired.pem" -noout -enddate | cut -d= -f2)" +%s)
got=$(metric edgestat_tls_cert_expiry_timestamp_seconds)
python3 -c "assert abs(float('$got') - $want) < 1, ('$got', $want)" || fail "expiry metric $got != $want"
pass "expired: /health 503 ($c), metric = notAfter"

# A bad pair (key of another certificate): the old one stays, the log says why.
cp "$PKI/server.pem" "$TMP/cur.pem"
cp "$PKI/client.key" "$TMP/cur.key"
kill -HUP "$PID"
for _ in $(seq 50); do grep -q 'TLS reload failed' "$LOG" && break; sleep 0.1; done
grep 'TLS reload failed' "$LOG" | grep -q 'does not match' || fail "bad pair not reported: $(tail -3 "$LOG")"
case "$(tls_check)" in unhealthy*) ;; *) fail "bad pair replaced the running certificate" ;; esac
pass "bad new pair refused, old one kept: $(grep -o '"err":"[^"]*"' "$LOG" | tail -1)"

# A certificate expiring in 7 days: degraded. Then a good one: healthy.
cp "$PKI/soon.pem" "$TMP/cur.pem"
cp "$PKI/soon.key" "$TMP/cur.key"
kill -HUP "$PID"
for _ in $(seq 50); do [ "$(grep -c '"msg":"TLS certificate loaded' "$LOG")" -ge 2 ] && break; sleep 0.1; done
c=$(tls_check)
case "$c" in degraded*"expires in 6 days"*|degraded*"expires in 7 days"*) ;; *) fail "soon-expiring: $c" ;; esac
grep -q '"msg":"TLS certificate expires soon' "$LOG" || fail "no warning for a certificate expiring soon"
pass "expiring in 7 days: $c"
cp "$PKI/server.pem" "$TMP/cur.pem"
cp "$PKI/server.key" "$TMP/cur.key"
kill -HUP "$PID"
for _ in $(seq 50); do [ "$(grep -c '"msg":"TLS certificate loaded' "$LOG")" -ge 3 ] && break; sleep 0.1; done
case "$(tls_check)" in healthy*) ;; *) fail "after reload: $(tls_check)" ;; esac
kill -0 "$PID" || fail "agent died"
pass "good pair reloaded: $(tls_check)"
