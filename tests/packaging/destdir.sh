#!/bin/bash
# install.sh into another machine's root filesystem (DESTDIR), as when
# preparing a Raspberry Pi SD card on a PC: a binary for another
# architecture, the edgestat user added to the target's passwd/group/shadow
# (never to this machine's), numeric ownership, the service enabled in the
# target for systemd and for sysvinit, idempotence, and upgrade/uninstall.
# Usage: destdir.sh BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
INSTALL=$SRC/platform/linux/install.sh
tmp=$(mktemp -d /tmp/edgestat-firmware-destdir.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"

# A binary that cannot run here but that readelf reads as AArch64: this
# binary with e_type ET_REL and e_machine EM_AARCH64 (the kernel and any
# binfmt_misc handler refuse to exec it, as an arm64 binary on a PC without
# qemu-user).
foreign=$tmp/edgestat-aarch64
cp "$BIN" "$foreign"
printf '\001\000\267\000' | dd of="$foreign" bs=1 seek=16 conv=notrunc status=none
chmod 0755 "$foreign"
check "the foreign binary does not run here" 1 "$("$foreign" version >/dev/null 2>&1 && echo 0 || echo 1)"

# A Raspberry Pi OS-like root: systemd, a pi user, and id 999 already
# taken (systemd-journal's group), so the next free system id is 998.
mkroot() { # DIR INIT
	local r=$1
	mkdir -p "$r/etc" "$r/usr/sbin"
	cat > "$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
pi:x:1000:1000:,,,:/home/pi:/bin/bash
P
	cat > "$r/etc/group" <<'G'
root:x:0:
daemon:x:1:
systemd-journal:x:999:
systemd-network:x:998:
pi:x:1000:
G
	printf 'root:*:19000:0:99999:7:::\npi:$y$j9T$x:19000:0:99999:7:::\n' > "$r/etc/shadow"
	printf 'root:*::\npi:!::\n' > "$r/etc/gshadow"
	: > "$r/usr/sbin/nologin"
	if [ "$2" = systemd ]; then
		mkdir -p "$r/lib/systemd/system"
	else
		mkdir -p "$r/etc/rcS.d" "$r/etc/rc2.d"
	fi
}
host_passwd=$(getent passwd edgestat || true)

for kind in systemd sysv; do
	r=$tmp/$kind
	mkroot "$r" "$kind"
	out=$(DESTDIR=$r sh "$INSTALL" install --binary "$foreign" 2>&1) || { echo "$out"; fail "[$kind] install failed"; }
	check_true "[$kind] foreign binary identified, not run" grep -q "is for AArch64 (not run here)" <<< "$out"
	check_true "[$kind] says the service is enabled in the target" grep -q "enabled .* in the target" <<< "$out"
	check_true "[$kind] binary installed" cmp -s "$foreign" "$r/usr/bin/edgestat"
	check "[$kind] user in the target's passwd (first free system id, nologin)" \
		"edgestat:x:997:997:edgestat metrics agent:/var/lib/edgestat:/usr/sbin/nologin" "$(grep '^edgestat:' "$r/etc/passwd")"
	check "[$kind] group in the target's group" "edgestat:x:997:" "$(grep '^edgestat:' "$r/etc/group")"
	check_true "[$kind] locked shadow entry" grep -q '^edgestat:!:[0-9]*::::::$' "$r/etc/shadow"
	check "[$kind] gshadow entry" "edgestat:!::" "$(grep '^edgestat:' "$r/etc/gshadow")"
	check "[$kind] this machine's passwd untouched" "$host_passwd" "$(getent passwd edgestat || true)"
	if [ "$(id -u)" = 0 ]; then
		check "[$kind] config: 0640, group edgestat's id" "640 0:997" "$(stat -c '%a %u:%g' "$r/etc/edgestat/edgestat.conf")"
		check "[$kind] data dir: 0750, owned by edgestat's ids" "750 997:997" "$(stat -c '%a %u:%g' "$r/var/lib/edgestat")"
	fi
	if [ "$kind" = systemd ]; then
		check "[$kind] unit installed" "" "$(cmp "$SRC/platform/linux/edgestat.service" "$r/etc/systemd/system/edgestat.service" 2>&1)"
		check "[$kind] enabled: multi-user.target.wants link" "/etc/systemd/system/edgestat.service" \
			"$(readlink "$r/etc/systemd/system/multi-user.target.wants/edgestat.service")"
		check_true "[$kind] no init.d script" test ! -e "$r/etc/init.d/edgestat"
	else
		check_true "[$kind] init script installed" test -x "$r/etc/init.d/edgestat"
		check_true "[$kind] logrotate config installed" cmp -s "$SRC/platform/linux/edgestat.logrotate" "$r/etc/logrotate.d/edgestat"
		check "[$kind] enabled: rcN.d links" \
			"rc0.d/K01edgestat rc1.d/K01edgestat rc2.d/S01edgestat rc3.d/S01edgestat rc4.d/S01edgestat rc5.d/S01edgestat rc6.d/K01edgestat" \
			"$(cd "$r/etc" && for l in rc?.d/*edgestat; do [ "$(readlink "$l")" = ../init.d/edgestat ] && echo "$l"; done | paste -sd ' ')"
	fi
	before=$(cd "$r" && find . -printf '%p %m %s %u %g %l\n' | sort | md5sum)
	DESTDIR=$r sh "$INSTALL" install --binary "$foreign" >/dev/null 2>&1
	check "[$kind] a second install changes nothing (no second user)" "$before" \
		"$(cd "$r" && find . -printf '%p %m %s %u %g %l\n' | sort | md5sum)"
	DESTDIR=$r sh "$INSTALL" upgrade --binary "$BIN" >/dev/null 2>&1
	check_true "[$kind] upgrade replaces the binary" cmp -s "$BIN" "$r/usr/bin/edgestat"
	DESTDIR=$r sh "$INSTALL" uninstall --purge >/dev/null 2>&1
	check "[$kind] uninstall --purge: no edgestat file or boot link left" "" \
		"$(cd "$r" && find . -name '*edgestat*' ! -path './etc/passwd' | sort | paste -sd ' ')"
done

# make dist's tarball: install.sh run from the unpacked tarball finds the
# binary, unit, script and config beside it.
sh "$SRC/platform/linux/build-tarball.sh" "$foreign" aarch64 1.2.3 "$tmp/dist" >/dev/null
tar -xzf "$tmp/dist/edgestat-1.2.3-linux-aarch64.tar.gz" -C "$tmp/dist"
t=$tmp/dist/edgestat-1.2.3-linux-aarch64
check "tarball: contents" "README autoscaler.conf edgestat edgestat.1 edgestat.conf edgestat.default edgestat.init edgestat.logrotate edgestat.service install.sh" \
	"$(cd "$t" && echo *)"
r=$tmp/from-tarball
mkroot "$r" systemd
DESTDIR=$r sh "$t/install.sh" install >/dev/null 2>&1
check_true "tarball: install.sh installs its own binary" cmp -s "$foreign" "$r/usr/bin/edgestat"
check_true "tarball: and its unit" cmp -s "$SRC/platform/linux/edgestat.service" "$r/etc/systemd/system/edgestat.service"
check_true "tarball: and its config" cmp -s "$SRC/config/edgestat.conf" "$r/etc/edgestat/edgestat.conf"

# A root with no passwd at all (an image being assembled): both files made.
r=$tmp/bare
mkdir -p "$r"
DESTDIR=$r sh "$INSTALL" install --binary "$foreign" --init sysv >/dev/null 2>&1
check "bare root: passwd made" "edgestat:x:999:999:edgestat metrics agent:/var/lib/edgestat:/bin/false" "$(cat "$r/etc/passwd")"
check "bare root: no shadow file invented" "" "$(ls "$r/etc/shadow" 2>/dev/null || true)"
finish
