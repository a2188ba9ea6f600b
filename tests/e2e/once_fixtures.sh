#!/bin/bash
# `edgestat once` over each captured/assembled fixture tree must match its
# golden output exactly (volatile values masked) and pass promtool.
# Regenerate the goldens after an intended change with
#   UPDATE_GOLDEN=1 bash tests/e2e/once_fixtures.sh build/edgestat .
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for name in vm rpi openwrt; do
  tree="$SRC/tests/fixtures/$name"
  # The textfile directory is relative (the fixture is the working
  # directory), so the file label is the same wherever the checkout is.
  once_fixture "$BIN" "$tree" > "$tmp/$name.prom" || fail "$name: edgestat once failed"
  check_golden "$name" "$tmp/$name.prom" "$tree/golden.prom" || rc=1
  promtool check metrics < "$tmp/$name.prom" > "$tmp/$name.lint" 2>&1 || true
  if ! promtool_clean "$tmp/$name.lint"; then
    echo "FAIL: $name: promtool check metrics:"
    cat "$tmp/$name.lint"
    rc=1
  fi
  echo "$name: $(wc -l < "$tmp/$name.prom") lines, golden ok, promtool ok"
done
exit $rc
