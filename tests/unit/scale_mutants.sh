#!/bin/bash
# Proves each autoscaler safety rule has a unit test that fails without it:
# removes one rule at a time (a sed on a copy of the source), rebuilds the
# scale unit tests against BUILD's library and expects a failure. The
# policy sources are compiled fresh, so the library is left untouched.
#   bash tests/unit/scale_mutants.sh BUILD_DIR
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
LIB="$BUILD/libedgestat_lib.a"
[ -f "$LIB" ] || { echo "build edgestat_lib first ($LIB missing)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$SRC/src" "$tmp/src"
CXX="c++ -std=c++20 -O1 -fno-exceptions -DDOCTEST_CONFIG_NO_EXCEPTIONS_BUT_WITH_ALL_ASSERTS"
$CXX -c "$SRC/tests/unit/doctest_main.cpp" -o "$tmp/main.o" || exit 1
run() {  # LABEL FILE SED: 0 when the tests fail (the mutant is caught)
  local label=$1 f=$2 expr=$3
  cp "$SRC/$f" "$tmp/$f"
  sed -i "$expr" "$tmp/$f"
  if cmp -s "$SRC/$f" "$tmp/$f"; then echo "MUTATION DID NOT APPLY: $label"; return 1; fi
  $CXX -I"$tmp/src" -I"$SRC/tests/unit" "$SRC"/tests/unit/test_scale_*.cpp "$tmp"/src/scale/*.cpp \
    "$tmp/src/config/autoscale_schema.cpp" "$tmp/main.o" "$LIB" -luv -lmbedtls -lmbedx509 -lmbedcrypto -lcrypt \
    -lpthread -o "$tmp/t" 2>/dev/null || { echo "BUILD FAILED: $label"; cp "$SRC/$f" "$tmp/$f"; return 1; }
  cp "$SRC/$f" "$tmp/$f"
  local caught
  caught=$("$tmp/t" 2>&1 | grep -E "^TEST CASE" | sed 's/^TEST CASE: *//' | sort -u | head -2 | tr '\n' ';')
  if [ -n "$caught" ]; then echo "caught: $label -> $caught"; return 0; fi
  echo "NOT CAUGHT: $label"; return 1
}
rc=0
D=src/scale/decide.cpp R=src/scale/recommend.cpp F=src/scale/reading.cpp S=src/scale/container_scaler.cpp
A=src/scale/autoscaler.cpp
run "hysteresis up (N consecutive)" $D 's/if (st.above >= p.up_samples || urgent) {/if (st.above >= 1 || urgent) {/' || rc=1
run "hysteresis down (M consecutive)" $D 's/if (st.below >= p.down_samples) {/if (st.below >= 1) {/' || rc=1
run "up cooldown" $D 's/if (in.now_ms - st.last_up_ms < p.up_cooldown_ms)/if (false)/' || rc=1
run "down cooldown" $D 's/if (in.now_ms - since < p.down_cooldown_ms)/if (false)/' || rc=1
run "admission control" $D 's/if (grow > in.room) {/if (grow > in.room + 1e30) {/' || rc=1
run "shrink stops on pressure" $D 's/  if (pressure) {/  if (false) {/' || rc=1
run "shrink in bounded steps" $D 's/if (to < in.current - dec) to = in.current - dec;/if (to < in.current - dec - 1e30) to = in.current - dec;/' || rc=1
run "a size just grown is kept while usage holds" $D 's/return in.current > keep \* (1 + p.margin) + step;/return in.current > keep + step;/' || rc=1
run "OOM bump" $D 's/if (r == Resource::Memory \&\& in.obs.oom_delta > 0) {/if (false) {/' || rc=1
run "valid samples only" $D 's/if (!in.obs.valid) return/if (false) return/' || rc=1
run "warming up" $D 's/if (!in.rec.ready \&\& !urgent) return/if (false) return/' || rc=1
run "behaviour multiplier" $D 's/\* p.behaviour;/;/' || rc=1
run "never below usage + headroom" $R 's/if (v < floor) v = floor;/if (v < floor - 1e30) v = floor;/' || rc=1
run "never above max" $R 's/return v > hi ? hi : v;/return v > hi + 1e30 ? hi : v;/' || rc=1
run "off-peak minimum" $R 's/return off_peak ? p.off_peak_cpu_min : p.cpu_min;/return p.cpu_min;/' || rc=1
run "restart is not a sample" $F 's/bool same = have_ \&\& r.incarnation == incarnation_ \&\& r.t_s > t_s_;/bool same = have_ \&\& r.t_s > t_s_;/' || rc=1
run "counter reset is not a sample" $F 's/(\*r.cpu_usage_s < cpu_ ||/(/' || rc=1
run "OOM kept in the histogram" $S 's/mem.add_share(bumped, kOomShare, r.t_s);//' || rc=1
run "a dry run holds no room" $A 's/if (d.dir == Direction::Up \&\& p->mode == Mode::On) room_\[r\] -= d.to - d.from;/if (d.dir == Direction::Up) room_[r] -= d.to - d.from;/' || rc=1
V=src/scale/vertical_audit.cpp
run "locked container skipped" $A 's/: e.locked ? Skip::Locked/: false ? Skip::Locked/' || rc=1
run "cooldown kept across a restart" $S 's/if (d == Direction::Up \&\& at_ms > st.last_up_ms) st.last_up_ms = at_ms;//' || rc=1
run "reconciled done only at the target" $V 's/if (limits_match(v.res, \*current, v.to))/if (true)/' || rc=1
run "an outcome finishes its own token only" $V 's/if (v \&\& v->pending \&\& v->token.view() == a.token.view()) v->pending = false;/if (v) v->pending = false;/' || rc=1
[ $rc = 0 ] && echo "every mutant caught"
exit $rc
