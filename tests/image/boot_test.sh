#!/bin/bash
# Boots one test image (platform/image/build-image.sh) under qemu-system and
# checks the agent from the host, as a router's owner would: the time from
# qemu's start to the first /metrics 200, key metric families, /health
# healthy, the agent's RSS under RSS_CEILING, that it runs as the edgestat
# user, a config reload by SIGHUP through the init script (a collector
# turned off disappears from /metrics, same pid), and a clean stop by
# SIGTERM through the init script that flushes the records posted just
# before it to a batch file. The guest is driven through its serial
# console (a root shell from its inittab).
# Usage: boot_test.sh IMAGE_DIR TARGET
set -euo pipefail
IMG=$1 TARGET=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
# The agent's resident memory in the guest: measured 1.0-1.4 MiB (README,
# "Test images"); 4 MiB leaves room for growth while catching a leak or
# an allocation that scales with something it should not.
RSS_CEILING=$((4 * 1024 * 1024))
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}

case "$TARGET" in
	aarch64) machine=aarch64 qemu=qemu-system-aarch64 ;;
	armv7) machine=armv7l qemu=qemu-system-arm ;;
	mipsel) machine=mips qemu=qemu-system-mipsel ;;
	*) fail "no image test for $TARGET" ;;
esac
command -v "$qemu" >/dev/null || skip "$qemu not installed (qemu-system-arm / qemu-system-mips)"
{ [ -f "$IMG/kernel" ] && [ -f "$IMG/initramfs.cpio.gz" ]; } || fail "no image in $IMG (make image TARGET=$TARGET)"

tmp=$(mktemp -d /tmp/edgestat-firmware-image.XXXXXX)
qemu_pid="" reader_pid=""
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	[ -z "$reader_pid" ] || kill "$reader_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
port=$(free_port)
mkfifo "$tmp/con.in" "$tmp/con.out"
t0=$EPOCHREALTIME
sh "$IMG/boot.sh" "$port" -display none -monitor none \
	-chardev "pipe,id=con,path=$tmp/con" -serial chardev:con > "$tmp/qemu.log" 2>&1 &
qemu_pid=$!
cat "$tmp/con.out" > "$tmp/console.log" &
reader_pid=$!
exec 3> "$tmp/con.in"

elapsed() { awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
show_console() { echo "--- console (last 30 lines)"; tail -n 30 "$tmp/console.log" | tr -d '\r'; echo "--- qemu"; cat "$tmp/qemu.log"; }

# Runs CMD in the guest's shell; its output on stdout. The markers are
# printed by the shell (the echoed command line, wrapped by the line
# editor, holds them only split by quotes), so only the output is between.
guest() {
	# Unique per call (a counter would not survive the $(...) subshell).
	local n=$RANDOM$RANDOM
	printf 'echo "@@""start-%d"; %s; echo "@@""end-%d rc=$?"\n' "$n" "$1" "$n" >&3
	for _ in $(seq 1 300); do
		if grep -q "^@@end-$n rc=" "$tmp/console.log"; then
			tr -d '\r' < "$tmp/console.log" | sed -n "/^@@start-$n\$/,/^@@end-$n rc=/p" | sed '1d;$d'
			return 0
		fi
		sleep 0.2
	done
	show_console
	fail "the guest did not answer: $1"
}

# ---- boot: qemu start to the first /metrics 200 ----
booted=no
while [ "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print (b - a < '"$BOOT_TIMEOUT"') }')" = 1 ]; do
	kill -0 "$qemu_pid" 2>/dev/null || break
	if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/metrics"; then booted=yes; break; fi
	sleep 0.25
done
boot_s=$(elapsed)
[ "$booted" = yes ] || { show_console; fail "[$TARGET] no /metrics within ${BOOT_TIMEOUT}s"; }
echo "[$TARGET] qemu start to first /metrics 200: $boot_s s"

# ---- scrape ----
curl -s "http://127.0.0.1:$port/metrics" > "$tmp/metrics"
for re in '^node_cpu_seconds_total\{cpu="0",mode="idle"\} ' '^node_memory_MemAvailable_bytes ' '^node_load1 ' \
	'^node_network_receive_bytes_total\{device="eth0"\} ' '^node_filesystem_avail_bytes\{' '^node_boot_time_seconds ' \
	"^node_uname_info\\{.*machine=\"$machine\".*nodename=\"edgestat-image\"" '^node_entropy_available_bits ' \
	'^node_scrape_collector_success\{collector="cpu"\} 1$' '^edgestat_build_info\{' '^process_resident_memory_bytes '; do
	check_true "[$TARGET] /metrics has /$re/" grep -qE "$re" "$tmp/metrics"
done
rss=$(awk '$1 == "process_resident_memory_bytes" { printf "%d", $2 }' "$tmp/metrics")
echo "[$TARGET] agent RSS in the guest: $rss bytes (ceiling $RSS_CEILING)"
check_true "[$TARGET] RSS $rss under $RSS_CEILING" test "${rss:-0}" -gt 0 -a "${rss:-0}" -lt "$RSS_CEILING"
health=$(curl -s "http://127.0.0.1:$port/health")
check "[$TARGET] /health healthy (${health})" healthy "$(sed -n 's/^{"status":"\([a-z]*\)".*/\1/p' <<< "$health")"

# ---- the service as the init script runs it ----
pid=$(guest 'cat /run/edgestat/edgestat.pid' | tr -dc 0-9)
check "[$TARGET] init script status: running" "edgestat is running (pid $pid)" "$(guest '/etc/init.d/edgestat status' | tail -n 1)"
uid=$(guest "awk -F: '\$1 == \"edgestat\" { print \$3 }' /etc/passwd" | tr -dc 0-9)
check "[$TARGET] agent runs as the edgestat user" "$uid" "$(guest "awk '/^Uid:/ { print \$2 }' /proc/$pid/status" | tr -dc 0-9)"

# ---- reload (SIGHUP): the entropy collector turned off ----
guest "printf '\n[collector]\nentropy = false\n' >> /etc/edgestat/edgestat.conf" > /dev/null
check_true "[$TARGET] reload through the init script" grep -q 'Reloading metrics agent: edgestat\.' <<< "$(guest '/etc/init.d/edgestat reload')"
for _ in $(seq 1 50); do grep -q "config reloaded" <<< "$(guest 'cat /var/log/edgestat.log')" && break; sleep 0.2; done
check_true "[$TARGET] reload: logged" grep -q "config reloaded" <<< "$(guest 'cat /var/log/edgestat.log')"
check "[$TARGET] reload: same pid" "$pid" "$(guest 'cat /run/edgestat/edgestat.pid' | tr -dc 0-9)"
check "[$TARGET] reload: the collector turned off is gone" 0 \
	"$(curl -s "http://127.0.0.1:$port/metrics" | grep -c '^node_entropy_available_bits ' || true)"

# ---- records, then a clean stop (SIGTERM) that flushes them ----
body='[{"operation_type":"image","operation_name":"boot-test","duration_ms":1.5,"success":true},
{"operation_type":"image","operation_name":"boot-test","duration_ms":2.5,"success":true},
{"operation_type":"image","operation_name":"boot-test","duration_ms":3.5,"success":false}]'
check "[$TARGET] records accepted" '{"accepted":3}' \
	"$(curl -s -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$port/api/v1/operations")"
check_true "[$TARGET] stop through the init script" grep -q 'Stopping metrics agent: edgestat\.' <<< "$(guest '/etc/init.d/edgestat stop')"
log=$(guest 'cat /var/log/edgestat.log')
check_true "[$TARGET] stop: SIGTERM logged" grep -q '"msg":"stopping","signal":"SIGTERM"' <<< "$log"
check_true "[$TARGET] stop: the records flushed at stop" grep -qE '"msg":"records writer stopped".*"unwritten":0.*"persisted":3' <<< "$log"
check_true "[$TARGET] stop: clean exit" grep -q '"msg":"stopped"' <<< "$log"
stored=$(guest 'cat /var/lib/edgestat/records/*.json 2>/dev/null || cat /var/lib/edgestat/*.json')
check "[$TARGET] the batch file holds the three records" 3 "$(grep -o '"operation_name":"boot-test"' <<< "$stored" | wc -l)"
check "[$TARGET] status after stop: not running" 3 "$(guest '/etc/init.d/edgestat status >/dev/null 2>&1; echo $?' | tail -n 1)"
echo "[$TARGET] boot $boot_s s, RSS $rss bytes"
echo "$TARGET $boot_s $rss" >> "${IMAGE_REPORT:-/dev/null}"
finish
