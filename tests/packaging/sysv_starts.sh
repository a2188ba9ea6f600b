#!/bin/bash
# The sysvinit script's start is reliable: STARTS (100) start/stop cycles in
# a row with 0 failures, under CPU load, while a status loop runs the
# script's own status check and a second loop takes shared flock()s on the
# pid file the way older init scripts' status checks did (the race of issue
# 16: the agent read a reader's shared lock as "another instance"). Run once
# with Debian's tools (dpkg's start-stop-daemon, dash) and once with
# busybox's only (busybox ash, every command a busybox applet on PATH).
# Usage: sysv_starts.sh BINARY SRCDIR [STARTS]
set -euo pipefail
BIN=$1 SRC=$2 STARTS=${3:-${STARTS:-100}}
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
tmp=$(mktemp -d /tmp/edgestat-firmware-starts.XXXXXX)
chmod 0755 "$tmp"
bg_pids=()
cleanup() {
	local p
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${bg_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for r in "$tmp"/root-*; do
		p=$(tr -dc 0-9 2>/dev/null < "$r/run/edgestat/edgestat.pid" || true)
		if [ -n "$p" ] && [[ "$(readlink "/proc/$p/exe" 2>/dev/null)" == "$r/"* ]]; then kill "$p" 2>/dev/null || true; fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The toolsets: "debian" as the machine has it; "busybox": a PATH of
# busybox applets only, and busybox's own shell running the script.
toolsets=(debian)
if command -v busybox >/dev/null; then
	mkdir -p "$tmp/bb"
	for a in $(busybox --list); do ln -s "$(command -v busybox)" "$tmp/bb/$a"; done
	toolsets+=(busybox)
else
	echo "SKIPPED (part): busybox not installed (busybox-static): the busybox toolset is not tested"
fi

# Load for the whole run: two busy shells (as many as the CI machine has
# cores), ended by cleanup.
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	bg_pids+=($!)
done

for ts in "${toolsets[@]}"; do
	root=$tmp/root-$ts
	DESTDIR=$root sh "$SRC/platform/linux/install.sh" install --binary "$BIN" --init sysv >/dev/null 2>&1
	sysv_configure "$root" "$BIN" "$(free_port)"
	pidfile=$root/run/edgestat/edgestat.pid
	if [ "$ts" = busybox ]; then
		runner() { PATH=$tmp/bb EDGESTAT_DEFAULTS=$SYSV_ROOT/etc/default/edgestat "$tmp/bb/sh" "$SYSV_ROOT/etc/init.d/edgestat" "$@"; }
	else
		runner() { init "$@"; }
	fi
	# Readers, for the whole cycle: the script's status, and a shared
	# flock(1) of the pid file (util-linux; busybox has none).
	( while :; do runner status >/dev/null 2>&1 || true; done ) &
	status_loop=$!
	bg_pids+=("$status_loop")
	flock_loop=""
	if command -v flock >/dev/null; then
		# Each holds its shared lock for 20 ms, a slow status check
		# on a loaded box: an agent starting meanwhile must wait. Only
		# once the agent made the file: flock(1) would create it as root,
		# and the agent (as nobody) could not open it.
		( while :; do { [ -e "$pidfile" ] && flock -n -s "$pidfile" sleep 0.02 2>/dev/null; } || true; sleep 0.002; done ) &
		flock_loop=$!
		bg_pids+=("$flock_loop")
	fi

	failures=0 t0=$EPOCHREALTIME
	for i in $(seq 1 "$STARTS"); do
		if ! runner start > "$tmp/start.out" 2>&1; then
			failures=$((failures + 1))
			if [ "$failures" -le 3 ]; then
				echo "[$ts] start $i failed:"; sed 's/^/  /' "$tmp/start.out"
				tail -n 3 "$root/var/log/edgestat.log" | sed 's/^/  log: /'
			fi
			runner stop >/dev/null 2>&1 || true
			continue
		fi
		pid=$(tr -dc 0-9 < "$pidfile")
		if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$root/usr/bin/edgestat" ]; then
			failures=$((failures + 1))
			echo "[$ts] start $i: pid file names $pid, which is not the agent"
		fi
		if ! runner stop > "$tmp/stop.out" 2>&1 || alive "$pid"; then
			failures=$((failures + 1))
			echo "[$ts] stop $i failed:"; sed 's/^/  /' "$tmp/stop.out"
		fi
	done
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	kill "$status_loop" ${flock_loop:+"$flock_loop"} 2>/dev/null || true
	wait "$status_loop" ${flock_loop:+"$flock_loop"} 2>/dev/null || true
	printf '[%s] %d start/stop cycles under load with concurrent status checks%s: %d failures (%s s)\n' \
		"$ts" "$STARTS" "${flock_loop:+ and shared flocks}" "$failures" "$secs"
	check "[$ts] $STARTS starts in a row, 0 failures" 0 "$failures"
	check "[$ts] no 'another instance' in the agent's log" 0 "$(grep -c 'another instance' "$root/var/log/edgestat.log" || true)"
done
finish
