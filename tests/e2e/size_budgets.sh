# make sizes / make dist's budget check (toolchains/check-sizes.sh) against
# the real budget table: a binary of exactly its budget passes, one byte
# more fails naming the budget and the excess, a missing binary is "not
# built" (passes alone, fails with --require, as in make dist), and a
# target without a budget is a usage error. The lean variant (make cross
# VARIANT=lean) has its own rows, checked the same way. Binaries are sparse
# files of the sizes under test in a scratch root.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
CHECK=$SRC/toolchains/check-sizes.sh
ROOT=$TMP/root
# budget_bytes NAME: the limit toolchains/size-budgets gives NAME, in bytes.
budget_bytes() { awk -v n="$1" '$1 == n { print $4 * 1024 }' "$SRC/toolchains/size-budgets"; }
tls=$(budget_bytes aarch64-tls) notls=$(budget_bytes aarch64-notls)
[ "$tls" = 614400 ] || fail "aarch64-tls budget is $tls bytes, issue 16 says 600 KiB"
[ -n "$notls" ] && [ "$notls" -lt "$tls" ] || fail "aarch64-notls budget '$notls' is not below the TLS one"
[ "$(budget_bytes mipsel-tls)" = 819200 ] || fail "mipsel-tls budget is not 800 KiB"
lean=$(budget_bytes aarch64-lean)
mkdir -p "$ROOT/build-aarch64" "$ROOT/build-aarch64-notls" "$ROOT/build-aarch64-lean"

truncate -s "$tls" "$ROOT/build-aarch64/edgestat"
truncate -s "$notls" "$ROOT/build-aarch64-notls/edgestat"
truncate -s "$lean" "$ROOT/build-aarch64-lean/edgestat"
out=$(sh "$CHECK" --require --root "$ROOT" aarch64 2>&1) || fail "both at their budgets failed: $out"
echo "$out" | grep -q "aarch64-tls .* $tls .* ok" || fail "no ok row for aarch64-tls: $out"
pass "binaries of exactly their budget pass"

truncate -s $((tls + 1)) "$ROOT/build-aarch64/edgestat"
out=$(sh "$CHECK" --root "$ROOT" aarch64 2>&1) && fail "one byte over the TLS budget passed: $out"
echo "$out" | grep -q "OVER by 1 bytes" || fail "excess not named: $out"
echo "$out" | grep -q "size budget exceeded: aarch64-tls" || fail "budget not named: $out"
pass "one byte over fails and names the budget"

truncate -s "$tls" "$ROOT/build-aarch64/edgestat"
truncate -s $((notls + 4096)) "$ROOT/build-aarch64-notls/edgestat"
out=$(sh "$CHECK" --root "$ROOT" aarch64 2>&1) && fail "no-TLS over its budget passed: $out"
echo "$out" | grep -q "size budget exceeded: aarch64-notls" || fail "no-TLS budget not named: $out"
pass "the no-TLS build has its own, lower budget"

rm "$ROOT/build-aarch64-notls/edgestat"
out=$(sh "$CHECK" --root "$ROOT" aarch64 2>&1) || fail "a missing no-TLS build failed make sizes: $out"
echo "$out" | grep -q "aarch64-notls .* not built" || fail "missing build not reported: $out"
out=$(sh "$CHECK" --require --root "$ROOT" aarch64 2>&1) && fail "--require passed with a missing binary: $out"
echo "$out" | grep -q "binaries missing: aarch64-notls" || fail "missing binary not named: $out"
pass "a missing binary fails make dist (--require) only"

sh "$CHECK" --root "$ROOT" sparc >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "a target without a budget exited $rc, want 2"
pass "a target without a budget is a usage error"

# The lean variant (make cross VARIANT=lean: no autoscaler, exporter or
# lxc collector) has a row for every target, build-TARGET-lean, checked
# and named like the others.
for t in x86_64 aarch64 armv7 armv6 mipsel mips; do
	awk -v t="$t" '!/^#/ && $2 == t && $3 == "lean"' "$SRC/toolchains/size-budgets" | grep -q . ||
		fail "no lean budget row for $t"
done
[ -n "$lean" ] && [ "$lean" -gt 0 ] || fail "no aarch64-lean budget"
rm -f "$ROOT/build-aarch64/edgestat"
truncate -s "$tls" "$ROOT/build-aarch64/edgestat"
truncate -s "$notls" "$ROOT/build-aarch64-notls/edgestat"
truncate -s "$lean" "$ROOT/build-aarch64-lean/edgestat"
out=$(sh "$CHECK" --require --root "$ROOT" aarch64 2>&1) || fail "lean at its budget failed: $out"
echo "$out" | grep -q "aarch64-lean .*build-aarch64-lean/edgestat .* $lean .* ok" || fail "no ok row for aarch64-lean: $out"
truncate -s $((lean + 1)) "$ROOT/build-aarch64-lean/edgestat"
out=$(sh "$CHECK" --root "$ROOT" aarch64 2>&1) && fail "one byte over the lean budget passed: $out"
echo "$out" | grep -q "size budget exceeded: aarch64-lean" || fail "lean budget not named: $out"
rm "$ROOT/build-aarch64-lean/edgestat"
out=$(sh "$CHECK" --require --root "$ROOT" aarch64 2>&1) && fail "--require passed without the lean binary: $out"
echo "$out" | grep -q "binaries missing: aarch64-lean" || fail "missing lean binary not named: $out"
pass "the lean variant has its own budget, checked like the others"
