#!/bin/bash
# System test: an oscillating load in a real busybox container causes no
# flapping. A CPU burn (two spinners) switched on and off every 6 s for 48 s
# (8 phases), edgestat collecting every second with short test intervals:
# up after 2 samples, down after 3, cooldowns 2 s / 3 s. Sample counts
# and cooldowns alone would allow a growth in every busy phase and a shrink
# in every idle one (a threshold rule like lxc_autoscale's, polled this
# fast, acts in each of the 8 phases). edgestat's shrink keeps the upper
# percentile of usage under the upper threshold, so the idle phases shrink
# nothing: at least one growth (the burn is seen) and at most 3 CPU actions
# in all. Needs root and LXC; prints SKIPPED with the reason (exit 77)
# otherwise. About 60 s.   bash tests/e2e/autoscale_flap_system.sh BUILD/edgestat SRC
set -uo pipefail
BIN=$1 SRC=$2
EDGESTAT_SYSTEM_TEST=1  # a skip under CI=true as root fails (tests/lib/common.sh)
. "$SRC/tests/lib/common.sh"
require_lxc_busybox lxc-create lxc-start lxc-stop lxc-destroy lxc-attach lxc-info lxc-wait lxc-config curl python3

N=es-flap-$$
tmp=$(mktemp -d)
daemon= pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null
  destroy_containers "$N"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # a ctest timeout stops the test (cleanup runs once, on EXIT)

t_start=$SECONDS
lxcpath=$(lxc-config lxc.lxcpath)
why=$(create_busybox_containers "$N") || skip "$why"
cfg=$lxcpath/$N/config
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
  echo "lxc.cgroup2.cpu.max = 50000 100000" >> "$cfg"
else
  echo "lxc.cgroup.cpu.cfs_period_us = 100000" >> "$cfg"
  echo "lxc.cgroup.cpu.cfs_quota_us = 50000" >> "$cfg"
fi
why=$(start_containers "$N") || skip "$why"

cat > "$tmp/edgestat.conf" <<CONF
[autoscale]
mode = on
persist = false
reserve_cpu = 0.1
reserve_memory = 256MiB
min_samples = 3
up_samples = 2
down_samples = 3
up_cooldown = 2s
down_cooldown = 3s
cpu_step = 0.25

[autoscale.tier.flap]
containers = $N
cpu_min = 0.5
cpu_max = 2
# Low enough that the burn counts even when other work on this host
# starves it below its quota.
cpu_upper_threshold = 50
cpu_lower_threshold = 10
CONF
port=$(free_port)
"$BIN" run --config.file="$tmp/edgestat.conf" --log.level=info --web.listen-address="127.0.0.1:$port" \
  --agent.runtime-dir="$tmp" --agent.data-dir="$tmp" --collect.interval=1s --collect.scrape-max-age=0s \
  --collector.disable-defaults --collector.lxc 2> "$tmp/daemon.log" &
daemon=$!
wait_http "http://127.0.0.1:$port/metrics" || fail "daemon did not answer: $(tail -3 "$tmp/daemon.log")"
grep -q '"autoscaler on"' "$tmp/daemon.log" || fail "autoscaler not on: $(tail -3 "$tmp/daemon.log")"
sleep 4  # min_samples valid samples of idle first

# 8 phases of 6 s: busy, idle, busy, ... The container's own usage counter
# is read at each phase's end to prove the load really oscillated.
usage() {  # cumulative CPU seconds of the container (v2 cpu.stat or v1 cpuacct)
  local pid rel
  pid=$(lxc-info -n "$N" -p -H) || return 1
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    rel=$(awk -F: '$1 == "0" { print $3 }' /proc/$pid/cgroup)
    awk '$1 == "usage_usec" { print $2 / 1e6 }' "/sys/fs/cgroup$rel/cpu.stat"
  else
    rel=$(awk -F: '$2 ~ /cpuacct/ { print $3 }' /proc/$pid/cgroup)
    awk '{ print $1 / 1e9 }' /sys/fs/cgroup/cpu,cpuacct"$rel"/cpuacct.usage 2>/dev/null ||
      awk '{ print $1 / 1e9 }' /sys/fs/cgroup/cpuacct"$rel"/cpuacct.usage
  fi
}
rates=
for phase in 1 2 3 4 5 6 7 8; do
  u0=$(usage)
  if [ $((phase % 2)) = 1 ]; then
    # The spinners end themselves (killing lxc-attach leaves them running
    # inside the container).
    for k in 1 2; do
      lxc-attach -n "$N" -- timeout 6 sh -c 'while :; do :; done' > /dev/null 2>&1 &
      pids="$pids $!"
    done
  fi
  sleep 6
  for p in $pids; do wait "$p" 2>/dev/null; done
  pids=
  u1=$(usage)
  rates="$rates $(python3 -c "print(round(($u1 - $u0) / 6, 2))")"
done
sleep 1  # the last collection of the last idle phase
echo "CPU use per phase (cores):$rates"

rc=0
python3 - "$tmp/daemon.log" "$N" "$rates" <<'PY' || rc=1
import json, sys
ups = downs = 0
for line in open(sys.argv[1]):
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("msg") == "autoscaler action" and e.get("name") == sys.argv[2] and e.get("resource") == "cpu":
        print("  action:", e["direction"], e["from"], "->", e["to"], e["reason"], e["result"])
        if e["direction"] == "up": ups += 1
        else: downs += 1
rates = [float(x) for x in sys.argv[3].split()]
busy, idle = rates[0::2], rates[1::2]
ok = True
def check(what, cond):
    global ok
    print(("ok: " if cond else "FAIL: ") + what)
    ok = ok and cond
# The load oscillated: every busy phase used more than 0.3 core, every idle
# one less than 0.1 (the container's own counter, not edgestat's reading).
check("the load oscillated (busy %s, idle %s)" % (busy, idle), min(busy) > 0.3 and max(idle) < 0.1)
check("the burn was seen: %d growth(s)" % ups, ups >= 1)
check("no flapping over 8 phases: %d up + %d down CPU actions <= 3" % (ups, downs), ups + downs <= 3)
sys.exit(0 if ok else 1)
PY
if [ $rc != 0 ]; then
  echo "--- daemon log (autoscaler lines)"
  grep autoscaler "$tmp/daemon.log" | tail -20
  curl -s "http://127.0.0.1:$port/metrics" | grep "lxc_autoscaler_decision_skipped_total"
fi
echo "took $((SECONDS - t_start)) s"
[ $rc = 0 ] && echo PASS
exit $rc
