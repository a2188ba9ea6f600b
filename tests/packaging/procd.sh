#!/bin/bash
# The procd init script's UCI -> command-line translation, run the way
# OpenWrt runs it (busybox ash, and dash for portability) with stand-ins for
# OpenWrt's shell functions that record what the script asks procd to do.
# The UCI fixtures are parsed from UCI text, the shipped
# files/edgestat.config included.
# Usage: procd.sh BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/packaging/lib.sh"
INIT=$SRC/platform/openwrt/files/edgestat.init
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# UCI text -> the CONFIG_<section>_<option> variables OpenWrt's config_load
# sets (lists: _ITEMn and _LENGTH).
uci_to_sh() {
	# shellcheck disable=SC1003 # awk program quoting single quotes
	awk '
	function unq(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s);
		if (s ~ /^'\''.*'\''$/ || s ~ /^".*"$/) s = substr(s, 2, length(s) - 2); return s }
	function q(s) { gsub(/'\''/, "'\''\\'\'''\''", s); return "'\''" s "'\''" }
	/^[ \t]*(#|$)/ { next }
	$1 == "config" { sec = unq($3); print "CONFIG_" sec "_TYPE=" q($2); next }
	$1 == "option" { k = $2; $1 = ""; $2 = ""; print "CONFIG_" sec "_" k "=" q(unq($0)); next }
	$1 == "list" { k = $2; $1 = ""; $2 = ""; n = ++len[sec "_" k]
		print "CONFIG_" sec "_" k "_ITEM" n "=" q(unq($0)); print "CONFIG_" sec "_" k "_LENGTH=" n; next }
	'
}

# OpenWrt's functions, as stand-ins. procd calls are recorded one a line,
# arguments in <>, into $REC.
mkdir -p "$tmp/root/lib/functions"
cat > "$tmp/root/lib/functions/network.sh" <<'NET'
network_get_ipaddr() { eval "$1=\${NET_$2-}"; }
NET
cat > "$tmp/standins.sh" <<'STANDINS'
record() { r=$1; shift; for a in "$@"; do r="$r <$a>"; done; echo "$r" >> "$REC"; }
config_load() { . "$UCI_SH"; }
config_get() {
	eval "_v=\${CONFIG_$2_$3-}"
	[ -n "$_v" ] || _v=${4-}
	eval "$1=\$_v"
}
config_get_bool() {
	config_get _b "$2" "$3" "${4-}"
	case "$_b" in 1|on|true|yes|enabled) _b=1 ;; 0|off|false|no|disabled) _b=0 ;; *) _b=${4-} ;; esac
	eval "$1=\$_b"
}
config_list_foreach() {
	_s=$1 _o=$2 _f=$3 _i=1
	eval "_n=\${CONFIG_${_s}_${_o}_LENGTH:-0}"
	while [ "$_i" -le "$_n" ]; do
		eval "_item=\$CONFIG_${_s}_${_o}_ITEM$_i"
		"$_f" "$_item"
		_i=$((_i + 1))
	done
}
procd_open_instance() { record procd_open_instance "$@"; }
procd_set_param() { record procd_set_param "$@"; }
procd_append_param() { record procd_append_param "$@"; }
procd_close_instance() { record procd_close_instance "$@"; }
procd_add_reload_trigger() { record procd_add_reload_trigger "$@"; }
procd_add_reload_interface_trigger() { record procd_add_reload_interface_trigger "$@"; }
procd_send_signal() { record procd_send_signal "$@"; }
logger() { record logger "$@"; }
mkdir() { record mkdir "$@"; }
chown() { record chown "$@"; }
# rc.common: start runs start_service inside procd_open/close_service.
start() { start_service "$@"; }
STANDINS

# run SHELL UCI_TEXT FUNCTIONS... -> the record
run() {
	local sh=$1 uci=$2
	shift 2
	printf '%s\n' "$uci" | uci_to_sh > "$tmp/uci.sh"
	: > "$tmp/rec"
	IPKG_INSTROOT=$tmp/root REC=$tmp/rec UCI_SH=$tmp/uci.sh NET_loopback=127.0.0.1 NET_lan=192.168.1.1 \
		"$sh" -c '. "$1"; . "$2"; CMDLINE_STATE=$3; shift 3; for f in "$@"; do "$f"; done' \
		sh "$tmp/standins.sh" "$INIT" "$tmp/cmdline" "$@" || echo "exit $?" >> "$tmp/rec"
	cat "$tmp/rec"
}

# The command line procd would run, rebuilt from set/append command.
cmdline() {
	sed -n -e 's/^procd_set_param <command> //p' -e 's/^procd_append_param <command> //p' | tr '\n' ' ' |
		sed -e 's/<\([^>]*\)>/\1/g' -e 's/ $//'
}

shells=()
command -v busybox >/dev/null && shells+=("busybox sh")
command -v dash >/dev/null && shells+=(dash)
[ ${#shells[@]} -gt 0 ] || shells=(sh)

for shell in "${shells[@]}"; do
	# shellcheck disable=SC2206
	sh=($shell)
	shw=$tmp/${sh[0]##*/}-wrapper
	printf '#!/bin/sh\nexec %s "$@"\n' "$shell" > "$shw"
	chmod +x "$shw"

	# 1. The shipped config: loopback, defaults.
	out=$(run "$shw" "$(cat "$SRC/platform/openwrt/files/edgestat.config")" start_service)
	check "[$shell] shipped config: command line" \
		"/usr/bin/edgestat run --web.listen-address=127.0.0.1:9100 --agent.data-dir=/tmp/edgestat --agent.runtime-dir=/var/run/edgestat --collect.interval=15s --log.level=info" \
		"$(cmdline <<< "$out")"
	for p in '<respawn> <3600> <5> <5>' '<stdout> <1>' '<stderr> <1>' '<user> <edgestat>' '<group> <edgestat>' \
		'<no_new_privs> <1>' '<limits> <core=0> <nofile=1024 1024>' '<term_timeout> <10>'; do
		check "[$shell] procd_set_param $p" 1 "$(grep -cxF "procd_set_param $p" <<< "$out")"
	done
	check "[$shell] one instance named main" "procd_open_instance <main>" "$(grep '^procd_open_instance' <<< "$out")"
	check "[$shell] instance closed" 1 "$(grep -c '^procd_close_instance' <<< "$out")"
	check "[$shell] dirs created for the edgestat user" \
		"mkdir <-p> </var/run/edgestat> </tmp/edgestat>|chown <edgestat:edgestat> </var/run/edgestat> </tmp/edgestat>" \
		"$(grep -E '^(mkdir|chown)' <<< "$out" | paste -sd '|')"

	# 2. Everything set: lan, lists, config file, log format.
	uci="config edgestat 'main'
	option enabled '1'
	option listen_interface 'lan'
	option listen_port '9200'
	option interval '30s'
	list collector 'textfile'
	list collector \"conntrack\"
	list no_collector 'hwmon'
	option data_dir '/tmp/es data'
	option log_level 'debug'
	option log_format 'text'
	option config_file '/etc/edgestat/edgestat.conf'"
	out=$(run "$shw" "$uci" start_service)
	check "[$shell] full config: command line" \
		"/usr/bin/edgestat run --web.listen-address=192.168.1.1:9200 --agent.data-dir=/tmp/es data --agent.runtime-dir=/var/run/edgestat --collect.interval=30s --log.level=debug --log.format=text --config.file=/etc/edgestat/edgestat.conf --collector.textfile --collector.conntrack --no-collector.hwmon" \
		"$(cmdline <<< "$out")"
	check "[$shell] a data_dir with a space stays one argument" 1 \
		"$(grep -cF 'procd_append_param <command> <--agent.data-dir=/tmp/es data>' <<< "$out")"

	# 3. '*': every address, no interface lookup; missing options -> defaults.
	out=$(run "$shw" "config edgestat 'main'
	option listen_interface '*'" start_service service_triggers)
	check "[$shell] '*' and defaults: command line" \
		"/usr/bin/edgestat run --web.listen-address=:9100 --agent.data-dir=/tmp/edgestat --agent.runtime-dir=/var/run/edgestat" \
		"$(cmdline <<< "$out")"
	check "[$shell] '*': no interface trigger" "procd_add_reload_trigger <edgestat>" \
		"$(grep '^procd_add_reload' <<< "$out")"

	# 4. enabled 0: no instance (procd then stops a running one).
	out=$(run "$shw" "config edgestat 'main'
	option enabled '0'
	option listen_interface 'lan'" start_service)
	check "[$shell] enabled 0: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check "[$shell] enabled 0: says so" 1 "$(grep -c '^logger .*disabled' <<< "$out" || true)"

	# 5. Interface without an address: no instance, a notice, exit 0.
	out=$(run "$shw" "config edgestat 'main'
	option listen_interface 'wan'" start_service service_triggers)
	check "[$shell] no address: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check "[$shell] no address: waits politely" 1 "$(grep -c "^logger <-t> <edgestat> <-p> <daemon.notice> <interface 'wan' has no IPv4 address yet" <<< "$out" || true)"
	check "[$shell] no address: not a failure" 0 "$(grep -c '^exit' <<< "$out" || true)"
	check "[$shell] triggers: config and interface" \
		"procd_add_reload_trigger <edgestat>|procd_add_reload_interface_trigger <wan>" \
		"$(grep '^procd_add_reload' <<< "$out" | paste -sd '|')"

	# 6. A bad port is refused.
	out=$(run "$shw" "config edgestat 'main'
	option listen_port '91x'" start_service)
	check "[$shell] bad port: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check "[$shell] bad port: error logged" 1 "$(grep -c '^logger .*daemon.err.*not a port number' <<< "$out" || true)"

	# 7. reload: unchanged config -> SIGHUP; changed -> procd restarts, no HUP.
	shipped=$(cat "$SRC/platform/openwrt/files/edgestat.config")
	rm -f "$tmp/cmdline"
	run "$shw" "$shipped" start_service > /dev/null
	out=$(run "$shw" "$shipped" reload_service)
	check "[$shell] reload, unchanged: SIGHUP" 1 "$(grep -cxF 'procd_send_signal <edgestat> <main> <HUP>' <<< "$out" || true)"
	out=$(run "$shw" "${shipped/\'15s\'/\'30s\'}" reload_service)
	check "[$shell] reload, changed interval: new command, no SIGHUP" "0 1" \
		"$(grep -c '^procd_send_signal' <<< "$out" || true) $(grep -c 'collect.interval=30s' <<< "$out" || true)"
	rm -f "$tmp/cmdline"
	out=$(run "$shw" "$shipped" reload_service)
	check "[$shell] reload, not running before: starts, no SIGHUP" "0 1" \
		"$(grep -c '^procd_send_signal' <<< "$out" || true) $(grep -c '^procd_open_instance' <<< "$out" || true)"
done

# The flags the script generates are ones this binary accepts.
"$BIN" check-config --web.listen-address=127.0.0.1:9100 --agent.data-dir=/tmp/edgestat \
	--agent.runtime-dir=/var/run/edgestat --collect.interval=15s --log.level=info --log.format=text \
	--collector.textfile --no-collector.hwmon > "$tmp/cc" 2>&1 || true
if grep -q "unknown" "$tmp/cc"; then
	echo "FAIL: the binary rejects flags the init script passes:"; cat "$tmp/cc"; FAILED=1
else
	check "binary accepts the generated flags" 0 "$("$BIN" check-config --web.listen-address=127.0.0.1:9100 --agent.data-dir=/tmp/edgestat --agent.runtime-dir=/var/run/edgestat --collect.interval=15s --log.level=info --log.format=text --collector.textfile --no-collector.hwmon >/dev/null 2>&1; echo $?)"
fi
finish
