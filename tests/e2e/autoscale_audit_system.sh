#!/bin/bash
# System test of the vertical autoscaler's audit file with a real busybox
# container: a CPU burn makes edgestat raise the container's quota; the
# moment its "intended" set_cpu line is in the audit file edgestat is
# killed with -9, and restarted. Whether the kill landed before the cgroup
# write, between the write and the outcome line, or after it (a race the
# test does not control), afterwards:
#   - the token has exactly one outcome line: done (the quota is the
#     target; "reconciled" when the restart wrote it) or abandoned (the
#     quota is still the old one);
#   - no second growth is intended within up_cooldown of the first (the
#     restart keeps the cooldown of the run before it);
#   - once the cooldown is over the burn raises it again (so the quiet
#     window above was the cooldown, not a lack of load).
# Needs root and LXC; prints SKIPPED with the reason (exit 77) otherwise.
# About 45 s.   bash tests/e2e/autoscale_audit_system.sh BUILD/edgestat SRC
set -uo pipefail
BIN=$1 SRC=$2
EDGESTAT_SYSTEM_TEST=1  # a skip under CI=true as root fails (tests/lib/common.sh)
. "$SRC/tests/lib/common.sh"
require_lxc_busybox lxc-create lxc-start lxc-stop lxc-destroy lxc-attach lxc-info lxc-wait curl python3

A=es-aa-$$
tmp=$(mktemp -d)
daemon=
cleanup() {
  [ -n "$daemon" ] && { kill -9 "$daemon"; wait "$daemon"; } 2>/dev/null
  destroy_containers "$A"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # a ctest timeout stops the test (cleanup runs once, on EXIT)
t_start=$SECONDS

lxcpath=$(lxc-config lxc.lxcpath)
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then v2=1; else v2=0; fi
quota() {  # cores
  local pid rel q
  pid=$(lxc-info -n "$A" -p -H) || return 1
  if [ $v2 = 1 ]; then
    rel=$(awk -F: '$1 == "0" { print $3 }' /proc/$pid/cgroup); read -r q _ < "/sys/fs/cgroup$rel/cpu.max"
  else
    rel=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/$pid/cgroup); q=$(cat "/sys/fs/cgroup/cpu$rel/cpu.cfs_quota_us")
  fi
  python3 -c "print($q / 100000)"
}
rc=0
check() {  # description, python boolean expression
  if python3 -c "import sys; sys.exit(0 if ($2) else 1)"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; rc=1; fi
}
wait_for() { local t=$1; shift; for _ in $(seq $((t * 20))); do "$@" && return 0; sleep 0.05; done; return 1; }

why=$(create_busybox_containers "$A") || skip "$why"
if [ $v2 = 1 ]; then echo "lxc.cgroup2.cpu.max = 50000 100000" >> "$lxcpath/$A/config"
else printf 'lxc.cgroup.cpu.cfs_period_us = 100000\nlxc.cgroup.cpu.cfs_quota_us = 50000\n' >> "$lxcpath/$A/config"; fi
why=$(start_containers "$A") || skip "$why"

COOLDOWN=20
cat > "$tmp/edgestat.conf" <<CONF
[autoscale]
mode = on
reserve_cpu = 0.1
min_samples = 2
up_samples = 2
up_cooldown = ${COOLDOWN}s
half_life = 10s

[autoscale.tier.t]
containers = $A
cpu_min = 0.5
cpu_max = 2
cpu_step = 0.25
cpu_max_increment = 0.5
# Low so the burn counts even when other work on the host starves it.
cpu_upper_threshold = 30
cpu_lower_threshold = 1
CONF
audit=$tmp/autoscale_audit.jsonl
port=$(free_port)
run_daemon() {
  "$BIN" run --config.file="$tmp/edgestat.conf" --log.level=info --web.listen-address="127.0.0.1:$port" \
    --agent.runtime-dir="$tmp" --agent.data-dir="$tmp" --collect.interval=1s --collect.scrape-max-age=0s \
    --collector.disable-defaults --collector.lxc 2>> "$tmp/daemon.log" &
  daemon=$!
}
intents() { [ -f "$audit" ] || { echo 0; return; }; grep -c "\"action\":\"set_cpu\",\"target\":\"$A\",\"state\":\"intended\"" "$audit"; }
has_intents() { test "$(intents)" -ge "$1"; }
# intent_times: the wall clock (s) of each set_cpu intention for A, in order.
intent_times() {
  python3 - "$audit" "$A" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    if '"state":"intended"' in l and '"set_cpu"' in l:
        r = json.loads(l)
        if r["target"] == sys.argv[2]: print(r["params"]["wall_ms"] / 1000)
PY
}

q0=$(quota)
run_daemon
wait_http "http://127.0.0.1:$port/metrics" || fail "daemon did not answer: $(tail -3 "$tmp/daemon.log")"
# Two spinners for 90 s (a loop that ends by itself: the attached shell would
# outlive a killed lxc-attach).
for k in 1 2; do
  lxc-attach -n "$A" -- sh -c 'end=$(($(date +%s) + 90)); while [ $(date +%s) -lt $end ]; do :; done' >/dev/null 2>&1 &
done
# Polled every millisecond: the kill usually lands while the outcome line
# is still being made durable, after the cgroup write.
python3 - "$audit" "$A" "$daemon" <<'PY' || fail "no set_cpu intention for $A: $(grep autoscaler "$tmp/daemon.log" | tail -5)"
import os, sys, time
path, name, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
want = '"action":"set_cpu","target":"%s","state":"intended"' % name
end = time.time() + 30
while time.time() < end:
    try:
        with open(path) as f:
            if want in f.read():
                os.kill(pid, 9)
                sys.exit(0)
    except FileNotFoundError:
        pass
    time.sleep(0.001)
sys.exit(1)
PY
wait "$daemon" 2>/dev/null; daemon=
echo "killed -9 once the intention was durable ($((SECONDS - t_start)) s)"
tok=$(grep "\"state\":\"intended\"" "$audit" | head -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["token"])')
grep -F "\"token\":\"$tok\"" "$audit" | sed 's/^/  before restart: /'

run_daemon
outcomes() { grep -F "\"token\":\"$tok\"" "$audit" | grep -vc '"state":"intended"'; }
has_outcome() { test "$(outcomes)" -ge 1; }
wait_for 15 has_outcome || fail "no outcome for $tok after the restart: $(tail -5 "$tmp/daemon.log")"
sleep 1
grep -F "\"token\":\"$tok\"" "$audit" | sed 's/^/  after restart:  /'
check "exactly one outcome line for the token" "$(outcomes) == 1"
read -r state from to reason < <(python3 - "$audit" "$tok" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
intent = [r for r in rows if r["token"] == sys.argv[2] and r["state"] == "intended"][0]
out = [r for r in rows if r["token"] == sys.argv[2] and r["state"] != "intended"][0]
print(out["state"], intent["params"]["from"], intent["params"]["to"], "reconciled" if "reconciled" in out.get("reason", "") else "-")
PY
)
q1=$(quota)
echo "outcome: $state ($reason), $from -> $to cores; quota now $q1 (at start $q0)"
check "the outcome is done or abandoned" "'$state' in ('done', 'abandoned')"
if [ "$state" = done ]; then
  check "done: the quota is the target ($q1 == $to)" "abs($q1 - $to) < 1e-3"
else
  check "abandoned: the quota is still the old one ($q1 == $from)" "abs($q1 - $from) < 1e-3"
fi
# persist (on by default): the container's config says what runs, also
# when the kill came between the cgroup write and the config rewrite.
config_cores() {
  awk -F' = ' '$1 == "lxc.cgroup2.cpu.max" { split($2, a, " "); c = a[1] / a[2] }
    $1 == "lxc.cgroup.cpu.cfs_quota_us" { q = $2 } $1 == "lxc.cgroup.cpu.cfs_period_us" { p = $2 }
    END { if (q && p) c = q / p; print c + 0 }' "$lxcpath/$A/config"
}
config_is() { python3 -c "import sys; sys.exit(0 if abs($(config_cores) - $1) < 1e-3 else 1)"; }
want=$([ "$state" = done ] && echo "$to" || echo "$from")
if wait_for 10 config_is "$want"; then echo "ok: the config's CPU limit is the running one ($want cores)"
else echo "FAIL: the config's CPU limit is $(config_cores) cores, the container runs $q1"; rc=1; fi
[ "$reason" = reconciled ] && check "the restart logged the reconciliation" \
  "$(grep -c '"msg":"autoscaler reconciled an unfinished action"' "$tmp/daemon.log") == 1"

# No second growth within the cooldown of the first, restart or not.
t_first=$(python3 -c "
import json, sys
for l in open('$audit'):
    r = json.loads(l)
    if r['token'] == '$tok': print(r['params']['wall_ms'] / 1000); break")
quiet_until=$(python3 -c "print($t_first + $COOLDOWN - 1)")
while python3 -c "import time, sys; sys.exit(0 if time.time() < $quiet_until else 1)"; do sleep 0.5; done
# Counted by the intentions' own timestamps, not by what the file holds when
# the wait ends: on a loaded host the wait overshoots past the cooldown, and
# the rightful second growth may already be there (ASan, ctest -j4).
intents_within=$(intent_times | awk -v t="$t_first" -v c="$COOLDOWN" '$1 < t + c - 0.5 { n++ } END { print n + 0 }')
check "no second set_cpu intention within up_cooldown (${COOLDOWN} s) of the first" "$intents_within == 1"
# After it the burn raises the quota again: the quiet window was the cooldown.
wait_for 20 has_intents 2 || {
  echo "FAIL: no growth after the cooldown (quota $(quota))"; rc=1
  curl -s "http://127.0.0.1:$port/api/v1/autoscaler" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print('host', d['host'])
for c in d['containers']: print(c['name'], 'cpu', c['cpu'])"
  grep -E 'lxc_autoscaler_decision_skipped_total|lxc_cpu_usage_seconds_total' <(curl -s "http://127.0.0.1:$port/metrics") | grep "$A"
}
read -r u1 u2 _ <<< "$(intent_times | tr '\n' ' ')"
if [ -z "${u2:-}" ]; then
  echo "FAIL: $(intent_times | wc -l) set_cpu intention(s), no second growth to time"; rc=1
else
  check "the second growth came $(python3 -c "print(round($u2 - $u1, 1))") s after the first (up_cooldown $COOLDOWN s)" \
    "$u2 - $u1 >= $COOLDOWN - 0.5"
fi
sleep 1
check "every intention has exactly one outcome" "$(grep -c '\"state\":\"intended\"' "$audit") == $(grep -vc '\"state\":\"intended\"' "$audit")"
grep -q '"level":"error"' "$tmp/daemon.log" && { echo "FAIL: daemon logged errors:"; grep '"level":"error"' "$tmp/daemon.log"; rc=1; }
echo "--- audit file"; cat "$audit"
echo "took $((SECONDS - t_start)) s"
[ $rc = 0 ] && echo PASS
exit $rc
