# Password guessing from several addresses does not slow a legitimate
# scraper down: four addresses guess Basic passwords as fast as answers come
# while 127.0.0.3 scrapes with the right password (cached after its first
# use). Each guesser gets 429 + Retry-After once its PBKDF2 budget is spent
# (no PBKDF2 runs then), and the scraper's median stays low.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
ip addr show lo 2>/dev/null | grep -q '127.0.0.1/8' || skip "loopback is not 127.0.0.0/8 here"
PW='right horse battery'
HASH=$(printf '%s\n' "$PW" | "$BIN" hash-password --user=prom) || fail "hash-password failed"
cat >"$TMP/edgestat.conf" <<CONF
[auth]
users = $HASH
CONF
start_agent --config.file="$TMP/edgestat.conf"
SCRAPE="$SRC/tests/e2e/lib/scrape_latency.py"
GUESS="$SRC/tests/e2e/lib/guess.py"
P50_LIMIT_MS=${P50_LIMIT_MS:-$((25 * ${E2E_TIME_SCALE:-1}))}

# The right password once (PBKDF2, then cached).
[ "$(code -u "prom:$PW" "$(URL /metrics)")" = 200 ] || fail "right password refused"
gp=()
for ip in 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7; do
  python3 "$GUESS" "$PORT" $ip 8 >"$TMP/g$ip" &
  gp+=($!)
done
sleep 1
out=$(python3 "$SCRAPE" "$PORT" 127.0.0.3 40 0.15 /metrics "basic:prom:$PW") || fail "a legitimate scrape failed: $out"
wait "${gp[@]}"
for ip in 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7; do echo "guesser $ip: $(cat "$TMP/g$ip")"; done
echo "legitimate scraper 127.0.0.3: $out"
grep -q ' 429=[1-9]' "$TMP/g127.0.0.4" || fail "a guesser was never told 429"
p50=$(echo "$out" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
python3 -c "assert $p50 < $P50_LIMIT_MS" || fail "legitimate scraper p50 $p50 ms under guessing (limit $P50_LIMIT_MS ms)"
# The guessers have stopped, so their buckets refill (50 ms of PBKDF2 a
# second): a budget is exhausted again on purpose, and within its burst
# (250 ms, tens of checks) plus refill the answer must turn into 429.
h= tries=0
while [ $tries -lt 300 ]; do
  tries=$((tries + 1))
  h=$(curl -s -D - -o /dev/null --interface 127.0.0.4 -u "prom:again-$tries" "$(URL /metrics)")
  echo "$h" | head -1 | grep -q '^HTTP/1.1 429' && break
done
echo "$h" | head -1 | grep -q '^HTTP/1.1 429' || fail "a guesser was not refused after $tries wrong passwords: $(echo "$h" | head -1)"
echo "guesser 127.0.0.4 again: 429 after $tries wrong passwords"
echo "$h" | grep -qi '^Retry-After: [1-9]' || fail "429 without Retry-After"
m=$(curl -s -u "prom:$PW" "$(URL /metrics)")
n=$(echo "$m" | awk '$1 == "edgestat_http_refused_total{reason=\"auth_budget\"}" { print $2 }')
[ "${n:-0}" -ge 10 ] || fail "auth_budget refusals not counted: ${n:-0}"
pass "4 guessing addresses: legitimate p50 $p50 ms, guessers 429 past their budget ($n refused)"
