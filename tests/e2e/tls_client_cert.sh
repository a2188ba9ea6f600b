# Client certificates over real TLS (curl): required -> the right CA's
# certificate is served, another CA's and none are refused in the
# handshake; optional -> none is fine, another CA's is refused; allowed
# names -> a trusted certificate with the wrong CN/SAN is refused.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
PKI=$TMP/pki
make_pki "$PKI"
CLIENT=(--cert "$PKI/client.pem" --key "$PKI/client.key")
OTHER=(--cert "$PKI/other-client.pem" --key "$PKI/other-client.key")

start_tls_agent "$PKI" --tls.client-auth=required --tls.client-ca-file="$PKI/ca.pem" --collect.scrape-max-age=0s
[ "$(tcode "${CLIENT[@]}" "$(TURL /metrics)")" = 200 ] || fail "required: trusted client certificate refused"
[ "$(tcode "${OTHER[@]}" "$(TURL /metrics)")" = 000 ] || fail "required: another CA's certificate accepted"
[ "$(tcode "$(TURL /metrics)")" = 000 ] || fail "required: no certificate accepted"
# TLS 1.2: its CertificateRequest always lists the CA names (TLS 1.3 may not).
so=$(timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$TPORT" -CAfile "$PKI/ca.pem" </dev/null 2>&1)
echo "$so" | grep -q 'Acceptable client certificate CA names' || fail "server did not ask for a client certificate"
echo "$so" | grep -q 'CN = edgestat e2e CA' || fail "CA name not sent in CertificateRequest"
f=$(metric 'edgestat_tls_handshakes_total{result="failed"}')
[ "${f:-0}" -ge 2 ] || fail "refused handshakes not counted ($f)"
pass "required: right CA served, other CA and none refused ($f failed handshakes counted)"
kill "$PID"; wait "$PID" 2>/dev/null

start_tls_agent "$PKI" --tls.client-auth=optional --tls.client-ca-file="$PKI/ca.pem"
[ "$(tcode "$(TURL /metrics)")" = 200 ] || fail "optional: no certificate refused"
[ "$(tcode "${CLIENT[@]}" "$(TURL /metrics)")" = 200 ] || fail "optional: trusted certificate refused"
[ "$(tcode "${OTHER[@]}" "$(TURL /metrics)")" = 000 ] || fail "optional: another CA's certificate accepted"
pass "optional: none and trusted served, another CA's refused"
kill "$PID"; wait "$PID" 2>/dev/null

start_tls_agent "$PKI" --tls.client-auth=required --tls.client-ca-file="$PKI/ca.pem" \
  --tls.client-allowed-names=grafana,backup.lan
[ "$(tcode "${CLIENT[@]}" "$(TURL /metrics)")" = 000 ] || fail "allowed names: CN=prometheus accepted"
kill "$PID"; wait "$PID" 2>/dev/null
start_tls_agent "$PKI" --tls.client-auth=required --tls.client-ca-file="$PKI/ca.pem" \
  --tls.client-allowed-names=grafana,prometheus.lan
[ "$(tcode "${CLIENT[@]}" "$(TURL /metrics)")" = 200 ] || fail "allowed names: SAN prometheus.lan refused"
pass "allowed names: matched on CN/SAN, others refused"
