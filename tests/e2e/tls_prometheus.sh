# A real Prometheus scraping edgestat over HTTPS with a client certificate
# (tls_config) and Basic auth (a PBKDF2 hash from `edgestat hash-password`):
# up == 1 through its query API, and a scrape without the certificate
# fails. This is the scrape config README.md ("Securing edgestat") shows.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
PROM=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
[ -x "$PROM" ] || skip "prometheus not installed"
PKI=$TMP/pki
make_pki "$PKI"
HASH=$(printf 'scrape-secret\n' | "$BIN" hash-password --user=prometheus) || fail "hash-password failed"
start_tls_agent "$PKI" --tls.client-auth=required --tls.client-ca-file="$PKI/ca.pem" \
  --tls.client-allowed-names=prometheus --auth.users="$HASH" --collect.scrape-max-age=0s

PPORT=$(free_port)
cat >"$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: edgestat
    scheme: https
    tls_config:
      ca_file: $PKI/ca.pem
      cert_file: $PKI/client.pem
      key_file: $PKI/client.key
      server_name: localhost
    basic_auth:
      username: prometheus
      password: scrape-secret
    static_configs:
      - targets: ['127.0.0.1:$TPORT']
  - job_name: edgestat-no-cert
    scheme: https
    tls_config:
      ca_file: $PKI/ca.pem
      server_name: localhost
    basic_auth:
      username: prometheus
      password: scrape-secret
    static_configs:
      - targets: ['127.0.0.1:$TPORT']
YML
"$PROM" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom" \
  --web.listen-address="127.0.0.1:$PPORT" >"$TMP/prom.log" 2>&1 &
PIDS+=($!)
q() { curl -s "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
  python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'; }
up="" bad=""
for _ in $(seq 40); do
  up=$(q 'up{job="edgestat"}' 2>/dev/null)
  bad=$(q 'up{job="edgestat-no-cert"}' 2>/dev/null)
  [ "$up" = 1 ] && [ "$bad" = 0 ] && break
  sleep 0.5
done
[ "$up" = 1 ] || fail "Prometheus up{job=edgestat} = '$up': $(tail -5 "$TMP/prom.log")"
[ "$bad" = 0 ] || fail "Prometheus scraped without a client certificate: up = '$bad'"
n=$(q 'count(node_cpu_seconds_total{job="edgestat"})')
[ "${n:-0}" -gt 0 ] || fail "no node_cpu_seconds_total in Prometheus"
err=$(curl -s "http://127.0.0.1:$PPORT/api/v1/targets" | python3 -c '
import json,sys
for t in json.load(sys.stdin)["data"]["activeTargets"]:
    if t["labels"]["job"] == "edgestat-no-cert": print(t["lastError"])')
pass "Prometheus over HTTPS + client cert + Basic auth: up=1, $n CPU series; without cert: up=0 ($err)"
