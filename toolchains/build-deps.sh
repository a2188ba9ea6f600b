#!/bin/sh
# Cross-build static libuv and mbedTLS for one edgestat target with zig cc,
# through their own CMake builds and our toolchain file (so the deps and the
# app are compiled with exactly the same compiler, target and CPU flags).
#
#   toolchains/build-deps.sh TARGET      TARGET: x86_64 aarch64 armv7 armv6 mipsel mips
#   toolchains/build-deps.sh all
#
# Result: $CACHE/deps/TARGET/
#   include/uv.h include/uv/*.h
#   include/mbedtls/*.h include/psa/*.h  (include/mbedtls/mbedtls_config.h IS
#                                         toolchains/mbedtls_config_edgestat.h)
#   include/mbedtls_config_edgestat.h
#   lib/libuv.a lib/libmbedtls.a lib/libmbedx509.a lib/libmbedcrypto.a
#   lib/cmake/{libuv,MbedTLS}/         (find_package configs)
#   .edgestat-stamp                    (versions + hash of every input)
# Build trees live in $CACHE/build/deps/TARGET and are deleted on success.
#
# Reuse: when the stamp matches (same sources, same mbedTLS config, same
# toolchain files, same zig, same script) the script prints the prefix and
# exits at once. Any change rebuilds that target from scratch.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${EDGESTAT_CACHE:-/var/cache/edgestat}
export EDGESTAT_CACHE="$CACHE"
ALL_TARGETS="x86_64 aarch64 armv7 armv6 mipsel mips"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

log() { printf 'build-deps.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] || die "usage: $0 TARGET|all   (targets: $ALL_TARGETS)"
if [ "$1" = all ]; then
    for t in $ALL_TARGETS; do "$0" "$t"; done
    exit 0
fi
TARGET=$1
[ -f "$HERE/$TARGET.cmake" ] || die "unknown target '$TARGET' (targets: $ALL_TARGETS)"
command -v cmake >/dev/null 2>&1 || die "cmake not found"
if command -v ninja >/dev/null 2>&1; then GEN=Ninja; else GEN="Unix Makefiles"; fi

ZIG=$(sh "$HERE/zig.sh")
SOURCES=$(sh "$HERE/fetch-sources.sh")
LIBUV_SRC=$(printf '%s\n' "$SOURCES" | grep '/libuv-')
MBEDTLS_SRC=$(printf '%s\n' "$SOURCES" | grep '/mbedtls-')

PREFIX=$CACHE/deps/$TARGET
STAMP=$PREFIX/.edgestat-stamp
CFG=$HERE/mbedtls_config_edgestat.h

# Everything that changes the produced libraries goes into the hash.
inputs_hash() {
    {
        cat "$LIBUV_SRC/.edgestat-stamp" "$MBEDTLS_SRC/.edgestat-stamp"
        "$ZIG" version
        cat "$CFG" "$HERE/zig-toolchain.cmake" "$HERE/$TARGET.cmake" "$HERE/build-deps.sh" "$HERE/armap.py"
        printf '%s\n' "$GEN"
    } | sha256sum | cut -d' ' -f1
}
WANT="target=$TARGET libuv=$(basename "$LIBUV_SRC") mbedtls=$(basename "$MBEDTLS_SRC") inputs=$(inputs_hash)"

# One build per target at a time (two engineers, or smoke.sh and a manual
# run, share $CACHE): the second waits here, then finds the stamp.
mkdir -p "$CACHE/deps"
exec 9>"$CACHE/deps/.$TARGET.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
    log "$TARGET: up to date ($PREFIX)"
    printf '%s\n' "$PREFIX"
    exit 0
fi

BUILD=$CACHE/build/deps/$TARGET
STAGE=$CACHE/build/deps/$TARGET/stage
rm -rf "$BUILD"
mkdir -p "$BUILD/cfg" "$STAGE"
cp "$CFG" "$BUILD/cfg/mbedtls_config_edgestat.h"
start=$(date +%s)

cmake_common() {
    printf '%s\n' -G "$GEN" \
        "-DCMAKE_TOOLCHAIN_FILE=$HERE/$TARGET.cmake" \
        "-DEDGESTAT_CACHE=$CACHE" "-DEDGESTAT_ZIG=$ZIG" \
        -DCMAKE_BUILD_TYPE=MinSizeRel \
        "-DCMAKE_INSTALL_PREFIX=$STAGE" -DCMAKE_INSTALL_LIBDIR=lib \
        -DCMAKE_POSITION_INDEPENDENT_CODE=OFF
}

log "$TARGET: libuv ($(basename "$LIBUV_SRC"))"
# shellcheck disable=SC2046
cmake -S "$LIBUV_SRC" -B "$BUILD/libuv" $(cmake_common) \
    -DLIBUV_BUILD_SHARED=OFF -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF \
    >"$BUILD/libuv.configure.log" 2>&1 || { tail -40 "$BUILD/libuv.configure.log" >&2; die "libuv configure failed"; }
cmake --build "$BUILD/libuv" -j "$JOBS" >"$BUILD/libuv.build.log" 2>&1 \
    || { tail -40 "$BUILD/libuv.build.log" >&2; die "libuv build failed"; }
cmake --install "$BUILD/libuv" >"$BUILD/libuv.install.log" 2>&1 || die "libuv install failed"

log "$TARGET: mbedtls ($(basename "$MBEDTLS_SRC"), config $(basename "$CFG"))"
# MBEDTLS_CONFIG_FILE goes in through the flags, not mbedTLS's CMake cache
# variable, which would bake this machine's absolute path into the exported
# MbedTLS targets. The installed headers carry the config instead (below).
# Through CFLAGS, not -DCMAKE_C_FLAGS: CMake prepends CFLAGS to the
# toolchain's flags, while a CMAKE_C_FLAGS given on the command line
# replaces them (mbedTLS was built without section GC, LTO or the
# no-unwind-tables flags that way).
# shellcheck disable=SC2046
CFLAGS="-I$BUILD/cfg -DMBEDTLS_CONFIG_FILE=\\\"mbedtls_config_edgestat.h\\\"" \
cmake -S "$MBEDTLS_SRC" -B "$BUILD/mbedtls" $(cmake_common) \
    -DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF -DGEN_FILES=OFF \
    -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON \
    -DMBEDTLS_FATAL_WARNINGS=ON \
    >"$BUILD/mbedtls.configure.log" 2>&1 || { tail -40 "$BUILD/mbedtls.configure.log" >&2; die "mbedtls configure failed"; }
cmake --build "$BUILD/mbedtls" -j "$JOBS" >"$BUILD/mbedtls.build.log" 2>&1 \
    || { tail -40 "$BUILD/mbedtls.build.log" >&2; die "mbedtls build failed"; }
cmake --install "$BUILD/mbedtls" >"$BUILD/mbedtls.install.log" 2>&1 || die "mbedtls install failed"

# Consumers must compile against the same config the library was built
# with; make it the default so no -DMBEDTLS_CONFIG_FILE is needed.
cp "$CFG" "$STAGE/include/mbedtls_config_edgestat.h"
cp "$CFG" "$STAGE/include/mbedtls/mbedtls_config.h"

for lib in libuv.a libmbedtls.a libmbedx509.a libmbedcrypto.a; do
    [ -s "$STAGE/lib/$lib" ] || die "$lib missing from the install"
done
# Guard: the trimmed config must really be in effect (no net_sockets, no
# renegotiation, no DES) and TLS 1.3 must really be in.
# The archives hold LLVM bitcode (LTO), which readelf cannot read: their
# symbol index names every defined global.
syms=$(python3 "$HERE/armap.py" "$STAGE/lib/libmbedtls.a" "$STAGE/lib/libmbedcrypto.a" "$STAGE/lib/libmbedx509.a" \
       | awk '{print $2}')
for bad in mbedtls_net_connect mbedtls_ssl_conf_renegotiation mbedtls_des_init mbedtls_debug_print_msg mbedtls_ssl_cookie_setup; do
    if printf '%s\n' "$syms" | grep -qx "$bad"; then die "$bad is defined: the trimmed mbedTLS config was not used"; fi
done
for good in mbedtls_ssl_tls13_handshake_server_step mbedtls_ssl_tls13_handshake_client_step mbedtls_pkcs5_pbkdf2_hmac_ext psa_crypto_init mbedtls_chachapoly_init mbedtls_gcm_init; do
    printf '%s\n' "$syms" | grep -qx "$good" || die "$good is missing from mbedTLS"
done

printf '%s\n' "$WANT" >"$STAGE/.edgestat-stamp"
rm -rf "$PREFIX"
mkdir -p "$(dirname "$PREFIX")"
mv "$STAGE" "$PREFIX"
rm -rf "$BUILD"
log "$TARGET: built in $(( $(date +%s) - start ))s -> $PREFIX"
printf '%s\n' "$PREFIX"
