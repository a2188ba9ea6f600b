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

# UCI text -> the config/option/list calls OpenWrt's uci_load evaluates
# (functions.sh defines them; the stand-ins below do what they do).
uci_to_sh() {
	# shellcheck disable=SC1003 # awk program quoting single quotes
	awk '
	function unq(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s);
		if (s ~ /^'\''.*'\''$/ || s ~ /^".*"$/) s = substr(s, 2, length(s) - 2); return s }
	function q(s) { gsub(/'\''/, "'\''\\'\'''\''", s); return "'\''" s "'\''" }
	/^[ \t]*(#|$)/ { next }
	$1 == "config" { print "config " q($2) " " q(unq($3)); next }
	$1 == "option" || $1 == "list" { w = $1; k = $2; $1 = ""; $2 = ""; print w " " q(k) " " q(unq($0)); next }
	'
}

# OpenWrt's functions, as stand-ins. procd calls are recorded one a line,
# arguments in <>, into $REC.
mkdir -p "$tmp/root/lib/functions"
cat > "$tmp/root/lib/functions/network.sh" <<'NET'
network_get_ipaddr() { eval "$1=\${NET_$2-}"; }
network_get_ipaddrs6() { eval "$1=\${NET6_$2-}"; }
NET
cat > "$tmp/standins.sh" <<'STANDINS'
record() { r=$1; shift; for a in "$@"; do r="$r <$a>"; done; echo "$r" >> "$REC"; }
# functions.sh: config/option/list set CONFIG_* and call the callbacks.
reset_cb() { config_cb() { return 0; }; option_cb() { return 0; }; list_cb() { return 0; }; }
reset_cb
config() { CONFIG_SECTIONS="$CONFIG_SECTIONS $2"; CONFIG_SECTION=$2; eval "CONFIG_$2_TYPE=\$1"; config_cb "$1" "$2"; }
option() { eval "CONFIG_${CONFIG_SECTION}_$1=\$2"; option_cb "$1" "$2"; }
list() {
	local n
	eval "n=\${CONFIG_${CONFIG_SECTION}_$1_LENGTH:-0}"
	n=$((n + 1))
	eval "CONFIG_${CONFIG_SECTION}_$1_ITEM$n=\$2; CONFIG_${CONFIG_SECTION}_$1_LENGTH=$n"
	eval "CONFIG_${CONFIG_SECTION}_$1=\"\${CONFIG_${CONFIG_SECTION}_$1:+\$CONFIG_${CONFIG_SECTION}_$1 }\$2\""
	list_cb "$1" "$2"
}
config_load() { CONFIG_SECTIONS=""; . "$UCI_SH"; }
config_get() {
	eval "_v=\${CONFIG_$2_$3-}"
	[ -n "$_v" ] || _v=${4-}
	eval "$1=\$_v"
}
config_foreach() {
	local fn=$1 type=$2 s t
	shift 2
	for s in $CONFIG_SECTIONS; do
		eval "t=\$CONFIG_${s}_TYPE"
		[ "$t" = "$type" ] && "$fn" "$s" "$@"
	done
}
# /sbin/validate_data for the types the init script uses: prints the
# assignments (defaults for unset options), fails on a bad value, says
# which on stderr. With no section name it only records the schema.
validate_data() {
	local pkg=$1 type=$2 name=$3 spec opt dt def val bad=0 ok
	shift 3
	if [ -z "$name" ]; then record validate_data "$pkg" "$type" "$@"; return 0; fi
	for spec in "$@"; do
		opt=${spec%%:*} dt=${spec#*:} def=""
		case "$dt" in *:*) def=${dt##*:}; dt=${dt%:*} ;; esac
		eval "val=\${CONFIG_${name}_$opt-}"
		[ -n "$val" ] || val=$def
		ok=1
		if [ -n "$val" ]; then
			case "$dt" in
				bool) case "$val" in 0|1|on|off|true|false|yes|no) ;; *) ok=0 ;; esac ;;
				port) case "$val" in *[!0-9]*) ok=0 ;; *) [ "$val" -le 65535 ] || ok=0 ;; esac ;;
				'or("debug","info","warn","error")') case "$val" in debug|info|warn|error) ;; *) ok=0 ;; esac ;;
				'or("json","text")') case "$val" in json|text) ;; *) ok=0 ;; esac ;;
				string|'list(string)') ;;
				file) [ -f "$val" ] || ok=0 ;;
				directory) [ -d "$val" ] || ok=0 ;;
				*) echo "validate_data stand-in: unknown type $dt" >&2; ok=0 ;;
			esac
		fi
		case "$dt:$val" in bool:on|bool:true|bool:yes) val=1 ;; bool:off|bool:false|bool:no) val=0 ;; esac
		if [ "$ok" = 1 ]; then
			printf "%s='%s'; " "$opt" "$val"
		else
			echo "$opt = $val: invalid value for $dt" >&2
			printf "%s=''; " "$opt"
			bad=1
		fi
	done
	return $bad
}
# procd.sh's own two functions, as OpenWrt has them.
uci_validate_section() {
	local _package="$1" _type="$2" _name="$3" _result _error
	shift 3
	_result=$(validate_data "$_package" "$_type" "$_name" "$@" 2> /dev/null)
	_error=$?
	eval "$_result"
	[ "$_error" = "0" ] || validate_data "$_package" "$_type" "$_name" "$@" 2>> "$REC" > /dev/null
	return $_error
}
uci_load_validate() {
	local _package="$1" _type="$2" _name="$3" _function="$4" _option _result
	shift 4
	for _option in "$@"; do eval "local ${_option%%:*}"; done
	uci_validate_section "$_package" "$_type" "$_name" "$@"
	_result=$?
	[ -n "$_function" ] || return $_result
	eval "$_function \"\$_name\" \"\$_result\""
}
procd_open_instance() { record procd_open_instance "$@"; }
procd_set_param() { record procd_set_param "$@"; }
procd_append_param() { record procd_append_param "$@"; }
procd_close_instance() { record procd_close_instance "$@"; }
procd_add_reload_trigger() { record procd_add_reload_trigger "$@"; }
procd_add_reload_interface_trigger() { record procd_add_reload_interface_trigger "$@"; }
procd_open_validate() { record procd_open_validate; }
procd_close_validate() { record procd_close_validate; }
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
		"$sh" -c '. "$1"; . "$2"; CMDLINE_STATE=$3; PROG=$4; shift 4; for f in "$@"; do "$f"; done' \
		sh "$tmp/standins.sh" "$INIT" "$tmp/cmdline" "$tmp/bin/edgestat" "$@" >> "$tmp/rec" 2>&1 || echo "exit $?" >> "$tmp/rec"
	cat "$tmp/rec"
}

# The command line procd would run, rebuilt from set/append command.
cmdline() {
	sed -n -e 's/^procd_set_param <command> //p' -e 's/^procd_append_param <command> //p' | tr '\n' ' ' |
		sed -e 's/<\([^>]*\)>/\1/g' -e 's/ $//'
}

# The init script's check-config runs this binary: PROG is set after the
# script is sourced, and shown as /usr/bin/edgestat again in the records.
mkdir -p "$tmp/bin" "$tmp/textfile"
ln -s "$(realpath "$BIN")" "$tmp/bin/edgestat"
: > "$tmp/edgestat.conf"
v6=""
[ -e /proc/net/if_inet6 ] && v6=",[::1]:9100"

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
	grun() { run "$@" | sed "s|$tmp/bin/edgestat|/usr/bin/edgestat|g"; }

	# 1. The shipped config: loopback (IPv4 and IPv6), defaults.
	out=$(grun "$shw" "$(cat "$SRC/platform/openwrt/files/edgestat.config")" start_service)
	check "[$shell] shipped config: command line" \
		"/usr/bin/edgestat run --web.listen-address=127.0.0.1:9100$v6 --agent.data-dir=/tmp/edgestat --agent.runtime-dir=/var/run/edgestat --collect.interval=15s --log.level=info" \
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
	check "[$shell] shipped config: nothing logged" "" "$(grep '^logger' <<< "$out" || true)"

	# 2. Everything set: lan (IPv4 + two IPv6), lists, config file,
	# textfile directory, log format, a Lua name, generic sections.
	uci="config edgestat 'main'
	option enabled '1'
	option listen_interface 'lan'
	option listen_port '9200'
	option interval '30s'
	list collector 'textfile'
	list collector \"conntrack\"
	list collector 'thermal'
	list no_collector 'hwmon'
	option data_dir '/tmp/es data'
	option log_level 'debug'
	option log_format 'text'
	option textfile_directory '$tmp/textfile'
	option config_file '$tmp/edgestat.conf'
config section 'history'
	list series 'node_load1'
	list series 'node_load5'
	option depth '60'
config section 'collector_filesystem'
	option mount_points_exclude '^/(dev|proc)(\$|/)'"
	out=$(NET6_lan="fd00::1 2001:db8::1" grun "$shw" "$uci" start_service)
	check "[$shell] full config: command line" \
		"/usr/bin/edgestat run --web.listen-address=192.168.1.1:9200,[fd00::1]:9200,[2001:db8::1]:9200 --agent.data-dir=/tmp/es data --agent.runtime-dir=/var/run/edgestat --collect.interval=30s --log.level=debug --log.format=text --config.file=$tmp/edgestat.conf --collector.textfile.directory=$tmp/textfile --collector.textfile --collector.conntrack --collector.thermal_zone --no-collector.hwmon --history.series=node_load1 --history.series=node_load5 --history.depth=60 --collector.filesystem.mount-points-exclude=^/(dev|proc)(\$|/)" \
		"$(cmdline <<< "$out")"
	check "[$shell] a data_dir with a space stays one argument" 1 \
		"$(grep -cF 'procd_append_param <command> <--agent.data-dir=/tmp/es data>' <<< "$out")"
	check_true "[$shell] the Lua exporter's 'thermal' is named as edgestat's" \
		grep -q "^logger .*daemon.notice.*'thermal' (prometheus-node-exporter-lua's name) is edgestat's 'thermal_zone'" <<< "$out"

	# 3. '*': every address, no interface lookup; missing options -> defaults.
	out=$(grun "$shw" "config edgestat 'main'
	option listen_interface '*'" start_service service_triggers)
	check "[$shell] '*' and defaults: command line" \
		"/usr/bin/edgestat run --web.listen-address=:9100 --agent.data-dir=/tmp/edgestat --agent.runtime-dir=/var/run/edgestat" \
		"$(cmdline <<< "$out")"
	check "[$shell] '*': no interface trigger" "procd_add_reload_trigger <edgestat>" \
		"$(grep '^procd_add_reload' <<< "$out")"
	check "[$shell] triggers: the validation schema for ubus call service validate" \
		"procd_open_validate|validate_data <edgestat> <edgestat> <enabled:bool:1> <listen_interface:string:loopback> <listen_port:port:9100> <ipv6:bool:1> <interval:string> <data_dir:string:/tmp/edgestat> <log_level:or(\"debug\",\"info\",\"warn\",\"error\")> <log_format:or(\"json\",\"text\")> <config_file:file> <textfile_directory:directory> <collector:list(string)> <no_collector:list(string)>|procd_close_validate" \
		"$(grep -E '^(procd_open_validate|validate_data|procd_close_validate)' <<< "$out" | paste -sd '|')"

	# 4. ipv6 '0': IPv4 only.
	out=$(NET6_lan="fd00::1" grun "$shw" "config edgestat 'main'
	option listen_interface 'lan'
	option ipv6 '0'" start_service)
	check_true "[$shell] ipv6 0: IPv4 only" grep -qF "<--web.listen-address=192.168.1.1:9100>" <<< "$out"

	# 5. enabled 0: no instance (procd then stops a running one).
	out=$(grun "$shw" "config edgestat 'main'
	option enabled '0'
	option listen_interface 'lan'" start_service)
	check "[$shell] enabled 0: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check "[$shell] enabled 0: says so" 1 "$(grep -c '^logger .*disabled' <<< "$out" || true)"

	# 6. Interface without an address: no instance, a notice, exit 0.
	out=$(grun "$shw" "config edgestat 'main'
	option listen_interface 'wan'" start_service service_triggers)
	check "[$shell] no address: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check "[$shell] no address: waits politely" 1 "$(grep -c "^logger <-t> <edgestat> <-p> <daemon.notice> <interface 'wan' has no address yet" <<< "$out" || true)"
	check "[$shell] no address: not a failure" 0 "$(grep -c '^exit' <<< "$out" || true)"
	check "[$shell] triggers: config and interface" \
		"procd_add_reload_trigger <edgestat>|procd_add_reload_interface_trigger <wan>" \
		"$(grep '^procd_add_reload' <<< "$out" | paste -sd '|')"

	# 7. Mistakes never reach procd: no instance, the reason in logread.
	#    A bad port (validate_data), a duration without a unit and an
	#    unknown collector (edgestat check-config), a Lua-only collector.
	out=$(grun "$shw" "config edgestat 'main'
	option listen_port '91x'" start_service)
	check "[$shell] bad port: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check_true "[$shell] bad port: validation names the option" grep -q "^listen_port = 91x: invalid value" <<< "$out"
	check_true "[$shell] bad port: error logged" grep -q '^logger .*daemon.err.*invalid value in /etc/config/edgestat' <<< "$out"
	out=$(grun "$shw" "config edgestat 'main'
	option interval '15'" start_service)
	check "[$shell] interval '15': no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check_true "[$shell] interval '15': check-config's reason logged" \
		grep -q '^logger .*daemon.err.*a duration needs a unit' <<< "$out"
	out=$(grun "$shw" "config edgestat 'main'
	list collector 'wifi'
	list collector 'bogus'" start_service)
	check "[$shell] Lua-only and unknown collectors: no instance" 0 "$(grep -c '^procd_open_instance' <<< "$out" || true)"
	check_true "[$shell] Lua-only collector named as such" \
		grep -q "^logger .*daemon.err.*collector 'wifi' is prometheus-node-exporter-lua's" <<< "$out"
	out=$(grun "$shw" "config edgestat 'main'
	list collector 'bogus'" start_service)
	check_true "[$shell] unknown collector: check-config's reason logged" \
		grep -q "^logger .*daemon.err.*no such collector" <<< "$out"
	out=$(grun "$shw" "config edgestat 'main'
config section 'tls'
	list listen_address ':9443'" start_service)
	check_true "[$shell] generic section checked too: TLS without a certificate refused" \
		grep -q "^logger .*daemon.err.*cert_file and key_file are required" <<< "$out"

	# 8. reload: unchanged config -> SIGHUP; changed -> procd restarts, no HUP.
	shipped=$(cat "$SRC/platform/openwrt/files/edgestat.config")
	rm -f "$tmp/cmdline"
	grun "$shw" "$shipped" start_service > /dev/null
	out=$(grun "$shw" "$shipped" reload_service)
	check "[$shell] reload, unchanged: SIGHUP" 1 "$(grep -cxF 'procd_send_signal <edgestat> <main> <HUP>' <<< "$out" || true)"
	out=$(grun "$shw" "${shipped/\'15s\'/\'30s\'}" reload_service)
	check "[$shell] reload, changed interval: new command, no SIGHUP" "0 1" \
		"$(grep -c '^procd_send_signal' <<< "$out" || true) $(grep -c 'collect.interval=30s' <<< "$out" || true)"
	rm -f "$tmp/cmdline"
	out=$(grun "$shw" "$shipped" reload_service)
	check "[$shell] reload, not running before: starts, no SIGHUP" "0 1" \
		"$(grep -c '^procd_send_signal' <<< "$out" || true) $(grep -c '^procd_open_instance' <<< "$out" || true)"
done
finish
