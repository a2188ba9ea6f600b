#!/bin/sh
# What the static binary of TARGET is made of (per room of src/, per
# dependency library and object, libc, unwind tables): relinks
# build-TARGET/edgestat without stripping (the same link line, minus -s)
# and runs size_report.py on it. For re-checking the size budgets (make
# sizes) after a merge: the report names what grew.
# Usage: toolchains/sizes.sh TARGET [BUILD_DIR]
set -eu
TARGET=${1:?usage: sizes.sh TARGET [BUILD_DIR]}
BUILD=${2:-build-$TARGET}
HERE=$(cd "$(dirname "$0")" && pwd)
link=$BUILD/CMakeFiles/edgestat.dir/link.txt
[ -f "$link" ] || { echo "sizes.sh: no $link (make cross TARGET=$TARGET first)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2046 # the link line is a list of words
(cd "$BUILD" && sed -e 's/ -s / /' -e "s| -o edgestat | -o $out |" "CMakeFiles/edgestat.dir/link.txt" | sh) 2>/dev/null ||
	{ echo "sizes.sh: relink failed" >&2; exit 1; }
archives=$(grep -o '[^ ]*\.a' "$link" | grep -v libedgestat_lib.a | sed "s|^\([^/]\)|$BUILD/\1|")
echo "$TARGET: $(wc -c < "$BUILD/edgestat") bytes stripped ($BUILD/edgestat)"
# shellcheck disable=SC2086
python3 "$HERE/size_report.py" "$out" "$BUILD" $archives
