#!/bin/sh
# Installs the Debian packages edgestat's build and tests need, if missing.
# Idempotent: a second run does nothing but check. Services that packages
# would start (prometheus, node_exporter on :9100) are kept from starting
# so they cannot take the ports the tests and `make run` use. rsync: lxc-copy
# (the LXC system test's container clones) needs it and lxc does not pull it in.
# chromium: the status page's system tests (e2e.status_page,
# e2e.lxc_group_system) drive a headless browser.
set -eu

PACKAGES="build-essential cmake pkg-config git libuv1-dev libmbedtls-dev doctest-dev \
prometheus prometheus-node-exporter curl python3 clang lxc busybox-static \
qemu-user-static wrk shellcheck openssl iproute2 strace dpkg-dev bzip2 xz-utils \
nanopb protobuf-compiler golang-github-gogo-protobuf-dev python3-protobuf python3-snappy libsnappy-dev \
victoria-metrics qemu-system-arm qemu-system-mips lintian podman runc logrotate llvm rsync chromium"
# Zig for the static builds comes from the npm registry (toolchains/zig.sh);
# a machine without Node.js gets Debian's npm.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: need root to install:$missing" >&2
  exit 1
fi

echo "deps.sh: installing:$missing"
# policy-rc.d exit 101 = "action forbidden": packages install without
# starting their daemons.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ "$had_policy" = 0 ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
fi
trap '[ "$had_policy" = 0 ] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
# On systemd hosts the units may still be enabled for the next boot.
if [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus prometheus-node-exporter victoria-metrics >/dev/null 2>&1 || true
fi
