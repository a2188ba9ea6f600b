#!/bin/bash
# Package contents and control fields: .ipk for two OpenWrt arches and .deb
# for amd64 and armhf, built from the native binary labelled as each arch
# (EDGESTAT_PKG_FOREIGN_OK=1), plus: the arch check refuses a mislabelled
# binary without it, and builds are reproducible byte for byte.
# Usage: contents.sh BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/packaging/lib.sh"
command -v dpkg-deb >/dev/null || skip_reason="dpkg-deb not installed"
if [ -n "${skip_reason:-}" ]; then echo "SKIPPED: $skip_reason"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
SDE_DATE=2023-11-14

# Modes, owners and names of a tar listing, one "mode owner name" a line.
listing() { tar -tvzf "$1" | awk '{print $1, $2, $NF}'; }

# ---- .ipk ----
for arch in mipsel_24kc aarch64_cortex-a53; do
	ipk=$(EDGESTAT_PKG_FOREIGN_OK=1 sh "$SRC/platform/openwrt/build-ipk.sh" "$BIN" "$arch" 1.2.3 "$tmp/out" 2>/dev/null)
	check "$arch: file name" "$tmp/out/edgestat_1.2.3-r1_$arch.ipk" "$ipk"
	check "$arch: outer is gzip, not ar" "1f8b" "$(head -c 2 "$ipk" | od -An -tx1 | tr -d ' \n')"
	check "$arch: outer members, in ipkg-build's order" "./debian-binary ./data.tar.gz ./control.tar.gz" \
		"$(tar -tzf "$ipk" | paste -sd ' ')"
	check "$arch: outer owners and mtimes" "0/0 $SDE_DATE" \
		"$(tar --numeric-owner -tvzf "$ipk" | awk '{print $2, $4}' | sort -u | paste -sd ' ')"
	x=$tmp/x-$arch
	mkdir -p "$x"
	tar -xzf "$ipk" -C "$x"
	check "$arch: debian-binary" "2.0" "$(cat "$x/debian-binary")"
	check "$arch: data files, modes, owners" \
"drwxr-xr-x 0/0 ./
drwxr-xr-x 0/0 ./etc/
drwxr-xr-x 0/0 ./etc/config/
-rw-r--r-- 0/0 ./etc/config/edgestat
drwxr-xr-x 0/0 ./etc/init.d/
-rwxr-xr-x 0/0 ./etc/init.d/edgestat
drwxr-xr-x 0/0 ./lib/
drwxr-xr-x 0/0 ./lib/upgrade/
drwxr-xr-x 0/0 ./lib/upgrade/keep.d/
-rw-r--r-- 0/0 ./lib/upgrade/keep.d/edgestat
drwxr-xr-x 0/0 ./usr/
drwxr-xr-x 0/0 ./usr/bin/
-rwxr-xr-x 0/0 ./usr/bin/edgestat" "$(listing "$x/data.tar.gz")"
	check "$arch: data mtimes = SOURCE_DATE_EPOCH" "$SDE_DATE" "$(tar -tvzf "$x/data.tar.gz" | awk '{print $4}' | sort -u)"
	check "$arch: control files" \
"drwxr-xr-x 0/0 ./
-rw-r--r-- 0/0 ./conffiles
-rw-r--r-- 0/0 ./control
-rwxr-xr-x 0/0 ./postinst
-rwxr-xr-x 0/0 ./prerm" "$(listing "$x/control.tar.gz")"
	mkdir -p "$x/c" "$x/d"
	tar -xzf "$x/control.tar.gz" -C "$x/c"
	tar -xzf "$x/data.tar.gz" -C "$x/d"
	field() { sed -n "s/^$1: //p" "$x/c/control"; }
	check "$arch: Package" edgestat "$(field Package)"
	check "$arch: Version" 1.2.3-r1 "$(field Version)"
	check "$arch: Architecture" "$arch" "$(field Architecture)"
	check "$arch: no Depends (static binary)" "" "$(field Depends)"
	check "$arch: Installed-Size = uncompressed data tar (ipkg-build)" \
		"$(gzip -dc "$x/data.tar.gz" | wc -c)" "$(field Installed-Size)"
	check "$arch: SourceDateEpoch" "$SOURCE_DATE_EPOCH" "$(field SourceDateEpoch)"
	check "$arch: Require-User (USERID)" "edgestat=9100:edgestat=9100" "$(field Require-User)"
	for f in Source SourceName License Section Maintainer Description; do
		check_true "$arch: $f present" test -n "$(field "$f")"
	done
	check "$arch: conffiles" "/etc/config/edgestat" "$(cat "$x/c/conffiles")"
	check_true "$arch: postinst calls default_postinst" grep -qx 'default_postinst "$0" "$@"' "$x/c/postinst"
	check_true "$arch: postinst honours IPKG_NO_SCRIPT" grep -qF '[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0' "$x/c/postinst"
	check_true "$arch: prerm calls default_prerm" grep -qx 'default_prerm "$0" "$@"' "$x/c/prerm"
	check_true "$arch: payload is the binary" cmp -s "$BIN" "$x/d/usr/bin/edgestat"
	check_true "$arch: init script shipped" cmp -s "$SRC/platform/openwrt/files/edgestat.init" "$x/d/etc/init.d/edgestat"
	check_true "$arch: UCI config shipped" cmp -s "$SRC/platform/openwrt/files/edgestat.config" "$x/d/etc/config/edgestat"
	check "$arch: sysupgrade keeps /etc/edgestat/" "/etc/edgestat/" "$(cat "$x/d/lib/upgrade/keep.d/edgestat")"
done

# The maintainer scripts against a stand-in /lib/functions.sh: postinst
# runs default_postinst with its own path, prerm default_prerm; both do
# nothing without functions.sh, postinst nothing with IPKG_NO_SCRIPT=1.
fake=$tmp/instroot
mkdir -p "$fake/lib"
echo 'default_postinst() { echo "postinst $*"; }; default_prerm() { echo "prerm $*"; }' > "$fake/lib/functions.sh"
c=$tmp/x-mipsel_24kc/c
check "postinst runs default_postinst" "postinst $c/postinst configure" "$(IPKG_INSTROOT=$fake sh "$c/postinst" configure)"
check "prerm runs default_prerm" "prerm $c/prerm remove" "$(IPKG_INSTROOT=$fake sh "$c/prerm" remove)"
check "postinst: IPKG_NO_SCRIPT=1 does nothing" "" "$(IPKG_NO_SCRIPT=1 IPKG_INSTROOT=$fake sh "$c/postinst" configure)"
check "postinst: no functions.sh does nothing" "" "$(IPKG_INSTROOT=$tmp/nowhere sh "$c/postinst" configure)"

# Reproducible: the same inputs give the same bytes.
EDGESTAT_PKG_FOREIGN_OK=1 sh "$SRC/platform/openwrt/build-ipk.sh" "$BIN" mipsel_24kc 1.2.3 "$tmp/again" >/dev/null 2>&1
check_true "ipk is reproducible" cmp -s "$tmp/out/edgestat_1.2.3-r1_mipsel_24kc.ipk" "$tmp/again/edgestat_1.2.3-r1_mipsel_24kc.ipk"

# The arch check: an x86-64 (or dynamic) binary is refused as mipsel.
if sh "$SRC/platform/openwrt/build-ipk.sh" "$BIN" mipsel_24kc 1.2.3 "$tmp/refused" > "$tmp/err" 2>&1; then
	echo "FAIL: build-ipk.sh packaged a mislabelled binary"; FAILED=1
else
	check_true "ipk: mislabelled binary refused with a reason" grep -q "not MIPS\|dynamically linked" "$tmp/err"
fi
check "ipk: unknown arch refused" 2 "$(sh "$SRC/platform/openwrt/build-ipk.sh" "$BIN" vax_11 1.2.3 "$tmp/refused" >/dev/null 2>&1; echo $?)"

# ---- .deb ----
for arch in amd64 armhf; do
	deb=$(EDGESTAT_PKG_FOREIGN_OK=1 sh "$SRC/platform/linux/build-deb.sh" "$BIN" "$arch" 1.2.3-1 "$tmp/out" 2>/dev/null)
	check "$arch: file name" "$tmp/out/edgestat_1.2.3-1_$arch.deb" "$deb"
	check "$arch: is an ar archive" '!<arch>' "$(head -c 7 "$deb")"
	f() { dpkg-deb -f "$deb" "$1"; }
	check "$arch: Package" edgestat "$(f Package)"
	check "$arch: Version" 1.2.3-1 "$(f Version)"
	check "$arch: Architecture" "$arch" "$(f Architecture)"
	check "$arch: Depends: only what the maintainer scripts run (static binary)" \
		"adduser, init-system-helpers (>= 1.54~)" "$(f Depends)"
	check_true "$arch: Maintainer and Description" test -n "$(f Maintainer)" -a -n "$(f Description)"
	dpkg-deb -x "$deb" "$tmp/deb-$arch"
	check "$arch: Installed-Size (KiB)" "$(du -sk "$tmp/deb-$arch" | cut -f1)" "$(f Installed-Size)"
	check "$arch: files, modes, owners" \
"drwxr-xr-x root/root ./
drwxr-xr-x root/root ./etc/
drwxr-xr-x root/root ./etc/default/
-rw-r--r-- root/root ./etc/default/edgestat
drwxr-xr-x root/root ./etc/edgestat/
-rw-r--r-- root/root ./etc/edgestat/edgestat.conf
drwxr-xr-x root/root ./etc/init.d/
-rwxr-xr-x root/root ./etc/init.d/edgestat
drwxr-xr-x root/root ./etc/logrotate.d/
-rw-r--r-- root/root ./etc/logrotate.d/edgestat
drwxr-xr-x root/root ./lib/
drwxr-xr-x root/root ./lib/systemd/
drwxr-xr-x root/root ./lib/systemd/system/
-rw-r--r-- root/root ./lib/systemd/system/edgestat.service
drwxr-xr-x root/root ./usr/
drwxr-xr-x root/root ./usr/bin/
-rwxr-xr-x root/root ./usr/bin/edgestat
drwxr-xr-x root/root ./usr/share/
drwxr-xr-x root/root ./usr/share/doc/
drwxr-xr-x root/root ./usr/share/doc/edgestat/
-rw-r--r-- root/root ./usr/share/doc/edgestat/changelog.Debian.gz
-rw-r--r-- root/root ./usr/share/doc/edgestat/copyright
drwxr-xr-x root/root ./usr/share/doc/edgestat/examples/
-rw-r--r-- root/root ./usr/share/doc/edgestat/examples/autoscaler.conf
drwxr-xr-x root/root ./usr/share/lintian/
drwxr-xr-x root/root ./usr/share/lintian/overrides/
-rw-r--r-- root/root ./usr/share/lintian/overrides/edgestat
drwxr-xr-x root/root ./usr/share/man/
drwxr-xr-x root/root ./usr/share/man/man1/
-rw-r--r-- root/root ./usr/share/man/man1/edgestat.1.gz" \
		"$(dpkg-deb -c "$deb" | awk '{print $1, $2, $NF}')"
	dpkg-deb -e "$deb" "$tmp/ctl-$arch"
	check "$arch: conffiles" "/etc/default/edgestat /etc/edgestat/edgestat.conf /etc/init.d/edgestat /etc/logrotate.d/edgestat" \
		"$(paste -sd ' ' "$tmp/ctl-$arch/conffiles")"
	check "$arch: control members" "conffiles control md5sums postinst postrm prerm" "$(cd "$tmp/ctl-$arch" && echo *)"
	check_true "$arch: md5sums verify" bash -c "cd '$tmp/deb-$arch' && md5sum --quiet -c '$tmp/ctl-$arch/md5sums'"
	check_true "$arch: postinst uses deb-systemd-helper and update-rc.d" \
		grep -q "deb-systemd-helper enable edgestat.service" "$tmp/ctl-$arch/postinst"
	check_true "$arch: shipped config passes check-config" \
		"$BIN" check-config "$tmp/deb-$arch/etc/edgestat/edgestat.conf" >/dev/null
	check_true "$arch: payload is the binary" cmp -s "$BIN" "$tmp/deb-$arch/usr/bin/edgestat"
done
check "deb mtimes = SOURCE_DATE_EPOCH" "$SDE_DATE" "$(dpkg-deb -c "$tmp/out/edgestat_1.2.3-1_amd64.deb" | awk '{print $4}' | sort -u)"
EDGESTAT_PKG_FOREIGN_OK=1 sh "$SRC/platform/linux/build-deb.sh" "$BIN" amd64 1.2.3-1 "$tmp/again" >/dev/null 2>&1
check_true "deb is reproducible" cmp -s "$tmp/out/edgestat_1.2.3-1_amd64.deb" "$tmp/again/edgestat_1.2.3-1_amd64.deb"
# armhf must be an ARMv6 ARM binary: the x86-64 one is refused.
check "deb: armhf refuses a non-ARMv6 binary" 1 "$(sh "$SRC/platform/linux/build-deb.sh" "$BIN" armhf 1.2.3-1 "$tmp/refused" >/dev/null 2>&1; echo $?)"
check "deb: unsupported arch refused" 2 "$(sh "$SRC/platform/linux/build-deb.sh" "$BIN" i386 1.2.3-1 "$tmp/refused" >/dev/null 2>&1; echo $?)"
finish
