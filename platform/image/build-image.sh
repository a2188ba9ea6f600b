#!/bin/sh
# Builds edgestat's minimal bootable test image for one guest architecture:
# Debian's kernel for it (toolchains/fetch-guest.sh: pinned, cached) and an
# initramfs holding busybox-static, virtio-net's modules, the static
# edgestat from `make cross`, installed by platform/linux/install.sh into
# the image root as it would be on a busybox system (the edgestat user in
# the image's passwd, the project's sysvinit script started from rcS, which
# runs the agent as that user), and a small config (edgestat.conf here).
# The cpio is written by mkcpio.py: no root, no fakeroot, reproducible.
#
# Usage: build-image.sh aarch64|armv7|mipsel BINARY OUTDIR
# Writes OUTDIR/kernel, OUTDIR/initramfs.cpio.gz and OUTDIR/boot.sh
# (`sh boot.sh PORT` boots it under qemu-system with the agent's :9100 on
# 127.0.0.1:PORT; more qemu arguments after PORT replace -nographic).
set -eu

[ $# -eq 3 ] || { echo "usage: $0 aarch64|armv7|mipsel BINARY OUTDIR" >&2; exit 2; }
TARGET=$1 BINARY=$2 OUTDIR=$3
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)

case "$TARGET" in
	aarch64) QEMU="qemu-system-aarch64 -M virt -cpu cortex-a53" CONSOLE=ttyAMA0 ;;
	armv7) QEMU="qemu-system-arm -M virt,highmem=off -cpu cortex-a7" CONSOLE=ttyAMA0 ;;
	mipsel) QEMU="qemu-system-mipsel -M malta -cpu 24Kc -vga none" CONSOLE=ttyS0 ;;
	*) echo "$0: no image for '$TARGET' (aarch64, armv7, mipsel; mips and armv6 have no Debian kernel and are tested under qemu-user)" >&2; exit 2 ;;
esac
[ -x "$BINARY" ] || { echo "$0: $BINARY is not an executable (make cross TARGET=$TARGET)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "$0: python3 not found" >&2; exit 1; }

guest=$(sh "$SRC/toolchains/fetch-guest.sh" "$TARGET")
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH

mkdir -p "$OUTDIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
umask 022
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc/init.d" \
	"$root/lib/modules" "$root/var/log" "$root/root"
cp "$guest/busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
install -m 0755 "$HERE/init" "$root/init"
install -m 0644 "$HERE/inittab" "$root/etc/inittab"
install -m 0755 "$HERE/rcS" "$root/etc/init.d/rcS"
cp "$guest/modules/"* "$root/lib/modules/"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"

# The project's installer, as on any busybox system prepared from a PC.
DESTDIR=$root sh "$SRC/platform/linux/install.sh" install --binary "$BINARY" --init sysv > "$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; exit 1; }
install -m 0640 "$HERE/edgestat.conf" "$root/etc/edgestat/edgestat.conf"
uid=$(awk -F: '$1 == "edgestat" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "edgestat" { print $3 }' "$root/etc/group")

python3 "$HERE/mkcpio.py" "$root" "$OUTDIR/initramfs.cpio.gz" \
	"etc/edgestat/edgestat.conf=0:$gid" "var/lib/edgestat=$uid:$gid"
cp "$guest/kernel" "$OUTDIR/kernel"
cat > "$OUTDIR/boot.sh" <<BOOT
#!/bin/sh
# Boots edgestat's $TARGET test image (platform/image/build-image.sh).
# Usage: sh boot.sh PORT [qemu arguments for the console, default -nographic]
# The agent's :9100 is forwarded to 127.0.0.1:PORT; the guest reaches
# nothing (restrict=on).
set -eu
here=\$(cd "\$(dirname "\$0")" && pwd)
port=\${1:?usage: boot.sh PORT [qemu args]}
shift
[ \$# -gt 0 ] || set -- -nographic
exec $QEMU -m 256 -no-reboot \\
	-kernel "\$here/kernel" -initrd "\$here/initramfs.cpio.gz" \\
	-append "console=$CONSOLE rdinit=/init quiet panic=-1" \\
	-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:\$port-:9100" \\
	-device virtio-net-pci,netdev=n0,romfile= \\
	"\$@"
BOOT
chmod 0755 "$OUTDIR/boot.sh"
echo "$OUTDIR: kernel $(wc -c < "$OUTDIR/kernel") bytes, initramfs $(wc -c < "$OUTDIR/initramfs.cpio.gz") bytes"
