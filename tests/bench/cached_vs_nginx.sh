#!/bin/bash
# The cached /metrics path against the physical limit of HTTP on this box
# (issue 14; goal >= 80 %): nginx (Debian package) serving the same bytes
# as a static file, under the same wrk load, one after the other.
#   edgestat: --collect.scrape-max-age equal to the interval (1 h): every
#             request is answered from the rendered, cached body
#   nginx:    one worker (edgestat has one loop thread), access log off,
#             the body edgestat served saved as a file, keep-alive
# Usage: tests/bench/cached_vs_nginx.sh [EDGESTAT_BINARY] [SECONDS] [CONNECTIONS]
#   default binary: build-x86_64/edgestat (static) if built, else build/edgestat
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BIN=$(bench_binary "${1:-}")
SECS=${2:-10}
CONNS=${3:-8}
for p in wrk:wrk nginx:nginx; do
  command -v "${p%%:*}" >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${p#*:}" >/dev/null
done
tmp=$(mktemp -d)
pids=()
cleanup() { set +e; for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kind=dynamic
file -L "$BIN" | grep -q 'statically linked' && kind=static
echo "binary: $BIN ($kind); wrk -t2 -c$CONNS -d${SECS}s; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

eport=$(port)
"$BIN" run --web.listen-address="127.0.0.1:$eport" --agent.runtime-dir="$tmp/e" --agent.data-dir="$tmp/e" \
  --collect.interval=1h --collect.scrape-max-age=1h --log.level=warn 2>"$tmp/e.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$eport/health/live" && break; sleep 0.05; done
mkdir -p "$tmp/www"
curl -s -o "$tmp/www/metrics" "http://127.0.0.1:$eport/metrics"
chmod 0755 "$tmp" "$tmp/www"; chmod 0644 "$tmp/www/metrics"  # nginx workers run as www-data
bytes=$(wc -c < "$tmp/www/metrics")

nport=$(port)
cat > "$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type "text/plain; version=0.0.4; charset=utf-8";
  client_body_temp_path $tmp/nb; proxy_temp_path $tmp/np; fastcgi_temp_path $tmp/nf;
  uwsgi_temp_path $tmp/nu; scgi_temp_path $tmp/ns;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
  }
}
EOF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$nport/metrics" && break; sleep 0.05; done
curl -s -o "$tmp/nginx.body" "http://127.0.0.1:$nport/metrics"
cmp -s "$tmp/www/metrics" "$tmp/nginx.body" || { echo "nginx does not serve the same bytes: $(head -c 300 "$tmp/nginx.body") $(cat "$tmp/nginx.err")"; exit 1; }

rps() { wrk -t2 -c"$CONNS" -d"${SECS}s" "$1" | awk '/^Requests\/sec/ {print $2}'; }
# Alternate twice, best of each: the box is shared.
e1=$(rps "http://127.0.0.1:$eport/metrics"); n1=$(rps "http://127.0.0.1:$nport/metrics")
e2=$(rps "http://127.0.0.1:$eport/metrics"); n2=$(rps "http://127.0.0.1:$nport/metrics")
e=$(awk -v a="$e1" -v b="$e2" 'BEGIN {print (a > b ? a : b)}')
n=$(awk -v a="$n1" -v b="$n2" 'BEGIN {print (a > b ? a : b)}')
echo "body: $bytes bytes (uncompressed text 0.0.4)"
echo "edgestat cached: $e1 / $e2 requests/s (best $e)"
echo "nginx static:    $n1 / $n2 requests/s (best $n)"
awk -v e="$e" -v n="$n" 'BEGIN {printf "ratio edgestat / nginx: %.0f %% (goal >= 80 %%)\n", e / n * 100}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
