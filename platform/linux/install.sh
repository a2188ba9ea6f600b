#!/bin/sh
# Installs edgestat on any Linux without a package manager: the static
# binary, /etc/edgestat/edgestat.conf, and a systemd unit (when systemd runs
# the machine) or the sysvinit script with /etc/default/edgestat.
#
# Usage: install.sh install   [--binary PATH] [--init auto|systemd|sysv] [--no-start]
#        install.sh upgrade   [--binary PATH] [--init auto|systemd|sysv] [--no-start]
#        install.sh uninstall [--purge]
#
# install: idempotent; an existing /etc/edgestat/edgestat.conf is kept (the
#   shipped one is written beside it as edgestat.conf.dist when it differs).
# upgrade: replaces binary and service files, keeps the config, restarts a
#   running agent.
# uninstall: stops and removes what install put there; --purge also
#   removes /etc/edgestat, /etc/default/edgestat and /var/lib/edgestat (the
#   edgestat user stays, as Debian does, so no file is left to a recycled uid).
# DESTDIR=/some/root installs into that tree (an SD card's root filesystem
# mounted on a PC, an image being built): the binary may be for another
# architecture (it is identified with readelf, not run), the edgestat user
# and group are added to the target's /etc/passwd and /etc/group (and
# shadow files), files get the target's numeric ids, and the service is
# enabled in the target (systemd: the multi-user.target.wants link; sysv:
# the rcN.d links), to start on its next boot. Nothing on this machine is
# started, stopped or changed.
# --binary defaults to ./edgestat beside this script, then build/edgestat of
# the repository this script is in.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DESTDIR=${DESTDIR:-}
ROOT=${DESTDIR%/}

BIN_DST=/usr/bin/edgestat
CONF_DIR=/etc/edgestat
CONF=$CONF_DIR/edgestat.conf
UNIT=/etc/systemd/system/edgestat.service
INITD=/etc/init.d/edgestat
DEFAULTS=/etc/default/edgestat
LOGROTATE=/etc/logrotate.d/edgestat
DATA_DIR=/var/lib/edgestat
WANTS_LINK=/etc/systemd/system/multi-user.target.wants/edgestat.service
# The rcN.d links update-rc.d makes from the script's LSB header.
RC_LINKS="rc2.d/S01edgestat rc3.d/S01edgestat rc4.d/S01edgestat rc5.d/S01edgestat rc0.d/K01edgestat rc1.d/K01edgestat rc6.d/K01edgestat"

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '6,8p' "$0" | sed 's/^# //' >&2
	exit 2
}

[ $# -ge 1 ] || usage
action=$1
shift
binary="" init=auto start=yes purge=no
while [ $# -gt 0 ]; do
	case "$1" in
		--binary) [ $# -ge 2 ] || usage; binary=$2; shift ;;
		--binary=*) binary=${1#--binary=} ;;
		--init) [ $# -ge 2 ] || usage; init=$2; shift ;;
		--init=*) init=${1#--init=} ;;
		--no-start) start=no ;;
		--purge) purge=yes ;;
		*) usage ;;
	esac
	shift
done
case "$init" in auto|systemd|sysv) ;; *) usage ;; esac

live() { [ -z "$ROOT" ]; }
systemd_running() { live && [ -d /run/systemd/system ]; }

pick_init() {
	[ "$init" = auto ] || return 0
	if systemd_running || { [ -n "$ROOT" ] && { [ -d "$ROOT/lib/systemd/system" ] || [ -d "$ROOT/usr/lib/systemd/system" ]; }; }; then
		init=systemd
	else
		init=sysv
	fi
}

find_binary() {
	if [ -z "$binary" ]; then
		for b in "$HERE/edgestat" "$HERE/../../build/edgestat"; do
			[ -x "$b" ] && binary=$b && break
		done
	fi
	[ -n "$binary" ] || die "no binary: pass --binary PATH"
	if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
		die "$binary is not an executable file"
	fi
	if live; then
		"$binary" version >/dev/null 2>&1 || die "$binary does not run here (wrong architecture?)"
	elif "$binary" version >/dev/null 2>&1; then
		:
	elif command -v readelf >/dev/null 2>&1; then
		# For another machine: it must at least be a Linux executable.
		machine=$(LC_ALL=C readelf -h "$binary" 2>/dev/null | sed -n 's/^ *Machine: *//p')
		[ -n "$machine" ] || die "$binary is not an ELF executable"
		say "$binary is for $machine (not run here)"
	else
		say "$binary does not run here; installing it for the target anyway (no readelf to identify it)"
	fi
}

# The version of the installed binary, when it runs here.
installed_version() {
	"$ROOT$BIN_DST" version 2>/dev/null | sed -n 's/^edgestat version //p'
}

# The shipped config: the repository's reference config (every key at its
# default, commented), else a minimal commented one.
shipped_config() {
	for c in "$HERE/edgestat.conf" "$HERE/../../config/edgestat.conf"; do
		[ -f "$c" ] && { cat "$c"; return 0; }
	done
	cat <<'CONF'
# edgestat configuration (INI). Every key is optional: what is not set here
# keeps its built-in default (see `edgestat --help`). EDGESTAT_<SECTION>_<KEY>
# environment variables and --section.key flags override this file.
# Check a change with `edgestat check-config`; apply it with a reload
# (SIGHUP: `systemctl reload edgestat` or `/etc/init.d/edgestat reload`).

[web]
# listen_address = :9100

[collect]
# interval = 15s

[log]
# level = info
# format = json
CONF
}

# The ids of NAME in the target's passwd/group files (DESTDIR), empty when absent.
target_id() { # FILE NAME
	[ -f "$1" ] && awk -F: -v n="$2" '$1 == n { print $3; exit }' "$1"
}

# The first id below 1000 (Debian's system range, useradd --system's
# order: highest first) free in both the target's passwd and group files.
free_system_id() {
	awk -F: 'FNR == 1 { f++ } { used[$3] = 1 } END {
		for (i = 999; i >= 100; i--) if (!(i in used)) { print i; exit } }' \
		"$ROOT/etc/passwd" "$ROOT/etc/group"
}

# Adds the edgestat user and group to the target's files the way useradd
# --system --user-group would, without running anything from the target.
ensure_target_user() {
	mkdir -p "$ROOT/etc"
	[ -f "$ROOT/etc/passwd" ] || : > "$ROOT/etc/passwd"
	[ -f "$ROOT/etc/group" ] || : > "$ROOT/etc/group"
	gid=$(target_id "$ROOT/etc/group" edgestat)
	uid=$(target_id "$ROOT/etc/passwd" edgestat)
	if [ -n "$uid" ] && [ -n "$gid" ]; then
		return 0
	fi
	id=$(free_system_id)
	[ -n "$id" ] || die "no free system id (100-999) in $ROOT/etc/passwd and group"
	days=$(( ${SOURCE_DATE_EPOCH:-$(date +%s)} / 86400 ))
	if [ -z "$gid" ]; then
		gid=$id
		echo "edgestat:x:$gid:" >> "$ROOT/etc/group"
		[ -f "$ROOT/etc/gshadow" ] && echo "edgestat:!::" >> "$ROOT/etc/gshadow"
	fi
	if [ -z "$uid" ]; then
		uid=$id
		shell=/usr/sbin/nologin
		[ -e "$ROOT$shell" ] || shell=/sbin/nologin
		[ -e "$ROOT$shell" ] || shell=/bin/false
		echo "edgestat:x:$uid:$gid:edgestat metrics agent:$DATA_DIR:$shell" >> "$ROOT/etc/passwd"
		[ -f "$ROOT/etc/shadow" ] && echo "edgestat:!:$days::::::" >> "$ROOT/etc/shadow"
	fi
	say "added user and group edgestat ($uid:$gid) to $ROOT/etc/passwd and group"
}

ensure_user() {
	if ! live; then
		ensure_target_user
		return 0
	fi
	getent passwd edgestat >/dev/null 2>&1 && return 0
	if command -v useradd >/dev/null 2>&1; then
		nologin=$(command -v nologin || echo /usr/sbin/nologin)
		useradd --system --user-group --no-create-home --home-dir "$DATA_DIR" \
			--shell "$nologin" --comment "edgestat metrics agent" edgestat
	elif command -v adduser >/dev/null 2>&1; then
		# busybox
		addgroup -S edgestat 2>/dev/null || true
		adduser -S -D -H -h "$DATA_DIR" -s /sbin/nologin -G edgestat -g "edgestat metrics agent" edgestat
	else
		die "cannot create the edgestat user: no useradd or adduser"
	fi
	say "created system user edgestat"
}

install_config() {
	mkdir -p "$ROOT$CONF_DIR"
	shipped=$(mktemp)
	shipped_config > "$shipped"
	if [ -f "$ROOT$CONF" ]; then
		if cmp -s "$shipped" "$ROOT$CONF"; then
			rm -f "$ROOT$CONF.dist"
		else
			install -m 0644 "$shipped" "$ROOT$CONF.dist"
			say "kept your $CONF (the shipped one is $CONF.dist)"
		fi
	else
		install -m 0640 "$shipped" "$ROOT$CONF"
		# Readable by the agent's group only: it may hold credentials.
		if live; then
			getent group edgestat >/dev/null 2>&1 && chgrp edgestat "$ROOT$CONF"
		else
			chgrp_target "$ROOT$CONF"
		fi
		say "installed $CONF"
	fi
	rm -f "$shipped"
}

install_files() {
	install -D -m 0755 "$binary" "$ROOT$BIN_DST.new"
	mv -f "$ROOT$BIN_DST.new" "$ROOT$BIN_DST"
	if [ "$init" = systemd ]; then
		install -D -m 0644 "$HERE/edgestat.service" "$ROOT$UNIT"
		say "installed $UNIT"
	else
		install -D -m 0755 "$HERE/edgestat.init" "$ROOT$INITD"
		if [ ! -f "$ROOT$DEFAULTS" ]; then
			install -D -m 0644 "$HERE/edgestat.default" "$ROOT$DEFAULTS"
		fi
		# The script's log file grows without bound otherwise.
		install -D -m 0644 "$HERE/edgestat.logrotate" "$ROOT$LOGROTATE"
		say "installed $INITD, $DEFAULTS and $LOGROTATE"
	fi
}

service() { # ACTION: start|stop|restart|enable|disable on the live system
	if ! live; then
		case "$1" in
			enable) enable_in_target ;;
			disable) disable_in_target ;;
		esac
		return 0
	fi
	if [ "$init" = systemd ] && systemd_running; then
		case "$1" in
			enable) systemctl daemon-reload; systemctl enable edgestat.service ;;
			disable) systemctl disable edgestat.service >/dev/null 2>&1 || true ;;
			stop) systemctl stop edgestat.service 2>/dev/null || true ;;
			restart) systemctl try-restart edgestat.service ;;
			start) systemctl start edgestat.service ;;
		esac
	elif [ -x "$INITD" ]; then
		case "$1" in
			enable)
				if command -v update-rc.d >/dev/null 2>&1; then update-rc.d edgestat defaults >/dev/null
				elif command -v chkconfig >/dev/null 2>&1; then chkconfig --add edgestat
				elif command -v rc-update >/dev/null 2>&1; then say "OpenRC: not enabling an LSB script; add it yourself"
				fi ;;
			disable)
				if command -v update-rc.d >/dev/null 2>&1; then update-rc.d -f edgestat remove >/dev/null
				elif command -v chkconfig >/dev/null 2>&1; then chkconfig --del edgestat || true
				fi ;;
			stop) "$INITD" stop || true ;;
			restart) if "$INITD" status >/dev/null 2>&1; then "$INITD" restart; fi ;;
			start) "$INITD" start ;;
		esac
	fi
}

# Ownership in the target by number: the names may not exist on this machine
# or mean other ids. Only root can give files away; others get a notice.
chown_target() { # FILE...
	[ -n "${uid:-}" ] || return 0
	chown "$uid:$gid" "$@" 2>/dev/null || say "not root: $* not given to $uid:$gid; fix it on the target"
}
chgrp_target() { # FILE...
	[ -n "${gid:-}" ] || return 0
	chgrp "$gid" "$@" 2>/dev/null || say "not root: $* not given to group $gid; fix it on the target"
}

# The boot links, in the target tree (DESTDIR), as systemctl enable or
# update-rc.d would make them.
enable_in_target() {
	if [ "$init" = systemd ]; then
		mkdir -p "$ROOT$(dirname "$WANTS_LINK")"
		ln -sfn "$UNIT" "$ROOT$WANTS_LINK"
		say "enabled edgestat.service in the target (${WANTS_LINK#/etc/systemd/system/})"
	elif [ -d "$ROOT/etc/rcS.d" ] || [ -d "$ROOT/etc/rc2.d" ]; then
		for l in $RC_LINKS; do
			mkdir -p "$ROOT/etc/${l%/*}"
			ln -sfn ../init.d/edgestat "$ROOT/etc/$l"
		done
		say "enabled /etc/init.d/edgestat in the target (rc2-5.d S01, rc0/1/6.d K01)"
	else
		say "the target has no /etc/rcN.d: start /etc/init.d/edgestat from its init (e.g. busybox inittab or rcS)"
	fi
}

disable_in_target() {
	rm -f "$ROOT$WANTS_LINK"
	for l in $RC_LINKS; do rm -f "$ROOT/etc/$l"; done
}

installed_init() {
	if [ -f "$ROOT$UNIT" ]; then init=systemd; elif [ -f "$ROOT$INITD" ]; then init=sysv; fi
}

case "$action" in
	install)
		find_binary
		pick_init
		ensure_user
		install_files
		install_config
		mkdir -p "$ROOT$DATA_DIR"
		chmod 0750 "$ROOT$DATA_DIR"
		if live; then chown edgestat:edgestat "$DATA_DIR"; else chown_target "$ROOT$DATA_DIR"; fi
		service enable
		[ "$start" = yes ] && service start
		v=$(installed_version)
		say "edgestat${v:+ $v} installed ($init${ROOT:+, into $ROOT})"
		;;
	upgrade)
		[ -x "$ROOT$BIN_DST" ] || die "edgestat is not installed under ${ROOT:-/}: use install"
		find_binary
		[ "$init" = auto ] && installed_init
		pick_init
		install_files
		install_config
		[ "$init" = systemd ] && systemd_running && systemctl daemon-reload
		[ "$start" = yes ] && service restart
		v=$(installed_version)
		say "edgestat upgraded${v:+ to $v}${ROOT:+ in $ROOT}"
		;;
	uninstall)
		installed_init
		service stop
		service disable
		rm -f "$ROOT$BIN_DST" "$ROOT$UNIT" "$ROOT$INITD" "$ROOT$LOGROTATE"
		systemd_running && systemctl daemon-reload
		if [ "$purge" = yes ]; then
			rm -rf "$ROOT$CONF_DIR" "$ROOT$DATA_DIR" "$ROOT/run/edgestat"
			rm -f "$ROOT$DEFAULTS"
			say "removed edgestat, its config and data"
		else
			rm -f "$ROOT$CONF.dist"
			say "removed edgestat (kept $CONF and $DEFAULTS; --purge removes them)"
		fi
		;;
	*) usage ;;
esac
