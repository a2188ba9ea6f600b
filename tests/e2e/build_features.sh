# The optional parts of a build (CMake EDGESTAT_AUTOSCALE, EDGESTAT_EXPORT,
# EDGESTAT_LXC; README "Size", src/app/build_features.hpp), tested on
# whatever binary it is given: the full build in ctest, the lean variant
# in `make test-lean`. --version and edgestat_build_info list the parts;
# for each part the build lacks, a config using it is refused by
# check-config and by `run`, naming file:line (or the flag or variable)
# and the CMake switch; for each part it has, the same config is valid.
# The default config (embedded, and config/edgestat.conf) starts either way.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

features=$("$BIN" --version | sed -n 's/^features: //p')
[ -n "$features" ] || fail "--version lists no features: $("$BIN" --version)"
has() { case ",$features," in *",$1,"*) return 0 ;; esac; return 1; }
echo "features: $features"
if [ "${EDGESTAT_EXPECT_FEATURES:-}" ]; then
	[ "$features" = "$EDGESTAT_EXPECT_FEATURES" ] || fail "features '$features', expected '$EDGESTAT_EXPECT_FEATURES'"
fi
has autoscale && ! has lxc && fail "a build with the autoscaler but without the lxc collector"
pass "--version lists the parts built"

A=$TMP/autoscale.conf G=$TMP/group.conf E=$TMP/export.conf L=$TMP/lxc.conf
printf '# vertical\n[autoscale]\nmode = recommend\n\n[autoscale.tier.web]\ncontainers = web*\n' >"$A"
printf '\n\n[autoscale.group.web]\nbase = web\nmin_instances = 1\nmax_instances = 2\n' >"$G"
printf '[web]\n\n[export.otlp.main]\nurl = http://127.0.0.1:4318/v1/metrics\n' >"$E"
printf '[collector]\ncpu = true\nlxc = true\n' >"$L"

# refused FEATURE SWITCH WHERE_REGEX CHECK_CONFIG_ARGS...: check-config must
# fail naming WHERE and "built without ... (SWITCH=OFF)" when FEATURE is
# not built, and pass when it is.
refused() {
	local feature=$1 switch=$2 where=$3
	shift 3
	local out rc
	out=$("$BIN" check-config "$@" 2>&1) && rc=0 || rc=$?
	if has "$feature"; then
		[ "$rc" = 0 ] || fail "$feature is built but check-config $* failed: $out"
		echo "$out" | grep -q "built without" && fail "a full build says 'built without': $out"
	else
		[ "$rc" = 1 ] || fail "check-config $* exited $rc without $feature: $out"
		echo "$out" | grep -Eq "$where.*this edgestat was built without .*\($switch=OFF\)" ||
			fail "no '$where ... built without ($switch=OFF)' error: $out"
	fi
}
refused autoscale EDGESTAT_AUTOSCALE "$A:3: \[autoscale\]:" "$A"
refused autoscale EDGESTAT_AUTOSCALE "$A:6: \[autoscale.tier.web\]:" "$A"
refused autoscale EDGESTAT_AUTOSCALE "$G:4: \[autoscale.group.web\]:" "$G"
# Switched off, the autoscaler's sections ask for nothing: valid in every
# build (one config file for a fleet's lean routers and full hosts).
O=$TMP/autoscale-off.conf
printf '[autoscale]\nmode = off\n\n[autoscale.tier.web]\ncontainers = web*\n\n[autoscale.group.web]\nbase = web\nmin_instances = 1\nmax_instances = 2\nmode = off\n' >"$O"
out=$("$BIN" check-config "$O" 2>&1) || fail "[autoscale] mode = off (tier, group mode = off) refused: $out"
pass "[autoscale] and a group with mode = off are valid in this build"
refused export EDGESTAT_EXPORT "$E:4: \[export.otlp.main\]:" "$E"
refused lxc EDGESTAT_LXC "$L:3: \[collector\] lxc = true:" "$L"
refused lxc EDGESTAT_LXC "flag --collector.lxc: \[collector\] lxc = true:" "$SRC/config/edgestat.conf" --collector.lxc
out=$(EDGESTAT_COLLECTOR_LXC=true "$BIN" check-config "$SRC/config/edgestat.conf" 2>&1) && rc=0 || rc=$?
if has lxc; then [ "$rc" = 0 ] || fail "EDGESTAT_COLLECTOR_LXC=true refused in a build with lxc: $out"
else echo "$out" | grep -q "environment EDGESTAT_COLLECTOR_LXC: \[collector\] lxc = true: .*EDGESTAT_LXC=OFF" ||
	fail "the variable is not named: $out"; fi
# Switching the collector off is what a build without it does anyway.
"$BIN" check-config "$SRC/config/edgestat.conf" --no-collector.lxc >/dev/null 2>&1 || fail "--no-collector.lxc refused"
pass "check-config: a part not built is refused naming where it was asked for; a built part is valid"

# `run` refuses the same configs before serving (no `started`).
for f in "$A" "$E" "$L"; do
	case $f in "$A") feat=autoscale ;; "$E") feat=export ;; *) feat=lxc ;; esac
	has "$feat" && continue
	out=$(timeout 10 "$BIN" run --config.file="$f" --web.listen-address=127.0.0.1:0 \
		--agent.runtime-dir="$TMP/refused" --agent.data-dir="$TMP/refused" 2>&1) && rc=0 || rc=$?
	[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "run with $f ($feat not built) exited $rc: $out"
	echo "$out" | grep -q '"msg":"started"' && fail "run started with $f although $feat is not built: $out"
	echo "$out" | grep -q "built without" || fail "run's refusal does not say what is missing: $out"
done
pass "run refuses a config needing a part not built, before it starts"

# The default config starts; /metrics names the build's parts; the API
# says when the autoscaler is not built.
start_agent
m=$(curl -sf "$(URL /metrics)") || fail "/metrics failed"
echo "$m" | grep -q "^edgestat_build_info{.*features=\"$features\".*} 1$" ||
	fail "edgestat_build_info has no features=\"$features\": $(echo "$m" | grep build_info)"
if has lxc; then
	echo "$m" | grep -q 'node_scrape_collector_success{collector="lxc"}' || fail "lxc collector did not run by default"
else
	echo "$m" | grep -q 'collector="lxc"' && fail "a build without lxc ran the lxc collector"
fi
api=$(curl -s -w '\n%{http_code}' "$(URL /api/v1/autoscaler)")
if has autoscale; then
	[ "$(echo "$api" | tail -1)" = 200 ] || fail "/api/v1/autoscaler: $api"
else
	[ "$(echo "$api" | tail -1)" = 404 ] || fail "/api/v1/autoscaler without the autoscaler: $api"
	echo "$api" | grep -q '"reason":"this edgestat was built without the autoscaler (EDGESTAT_AUTOSCALE=OFF)"' ||
		fail "/api/v1/autoscaler does not say why: $api"
fi
[ "$(code "$(URL /)")" = 200 ] || fail "status page"
[ "$(code "$(URL /health)")" = 200 ] || fail "/health on the default config: $(curl -s "$(URL /health)")"
pass "the default config starts; /metrics and /api/v1/autoscaler match the build"

start_agent --config.file="$SRC/config/edgestat.conf"
[ "$(code "$(URL /metrics)")" = 200 ] || fail "/metrics with config/edgestat.conf"
pass "config/edgestat.conf starts"

# SIGHUP: a new config needing a part not built is refused like any bad
# config; the running one stays and keeps serving.
if ! has export; then
	H=$TMP/hup.conf
	printf '[web]\n' >"$H"
	start_agent --config.file="$H"
	cp "$E" "$H"
	kill -HUP "$PID"
	for _ in $(seq 100); do grep -q "built without the push exporter" "$LOG" && break; sleep 0.05; done
	grep -q "hup.conf:4: \[export.otlp.main\]: this edgestat was built without the push exporter" "$LOG" ||
		fail "SIGHUP did not refuse the [export] section: $(tail -5 "$LOG")"
	[ "$(code "$(URL /metrics)")" = 200 ] || fail "the agent stopped serving after the refused reload"
	pass "SIGHUP refuses a config needing a part not built and keeps the running one"
fi
