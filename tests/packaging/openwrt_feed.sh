#!/bin/bash
# The OpenWrt feed package's build steps, run the way the SDK runs them
# (tests/packaging/openwrt-sdk/: stand-ins for rules.mk, package.mk and
# cmake.mk with OpenWrt's order and values): Build/Prepare copies this
# checkout, CMake configures with prefix /usr and the Makefile's
# CMAKE_OPTIONS, builds, installs into the staging dir (PKG_INSTALL), and
# Package/edgestat/install copies from there. The host's shared libuv and
# mbedTLS stand in for OpenWrt's: the result must be the dynamic variant
# (NEEDED libuv and libmbedtls, no C++ runtime), run, report the package
# version, and the ipkg tree must hold what the procd service needs.
# Usage: openwrt_feed.sh BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
command -v make >/dev/null || skip "make not installed"
tmp=$(mktemp -d /tmp/edgestat-firmware-feed.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The feed directory as `src-link edgestat $SRC/platform` makes it: the
# package Makefile is SRC/platform/openwrt/Makefile, run from there.
top=$tmp/sdk
cp -r "$SRC/tests/packaging/openwrt-sdk" "$top"
pkg=$SRC/platform/openwrt
if ! make -C "$pkg" --no-print-directory TOPDIR="$top" JOBS="${JOBS:-2}" package > "$tmp/make.log" 2>&1; then
	tail -n 30 "$tmp/make.log"
	for f in "$top"/build_dir/edgestat-*/openwrt-build/*.log; do echo "--- $f"; tail -n 20 "$f"; done
	fail "the feed Makefile's build failed"
fi
b=$(echo "$top"/build_dir/edgestat-*)
staging=$b/ipkg-install
ipkg=$top/build_dir/ipkg/edgestat

check_true "Build/Prepare copied the checkout (CMakeLists.txt, src, config)" \
	test -f "$b/CMakeLists.txt" -a -d "$b/src" -a -f "$b/config/edgestat.conf"
check_true "configured out of tree with prefix /usr" grep -q '^CMAKE_INSTALL_PREFIX:PATH=/usr$' "$b/openwrt-build/CMakeCache.txt"
check_true "CMAKE_OPTIONS reached CMake (no tests)" grep -q '^EDGESTAT_TESTS:BOOL=OFF$' "$b/openwrt-build/CMakeCache.txt"
check "install() rules: the staging dir" \
"./usr/bin/edgestat
./usr/share/edgestat/edgestat.conf.example" "$(cd "$staging" && find . -type f | sort)"
check "Package/edgestat/install: the ipkg tree" \
"755 ./etc/config
600 ./etc/config/edgestat
755 ./etc/init.d
755 ./etc/init.d/edgestat
755 ./lib/upgrade/keep.d
644 ./lib/upgrade/keep.d/edgestat
755 ./usr/bin
755 ./usr/bin/edgestat" "$(cd "$ipkg" && find . -mindepth 1 ! -name lib ! -name upgrade ! -name etc ! -name usr -printf '%m %p\n' | sort -k2)"
check "conffiles" "/etc/config/edgestat" "$(sed '/^$/d' "$ipkg.conffiles")"
check "keep.d keeps /etc/edgestat/ across sysupgrade" "/etc/edgestat/" "$(cat "$ipkg/lib/upgrade/keep.d/edgestat")"
check_true "init script and UCI config are the shipped ones" \
	cmp -s "$pkg/files/edgestat.init" "$ipkg/etc/init.d/edgestat"
check_true "UCI config is the shipped one" cmp -s "$pkg/files/edgestat.config" "$ipkg/etc/config/edgestat"

# The dynamic variant: the firmware's libuv and libmbedtls, no C++ runtime.
needed=$(readelf -d "$ipkg/usr/bin/edgestat" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd ' ')
echo "NEEDED: $needed"
check_true "links libuv dynamically" grep -q 'libuv\.so' <<< "$needed"
check_true "links libmbedtls, libmbedx509, libmbedcrypto dynamically" \
	grep -q 'libmbedtls\.so.*libmbedx509\.so\|libmbedcrypto\.so.*libmbedtls\.so' <<< "$needed"
check "no C++ runtime (DEPENDS has no +libstdcpp)" "" "$(grep -o 'libstdc++[^ ]*' <<< "$needed" || true)"
check_true "Makefile DEPENDS names exactly those libraries" grep -qx '  DEPENDS:=+libuv +libmbedtls' "$pkg/Makefile"
version=$(sed -n 's/^PKG_VERSION:=//p' "$pkg/Makefile")
check_true "--version contains PKG_VERSION (the feed CI's check)" grep -q "$version" <<< "$("$ipkg/usr/bin/edgestat" --version)"
check_true "the packaged binary collects" grep -q '^node_load1 ' <<< "$("$ipkg/usr/bin/edgestat" once 2>/dev/null)"
finish
