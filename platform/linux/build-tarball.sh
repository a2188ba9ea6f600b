#!/bin/sh
# Builds edgestat-VERSION-linux-TARGET.tar.gz: everything install.sh needs
# to install the static binary on any Linux (or, with DESTDIR, into another
# machine's root filesystem), in one directory:
#   edgestat  install.sh  edgestat.service  edgestat.init  edgestat.default
#   edgestat.logrotate  edgestat.conf  edgestat.1  autoscaler.conf  README
# Reproducible: root-owned, sorted, every mtime SOURCE_DATE_EPOCH, gzip -n.
#
# Usage: build-tarball.sh BINARY TARGET VERSION OUTDIR
set -eu
[ $# -eq 4 ] || { echo "usage: $0 BINARY TARGET VERSION OUTDIR" >&2; exit 2; }
BINARY=$1 TARGET=$2 VERSION=$3 OUTDIR=$4
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../common/payload.sh
. "$HERE/../common/payload.sh"
[ -x "$BINARY" ] || { echo "$0: $BINARY is not an executable" >&2; exit 1; }
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || date -r "$HERE/install.sh" +%s)
fi

name=edgestat-$VERSION-linux-$TARGET
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022
d=$work/$name
mkdir -p "$d"
install -m 0755 "$BINARY" "$d/edgestat"
install -m 0755 "$HERE/install.sh" "$d/install.sh"
for f in edgestat.service edgestat.default edgestat.logrotate edgestat.1 autoscaler.conf; do
	install -m 0644 "$HERE/$f" "$d/$f"
done
install -m 0755 "$HERE/edgestat.init" "$d/edgestat.init"
payload_config "$SRC" "$d/edgestat.conf"
chmod 0644 "$d/edgestat.conf"
cat > "$d/README" <<README
edgestat $VERSION for $TARGET: one static binary, no dependencies.

  sudo ./install.sh install            # binary, config, user; systemd unit or
                                        # sysvinit script; starts it on :9100
  curl -s localhost:9100/metrics | head
  sudo ./install.sh uninstall [--purge]

Into another machine's root filesystem (an SD card mounted on a PC):
  sudo DESTDIR=/mnt/rootfs ./install.sh install
(the user goes into its /etc/passwd, the service is enabled there).
The full guide: README.md of the edgestat repository, "Installing edgestat".
README
mkdir -p "$OUTDIR"
out=$(cd "$OUTDIR" && pwd)/$name.tar.gz
(cd "$work" && tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name \
	--mtime="@$SOURCE_DATE_EPOCH" -cf - "$name") | gzip -n -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
