# Daemon lifecycle: second instance refused by the pid-file lock; SIGHUP
# with a good config (a collector switched off takes effect, a restart-only
# key is logged and kept) and with a bad one (errors logged, old config
# kept, still serving); SIGTERM lets an in-flight response finish, refuses
# new connections and exits 0.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

# --- single instance
RUNDIR="$TMP/lock" start_agent
first=$PID
out=$("$BIN" run --web.listen-address=127.0.0.1:$(free_port) --path.procfs="$FIX/proc" --path.sysfs="$FIX/sys" \
  --agent.runtime-dir="$TMP/lock" 2>&1)
rc=$?
[ $rc = 1 ] || fail "second instance exit $rc"
echo "$out" | grep -qF "edgestat: another instance is running (pid $first, lock $TMP/lock/edgestat.pid)" ||
  fail "second instance message: $out"
kill -TERM $first
wait_exit $first 10 || fail "first instance exit status"
pass "second instance refused with pid and lock path"

# --- SIGHUP reload
CONF="$TMP/edgestat.conf"
printf '[collector]\nloadavg = true\n' >"$CONF"
start_agent --config.file="$CONF" --collect.scrape-max-age=0s
curl -s "$(URL /metrics)" | grep -q '^node_load1 ' || fail "node_load1 missing before reload"
printf '[collector]\nloadavg = false\n[web]\nmax_connections = 7\n' >"$CONF"
kill -HUP $PID
for _ in $(seq 50); do grep -q '"msg":"config reloaded"' "$LOG" && break; sleep 0.1; done
grep -q '"msg":"config reloaded"' "$LOG" || fail "no reload logged"
grep -q '"msg":"config change requires restart, keeping the running value","key":"\[web\] max_connections"' "$LOG" ||
  fail "restart-only key not logged"
curl -s "$(URL /metrics)" | grep -q '^node_load1 ' && fail "loadavg still collected after reload"
pass "SIGHUP with a good config applies it (restart-only keys kept)"

printf '[collector]\nloadavg = true\n[web]\nbogus = 1\nmax_requests = lots\n' >"$CONF"
kill -HUP $PID
for _ in $(seq 50); do grep -q '"msg":"config reload failed' "$LOG" && break; sleep 0.1; done
grep -q '"msg":"config reload failed, keeping the running config","errors":2' "$LOG" || fail "bad reload not logged"
grep -q "unknown key \[web\] bogus" "$LOG" || fail "first error not logged"
grep -q 'max_requests = \\"lots\\": expected a whole number' "$LOG" || fail "second error not logged"
[ "$(code "$(URL /metrics)")" = 200 ] || fail "not serving after a bad reload"
curl -s "$(URL /metrics)" | grep -q '^node_load1 ' && fail "bad config partly applied"
kill -0 $PID || fail "agent died on a bad reload"
pass "SIGHUP with a bad config logs each error and keeps the old config"
kill -TERM $PID
wait_exit $PID 10 || fail "exit status after reloads"

# --- SIGTERM with a response in flight
mkdir -p "$TMP/tf"
for f in a b; do python3 -c "
print('# HELP e2e_padding_$f Padding.'); print('# TYPE e2e_padding_$f gauge')
for i in range(1500): print('e2e_padding_$f{i=\"%05d\",pad=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"} %d' % (i, i))" >"$TMP/tf/pad_$f.prom"; done
start_agent --collector.textfile.directory="$TMP/tf" --agent.shutdown-timeout=10s
# A slow reader (100 KB/s for a ~200 KB body) is mid-response at SIGTERM.
curl -s --limit-rate 100k -o "$TMP/slow.body" -D "$TMP/slow.head" "$(URL /metrics)" &
slow=$!
# SIGTERM only once the response is on its way (its head has arrived).
for _ in $(seq 200); do grep -q '^HTTP/1.1 200' "$TMP/slow.head" 2>/dev/null && break; sleep 0.05; done
grep -q '^HTTP/1.1 200' "$TMP/slow.head" || fail "slow scrape did not start"
kill -TERM $PID
sleep 0.2
[ "$(code --max-time 2 "$(URL /metrics)")" = 000 ] || fail "still accepting after SIGTERM"
wait $slow || fail "in-flight scrape failed (curl exit $?)"
want=$(tr -d '\r' <"$TMP/slow.head" | sed -n 's/^Content-Length: //p')
got=$(wc -c <"$TMP/slow.body")
[ "$want" = "$got" ] || fail "in-flight body cut: $got of $want bytes"
wait_exit $PID 10 || fail "exit status after SIGTERM"
grep -q '"msg":"stopped"' "$LOG" || fail "no stopped line"
pass "SIGTERM: in-flight response finished ($got bytes), listeners closed, exit 0"
