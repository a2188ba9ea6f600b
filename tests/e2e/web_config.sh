# node_exporter's --web.config.file: exporter-toolkit's web-config.yml with
# TLS (files relative to the YAML's directory) and basic_auth_users holding
# a real bcrypt hash (python3's crypt or htpasswd -B). curl and, when it is
# installed, Prometheus scrape it over HTTPS with the password; a wrong
# password is 401, repeated failures from one client are 429 without a
# bcrypt run, plain HTTP on the port fails, and a bad web config names
# file:line in check-config.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
PKI=$TMP/web
make_pki "$PKI"
HASH=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("scrape-secret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 8)))' 2>/dev/null)
case "$HASH" in
  '$2'*) ;;
  *) HASH=$(htpasswd -nbBC 8 "" scrape-secret 2>/dev/null | tr -d ':\n') ;;
esac
case "$HASH" in '$2'*) ;; *) skip "no bcrypt hash maker (python3 crypt module or htpasswd)" ;; esac
cat >"$PKI/web.yml" <<YML
# as exporter-toolkit documents it
tls_server_config:
  cert_file: server.pem
  key_file: server.key
  min_version: TLS12
http_server_config:
  headers:
    Strict-Transport-Security: max-age=3600
basic_auth_users:
  prometheus: '$HASH'
YML
"$BIN" check-config --web.config.file="$PKI/web.yml" >"$TMP/check.out" || fail "check-config: $(cat "$TMP/check.out")"
start_agent --web.config.file="$PKI/web.yml"
TPORT=$PORT
got=$(tcurl -u prometheus:scrape-secret "$(TURL /metrics)") || fail "HTTPS scrape with the password failed"
grep -q '^node_cpu_seconds_total' <<<"$got" || fail "no node_cpu_seconds_total over HTTPS"
hdr=$(tcurl -D - -o /dev/null -u prometheus:scrape-secret "$(TURL /metrics)")
grep -qi '^strict-transport-security: max-age=3600' <<<"$hdr" || fail "no HSTS header: $hdr"
[ "$(tcode "$(TURL /metrics)")" = 401 ] || fail "no password: not 401"
[ "$(code --max-time 5 "http://127.0.0.1:$PORT/metrics")" = 000 ] || fail "plain HTTP answered on the TLS port"
grep -q '"msg":"started"' "$LOG" && grep -q "https" "$LOG" || true

if PROM=${PROMETHEUS:-$(command -v prometheus)} && [ -x "$PROM" ]; then
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
  up=""
  for _ in $(seq 40); do
    up=$(curl -s "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode 'query=up{job="edgestat"}' |
      python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null)
    [ "$up" = 1 ] && break
    sleep 0.5
  done
  [ "$up" = 1 ] || fail "Prometheus up = '$up': $(tail -5 "$TMP/prom.log")"
  prom="Prometheus up=1"
else
  prom="Prometheus not installed, curl only"
fi

# Wrong passwords: 401 while the client's budget lasts, then 429. The
# bcrypt failure limiter allows 5 at once; the time budget (250 ms of
# checks, refilled at 50 ms a second) may end it sooner, and let one more
# through later, on a loaded machine where one bcrypt check takes longer.
codes=""
for _ in 1 2 3 4 5 6; do codes="$codes $(tcode -u prometheus:wrong "$(TURL /metrics)")"; done
[[ "$codes" =~ ^\ 401 && "$codes" == *" 429"* && "$codes" != *200* ]] ||
  fail "wrong passwords answered:$codes (want 401 first, then 429 within 6)"

# A bad web config is refused with file:line.
printf 'tls_server_config:\n  cert_file: server.pem\n  key_fle: server.key\n' >"$PKI/bad.yml"
out=$("$BIN" check-config --web.config.file="$PKI/bad.yml") && fail "check-config accepted a bad web config"
grep -q "bad.yml:3: tls_server_config.key_fle: unknown key" <<<"$out" || fail "check-config said: $out"
pass "web-config.yml: HTTPS + bcrypt basic auth (curl; $prom), HSTS, 401, 429 after 5 failures, bad key named"
