#!/bin/bash
# Pushing over HTTPS with a self-made CA and a client certificate: the
# strict sink serves TLS and requires a client certificate signed by the
# test CA (Python's ssl module, OpenSSL). edgestat verifies the sink's
# certificate against tls_ca_file and the name "localhost" (tls_server_name,
# the URL being an address), presents its own; a target without the client
# certificate, and one that does not trust the CA, fail and spool.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"     # before export.sh, whose metric() is the one used here
source "$SRC/tests/e2e/lib/export.sh"
PKI=$TMP/pki
mkdir -p "$PKI"
make_pki "$PKI"

start_sink --tls "$PKI/server.pem" "$PKI/server.key" "$PKI/ca.pem"
SINK_TLS=$PKI
CONF=$TMP/export.conf
write_config "$CONF"
cat >>"$CONF" <<CONF
[export.otlp.mtls]
url = https://127.0.0.1:$SINK_PORT/v1/metrics
tls_ca_file = $PKI/ca.pem
tls_cert_file = $PKI/client.pem
tls_key_file = $PKI/client.key
tls_server_name = localhost
instance = fx-tls
collect = loadavg
[export.otlp.nocert]
url = https://127.0.0.1:$SINK_PORT/v1/metrics
tls_ca_file = $PKI/ca.pem
tls_server_name = localhost
collect = loadavg
spool_bytes = 0
[export.otlp.untrusted]
url = https://127.0.0.1:$SINK_PORT/v1/metrics
tls_ca_file = $PKI/other-ca.pem
tls_server_name = localhost
collect = loadavg
spool_bytes = 0
CONF
start_agent --config.file="$CONF"
sent() { [ "$(metric edgestat_export_samples_sent_total 'target="mtls"' | cut -d. -f1)" -ge 1 ] 2>/dev/null; }
wait_for 10 sent || fail "nothing sent over mutual TLS"
n=$(sink_stat samples)
[ "$n" -gt 0 ] || fail "the TLS sink recorded nothing"
[ "$(sink_stat refused)" = 0 ] || fail "the sink refused pushes: $(sink_stat errors)"
pass "OTLP over HTTPS with a client certificate: $n samples decoded by the sink"
tls_failed() { [ "$(metric edgestat_export_requests_total "result=\"tls\",target=\"$1\"" | cut -d. -f1)" -ge 1 ] 2>/dev/null; }
wait_for 10 tls_failed nocert || fail "a target without a client certificate was not refused"
wait_for 10 tls_failed untrusted || fail "a sink signed by an untrusted CA was accepted"
[ "$(metric edgestat_export_samples_sent_total 'target="untrusted"' | cut -d. -f1)" = 0 ] || fail "sent to an untrusted sink"
pass "no client certificate: refused by the sink; untrusted CA: refused by edgestat (result=\"tls\")"
echo "export_tls: all passed"
