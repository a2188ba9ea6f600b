#!/usr/bin/env bash
# A legitimate scraper's latency while four addresses guess Basic-auth
# passwords (PBKDF2, 20 000 iterations, on the loop): p50/p90/worst of 100
# scrapes on new connections from 127.0.0.3, with and without the guessers.
# Usage: tests/bench/auth_bench.sh [EDGESTAT_BIN ...] (default build/edgestat;
# pass an older build to compare before/after).
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BINS=("$@")
[ ${#BINS[@]} -gt 0 ] || BINS=("$SRC/build/edgestat")
TMP=$(mktemp -d /tmp/edgestat-authbench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
PW='right horse battery'
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FIX="$SRC/tests/fixtures/vm"
for bin in "${BINS[@]}"; do
  HASH=$(printf '%s\n' "$PW" | "$bin" hash-password --user=prom)
  printf '[auth]\nusers = %s\n' "$HASH" >"$TMP/c.conf"
  P=$(port)
  "$bin" run --config.file="$TMP/c.conf" --web.listen-address="127.0.0.1:$P" --path.procfs="$FIX/proc" \
    --path.sysfs="$FIX/sys" --path.rootfs="$FIX/root" --agent.runtime-dir="$TMP/run-$P" \
    --agent.data-dir="$TMP/data-$P" 2>"$TMP/log-$P" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q '"msg":"started"' "$TMP/log-$P" && break; sleep 0.05; done
  curl -s -o /dev/null -u "prom:$PW" "http://127.0.0.1:$P/metrics"  # caches the password
  quiet=$(python3 "$SRC/tests/e2e/lib/scrape_latency.py" "$P" 127.0.0.3 100 0.05 /metrics "basic:prom:$PW")
  gp=()
  for ip in 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7; do
    python3 "$SRC/tests/e2e/lib/guess.py" "$P" $ip 12 >"$TMP/g$ip-$P" &
    gp+=($!)
  done
  sleep 1
  attacked=$(python3 "$SRC/tests/e2e/lib/scrape_latency.py" "$P" 127.0.0.3 100 0.05 /metrics "basic:prom:$PW")
  wait "${gp[@]}"
  guesses=$(cat "$TMP"/g*-"$P" | awk '{ for (i=1;i<=NF;i++) { split($i,a,"="); s[a[1]]+=a[2] } } END { printf "guesses=%d 401=%d 429=%d", s["guesses"], s["401"], s["429"] }')
  echo "$bin"
  echo "  no guessing:          $quiet"
  echo "  4 addresses guessing: $attacked"
  echo "  guessers (12 s):      $guesses"
done
