#!/bin/bash
# Builds every libFuzzer target (clang, ASan+UBSan, in $FUZZ_BUILD) and runs
# each for $FUZZ_SECONDS over a temporary copy of its seed corpus (ctest
# label fuzz, see tests/fuzz/run_one.sh). One line per target with its
# execs, coverage and exit status; exits non-zero if any target found a
# crash. Without clang it says so and exits 0 (the fuzz build is optional
# off CI; deps.sh installs clang).
#
#   FUZZ_SECONDS=60 tests/fuzz/run_all.sh        (what `make fuzz` does)
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${FUZZ_BUILD:-build-fuzz}
jobs=${JOBS:-$(nproc)}
export FUZZ_SECONDS=${FUZZ_SECONDS:-10}

cc=$(command -v clang || command -v clang-14 || true)
cxx=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$cc" ] || [ -z "$cxx" ]; then
  echo "fuzz: clang not found, fuzz targets not built (skipped)"
  exit 0
fi

start=$(date +%s)
if [ ! -f "$build/CMakeCache.txt" ] || [ CMakeLists.txt -nt "$build/CMakeCache.txt" ]; then
  CC=$cc CXX=$cxx cmake -S . -B "$build" -DEDGESTAT_FUZZ=ON -DCMAKE_BUILD_TYPE= \
    -DCMAKE_C_FLAGS="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" >/dev/null || exit 1
fi
cmake --build "$build" -j"$jobs" --target fuzz_all >"$build/fuzz-build.log" 2>&1 || {
  tail -n 40 "$build/fuzz-build.log"
  echo "fuzz: build failed"
  exit 1
}
built=$(date +%s)

rc=0
(cd "$build" && ctest -L fuzz -j"$jobs" --output-on-failure) >"$build/fuzz-ctest.log" 2>&1 || rc=1
grep -h '^fuzz ' "$build/Testing/Temporary/LastTest.log" | sort
[ "$rc" = 0 ] || cat "$build/fuzz-ctest.log"
echo "fuzz: build $((built - start))s, runs $(($(date +%s) - built))s (${FUZZ_SECONDS}s per target, $jobs at a time)," \
  "$( [ "$rc" = 0 ] && echo "no crashes" || echo "FAILED: inputs in $build/fuzz-artifacts/")"
exit $rc
