#!/bin/sh
# Where the bytes of TARGET's static binary really go, from the linker's
# map rather than from symbol names: builds build-TARGET-map (the release
# flags without LTO, so every object of the project stays an object the map
# can name; the deps' archives are bitcode and are still LTO-compiled, by
# function name), links it once more through lld with -Map and
# --why-extract, and runs size_map.py: bytes per room of src/, per library,
# per musl member, string literals per room, and who pulled in each heavy
# musl member (vfprintf, floatscan, crypt, fnmatch's wide tables...).
# LTO saves ~2% over this build (README "### Size"), so the shares hold for
# the release binary; its absolute size is `make sizes`.
# Usage: toolchains/size_map.sh TARGET [BUILD_DIR]    (env JOBS, TOP_MEMBERS)
set -eu
TARGET=${1:?usage: size_map.sh TARGET [BUILD_DIR]}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${2:-$ROOT/build-$TARGET-map}
JOBS=${JOBS:-$(nproc)}
ZIG=$(sh "$HERE/zig.sh")
bash "$HERE/build-deps.sh" "$TARGET" >/dev/null
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$HERE/$TARGET.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel \
	-DEDGESTAT_TESTS=OFF -DCMAKE_C_FLAGS_MINSIZEREL=-DNDEBUG -DCMAKE_CXX_FLAGS_MINSIZEREL=-DNDEBUG >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target edgestat >/dev/null
cd "$BUILD"
# The same link with -v (zig prints its ld.lld command) and without -s.
# shellcheck disable=SC2046
sed -e 's/ -s / /' -e 's/ -o edgestat / -o edgestat.unstripped -v /' CMakeFiles/edgestat.dir/link.txt | sh 2>&1 |
	grep '^ld.lld ' | tail -n 1 >ld-line.txt
[ -s ld-line.txt ] || { echo "size_map.sh: no ld.lld line from zig cc -v" >&2; exit 1; }
# shellcheck disable=SC2046 # the linker's words
"$ZIG" ld.lld $(sed 's/^ld.lld //' ld-line.txt) -Map=edgestat.map --why-extract=why.txt
echo "$TARGET: $(wc -c <edgestat) bytes stripped without LTO ($BUILD/edgestat)"
python3 "$HERE/size_map.py" edgestat.map . why.txt
