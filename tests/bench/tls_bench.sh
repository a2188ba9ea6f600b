#!/usr/bin/env bash
# TLS cost on this machine, edgestat beside node_exporter (same certificate,
# EC P-256, TLS 1.2 and, where the build has it, TLS 1.3):
#   - full handshakes per second (openssl s_time -new, one client process);
#   - memory one idle TLS connection costs: RSS growth with N established,
#     idle TLS connections (python ssl clients), divided by N;
#   - a scrape of /metrics over TLS (curl, new connection each time).
# Usage: tests/bench/tls_bench.sh [EDGESTAT_BIN ...]
#   (default: build/edgestat; pass a second binary, e.g. a build against the
#   static mbedTLS 3.6, to compare). Env: N (idle connections, 100), SECS (5).
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BINS=("$@")
[ ${#BINS[@]} -gt 0 ] || BINS=("$SRC/build/edgestat")
N=${N:-100}
SECS=${SECS:-5}
NE=${NODE_EXPORTER:-$(command -v prometheus-node-exporter || command -v node_exporter || true)}
TMP=$(mktemp -d /tmp/edgestat-tlsbench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
command -v openssl >/dev/null || { echo "openssl needed"; exit 1; }

# A CA and a server certificate for 127.0.0.1/localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ca.key" -subj /CN=bench-ca \
  -days 2 -out "$TMP/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/srv.key" -subj /CN=localhost \
  -out "$TMP/srv.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$TMP/ext"
openssl x509 -req -in "$TMP/srv.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -CAcreateserial -days 2 \
  -extfile "$TMP/ext" -out "$TMP/srv.pem" 2>/dev/null

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
wait_tls() { for _ in $(seq 100); do openssl s_client -connect "127.0.0.1:$1" </dev/null >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

handshakes() {  # port tlsflag -> handshakes/s
  openssl s_time -connect "127.0.0.1:$1" -new -time "$SECS" "$2" 2>/dev/null |
    awk '/connections in .* real seconds/ { for (i=1;i<=NF;i++) if ($(i+1) == "connections" && $(i+2) == "in") c=$i; }
         /connections in .* real seconds/ { split($0, a, " in "); split(a[2], b, " "); printf "%.0f\n", c / b[1] }' | tail -1
}
idle_cost() {  # pid port -> bytes per idle TLS connection
  local before after
  before=$(rss_kb "$1")
  python3 - "$2" "$N" "$TMP/idle.ready" <<'PY' &
import socket, ssl, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
conns = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    conns.append(ctx.wrap_socket(s, server_hostname="localhost"))  # handshake done
open(sys.argv[3], "w").close()
time.sleep(30)
PY
  local py=$!
  for _ in $(seq 300); do [ -e "$TMP/idle.ready" ] && break; sleep 0.05; done
  sleep 0.5
  after=$(rss_kb "$1")
  kill $py 2>/dev/null; wait $py 2>/dev/null
  rm -f "$TMP/idle.ready"
  echo $(((after - before) * 1024 / N))
}
scrape_ms() {  # port path -> median ms of 20 new-connection HTTPS scrapes
  for _ in $(seq 20); do
    curl -s -o /dev/null -w '%{time_total}\n' --cacert "$TMP/ca.pem" --resolve "localhost:$1:127.0.0.1" \
      "https://localhost:$1$2"
  done | sort -n | sed -n 10p | awk '{ printf "%.2f\n", $1 * 1000 }'
}

printf '%-34s %10s %10s %14s %12s %10s\n' "server" "hs/s 1.2" "hs/s 1.3" "idle conn B" "scrape ms" "RSS KiB"
for bin in "${BINS[@]}"; do
  p=$(port)
  mkdir -p "$TMP/run-$p" "$TMP/data"
  "$bin" run --web.listen-address="127.0.0.1:$(port)" --tls.listen-address="127.0.0.1:$p" \
    --tls.cert-file="$TMP/srv.pem" --tls.key-file="$TMP/srv.key" --tls.max-connections=$((N + 16)) \
    --web.max-connections=$((N + 32)) --agent.runtime-dir="$TMP/run-$p" --agent.data-dir="$TMP/data" \
    --log.level=warn 2>"$TMP/edgestat-$p.log" &
  pid=$!
  PIDS+=("$pid")
  wait_tls "$p" || { echo "edgestat did not start: $(cat "$TMP/edgestat-$p.log")"; exit 1; }
  h12=$(handshakes "$p" -tls1_2)
  h13=$(handshakes "$p" -tls1_3)
  idle=$(idle_cost "$pid" "$p")
  ms=$(scrape_ms "$p" /metrics)
  label="edgestat $("$bin" version | awk '{print $3}') $(ldd "$bin" 2>/dev/null | grep -q mbedtls && echo '(mbedTLS 2.28)' || echo '(static mbedTLS)')"
  printf '%-34s %10s %10s %14s %12s %10s\n' "$label" "${h12:--}" "${h13:--}" "$idle" "$ms" "$(rss_kb "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null
done

if [ -n "$NE" ]; then
  p=$(port)
  printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n' "$TMP/srv.pem" "$TMP/srv.key" >"$TMP/web.yml"
  "$NE" --web.listen-address="127.0.0.1:$p" --web.config.file="$TMP/web.yml" >"$TMP/ne.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_tls "$p"; then
    h12=$(handshakes "$p" -tls1_2)
    h13=$(handshakes "$p" -tls1_3)
    idle=$(idle_cost "$pid" "$p")
    ms=$(scrape_ms "$p" /metrics)
    printf '%-34s %10s %10s %14s %12s %10s\n' "node_exporter $("$NE" --version 2>&1 | awk 'NR==1{print $3}')" \
      "$h12" "$h13" "$idle" "$ms" "$(rss_kb "$pid")"
  else
    echo "node_exporter did not start with --web.config.file: $(tail -3 "$TMP/ne.log")"
  fi
fi
echo "(hs/s: openssl s_time -new, one client, ${SECS}s; idle conn: RSS growth / $N idle TLS connections;"
echo " '-' where the server has no TLS 1.3)"
