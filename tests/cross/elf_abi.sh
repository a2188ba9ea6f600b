#!/bin/bash
# The static binary for TARGET is what a device of that kind can run: ELF
# class, machine and byte order, no program interpreter (static), stripped,
# and the float ABI and oldest CPU the target names (a Pi Zero dies on an
# ARMv7 instruction; an OpenWrt MIPS kernel without FPU emulation dies on a
# hard-float one). readelf reads the file; nothing runs.
#   usage: elf_abi.sh BINARY TARGET
set -u
. "$(dirname "$0")/../lib/common.sh"

bin=$1 target=$2
command -v readelf >/dev/null || skip "readelf not found (binutils)"
[ -f "$bin" ] || fail "$bin: no such file"

hdr=$(LC_ALL=C readelf -h "$bin") || fail "$bin is not an ELF file"
attrs=$(LC_ALL=C readelf -A "$bin" 2>/dev/null)
field() { printf '%s\n' "$hdr" | sed -n "s/^ *$1: *//p"; }

case $target in
  x86_64)  want=(ELF64 little 'Advanced Micro Devices X86-64') ;;
  aarch64) want=(ELF64 little AArch64) ;;
  armv7)   want=(ELF32 little ARM 'Tag_CPU_arch: v7' 'Tag_ABI_VFP_args: VFP registers') ;;
  armv6)   want=(ELF32 little ARM 'Tag_CPU_arch: v6' 'Tag_ABI_VFP_args: VFP registers') ;;
  mipsel)  want=(ELF32 little 'MIPS R3000' 'ISA: MIPS32r2' 'FP ABI: Soft float') ;;
  mips)    want=(ELF32 big 'MIPS R3000' 'ISA: MIPS32r2' 'FP ABI: Soft float') ;;
  *) fail "unknown target '$target' (x86_64 aarch64 armv7 armv6 mipsel mips)" ;;
esac

[ "$(field Class)" = "${want[0]}" ] || fail "$target: class $(field Class), want ${want[0]}"
case "$(field Data)" in *"${want[1]} endian"*) ;; *) fail "$target: $(field Data), want ${want[1]} endian" ;; esac
[ "$(field Machine)" = "${want[2]}" ] || fail "$target: machine '$(field Machine)', want '${want[2]}'"
for attr in "${want[@]:3}"; do
  # The attribute as readelf prints it, whole (v7 must not match v7E-M).
  printf '%s\n' "$attrs" | grep -q -x -E "[[:space:]]*${attr}[[:space:]]*" || fail "$target: no '$attr' in readelf -A"
done
case "$(field Flags)" in *soft-float*) [[ $target == arm* ]] && fail "$target: soft-float ARM ABI" ;; esac

LC_ALL=C readelf -l "$bin" | grep -q INTERP && fail "$target: has a program interpreter (dynamically linked)"
LC_ALL=C readelf -d "$bin" 2>/dev/null | grep -q NEEDED && fail "$target: needs shared libraries"
LC_ALL=C readelf -S "$bin" | grep -q -E '\.symtab|\.debug_' && fail "$target: not stripped"
extra=""
[ ${#want[@]} -gt 3 ] && extra=$(printf '%s, ' "${want[@]:3}")
echo "$target: $(field Class) $(field Machine), ${want[1]} endian, ${extra}static, stripped, $(wc -c < "$bin") bytes"
