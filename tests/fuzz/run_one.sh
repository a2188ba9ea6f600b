#!/bin/bash
# Runs one libFuzzer target for $FUZZ_SECONDS (default 10) over a copy of its
# committed seed corpus, so a run never grows tests/fuzz/corpus/. Prints one
# summary line (target, execs, exec/s, coverage, exit status) and exits
# non-zero on a crash, leak, timeout, OOM or sanitizer report.
#
#   run_one.sh BINARY FUZZ_DIR NAME
#
# BINARY is build-fuzz/tests/fuzz_NAME; FUZZ_DIR is tests/fuzz (seeds in
# FUZZ_DIR/corpus/NAME/, optional dictionary FUZZ_DIR/NAME.dict). A crashing
# input is kept as $FUZZ_ARTIFACTS/NAME-crash-<sha1> (default: the build
# dir's fuzz-artifacts/); reproduce with `BINARY that-file`, then turn it
# into a case in tests/unit/test_fuzz_regressions.cpp.
#
# To grow the committed corpus on purpose (minimised, deduplicated):
#   BINARY -merge=1 tests/fuzz/corpus/NAME/ new-inputs-dir/
set -uo pipefail
bin=$1 dir=$2 name=$3
seconds=${FUZZ_SECONDS:-10}
artifacts=${FUZZ_ARTIFACTS:-$(dirname "$bin")/../fuzz-artifacts}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/edgestat-fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
if [ -d "$dir/corpus/$name" ]; then
  cp -r "$dir/corpus/$name/." "$work/corpus/"
fi
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512
      -print_final_stats=1 -artifact_prefix="$artifacts/$name-" -close_fd_mask=1)
[ -f "$dir/$name.dict" ] && args+=(-dict="$dir/$name.dict")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n1)
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n1 | cut -d' ' -f2)
ft=$(grep -o 'ft: [0-9]*' "$work/log" | tail -n1 | cut -d' ' -f2)
seeds=$(find "$dir/corpus/$name" -type f 2>/dev/null | wc -l)
units=$(find "$work/corpus" -type f | wc -l)
printf 'fuzz %-16s %4ss execs=%s exec/s=%s cov=%s ft=%s corpus=%s->%s exit=%s\n' \
  "$name" "$seconds" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$seeds" "$units" "$rc"
if [ "$rc" != 0 ]; then
  # The report: the sanitizer's or libFuzzer's, and where the input went.
  grep -v '^#[0-9]' "$work/log" | tail -n 60
  exit 1
fi
