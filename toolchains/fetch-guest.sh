#!/bin/sh
# Fetch what a bootable test image needs for one guest architecture from
# Debian 12 (bookworm): a kernel (linux-image-*) and busybox-static, both
# pinned by version and sha256, downloaded with `apt-get download` through a
# private apt configuration (like fetch-sources.sh: own sources, lists and
# cache under $CACHE, the machine's apt setup untouched), unpacked with
# dpkg-deb -x. Prints the guest directory:
#
#   $CACHE/guest/TARGET/
#     kernel            the kernel image qemu boots (-kernel)
#     busybox           the static busybox for the guest
#     modules/*.ko      virtio-net and what it needs, and load.order: the
#                       .ko names in dependency order (depends= in .modinfo);
#                       modules built into this kernel are simply absent
#     .edgestat-stamp   the pins it was made from
#
# Usage: fetch-guest.sh aarch64|armv7|mipsel
# Big-endian mips and armv6 have no Debian kernel (Debian dropped big-endian
# MIPS after buster and never had an ARMv6 kernel): they stay on qemu-user.
#
# Pins are the bookworm point-release versions (the suite changes only at a
# point release, bookworm-security more often). If the archive no longer
# has the pinned version, set KERNEL_VERSION/KERNEL_ABI and the matching
# *_SHA256 (printed by the error) or keep an old $CACHE: a cached .deb
# whose sha256 matches is never fetched again.
#
# Env: EDGESTAT_CACHE (default /var/cache/edgestat)
#      EDGESTAT_DEBIAN_MIRROR  override the mirror URI (default: system's)
set -eu

TARGET=${1:-}
KERNEL_VERSION=${KERNEL_VERSION:-6.1.176-1}
KERNEL_ABI=${KERNEL_ABI:-6.1.0-50}
BUSYBOX_VERSION=${BUSYBOX_VERSION:-1:1.35.0-4+deb12u1+b1}

case "$TARGET" in
	aarch64)
		DEBARCH=arm64 FLAVOUR=arm64
		KERNEL_SHA256=${KERNEL_SHA256:-914f75b57a8e165d85fb910c3e2dcc7000a05a9fea3f42f90b26e8dd590d5f06}
		BUSYBOX_SHA256=${BUSYBOX_SHA256:-732c9135564fc71337e0e05fb4da4d11e6c28c1834bce3e405e575afef2a52f5} ;;
	armv7)
		DEBARCH=armhf FLAVOUR=armmp
		KERNEL_SHA256=${KERNEL_SHA256:-ddd1d8dd0c6beabb9eb96bcfab26549eb30c63331bae31de481ffae4af0e982a}
		BUSYBOX_SHA256=${BUSYBOX_SHA256:-2f68dbeaebeda49f3cde34ac421d5add85fb1c837ff7c4a4971945340d9d66ff} ;;
	mipsel)
		DEBARCH=mipsel FLAVOUR=4kc-malta
		KERNEL_SHA256=${KERNEL_SHA256:-7814a3e09dcd75835963be7beeea8e01d8b7db5edcd4dc91e6a2fc1e1b380168}
		BUSYBOX_SHA256=${BUSYBOX_SHA256:-3d154a0681a75938b7c27f2bd40625852d37471fb768c98ea3c98019111d1352} ;;
	mips|armv6)
		echo "fetch-guest.sh: $TARGET has no Debian kernel (big-endian MIPS left Debian after buster; Debian never built ARMv6): its tests run under qemu-user (make test-cross)" >&2
		exit 2 ;;
	*)
		echo "usage: fetch-guest.sh aarch64|armv7|mipsel" >&2
		exit 2 ;;
esac
KERNEL_PKG=linux-image-$KERNEL_ABI-$FLAVOUR
# The modules virtio-net needs (their own dependencies are added from
# modinfo): the PCI transport and the network driver.
WANT_MODULES="virtio_pci virtio_net"

CACHE=${EDGESTAT_CACHE:-/var/cache/edgestat}
GDIR=$CACHE/guest
APTDIR=$GDIR/apt
DL=$GDIR/downloads
OUT=$GDIR/$TARGET
STAMP="kernel=$KERNEL_PKG=$KERNEL_VERSION@$KERNEL_SHA256 busybox=$BUSYBOX_VERSION@$BUSYBOX_SHA256 modules=$WANT_MODULES"

log() { printf 'fetch-guest.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -f "$OUT/.edgestat-stamp" ] && [ "$(cat "$OUT/.edgestat-stamp")" = "$STAMP" ]; then
	echo "$OUT"
	exit 0
fi
for c in apt-get dpkg-deb readelf sha256sum xz; do
	command -v "$c" >/dev/null 2>&1 || die "$c not found (apt-get install apt dpkg binutils coreutils xz-utils)"
done

# The system's main Debian mirror URI (the first non-security deb entry).
system_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ { u = $2 } /^Suites:/ { s = $0 }
		     /^$/ { if (u ~ /\/debian\/?$/ && s !~ /-security/) { print u; exit } u = ""; s = "" }
		     END { if (u ~ /\/debian\/?$/ && s !~ /-security/) print u }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		     if ($(i+1) !~ /-security/ && $i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
	done
}

# file sha256: the cached .deb if it matches, else download it.
fetch_deb() { # PACKAGE VERSION SHA256
	pkg=$1 ver=$2 sum=$3
	# apt-get download writes the epoch's ':' as %3a.
	f=$DL/${pkg}_$(echo "$ver" | sed 's/:/%3a/')_$DEBARCH.deb
	if [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sum" ]; then
		echo "$f"
		return 0
	fi
	apt_ready
	log "apt-get download $pkg:$DEBARCH=$ver"
	if ! (cd "$DL" && apt_private -q download "$pkg:$DEBARCH=$ver") > "$DL/apt.log" 2>&1; then
		cat "$DL/apt.log" >&2
		die "cannot download $pkg:$DEBARCH=$ver (no longer in bookworm? 'apt-cache madison' with $APTDIR shows what is; override the pins, see the header)"
	fi
	got=$(sha256sum "$f" | cut -d' ' -f1)
	[ "$got" = "$sum" ] || die "$f: sha256 $got, pinned $sum"
	echo "$f"
}

APT_READY=0
apt_ready() {
	[ "$APT_READY" = 1 ] && return 0
	MIRROR=${EDGESTAT_DEBIAN_MIRROR:-$(system_mirror | head -n 1)}
	[ -n "$MIRROR" ] || die "cannot find the system's Debian mirror in /etc/apt; set EDGESTAT_DEBIAN_MIRROR"
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/sources.list.d" "$APTDIR/preferences.d"
	cat > "$APTDIR/edgestat-guest.sources" <<EOF
# Generated by toolchains/fetch-guest.sh: bookworm's binary packages for the
# guest architectures of the test images (kernels, busybox-static).
Types: deb
URIs: $MIRROR
Suites: bookworm
Components: main
Architectures: arm64 armhf mipsel
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	if ! ls "$APTDIR"/lists/*_binary-"$DEBARCH"_Packages* >/dev/null 2>&1; then
		log "apt-get update (private lists: bookworm arm64 armhf mipsel from $MIRROR)"
		apt_private -q update > "$APTDIR/update.log" 2>&1 || { cat "$APTDIR/update.log" >&2; die "apt-get update failed"; }
	fi
	APT_READY=1
}
apt_private() {
	apt-get \
		-o Dir::Etc::SourceList="$APTDIR/edgestat-guest.sources" \
		-o Dir::Etc::SourceParts="$APTDIR/sources.list.d" \
		-o Dir::Etc::PreferencesParts="$APTDIR/preferences.d" \
		-o Dir::State::Lists="$APTDIR/lists" \
		-o Dir::Cache="$APTDIR/cache" \
		-o APT::Architectures::=arm64 -o APT::Architectures::=armhf -o APT::Architectures::=mipsel \
		-o APT::Sandbox::User=root \
		"$@"
}

mkdir -p "$DL"
kdeb=$(fetch_deb "$KERNEL_PKG" "$KERNEL_VERSION" "$KERNEL_SHA256")
bdeb=$(fetch_deb busybox-static "$BUSYBOX_VERSION" "$BUSYBOX_SHA256")

work=$(mktemp -d "$GDIR/.work-$TARGET.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$kdeb" "$work/k"
dpkg-deb -x "$bdeb" "$work/b"
new=$work/out
mkdir -p "$new/modules"
# arm64 and armmp ship a compressed image (vmlinuz), malta an ELF (vmlinux).
kernel=""
for k in "$work/k/boot/vmlinuz-$KERNEL_ABI-$FLAVOUR" "$work/k/boot/vmlinux-$KERNEL_ABI-$FLAVOUR"; do
	[ -f "$k" ] && kernel=$k && break
done
[ -n "$kernel" ] || die "no kernel image in $kdeb"
cp "$kernel" "$new/kernel"
cp "$work/b/bin/busybox" "$new/busybox"

# Dependency closure of WANT_MODULES, in load order (dependencies first).
mods=$(find "$work/k/lib/modules" -name '*.ko' -o -name '*.ko.xz')
mod_path() { printf '%s\n' "$mods" | grep -E "/$(echo "$1" | sed 's/[-_]/[-_]/g')\.ko(\.xz)?\$" | head -n 1; }
# A module's depends= from its .modinfo section (readelf reads any
# architecture's ELF; modinfo would need kmod).
depends_of() {
	case "$1" in
		*.xz) xz -dc "$1" > "$work/m.ko"; set -- "$work/m.ko" ;;
	esac
	LC_ALL=C readelf -p .modinfo "$1" | sed -n 's/.*depends=//p' | tr ',' ' '
}
ORDER=""
# Recursive: the path is looked up again after the dependencies, since
# POSIX sh has no local variables.
add_module() {
	case " $ORDER " in *" $1 "*) return 0 ;; esac
	[ -n "$(mod_path "$1")" ] || return 0  # built into this kernel
	for d in $(depends_of "$(mod_path "$1")"); do add_module "$d"; done
	case "$(mod_path "$1")" in
		*.xz) xz -dc "$(mod_path "$1")" > "$new/modules/$1.ko" ;;
		*) cp "$(mod_path "$1")" "$new/modules/$1.ko" ;;
	esac
	ORDER="$ORDER $1"
}
for m in $WANT_MODULES; do add_module "$m"; done
for m in $ORDER; do echo "$m.ko"; done > "$new/modules/load.order"
echo "$STAMP" > "$new/.edgestat-stamp"

rm -rf "$OUT"
mv "$new" "$OUT"
log "$TARGET: $(basename "$kernel") ($(wc -c < "$OUT/kernel") bytes), busybox, modules:$ORDER"
echo "$OUT"
