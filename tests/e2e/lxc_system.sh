#!/bin/bash
# System test of the lxc collector with real busybox containers: CPU
# accounting of a busy and an idle container, a memory limit set with
# lxc-cgroup, memory usage against lxc-info, a stopped container (reported
# as stopped, or absent with report_stopped=false), and a restart that
# must not make any counter step back. Needs root and a working LXC; prints
# SKIPPED with the reason (exit 77) otherwise. About 30 s.
#   bash tests/e2e/lxc_system.sh BUILD/edgestat SRC
set -uo pipefail
BIN=$1 SRC=$2
EDGESTAT_SYSTEM_TEST=1  # a skip under CI=true as root fails (tests/lib/common.sh)
. "$SRC/tests/lib/common.sh"
require_lxc_busybox lxc-create lxc-start lxc-stop lxc-destroy lxc-attach lxc-cgroup lxc-info lxc-copy curl

A=es-test-$$-a B=es-test-$$-b
tmp=$(mktemp -d)
daemon=
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null
  destroy_containers "$A" "$B"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # a ctest timeout stops the test (cleanup runs once, on EXIT)

start=$SECONDS
why=$(create_busybox_containers "$A" "$B") || skip "$why"
why=$(start_containers "$A" "$B") || skip "$why"

port=$(free_port)
"$BIN" run --log.level=warn --web.listen-address="127.0.0.1:$port" --agent.runtime-dir="$tmp" \
  --agent.data-dir="$tmp" --collect.interval=1s --collect.scrape-max-age=0s \
  --collector.disable-defaults --collector.lxc 2> "$tmp/daemon.log" &
daemon=$!
wait_http "http://127.0.0.1:$port/metrics" || fail "daemon did not answer: $(tail -3 "$tmp/daemon.log")"
scrape() { curl -sf "http://127.0.0.1:$port/metrics" > "$1" || fail "scrape failed"; }
# value FILE SERIES: the sample value of one exact series, or empty.
value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
num() { python3 -c "print(float('$1'))"; }
# info_stat NAME LABEL: a raw number from lxc-info -S -H ("CPU use" is ns).
info_stat() { lxc-info -n "$1" -S -H | awk -F: -v k="$2" '$1 == k { gsub(/ /, "", $2); print $2 }'; }

rc=0
check() {  # description, python boolean expression
  if python3 -c "import sys; sys.exit(0 if ($2) else 1)"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; rc=1; fi
}

scrape "$tmp/m0"
for n in $A $B; do
  check "$n running" "'$(value "$tmp/m0" "lxc_container_running{name=\"$n\"}")' == '1'"
done

# --- CPU: one busy container, one idle
# A burner gets a whole CPU only on an idle host: under CI's parallel tests
# on two cores it got 0.67. So the exact check is against the kernel's own
# account, which lxc-info reads from the same cgroup: each scrape must lie
# between lxc-info's readings taken just before and just after it. That
# also pins the unit (a ns, us or USER_HZ mix-up is off by 10^3 or more).
lxc-attach -n "$A" -- sh -c 'while :; do :; done' > /dev/null 2>&1 &
burner=$!
sleep 1
# bracketed_scrape FILE: scrape FILE between two lxc-info readings of A's
# CPU use (ns), left in $before and $after.
bracketed_scrape() {
  before=$(info_stat "$A" "CPU use"); scrape "$1"; after=$(info_stat "$A" "CPU use")
}
bracketed_scrape "$tmp/c0"; t0=$(date +%s.%N); la0=$before lb0=$after
sleep 4
bracketed_scrape "$tmp/c1"; t1=$(date +%s.%N); la1=$before lb1=$after
kill "$burner" 2>/dev/null
ua0=$(value "$tmp/c0" "lxc_cpu_usage_seconds_total{name=\"$A\"}"); ua1=$(value "$tmp/c1" "lxc_cpu_usage_seconds_total{name=\"$A\"}")
ub0=$(value "$tmp/c0" "lxc_cpu_usage_seconds_total{name=\"$B\"}"); ub1=$(value "$tmp/c1" "lxc_cpu_usage_seconds_total{name=\"$B\"}")
ra=$(python3 -c "print(($(num "$ua1") - $(num "$ua0")) / ($t1 - $t0))")
rb=$(python3 -c "print(($(num "$ub1") - $(num "$ub0")) / ($t1 - $t0))")
echo "cpu rate: busy $ra CPU-s/s, idle $rb CPU-s/s (load $(awk '{print $1}' /proc/loadavg) on $(nproc) CPUs)"
# 1 ms of slack: the exposition prints seconds, cgroup v2 counts microseconds.
check "busy container's first reading lies within lxc-info's (${la0}ns <= ${ua0}s <= ${lb0}ns)" \
  "$la0 / 1e9 - 1e-3 <= $(num "$ua0") <= $lb0 / 1e9 + 1e-3"
check "busy container's second reading lies within lxc-info's (${la1}ns <= ${ua1}s <= ${lb1}ns)" \
  "$la1 / 1e9 - 1e-3 <= $(num "$ua1") <= $lb1 / 1e9 + 1e-3"
check "busy container used CPU (at least a tenth of one)" "$ra > 0.1"
check "idle container uses almost no CPU" "$rb < 0.1"

# --- memory limit set at run time, usage against lxc-info
limit=268435456
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then key=memory.max; else key=memory.limit_in_bytes; fi
lxc-cgroup -n "$A" "$key" "$limit" || fail "lxc-cgroup $key failed"
scrape "$tmp/m1"
check "lxc_spec_memory_limit_bytes shows the limit" "$(num "$(value "$tmp/m1" "lxc_spec_memory_limit_bytes{name=\"$A\"}")") == $limit"
check "idle container has no memory limit series" "'$(value "$tmp/m1" "lxc_spec_memory_limit_bytes{name=\"$B\"}")' == ''"
mem=$(value "$tmp/m1" "lxc_memory_usage_bytes{name=\"$A\"}")
info=$(info_stat "$A" "Memory use")
check "memory usage within 25% (or 2 MiB) of lxc-info ($mem vs $info)" \
  "abs($(num "$mem") - $info) <= max(0.25 * $info, 2 * 1024 * 1024)"

# --- stop one: reported stopped (default) or absent (report_stopped=false)
scrape "$tmp/before"
lxc-stop -k -n "$B" || fail "lxc-stop failed"
scrape "$tmp/stopped"
check "stopped container reports running 0" "'$(value "$tmp/stopped" "lxc_container_running{name=\"$B\"}")' == '0'"
check "stopped container has no usage series" "'$(value "$tmp/stopped" "lxc_cpu_usage_seconds_total{name=\"$B\"}")' == ''"
"$BIN" once --log.level=error --collector.disable-defaults --collector.lxc --collector.lxc.report-stopped=false > "$tmp/quiet"
check "report_stopped=false leaves it out" "'$(grep -c "name=\"$B\"" "$tmp/quiet")' == '0'"

# --- restart: new start time, and no counter of B steps back
lxc-start -n "$B" > "$tmp/start.log" 2>&1 || fail "restart of $B failed: $(cat "$tmp/start.log")"
lxc-wait -n "$B" -s RUNNING -t 10 || fail "$B not RUNNING after restart"
sleep 1
scrape "$tmp/after"
check "restarted container runs" "'$(value "$tmp/after" "lxc_container_running{name=\"$B\"}")' == '1'"
st0=$(value "$tmp/before" "lxc_container_start_time_seconds{name=\"$B\"}")
st1=$(value "$tmp/after" "lxc_container_start_time_seconds{name=\"$B\"}")
check "start time moved forward ($st0 -> $st1)" "$(num "$st1") > $(num "$st0")"
steps=$(python3 - "$tmp/before" "$tmp/after" "$B" <<'PY'
import sys
def load(p):
    d = {}
    for l in open(p):
        if l.startswith('lxc_') and '_total{' in l and 'name="%s"' % sys.argv[3] in l:
            k, v = l.rsplit(' ', 1)
            d[k] = float(v)
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in a if k in b and b[k] < a[k]]
print(len(a), len([k for k in a if k in b]), ' '.join(bad))
PY
)
read -r nbefore ncommon bad <<< "$steps"
check "counters of the restarted container compared ($ncommon of $nbefore series)" "$ncommon > 0"
check "no counter stepped back across the restart${bad:+: $bad}" "'$bad' == ''"
grep -q '"level":"error"' "$tmp/daemon.log" && { echo "FAIL: daemon logged errors:"; cat "$tmp/daemon.log"; rc=1; }
[ $rc = 0 ] && echo "lxc system test passed in $((SECONDS - start)) s"
exit $rc
