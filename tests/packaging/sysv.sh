#!/bin/bash
# install.sh into a temporary root (DESTDIR), then the installed sysvinit
# script really runs the installed binary: start, status, /health, reload,
# stop; upgrade keeps a modified config; uninstall removes the files.
# Runs the agent as nobody when root (the init script drops privileges as
# it would to edgestat), else as the current user.
# Usage: sysv.sh BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
INSTALL=$SRC/platform/linux/install.sh
tmp=$(mktemp -d)
root=$tmp/root
cleanup() {
	# Whatever state a failure left: an agent started from this tree dies.
	local p
	p=$(tr -dc 0-9 2>/dev/null < "$root/run/edgestat/edgestat.pid" || true)
	if [ -n "$p" ] && [[ "$(readlink "/proc/$p/exe" 2>/dev/null)" == "$root/"* ]]; then
		kill "$p" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"

# ---- install into DESTDIR ----
out=$(DESTDIR=$root sh "$INSTALL" install --binary "$BIN" --init sysv 2>&1)
check_true "install: adds the user to the target's passwd under DESTDIR" grep -q "added user and group edgestat" <<< "$out"
for f in usr/bin/edgestat etc/init.d/edgestat etc/default/edgestat etc/edgestat/edgestat.conf; do
	check_true "install: /$f" test -f "$root/$f"
done
check "install: no systemd unit with --init sysv" "" "$(ls "$root/etc/systemd/system" 2>/dev/null || true)"
check "install: binary mode" 755 "$(stat -c %a "$root/usr/bin/edgestat")"
check "install: init script mode" 755 "$(stat -c %a "$root/etc/init.d/edgestat")"
check "install: config mode" 640 "$(stat -c %a "$root/etc/edgestat/edgestat.conf")"
check_true "install: shipped config is valid" "$BIN" check-config "$root/etc/edgestat/edgestat.conf" >/dev/null
before=$(cd "$root" && find . -printf '%p %m %s\n' | sort | md5sum)
DESTDIR=$root sh "$INSTALL" install --binary "$BIN" --init sysv >/dev/null 2>&1
check "install: idempotent (a second run changes nothing)" "$before" "$(cd "$root" && find . -printf '%p %m %s\n' | sort | md5sum)"

# ---- the init script runs the installed agent ----
port=$(free_port)
sysv_configure "$root" "$BIN" "$port"

check "status before start: not running (3)" 3 "$(init status >/dev/null 2>&1; echo $?)"
if ! init start > "$tmp/start.out" 2>&1; then
	cat "$tmp/start.out" "$root/var/log/edgestat.log" 2>/dev/null || true
	if "$BIN" run --help 2>&1 | grep -q "not available"; then
		skip "this binary has no 'run' command yet: start/status/stop not testable"
	fi
	fail "init start failed"
fi
pid=$(tr -dc 0-9 < "$root/run/edgestat/edgestat.pid")
check_true "start: pid file names a live process" kill -0 "$pid"
check "start: the process is the installed binary" "$root/usr/bin/edgestat" "$(readlink "/proc/$pid/exe")"
[ -n "$user" ] && check "start: runs as $user" "$user" "$(ps -o user= -p "$pid" | tr -d ' ')"
check_true "status: running (0)" init status
check_true "status: names the pid" grep -q "running (pid $pid)" <<< "$(init status)"
check_true "start again: already running, same pid" grep -q "already running (pid $pid)" <<< "$(init start 2>&1)"

if wait_http "http://127.0.0.1:$port/health/live" && code=$(curl -s -o "$tmp/health" -w '%{http_code}' "http://127.0.0.1:$port/health") \
	&& [ "$code" != 404 ]; then
	check_true "/health answers with a status" grep -q '"status"' "$tmp/health"
	check_true "edgestat health exits 0 (healthy or degraded)" "$BIN" health --url "http://127.0.0.1:$port/health"
else
	echo "SKIPPED (part): /health is not served by this binary yet (HTTP ${code:-no answer}); start/status/stop verified via the pid"
fi

# logrotate with the shipped config (copytruncate): the running agent's
# next lines land at the start of the emptied file, with no hole before them.
rotated=no
if command -v logrotate >/dev/null; then
	sed "s|/var/log/edgestat.log|$root/var/log/edgestat.log|" "$SRC/platform/linux/edgestat.logrotate" > "$tmp/logrotate.conf"
	check_true "logrotate: the shipped config rotates" logrotate -f -s "$tmp/logrotate.state" "$tmp/logrotate.conf"
	check_true "logrotate: the old lines are in edgestat.log.1" grep -q "started" "$root/var/log/edgestat.log.1"
	check "logrotate: edgestat.log emptied" 0 "$(stat -c %s "$root/var/log/edgestat.log")"
	rotated=yes
else
	echo "SKIPPED (part): logrotate not installed (toolchains/deps.sh installs it)"
fi

check_true "reload: sends SIGHUP" init reload
sleep 0.5
check_true "reload: the agent reloaded (same pid)" test "$(tr -dc 0-9 < "$root/run/edgestat/edgestat.pid")" = "$pid"
check_true "reload: logged" grep -q "reload" "$root/var/log/edgestat.log"
if [ "$rotated" = yes ]; then
	check "logrotate: no hole before the agent's next line" "$(stat -c %s "$root/var/log/edgestat.log")" \
		"$(tr -d '\000' < "$root/var/log/edgestat.log" | wc -c)"
fi
check_true "stop" init stop
check "stop: the process is gone" no "$(alive "$pid" && echo yes || echo no)"
check "status after stop: not running (3)" 3 "$(init status >/dev/null 2>&1; echo $?)"
check_true "stop again: still fine" init stop

# A port already taken: start reports failure instead of a silent death.
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(20)' "$port" &
blocker=$!
for _ in $(seq 100); do (: < "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
check "start with the port taken: fails" 1 "$(init start >/dev/null 2>&1; echo $?)"
kill "$blocker" 2>/dev/null; wait "$blocker" 2>/dev/null || true
# ENABLED=no: start does nothing.
sed -i 's/^ENABLED=yes/ENABLED=no/' "$root/etc/default/edgestat"
check_true "ENABLED=no: start says disabled" grep -q disabled <<< "$(init start)"
check "ENABLED=no: nothing started" 3 "$(init status >/dev/null 2>&1; echo $?)"
sed -i 's/^ENABLED=no/ENABLED=yes/' "$root/etc/default/edgestat"

check "nothing left running before upgrade" 3 "$(init status >/dev/null 2>&1; echo $?)"

# ---- upgrade keeps a modified config ----
conf_before=$(md5sum < "$root/etc/edgestat/edgestat.conf")
cp "$BIN" "$tmp/edgestat-new"
printf '\n' >> "$tmp/edgestat-new"   # a different binary that still runs
DESTDIR=$root sh "$INSTALL" upgrade --binary "$tmp/edgestat-new" >/dev/null
check "upgrade: modified config kept" "$conf_before" "$(md5sum < "$root/etc/edgestat/edgestat.conf")"
check_true "upgrade: shipped config beside it as .dist" test -f "$root/etc/edgestat/edgestat.conf.dist"
check_true "upgrade: binary replaced" cmp -s "$tmp/edgestat-new" "$root/usr/bin/edgestat"
check_true "upgrade: /etc/default kept" grep -q "^DAEMON=$root" "$root/etc/default/edgestat"
check "upgrade without an install: refused" 1 "$(DESTDIR=$tmp/empty sh "$INSTALL" upgrade --binary "$BIN" >/dev/null 2>&1; echo $?)"

# ---- uninstall ----
DESTDIR=$root sh "$INSTALL" uninstall >/dev/null
for f in usr/bin/edgestat etc/init.d/edgestat etc/edgestat/edgestat.conf.dist; do
	check_true "uninstall: /$f removed" test ! -e "$root/$f"
done
check_true "uninstall: config kept" test -f "$root/etc/edgestat/edgestat.conf"
DESTDIR=$root sh "$INSTALL" uninstall --purge >/dev/null
for f in etc/edgestat etc/default/edgestat var/lib/edgestat; do
	check_true "uninstall --purge: /$f removed" test ! -e "$root/$f"
done

# ---- --init systemd puts the unit in place instead ----
DESTDIR=$tmp/sd sh "$INSTALL" install --binary "$BIN" --init systemd >/dev/null
check_true "systemd install: unit" cmp -s "$SRC/platform/linux/edgestat.service" "$tmp/sd/etc/systemd/system/edgestat.service"
check_true "systemd install: no init.d script" test ! -e "$tmp/sd/etc/init.d/edgestat"
finish
