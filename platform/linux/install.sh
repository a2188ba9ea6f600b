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
# DESTDIR=/some/root installs into that tree: nothing is enabled, started,
# or stopped, and no user is created (the target must provide it).
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
DATA_DIR=/var/lib/edgestat

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
	if systemd_running || { [ -n "$ROOT" ] && [ -d "$ROOT/lib/systemd/system" ]; }; then
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
	"$binary" version >/dev/null 2>&1 || die "$binary does not run here (wrong architecture?)"
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

ensure_user() {
	if ! live; then
		say "DESTDIR set: not creating the edgestat user (the target system must have it)"
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
		live && getent group edgestat >/dev/null 2>&1 && chgrp edgestat "$ROOT$CONF"
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
		say "installed $INITD and $DEFAULTS"
	fi
}

service() { # ACTION: start|stop|restart|enable|disable on the live system
	live || return 0
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
		live && chown edgestat:edgestat "$DATA_DIR"
		service enable
		[ "$start" = yes ] && service start
		say "edgestat $("$ROOT$BIN_DST" version 2>/dev/null | sed -n 's/^edgestat version //p') installed ($init)"
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
		say "edgestat upgraded to $("$ROOT$BIN_DST" version 2>/dev/null | sed -n 's/^edgestat version //p')"
		;;
	uninstall)
		installed_init
		service stop
		service disable
		rm -f "$ROOT$BIN_DST" "$ROOT$UNIT" "$ROOT$INITD"
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
