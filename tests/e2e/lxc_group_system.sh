#!/bin/bash
# System test of a horizontal scaling group ([autoscale.group.NAME]) with
# real busybox containers: min_instances makes the group clone its base at
# start (lxc-copy, static address, lxc-start, health command); edgestat is
# killed with -9 in the middle of that action and restarted, and must
# finish it (reconcile) instead of cloning twice; a CPU burn in the clone
# scales the group out to a second clone with a different address, and
# idling scales it back in by stopping the newest clone, never the base.
# Needs root and LXC; prints SKIPPED with the reason (exit 77) otherwise.
#   bash tests/e2e/lxc_group_system.sh BUILD/edgestat SRC
set -uo pipefail
BIN=$1 SRC=$2
EDGESTAT_SYSTEM_TEST=1  # a skip under CI=true as root fails (tests/lib/common.sh)
. "$SRC/tests/lib/common.sh"
require_lxc_busybox lxc-create lxc-start lxc-stop lxc-destroy lxc-attach lxc-info lxc-copy rsync curl ip chromium

G=esg$$ BASE=esg$$-base BR=esbr$$
LXCPATH=$(lxc-config lxc.lxcpath)
tmp=$(mktemp -d)
daemon=
cleanup() {
  [ -n "$daemon" ] && { kill -9 "$daemon"; wait "$daemon"; } 2>/dev/null
  destroy_containers "$G-1" "$G-2" "$G-3" "$BASE"
  ip link del "$BR" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # a ctest timeout stops the test (cleanup runs once, on EXIT)
start=$SECONDS

ip link add "$BR" type bridge && ip link set "$BR" up || skip "cannot create a bridge"
why=$(lxc_step "lxc-create -t busybox failed" lxc-create -n "$BASE" -t busybox) || skip "$why"
sed -i -e '/^lxc.net.0/d' "$LXCPATH/$BASE/config"
printf 'lxc.net.0.type = veth\nlxc.net.0.link = %s\nlxc.net.0.flags = up\nlxc.net.0.name = eth0\n' "$BR" >> "$LXCPATH/$BASE/config"
cp "$LXCPATH/$BASE/config" "$tmp/base-config.before"

cat > "$tmp/edgestat.conf" <<CONF
[collector.lxc]
lxcpath = $LXCPATH

[autoscale.group.$G]
base = $BASE
min_instances = 1
max_instances = 2
cpu_upper = 20
cpu_lower = 5
scale_out_grace = 2s
scale_in_grace = 3s
address_range = 10.213.0.10-10.213.0.20
address_prefix = 24
health_command = sleep 2
start_timeout = 30s
CONF
port=$(free_port)
run_daemon() {
  "$BIN" run --config.file="$tmp/edgestat.conf" --log.level=info --web.listen-address="127.0.0.1:$port" \
    --agent.runtime-dir="$tmp" --agent.data-dir="$tmp" --collect.interval=1s --collect.scrape-max-age=0s \
    --collector.disable-defaults --collector.lxc 2>> "$tmp/daemon.log" &
  daemon=$!
}
audit=$tmp/autoscale_audit.jsonl
# lines STATE ACTION TARGET: how many audit lines match.
lines() { [ -f "$audit" ] || { echo 0; return; }; grep -c "\"action\":\"$2\",\"target\":\"$3\",\"state\":\"$1\"" "$audit"; }
# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() { local t=$1; shift; for _ in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done; return 1; }
state() { lxc-info -n "$1" -s -H 2>/dev/null; }
# has N STATE ACTION TARGET / is_state NAME STATE: for wait_for.
has() { test "$(lines "$2" "$3" "$4")" = "$1"; }
is_state() { test "$(state "$1")" = "$2"; }
rc=0
check() {  # description, python boolean expression
  if python3 -c "import sys; sys.exit(0 if ($2) else 1)"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; rc=1; fi
}

# --- 1. start: min_instances = 1 clones the base; kill -9 in the middle
run_daemon
wait_for 20 has 1 intended scale_out "$G-1" || fail "no scale_out intended line: $(tail -5 "$tmp/daemon.log")"
# The health command (sleep 2) keeps the action open after the clone starts.
wait_for 20 is_state "$G-1" RUNNING || fail "$G-1 never ran: $(tail -5 "$tmp/daemon.log")"
check "action still open when killed" "$(lines done scale_out "$G-1") == 0"
kill -9 "$daemon"; wait "$daemon" 2>/dev/null; daemon=
echo "killed -9 mid-action after $((SECONDS - start)) s"

run_daemon
wait_for 30 has 1 done scale_out "$G-1" || fail "the unfinished scale out was not reconciled: $(tail -5 "$tmp/daemon.log")"
check "reconciled, not redone" "$(grep -c reconciled "$audit") >= 1"
check "one intended line for $G-1" "$(lines intended scale_out "$G-1") == 1"
check "no second clone from the restart" "not __import__('os').path.exists('$LXCPATH/$G-2')"
check "$G-1 running" "'$(state "$G-1")' == 'RUNNING'"
check "$G-1 carries the group marker" "$(grep -c "^# edgestat.group = $G\$" "$LXCPATH/$G-1/config") == 1"
a1=$(awk -F' = ' '/^lxc.net.0.ipv4.address/ {print $2}' "$LXCPATH/$G-1/config")
check "$G-1 got the first address ($a1)" "'$a1' == '10.213.0.10/24'"
curl -sf "http://127.0.0.1:$port/metrics" > "$tmp/m1"
check "instances metric is 1" "'$(awk -v s="lxc_autoscaler_group_instances{group=\"$G\"}" '$1 == s {print $2}' "$tmp/m1")' == '1'"
check "size metric: desired 1, max 2" "'$(awk -v s="lxc_autoscaler_group_size{group=\"$G\",bound=\"desired\"}" '$1 == s {print $2}' "$tmp/m1")' == '1' and '$(awk -v s="lxc_autoscaler_group_size{group=\"$G\",bound=\"max\"}" '$1 == s {print $2}' "$tmp/m1")' == '2'"
# /api/v1/autoscaler shows the group: bounds, members with state, the
# reconciled action as its last one.
api_group() {  # python expression over g (this group's object)
  curl -sf "http://127.0.0.1:$port/api/v1/autoscaler" | python3 -c "
import json, sys
g = [x for x in json.load(sys.stdin)['groups'] if x['name'] == '$G'][0]
m = {x['name']: x['state'] for x in g['members']}
ok = $1
print(json.dumps(g) if not ok else 'ok')
sys.exit(0 if ok else 1)"
}
api_group "g['base'] == '$BASE' and g['min_instances'] == 1 and g['max_instances'] == 2 and g['instances'] == 1 and g['desired'] == 1 and m == {'$G-1': 'running'} and g['last_action']['reason'] == 'reconcile_after_restart' and g['last_action']['result'] == 'ok' and g['backoff']['failures'] == 0" >/dev/null &&
  echo "ok: /api/v1/autoscaler reports the group after the reconciliation" ||
  { echo "FAIL: /api/v1/autoscaler group: $(api_group False)"; rc=1; }

# --- 2. CPU burn: scale out to a second clone with its own address
# A burn that ends by itself (20 s): the attached shell would outlive a
# killed lxc-attach.
lxc-attach -n "$G-1" -- sh -c 'end=$(($(date +%s) + 20)); while [ $(date +%s) -lt $end ]; do :; done' > /dev/null 2>&1 &
burner=$!
wait_for 40 has 1 done scale_out "$G-2" || fail "no scale out under load: $(tail -3 "$tmp/daemon.log"; curl -s "http://127.0.0.1:$port/metrics" | grep -e autoscaler -e "lxc_cpu_usage.*$G")"
kill "$burner" 2>/dev/null
check "$G-2 running" "'$(state "$G-2")' == 'RUNNING'"
a2=$(awk -F' = ' '/^lxc.net.0.ipv4.address/ {print $2}' "$LXCPATH/$G-2/config")
# (Inside, the busybox image's udhcpc flushes static addresses at boot, so
# the check is on the config LXC applies.)
check "$G-2 has a different address ($a2)" "'$a2' == '10.213.0.11/24'"
check "scale-out reason logged" "$(grep -c '\"reason\":\"cpu_high\"' "$tmp/daemon.log") >= 1"

# --- 3. idle: scale in stops the newest clone, not the base, not $G-1
wait_for 40 has 1 done scale_in "$G-2" || fail "no scale in when idle: $(tail -5 "$tmp/daemon.log")"
check "$G-2 stopped" "'$(state "$G-2")' == 'STOPPED'"
check "$G-2 kept (scale_in = stop)" "__import__('os').path.exists('$LXCPATH/$G-2/config')"
check "$G-1 still running" "'$(state "$G-1")' == 'RUNNING'"
check "base never started" "'$(state "$BASE")' == 'STOPPED'"
check "base config untouched" "$(cmp -s "$tmp/base-config.before" "$LXCPATH/$BASE/config" && echo 1 || echo 0) == 1"
check "no action on the base in the audit" "$(grep -c "\"target\":\"$BASE\"" "$audit") == 0"
# Member states come from the lxc collector's next reading after the
# action's done line (collect interval 1 s), so allow a few collections.
wait_for 5 api_group "m == {'$G-1': 'running', '$G-2': 'stopped'} and g['instances'] == 1 and g['last_action']['direction'] == 'in' and g['last_action']['target'] == '$G-2' and g['last_action']['result'] == 'ok' and g['last_action']['reason'] != ''" >/dev/null &&
  echo "ok: /api/v1/autoscaler reports the scale in (members running and stopped)" ||
  { echo "FAIL: /api/v1/autoscaler group after scale in: $(api_group False)"; rc=1; }
curl -sf "http://127.0.0.1:$port/metrics" > "$tmp/m2"
check "members metric: 1 running, 1 stopped" "'$(awk -v s="lxc_autoscaler_group_members{group=\"$G\",state=\"running\"}" '$1 == s {print $2}' "$tmp/m2")' == '1' and '$(awk -v s="lxc_autoscaler_group_members{group=\"$G\",state=\"stopped\"}" '$1 == s {print $2}' "$tmp/m2")' == '1'"
check "actions counted since the restart (out ok 2: reconciled + load; in ok 1)" "'$(awk -v s="lxc_autoscaler_actions_total{name=\"$G\",resource=\"instances\",direction=\"out\",result=\"ok\"}" '$1 == s {print $2}' "$tmp/m2")' == '2' and '$(awk -v s="lxc_autoscaler_actions_total{name=\"$G\",resource=\"instances\",direction=\"in\",result=\"ok\"}" '$1 == s {print $2}' "$tmp/m2")' == '1'"
# The status page's "Scaling groups" table in a real browser (headless
# Chromium over the DevTools protocol, as tests/e2e/status_page.sh).
python3 - "$port" "$G" "$tmp/chromium" "$SRC/tests/e2e/lib" <<'PY' || { echo "FAIL: status page group row"; rc=1; }
import sys, time
sys.path.insert(0, sys.argv[4])
from cdp import Browser
port, group = sys.argv[1], sys.argv[2]
ROWS = "[...document.querySelectorAll('#groups tbody tr')].map(r => [...r.cells].map(c => c.textContent))"
b = Browser("chromium", sys.argv[3])
try:
    s = b.page()
    b.call("Page.navigate", {"url": "http://127.0.0.1:%s/" % port}, s)
    want = [group, "1", "1 (1–2)", "1 running, 1 stopped", "2", "1"]
    rows, end = [], time.time() + 20
    while time.time() < end and want not in rows:
        b.pump(0.5)
        rows = b.evaluate(ROWS, s) or []
    assert want in rows, "group rows %r, want %r" % (rows, want)
    assert not b.errors(), b.errors()
    print("ok: status page shows the group: %s" % " | ".join(want))
finally:
    b.close()
PY
check "every intended action has its result" "$(grep -c '\"state\":\"intended\"' "$audit") == $(grep -c '\"state\":\"done\"' "$audit")"
grep -q '"level":"error"' "$tmp/daemon.log" && { echo "FAIL: daemon logged errors:"; grep '"level":"error"' "$tmp/daemon.log"; rc=1; }
echo "--- audit file"; cat "$audit"
[ $rc = 0 ] && echo "lxc group system test passed in $((SECONDS - start)) s"
exit $rc
