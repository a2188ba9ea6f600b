#!/bin/sh
# Builds edgestat_<VERSION>_<DEBARCH>.deb from a prebuilt static binary with
# dpkg-deb: /usr/bin/edgestat, /etc/edgestat/edgestat.conf,
# /lib/systemd/system/edgestat.service, /etc/init.d/edgestat,
# /etc/default/edgestat, /usr/share/doc/edgestat/{copyright,examples/}.
#
# Usage: build-deb.sh BINARY DEBARCH VERSION OUTDIR
#   DEBARCH: amd64 (x86_64 binary), arm64 (aarch64), armhf.
#   armhf must be the ARMv6 (VFPv2) build: Raspberry Pi OS's armhf userland
#   is ARMv6 (Pi 1 / Zero), unlike Debian's armhf (ARMv7); an ARMv7 binary
#   would die with "Illegal instruction" there. The script checks.
# Environment: SOURCE_DATE_EPOCH (the last commit's time),
#   EDGESTAT_PKG_FOREIGN_OK=1 to package a binary that is not a static
#   build for DEBARCH (tests only).
set -eu

usage() {
	echo "usage: $0 BINARY DEBARCH VERSION OUTDIR" >&2
	exit 2
}
[ $# -eq 4 ] || usage
BINARY=$1 DEBARCH=$2 VERSION=$3 OUTDIR=$4
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../common/payload.sh
. "$HERE/../common/payload.sh"

case "$VERSION" in
	[0-9]*) ;;
	*) echo "$0: bad VERSION '$VERSION' (Debian versions start with a digit)" >&2; exit 2 ;;
esac
case "$VERSION" in *[!0-9A-Za-z.+~-]*) echo "$0: bad VERSION '$VERSION'" >&2; exit 2 ;; esac

case "$DEBARCH" in
	amd64) payload_check "$BINARY" X86-64 little "" ;;
	arm64) payload_check "$BINARY" AArch64 little "" ;;
	armhf) payload_check "$BINARY" ARM little 6 ;;
	*) echo "$0: unsupported DEBARCH '$DEBARCH' (amd64, arm64, armhf)" >&2; exit 2 ;;
esac
command -v dpkg-deb >/dev/null 2>&1 || { echo "$0: dpkg-deb not found (Debian package dpkg)" >&2; exit 1; }

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || true)
	[ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=$(date -r "$HERE/edgestat.service" +%s)
fi
export SOURCE_DATE_EPOCH

umask 022
mkdir -p "$OUTDIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/DEBIAN"
chmod 0755 "$root" "$root/DEBIAN"

install -D -m 0755 "$BINARY" "$root/usr/bin/edgestat"
payload_config "$SRC" "$work/edgestat.conf"
install -D -m 0644 "$work/edgestat.conf" "$root/etc/edgestat/edgestat.conf"
install -D -m 0644 "$HERE/edgestat.service" "$root/lib/systemd/system/edgestat.service"
install -D -m 0755 "$HERE/edgestat.init" "$root/etc/init.d/edgestat"
install -D -m 0644 "$HERE/edgestat.default" "$root/etc/default/edgestat"
install -D -m 0644 "$HERE/edgestat.logrotate" "$root/etc/logrotate.d/edgestat"
install -D -m 0644 "$HERE/debian/copyright" "$root/usr/share/doc/edgestat/copyright"
install -D -m 0644 "$HERE/debian/lintian-overrides" "$root/usr/share/lintian/overrides/edgestat"
mkdir -p "$root/usr/share/man/man1"
gzip -9n < "$HERE/edgestat.1" > "$root/usr/share/man/man1/edgestat.1.gz"
# A Debian changelog is required of every non-native package.
changed=$(date -u -d "@$SOURCE_DATE_EPOCH" -R)
printf 'edgestat (%s) unstable; urgency=medium\n\n  * Release %s, built from the edgestat repository.\n\n -- edgestat maintainers <edgestat@example.invalid>  %s\n' \
	"$VERSION" "${VERSION%-*}" "$changed" | gzip -9n > "$root/usr/share/doc/edgestat/changelog.Debian.gz"
install -D -m 0644 "$HERE/autoscaler.conf" "$root/usr/share/doc/edgestat/examples/autoscaler.conf"

for s in postinst prerm postrm; do
	install -m 0755 "$HERE/debian/$s" "$root/DEBIAN/$s"
done
cat > "$root/DEBIAN/conffiles" <<'EOF2'
/etc/default/edgestat
/etc/edgestat/edgestat.conf
/etc/init.d/edgestat
/etc/logrotate.d/edgestat
EOF2

# Installed-Size is in KiB (Debian policy 5.6.20).
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
# The binary is static: the Depends are the maintainer scripts' (adduser
# for the system user, init-system-helpers for deb-systemd-helper/-invoke).
cat > "$root/DEBIAN/control" <<EOF2
Package: edgestat
Version: $VERSION
Architecture: $DEBARCH
Maintainer: edgestat maintainers <edgestat@example.invalid>
Installed-Size: $installed_size
Depends: adduser, init-system-helpers (>= 1.54~)
Section: net
Priority: optional
Homepage: https://example.invalid/edgestat
Description: small metrics agent for routers, Raspberry Pis and LXC hosts
 edgestat serves node_exporter's host metrics (same names, labels and
 flags, so the "Node Exporter Full" Grafana dashboard works unchanged)
 from one small static binary, and adds LXC container metrics, health
 classification, an ingest path for local applications and OTLP push.
EOF2
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

# Every mtime SOURCE_DATE_EPOCH: dpkg-deb (>= 1.18.11) clamps to it, so the
# same inputs give the same .deb.
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
deb=$OUTDIR/edgestat_${VERSION}_$DEBARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb.tmp" >/dev/null
mv "$deb.tmp" "$deb"
echo "$deb"
