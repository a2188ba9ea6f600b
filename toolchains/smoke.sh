#!/bin/sh
# Build and run the toolchain smoke test (toolchains/smoke/) for each target:
#   1. build-deps.sh TARGET (cached)
#   2. configure + build toolchains/smoke with toolchains/TARGET.cmake
#   3. readelf evidence (machine, ABI flags, ARM build attributes)
#   4. ARMv6 only: disassemble and reject ARMv7-only instructions, if an ARM
#      objdump is installed (binutils-arm-linux-gnueabihf)
#   5. ctest: runs the binaries under the toolchain's qemu emulator
# and prints a table of stripped sizes and results at the end.
#
#   toolchains/smoke.sh                 all targets
#   toolchains/smoke.sh aarch64 armv6   some
# Env: EDGESTAT_CACHE, SMOKE_DOCTEST=0 to skip the doctest (C++ runtime) build.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${EDGESTAT_CACHE:-/var/cache/edgestat}
export EDGESTAT_CACHE="$CACHE"
TARGETS=${*:-x86_64 aarch64 armv7 armv6 mipsel mips}
SMOKE_DOCTEST=${SMOKE_DOCTEST:-1}
if command -v ninja >/dev/null 2>&1; then GEN=Ninja; else GEN="Unix Makefiles"; fi
RESULTS=$CACHE/build/smoke/results.$$.txt
mkdir -p "$CACHE/build/smoke"
: >"$RESULTS"
failed=0

say() { printf '\n=== %s\n' "$*"; }

for t in $TARGETS; do
    say "$t"
    t0=$(date +%s)
    if ! "$HERE/build-deps.sh" "$t" >/dev/null; then
        printf '%s\t-\tdeps-FAIL\t-\t-\n' "$t" >>"$RESULTS"; failed=1; continue
    fi
    B=$CACHE/build/smoke/$t
    cmake -S "$HERE/smoke" -B "$B" -G "$GEN" -DCMAKE_TOOLCHAIN_FILE="$HERE/$t.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel -DSMOKE_WITH_DOCTEST="$([ "$SMOKE_DOCTEST" = 1 ] && echo ON || echo OFF)" \
        >"$B.configure.log" 2>&1 || { tail -30 "$B.configure.log"; printf '%s\t-\tconfigure-FAIL\t-\t-\n' "$t" >>"$RESULTS"; failed=1; continue; }
    if ! cmake --build "$B" --target smoke >"$B.build.log" 2>&1; then
        tail -30 "$B.build.log"; printf '%s\t-\tbuild-FAIL\t-\t-\n' "$t" >>"$RESULTS"; failed=1; continue
    fi
    doctest=skipped
    if [ "$SMOKE_DOCTEST" = 1 ]; then
        if cmake --build "$B" --target doctest_smoke >"$B.doctest.log" 2>&1; then
            doctest=built
        else
            doctest=link-FAIL; tail -5 "$B.doctest.log"
        fi
    fi
    bin=$B/smoke
    size=$(stat -c %s "$bin")
    echo "--- readelf -h (selected)"
    readelf -h "$bin" | grep -E 'Class|Data|Machine|Flags|Type:'
    echo "--- readelf -A"
    readelf -A "$bin" | grep -E 'Tag_CPU_name|Tag_CPU_arch|Tag_ARM_ISA|Tag_THUMB_ISA|Tag_FP_arch|Tag_Advanced_SIMD|Tag_ABI_VFP_args|Tag_ABI_HardFP|FP ABI|ISA:|ISA Extension|GPR size|CPR1 size|FLAGS 1|CPU name' || echo "(no attributes section)"
    echo "--- file"
    file -b "$bin" 2>/dev/null || true
    if [ "$t" = armv6 ]; then
        OBJDUMP=$(command -v arm-linux-gnueabihf-objdump || command -v arm-none-eabi-objdump || true)
        if [ -n "$OBJDUMP" ]; then
            # ARMv7-only encodings: movw/movt, dmb/dsb/isb, sdiv/udiv, bfc/bfi
            # /ubfx/sbfx, rbit, mls, ldrex/strex[bh], pldw, NEON loads/stores,
            # vmov immediates (VFPv3) and fused multiply-add (VFPv4).
            v7='(movw|movt|dmb|dsb|isb|sdiv|udiv|bfc|bfi|ubfx|sbfx|rbit|mls|ldrexb|ldrexh|strexb|strexh|pldw|vfma|vfms|vld1|vst1|vmov\.i)'
            # Our code and the deps (objects keep their symbols): everything.
            objs="$B/CMakeFiles/smoke.dir/smoke.cpp.o $CACHE/deps/$t/lib/libuv.a $CACHE/deps/$t/lib/libmbedtls.a $CACHE/deps/$t/lib/libmbedx509.a $CACHE/deps/$t/lib/libmbedcrypto.a"
            # shellcheck disable=SC2086
            n1=$("$OBJDUMP" -d $objs 2>/dev/null | awk -F'\t' 'NF >= 3 {print $3}' | grep -cE "^$v7([[:space:]]|\$)" || true)
            # The stripped binary (musl, compiler-rt included): all but the
            # barriers, because musl's __a_barrier_v7/__a_cas_v7 use dmb and
            # are selected at run time only on ARMv7 CPUs.
            n2=$("$OBJDUMP" -d "$bin" | awk -F'\t' 'NF >= 3 {print $3}' | grep -vE '^(dmb|dsb|isb)' | grep -cE "^$v7([[:space:]]|\$)" || true)
            echo "--- ARMv7-only instructions ($OBJDUMP -d): $n1 in smoke.o + deps archives, $n2 in the binary (barriers excepted)"
            n=$((n1 + n2))
            [ "$n" = 0 ] || { failed=1; doctest="$doctest,ARMV7-INSNS"; }
        else
            echo "--- ARMv7 instruction scan skipped (apt-get install binutils-arm-linux-gnueabihf)"
        fi
    fi
    echo "--- ctest (CMAKE_CROSSCOMPILING_EMULATOR)"
    (cd "$B" && ctest --output-on-failure -R '^smoke$' >"$B.ctest.log" 2>&1); rc=$?
    grep -E 'tests passed|tests failed|Test +#' "$B.ctest.log" | head -3
    # Show the program's own output (ctest only shows it on failure).
    # The emulator ctest used, from the generated test file.
    emu=$(sed -n 's/^add_test(\[=\[smoke\]=\] \(.*\) "[^"]*\/smoke")$/\1/p' "$B/CTestTestfile.cmake" | tr -d '"')
    echo "--- run: ${emu:-native} smoke"
    # shellcheck disable=SC2086
    $emu "$bin" 2>&1 | sed 's/^/    /'
    smoke=$([ $rc = 0 ] && echo PASS || echo FAIL)
    [ $rc = 0 ] || failed=1
    if [ "$doctest" = built ]; then
        (cd "$B" && ctest --output-on-failure -R '^doctest_smoke$' >"$B.doctest-run.log" 2>&1) \
            && doctest=PASS || { doctest=run-FAIL; tail -15 "$B.doctest-run.log"; }
        dsize=$(stat -c %s "$B/doctest_smoke")
        doctest="$doctest($dsize)"
    fi
    printf '%s\t%s\t%s\t%s\t%ss\n' "$t" "$size" "$smoke" "$doctest" "$(( $(date +%s) - t0 ))" >>"$RESULTS"
done

say "summary (stripped static binaries)"
{
    printf 'target\tsmoke_bytes\tsmoke_qemu\tdoctest(bytes)\ttime\n'
    cat "$RESULTS"
} | column -t -s "$(printf '\t')"
exit $failed
