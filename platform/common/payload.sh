# shellcheck shell=sh
# Shared by build-ipk.sh and build-deb.sh (sourced, POSIX sh): checks that
# the binary about to be packaged is what the package says it is, because a
# mislabelled package installs fine and then fails with "not found" or
# "Illegal instruction" on the router.
#
# EDGESTAT_PKG_FOREIGN_OK=1 turns the checks into warnings: the fixture
# tests package the native (dynamic, x86_64) binary under other arch labels.

payload_problem() {
	if [ "${EDGESTAT_PKG_FOREIGN_OK:-0}" = 1 ]; then
		printf '%s: warning: %s (allowed: EDGESTAT_PKG_FOREIGN_OK=1)\n' "${0##*/}" "$*" >&2
	else
		printf '%s: error: %s (set EDGESTAT_PKG_FOREIGN_OK=1 to package it anyway)\n' "${0##*/}" "$*" >&2
		exit 1
	fi
}

# payload_check BINARY MACHINE ENDIAN MAX_ARM_ARCH
#   MACHINE: readelf's "Machine:" text (X86-64, AArch64, ARM, MIPS, 80386)
#   ENDIAN: little | big
#   MAX_ARM_ARCH: 6 or 7 for 32-bit ARM (the oldest core that must run it), else empty
payload_check() {
	_bin=$1 _machine=$2 _endian=$3 _armmax=$4
	if [ ! -f "$_bin" ] || [ ! -x "$_bin" ]; then
		printf '%s: error: %s is not an executable file\n' "${0##*/}" "$_bin" >&2
		exit 1
	fi
	if ! command -v readelf >/dev/null 2>&1; then
		printf '%s: warning: readelf not found (binutils): architecture of %s not checked\n' "${0##*/}" "$_bin" >&2
		return 0
	fi
	_hdr=$(LC_ALL=C readelf -h "$_bin" 2>/dev/null) || { payload_problem "$_bin is not an ELF file"; return 0; }
	case "$_hdr" in
		*"Machine:"*"$_machine"*) ;;
		*) payload_problem "$_bin is $(printf '%s\n' "$_hdr" | sed -n 's/^ *Machine: *//p'), not $_machine" ;;
	esac
	case "$_hdr" in
		*"$_endian endian"*) ;;
		*) payload_problem "$_bin is not $_endian endian" ;;
	esac
	if LC_ALL=C readelf -l "$_bin" 2>/dev/null | grep -q 'INTERP'; then
		payload_problem "$_bin is dynamically linked; the packages declare no dependencies and need the static musl binary"
	fi
	if LC_ALL=C readelf -S "$_bin" 2>/dev/null | grep -q -e '\.debug_' -e '\.symtab'; then
		# Flash is 8-16 MB on the routers this is for; the cross build
		# (make cross) is expected to strip.
		printf '%s: warning: %s is not stripped (%s bytes)\n' "${0##*/}" "$_bin" "$(wc -c < "$_bin" | tr -d ' ')" >&2
	fi
	if [ -n "$_armmax" ]; then
		# Tag_CPU_arch: v6, v6KZ, v7, v7E-M, v8... The Pi Zero/1 (and
		# Raspberry Pi OS's armhf userland) are ARMv6: a v7 binary dies there.
		_cpu=$(LC_ALL=C readelf -A "$_bin" 2>/dev/null | sed -n 's/^ *Tag_CPU_arch: *v\([0-9]*\).*/\1/p' | head -n 1)
		if [ -z "$_cpu" ]; then
			payload_problem "$_bin has no Tag_CPU_arch attribute; cannot tell whether it runs on ARMv$_armmax"
		elif [ "$_cpu" -gt "$_armmax" ]; then
			payload_problem "$_bin is built for ARMv$_cpu; this package must run on ARMv$_armmax"
		fi
	fi
	return 0
}

# The config file shipped as /etc/edgestat/edgestat.conf: the repository's
# reference config (every key commented at its default) when it exists, else
# a minimal commented one so a package still has a conffile to own.
payload_config() {
	_src=$1 _out=$2
	if [ -f "$_src/config/edgestat.conf" ]; then
		cp "$_src/config/edgestat.conf" "$_out"
	else
		cat > "$_out" <<'CONF'
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
	fi
}
