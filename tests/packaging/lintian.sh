#!/bin/bash
# lintian on the .deb built from the static binary (make cross
# TARGET=x86_64): no error, no warning, no info tag left; each override in
# platform/linux/debian/lintian-overrides says why, and an override that no
# longer matches anything is a failure too (it would hide a future tag).
# (N: lines are the overrides' comments, shown with --show-overrides.)
# Usage: lintian.sh STATIC_X86_64_BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
command -v lintian >/dev/null || skip "lintian not installed (toolchains/deps.sh installs it)"
tmp=$(mktemp -d /tmp/edgestat-firmware-lintian.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
deb=$(sh "$SRC/platform/linux/build-deb.sh" "$BIN" amd64 0.1.0-1 "$tmp") || fail "build-deb.sh refused $BIN"
lintian --tag-display-limit 0 -I -E --show-overrides "$deb" > "$tmp/lintian.out" 2>&1 || true
grep -v -e '^running with root privileges' -e '^N: ' "$tmp/lintian.out" > "$tmp/tags" || true
echo "lintian: $(grep -c '^O: ' "$tmp/tags" || true) tags overridden (platform/linux/debian/lintian-overrides)"
check "lintian: no tag left (errors, warnings, info, unused overrides)" "" "$(grep -v '^O: ' "$tmp/tags" || true)"
finish
