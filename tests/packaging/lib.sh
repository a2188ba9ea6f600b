# Helpers for tests/packaging/*.sh (sourced by bash).
# shellcheck shell=bash

PASS=0
check() { # DESCRIPTION EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then
		PASS=$((PASS + 1))
	else
		echo "FAIL: $1"
		echo "  expected: $2"
		echo "  actual:   $3"
		FAILED=1
	fi
}
check_true() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then PASS=$((PASS + 1)); else echo "FAIL: $d"; FAILED=1; fi
}
finish() {
	if [ "${FAILED:-0}" = 1 ]; then
		echo "$(basename "$0"): FAILED ($PASS checks passed)"
		exit 1
	fi
	echo "$(basename "$0"): $PASS checks passed"
}

# PID has not exited. A zombie has: where pid 1 is not a real init (a
# container's), the agent's exit can take seconds to be reaped.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null; }

# sysv_configure ROOT BINARY PORT: after `DESTDIR=ROOT install.sh install
# --init sysv`, points the installed init script's defaults and the agent's
# config into ROOT (listening on 127.0.0.1:PORT, logging to ROOT/var/log),
# as the edgestat user would be on a real system: nobody when root, else the
# current user. Sets $user and $group; init ARGS... runs the installed script.
sysv_configure() {
	local root=$1 bin=$2 port=$3
	cat >> "$root/etc/edgestat/edgestat.conf" <<CONF

# added by the test
[web]
listen_address = 127.0.0.1:$port
CONF
	if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
		user=nobody group=$(id -gn nobody)
	else
		user="" group=""
	fi
	cat >> "$root/etc/default/edgestat" <<DEF
DAEMON=$root/usr/bin/edgestat
EDGESTAT_OPTS="--config.file=$root/etc/edgestat/edgestat.conf --log.format=text"
EDGESTAT_USER=$user
EDGESTAT_GROUP=$group
RUNTIME_DIR=$root/run/edgestat
DATA_DIR=$root/var/lib/edgestat
LOG_FILE=$root/var/log/edgestat.log
DEF
	mkdir -p "$root/var/log"
	# What install.sh does on a live system for the edgestat group.
	if [ -n "$group" ]; then chgrp "$group" "$root/etc/edgestat/edgestat.conf"; fi
	SYSV_ROOT=$root
}
init() { EDGESTAT_DEFAULTS=$SYSV_ROOT/etc/default/edgestat ${INIT_SHELL:-sh} "$SYSV_ROOT/etc/init.d/edgestat" "$@"; }
