#!/bin/sh
# Builds edgestat_<VERSION>-r<RELEASE>_<ARCH>.ipk from a prebuilt (static
# musl) binary, byte for byte the way OpenWrt's scripts/ipkg-build does:
# an outer gzip'd tar (not ar, unlike .deb) of ./debian-binary,
# ./data.tar.gz and ./control.tar.gz; GNU tar format, numeric root owner,
# names sorted, every mtime SOURCE_DATE_EPOCH, gzip -n: the same inputs give
# the same bytes.
#
# Usage: build-ipk.sh BINARY ARCH VERSION OUTDIR
#   ARCH is OpenWrt's package architecture: aarch64_cortex-a53,
#   arm_cortex-a7_neon-vfpv4, arm_arm1176jzf-s_vfp, mipsel_24kc, mips_24kc,
#   x86_64, ... (opkg print-architecture on the router).
# Environment: RELEASE (1), SOURCE_DATE_EPOCH (the last commit's time),
#   EDGESTAT_PKG_FOREIGN_OK=1 to package a binary that is not a static
#   build for ARCH (tests only).
#
# OpenWrt 25.12 replaces opkg with apk v3: its packages are .apk files made
# by `apk mkpkg` (versions X.Y.Z-rN, as here), not .ipk; see README.md ("Installing edgestat").
set -eu

usage() {
	echo "usage: $0 BINARY ARCH VERSION OUTDIR" >&2
	exit 2
}
[ $# -eq 4 ] || usage
BINARY=$1 ARCH=$2 VERSION=$3 OUTDIR=$4
RELEASE=${RELEASE:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../common/payload.sh
. "$HERE/../common/payload.sh"

case "$VERSION" in
	''|*[!0-9A-Za-z.+~_]*) echo "$0: bad VERSION '$VERSION' (release is added as -r$RELEASE)" >&2; exit 2 ;;
esac
case "$RELEASE" in ''|*[!0-9]*) echo "$0: bad RELEASE '$RELEASE'" >&2; exit 2 ;; esac

# What the binary must be for each OpenWrt architecture family.
case "$ARCH" in
	aarch64_*)                 payload_check "$BINARY" AArch64 little "" ;;
	arm_arm1176*|arm_arm926*|arm_fa526|arm_xscale|arm_mpcore*)
	                           payload_check "$BINARY" ARM little 6 ;;
	arm_*)                     payload_check "$BINARY" ARM little 7 ;;
	mipsel_*|mips64el_*)       payload_check "$BINARY" MIPS little "" ;;
	mips_*|mips64_*)           payload_check "$BINARY" MIPS big "" ;;
	x86_64)                    payload_check "$BINARY" X86-64 little "" ;;
	i386_*)                    payload_check "$BINARY" 80386 little "" ;;
	riscv64_*)                 payload_check "$BINARY" RISC-V little "" ;;
	*) echo "$0: unknown OpenWrt architecture '$ARCH' (e.g. aarch64_cortex-a53, mipsel_24kc, x86_64)" >&2; exit 2 ;;
esac

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || true)
	[ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=$(date -r "$HERE/Makefile" +%s)
fi

umask 022
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=$work/data ctrl=$work/CONTROL out=$work/out
mkdir -p "$data" "$ctrl" "$out"
chmod 0755 "$data" "$ctrl"

install -D -m 0755 "$BINARY" "$data/usr/bin/edgestat"
install -D -m 0755 "$HERE/files/edgestat.init" "$data/etc/init.d/edgestat"
install -D -m 0644 "$HERE/files/edgestat.config" "$data/etc/config/edgestat"
# sysupgrade keeps /etc/edgestat/ (INI file, TLS keys, credentials).
install -D -m 0644 "$HERE/files/edgestat.upgrade" "$data/lib/upgrade/keep.d/edgestat"

pkgtar() { # DIR: tar of DIR's contents on stdout, as ipkg-build makes it
	(cd "$1" && tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name \
		--mtime="@$SOURCE_DATE_EPOCH" -cf - .)
}

# Installed-Size is what ipkg-build puts there: the size of the
# uncompressed data tar.
pkgtar "$data" > "$work/data.tar"
installed_size=$(wc -c < "$work/data.tar" | tr -d ' ')
gzip -n -9 < "$work/data.tar" > "$out/data.tar.gz"

# Require-User is what USERID:= in the feed Makefile becomes: OpenWrt's
# default_postinst creates the user and group from it before enabling the
# service (procd runs the agent as edgestat).
cat > "$ctrl/control" <<CONTROL
Package: edgestat
Version: $VERSION-r$RELEASE
Source: feeds/edgestat/openwrt
SourceName: edgestat
License: LicenseRef-edgestat-TBD
Section: utils
SourceDateEpoch: $SOURCE_DATE_EPOCH
Maintainer: edgestat maintainers <edgestat@example.invalid>
Require-User: edgestat=9100:edgestat=9100
Architecture: $ARCH
Installed-Size: $installed_size
Description: Small metrics agent: node_exporter's host metrics (same names,
 labels and flags), LXC container metrics and health, in one static binary.
 Configured through UCI (/etc/config/edgestat).
CONTROL
echo /etc/config/edgestat > "$ctrl/conffiles"

# OpenWrt's generic maintainer scripts (what package.mk generates):
# default_postinst creates the user, enables and starts every init script
# the package installed; default_prerm stops and disables them. Nothing
# runs when building an image (IPKG_INSTROOT set: only enable) or when
# opkg is told not to run scripts.
cat > "$ctrl/postinst" <<'SCRIPT'
#!/bin/sh
[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0
[ -s "${IPKG_INSTROOT}/lib/functions.sh" ] || exit 0
. "${IPKG_INSTROOT}/lib/functions.sh"
default_postinst "$0" "$@"
SCRIPT
cat > "$ctrl/prerm" <<'SCRIPT'
#!/bin/sh
[ -s "${IPKG_INSTROOT}/lib/functions.sh" ] || exit 0
. "${IPKG_INSTROOT}/lib/functions.sh"
default_prerm "$0" "$@"
SCRIPT
chmod 0644 "$ctrl/control" "$ctrl/conffiles"
chmod 0755 "$ctrl/postinst" "$ctrl/prerm"
pkgtar "$ctrl" | gzip -n -9 > "$out/control.tar.gz"

echo "2.0" > "$out/debian-binary"
ipk=$OUTDIR/edgestat_$VERSION-r${RELEASE}_$ARCH.ipk
(cd "$out" && tar --format=gnu --numeric-owner --owner=0 --group=0 --mtime="@$SOURCE_DATE_EPOCH" \
	-cf - ./debian-binary ./data.tar.gz ./control.tar.gz) | gzip -n -9 > "$ipk.tmp"
mv "$ipk.tmp" "$ipk"
echo "$ipk"
