# An existing node_exporter command line starts edgestat unchanged: the
# ExecStart of Debian's prometheus-node-exporter unit (its $ARGS from
# /etc/default), node_exporter 1.12's own end-to-end test flags
# (end-to-end-test.sh: relative --path.* under the working directory, every
# collector it enables or disables, its collector flags, --log.level=debug)
# and flags common in unit files (--no-collector.wifi, --no-collector.arp,
# --log.format=logfmt, --web.config.file, --web.disable-exporter-metrics,
# --collector.diskstats.device-include). Asserts it starts, serves, warns
# once per collector it lacks and reports it as failed, and that
# check-config passes with the same warnings.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

# node_exporter's test layout, relative to the working directory, over our
# VM fixture tree.
W=$TMP/ne
mkdir -p "$W/collector/fixtures/udev" "$W/collector/fixtures/textfile/two_metric_files"
ln -s "$SRC/tests/fixtures/vm/proc" "$W/collector/fixtures/proc"
ln -s "$SRC/tests/fixtures/vm/sys" "$W/collector/fixtures/sys"
ln -s "$SRC/tests/fixtures/vm/udev" "$W/collector/fixtures/udev/data"
printf '# HELP testmetric1_1 Metric read from a file\n# TYPE testmetric1_1 untyped\ntestmetric1_1{foo="bar"} 10\n' \
  >"$W/collector/fixtures/textfile/two_metric_files/metrics1.prom"
printf 'testmetric2_1{foo="bar"} 20\n' >"$W/collector/fixtures/textfile/two_metric_files/metrics2.prom"
printf 'http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n' >"$W/web.yml"

# end-to-end-test.sh's lists (node_exporter 1.12).
enabled="arp bcache bcachefs bonding btrfs buddyinfo cgroups conntrack cpu cpufreq cpu_vulnerabilities diskstats
dmi drbd edac entropy fibrechannel filefd hwmon infiniband interrupts ipvs kernel_hung ksmd lnstat loadavg mdadm
meminfo meminfo_numa mountstats netdev netstat nfs nfsd pcidevice pressure processes qdisc rapl schedstat slabinfo
sockstat softirqs stat sysctl textfile thermal_zone udp_queues vmstat watchdog wifi xfrm xfs zfs zoneinfo"
disabled="selinux filesystem timex uname"
NE_FLAGS=(--path.rootfs=collector/fixtures --path.procfs=collector/fixtures/proc --path.sysfs=collector/fixtures/sys
  --path.udev.data=collector/fixtures/udev/data)
for c in $enabled; do NE_FLAGS+=(--collector.$c); done
for c in $disabled; do NE_FLAGS+=(--no-collector.$c); done
NE_FLAGS+=(--collector.cpu.info --collector.arp.device-exclude=nope --collector.bcache.priorityStats
  '--collector.cpu.info.bugs-include=^(cpu_meltdown|spectre_.*|mds)$'
  '--collector.cpu.info.flags-include=^(aes|avx.?|constant_tsc)$'
  '--collector.hwmon.chip-include=(applesmc|asus_nb_wmi|coretemp|hwmon4|ieee80211|nct6779)'
  --collector.netclass.ignore-invalid-speed '--collector.netclass.ignored-devices=(dmz|int)'
  --collector.netdev.device-include=lo '--collector.qdisc.device-include=(wlan0|eth0)'
  --collector.qdisc.fixtures=collector/fixtures/qdisc/ --collector.stat.softirq
  --collector.sysctl.include-info=kernel.seccomp.actions_avail --collector.sysctl.include=fs.file-nr
  --collector.sysctl.include=fs.file-nr:total,current,max --collector.sysctl.include=kernel.threads-max
  --collector.textfile.directory=collector/fixtures/textfile/two_metric_files/
  --collector.wifi.fixtures=collector/fixtures/wifi --no-collector.arp.netlink --log.level=debug)
UNIT_FLAGS=(--no-collector.wifi --no-collector.arp --log.format=logfmt --web.config.file=web.yml
  --web.disable-exporter-metrics '--collector.diskstats.device-include=^(sd|vd|nvme)' --runtime.gomaxprocs=1
  --web.max-requests=40 --web.telemetry-path=/metrics --collector.filesystem.ignored-mount-points='^/(sys|proc|dev)($|/)'
  --collector.netdev.device-exclude='^veth')

# Debian's unit: ExecStart=/usr/bin/prometheus-node-exporter $ARGS.
UNIT=/lib/systemd/system/prometheus-node-exporter.service
DEB_ARGS=""
[ -r /etc/default/prometheus-node-exporter ] && DEB_ARGS=$(. /etc/default/prometheus-node-exporter; echo "${ARGS:-}")
exec_line=$(sed -n 's/^ExecStart=//p' "$UNIT" 2>/dev/null)
[ -n "$exec_line" ] || exec_line='/usr/bin/prometheus-node-exporter $ARGS'
read -r -a DEB < <(eval "ARGS='$DEB_ARGS'; echo ${exec_line#* }")

PORT=$(free_port)
LOG=$TMP/agent.log
# Only what keeps the test off the machine's own port, /run and /var are ours.
OWN=(--web.listen-address=127.0.0.1:$PORT --agent.runtime-dir=$TMP/run --agent.data-dir=$TMP/data --store.enabled=false)
cd "$W" || fail "cd $W"
"$BIN" check-config "${DEB[@]}" "${NE_FLAGS[@]}" "${UNIT_FLAGS[@]}" "${OWN[@]}" >"$TMP/check.out" ||
  fail "check-config refused node_exporter's command line: $(cat "$TMP/check.out")"
"$BIN" "${DEB[@]}" "${NE_FLAGS[@]}" "${UNIT_FLAGS[@]}" "${OWN[@]}" 2>"$LOG" &
PID=$!
PIDS+=("$PID")
for _ in $(seq 100); do
  grep -q 'level=INFO msg=started' "$LOG" && break
  kill -0 "$PID" 2>/dev/null || fail "edgestat exited: $(cat "$LOG")"
  sleep 0.05
done
grep -q 'level=INFO msg=started' "$LOG" || fail "no logfmt started line"
body=$(curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics") || fail "no /metrics"
grep -q '^node_cpu_seconds_total' <<<"$body" || fail "no node_cpu_seconds_total"
grep -q '^testmetric2_1{foo="bar"} 20' <<<"$body" || fail "the relative textfile directory was not read"
grep -q '^process_' <<<"$body" && fail "--web.disable-exporter-metrics: process_* still served"
grep -q '^node_arp_entries' <<<"$body" && fail "--no-collector.arp after --collector.arp: arp still on"
grep -q 'node_scrape_collector_success{collector="filesystem"}' <<<"$body" && fail "--no-collector.filesystem ignored"

# Each collector edgestat lacks: one warning, success 0 on /metrics, and the
# same warning in check-config.
known=$("$BIN" --help | sed -n '/--collector.NAME/{n;p}')
missing=0
for c in $enabled; do
  [ "$c" = wifi ] && continue  # switched off again by the unit's --no-collector.wifi
  case " $known " in *" $c "*) continue ;; esac
  missing=$((missing + 1))
  grep -qx "node_scrape_collector_success{collector=\"$c\"} 0" <<<"$body" || fail "no success 0 for $c"
  n=$(grep -c "edgestat has no $c collector" "$LOG")
  [ "$n" = 1 ] || fail "$c: $n warnings in the log, want 1"
  grep -q "warning: flag --collector.$c: edgestat has no $c collector" "$TMP/check.out" || fail "check-config: no warning for $c"
done
grep -q 'node_scrape_collector_success{collector="wifi"}' <<<"$body" && fail "wifi switched off again but reported"
grep -q 'level=WARN msg="config warning" warning="flag --runtime.gomaxprocs' "$LOG" || fail "no warning for --runtime.gomaxprocs"
grep -q 'level=WARN' "$LOG" || fail "no warnings at all"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" = 200 ] || fail "second scrape"
kill "$PID"
wait_exit "$PID" 10 || fail "did not stop cleanly"
pass "node_exporter's e2e + Debian unit + common unit flags (${#NE_FLAGS[@]}+${#UNIT_FLAGS[@]} flags): started, served, $missing missing collectors reported as success 0 with one warning each"
