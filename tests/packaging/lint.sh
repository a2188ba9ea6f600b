#!/bin/bash
# Static checks of everything under platform/: `sh -n` on every shell script
# (and busybox ash for what runs on OpenWrt), shellcheck, the systemd unit
# through systemd-analyze, and the structure of the feed Makefile, UCI
# config and Dockerfile (no container engine or OpenWrt SDK runs here).
# Usage: lint.sh BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/packaging/lib.sh"
P=$SRC/platform
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts=(
	"$P/common/payload.sh"
	"$P/openwrt/build-ipk.sh" "$P/openwrt/files/edgestat.init"
	"$P/linux/build-deb.sh" "$P/linux/install.sh" "$P/linux/edgestat.init" "$P/linux/edgestat.default"
	"$P/linux/debian/postinst" "$P/linux/debian/prerm" "$P/linux/debian/postrm" "$P/linux/build-tarball.sh"
	"$P/image/build-image.sh" "$P/image/init" "$P/image/rcS"
	"$SRC/toolchains/fetch-guest.sh" "$SRC/toolchains/sizes.sh"
)
tests=("$SRC"/tests/packaging/*.sh "$SRC"/tests/e2e/packaging_*.sh "$SRC"/tests/image/*.sh "$SRC"/tests/container/*.sh)

for s in "${scripts[@]}"; do
	check_true "sh -n ${s#"$SRC"/}" sh -n "$s"
done
for s in "${tests[@]}"; do
	check_true "bash -n ${s#"$SRC"/}" bash -n "$s"
done
if command -v busybox >/dev/null; then
	for s in "$P/openwrt/files/edgestat.init" "$P/openwrt/build-ipk.sh" "$P/linux/edgestat.init" "$P/image/init" "$P/image/rcS"; do
		check_true "busybox ash -n ${s#"$SRC"/}" busybox sh -n "$s"
	done
fi

if command -v shellcheck >/dev/null; then
	for s in "${scripts[@]}" "${tests[@]}"; do
		if (cd "$(dirname "$s")" && shellcheck -x "$s" > "$tmp/sc" 2>&1); then
			PASS=$((PASS + 1))
		else
			echo "FAIL: shellcheck ${s#"$SRC"/}"; cat "$tmp/sc"; FAILED=1
		fi
	done
else
	echo "SKIPPED (part): shellcheck not installed (toolchains/deps.sh installs it)"
fi

# systemd unit and drop-in: verified offline, ExecStart pointed at the
# binary under test (verify checks the executable exists).
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/units" "$tmp/dropin/edgestat.service.d"
	sed "s|/usr/bin/edgestat|$BIN|" "$P/linux/edgestat.service" > "$tmp/units/edgestat.service"
	cp "$tmp/units/edgestat.service" "$tmp/dropin/"
	cp "$P/linux/autoscaler.conf" "$tmp/dropin/edgestat.service.d/"
	for unit in units dropin; do
		if systemd-analyze verify --man=no "$tmp/$unit/edgestat.service" > "$tmp/v" 2>&1 && ! grep -q . "$tmp/v"; then
			PASS=$((PASS + 1))
		else
			echo "FAIL: systemd-analyze verify edgestat.service ($unit)"; cat "$tmp/v"; FAILED=1
		fi
	done
	exposure=$(systemd-analyze security --offline=yes "$tmp/units/edgestat.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$exposure" ]; then
		echo "systemd-analyze security: exposure $exposure"
		check_true "unit exposure <= 2.0 (systemd-analyze security)" awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'
	fi
else
	echo "SKIPPED (part): systemd-analyze not installed"
fi
u=$P/linux/edgestat.service
for kv in "User=edgestat" "StateDirectory=edgestat" "RuntimeDirectory=edgestat" "ProtectSystem=strict" \
	"PrivateTmp=yes" "NoNewPrivileges=yes" "CapabilityBoundingSet=" \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "MemoryMax=32M" "Restart=on-failure" \
	'ExecReload=/bin/kill -HUP $MAINPID' "SystemCallFilter=@system-service" "ProtectKernelTunables=yes"; do
	check_true "unit: $kv" grep -qxF "$kv" "$u"
done
# The unit's flags are ones the binary accepts.
check_true "unit: ExecStart flags accepted by the binary" \
	"$BIN" check-config "$(sed -n 's/^ExecStart=[^ ]* run //p' "$u" | cut -d' ' -f1)" \
	"$(sed -n 's/^ExecStart=[^ ]* run //p' "$u" | cut -d' ' -f2)" >/dev/null
check_true "sysv script: LSB header" grep -q '^### BEGIN INIT INFO' "$P/linux/edgestat.init"

# Feed Makefile: what OpenWrt's build system needs.
m=$P/openwrt/Makefile
for re in '^include \$\(TOPDIR\)/rules\.mk$' '^include \$\(INCLUDE_DIR\)/package\.mk$' '^include \$\(INCLUDE_DIR\)/cmake\.mk$' \
	'^PKG_NAME:=edgestat$' '^PKG_VERSION:=' '^PKG_RELEASE:=' '^PKG_LICENSE:=' 'DEPENDS:=\+libuv \+libmbedtls$' \
	'USERID:=edgestat=[0-9]+:edgestat=[0-9]+$' '^define Package/edgestat/conffiles$' '^/etc/config/edgestat$' \
	'INSTALL_BIN\) ./files/edgestat.init \$\(1\)/etc/init.d/edgestat$' 'INSTALL_CONF\) ./files/edgestat.config \$\(1\)/etc/config/edgestat$' \
	'INSTALL_BIN\) \$\(PKG_INSTALL_DIR\)/usr/bin/edgestat ' 'INSTALL_DATA\) ./files/edgestat.upgrade \$\(1\)/lib/upgrade/keep.d/edgestat$' \
	'^\$\(eval \$\(call BuildPackage,edgestat\)\)$'; do
	check_true "feed Makefile: /$re/" grep -qE "$re" "$m"
done
check "feed Makefile: recipe lines start with a tab" "" \
	"$(awk '/^define Package\/edgestat\/install/,/^endef/' "$m" | grep -E '^ +\$' || true)"
check "feed Makefile: PKG_VERSION = the project version" \
	"$(sed -n 's/^project(edgestat VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")" "$(sed -n 's/^PKG_VERSION:=//p' "$m")"

# UCI config: the keys the issue asks for.
c=$P/openwrt/files/edgestat.config
for re in "^config edgestat 'main'$" "option enabled '1'" "option listen_interface '(lan|loopback)'" \
	"option listen_port '9100'" "option interval '15s'" "list collector" "list no_collector" \
	"option data_dir '/tmp/edgestat'" "option log_level"; do
	check_true "UCI config: /$re/" grep -qE "$re" "$c"
done
i=$P/openwrt/files/edgestat.init
for re in '^#!/bin/sh /etc/rc.common$' '^START=60$' '^USE_PROCD=1$' 'procd_add_reload_trigger "\$NAME"' \
	'procd_add_reload_interface_trigger' 'procd_send_signal "\$NAME" main HUP' 'network_get_ipaddr' \
	'network_get_ipaddrs6' 'uci_load_validate "\$NAME" edgestat' '^	procd_open_validate$' '"\$PROG" check-config'; do
	check_true "procd script: /$re/" grep -qE "$re" "$i"
done

# Dockerfile (run by tests/container/podman_test.sh, make test-packages).
d=$P/docker/Dockerfile
check "Dockerfile: FROM scratch (only stage)" "FROM scratch" "$(grep -E '^FROM ' "$d")"
check_true "Dockerfile: HEALTHCHECK runs edgestat health" grep -qE '^ +CMD \["/edgestat", "health"\]' "$d"
if command -v logrotate >/dev/null; then
	check_true "logrotate: edgestat.logrotate parses" logrotate -d -s "$tmp/lr.state" "$P/linux/edgestat.logrotate" 2>/dev/null
fi
check_true "binary has the health command the HEALTHCHECK uses" grep -q "health" <<< "$("$BIN" --help 2>&1)"

# README: the install paths it promises.
r=$P/../README.md  # the install sections live in the top-level README
for s in "opkg install" "make image PROFILE=" "FILES=files/" "apk" "dpkg -i" "install.sh install"; do
	check_true "README mentions '$s'" grep -qF "$s" "$r"
done
finish
