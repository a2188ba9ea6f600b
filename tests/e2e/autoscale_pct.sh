#!/bin/bash
# Proxmox containers' new sizes are persisted through pct, and read back:
# the agent (mode = on) runs over a copy of the Proxmox fixture tree
# (/etc/pve/lxc/VMID.conf in pct's format, cgroup v2 files, proc). Container
# 101 (pihole) holds 1.5 cores and uses none (its counters do not move), so
# the autoscaler shrinks it; the cgroup write lands in the tree's cpu.max
# and `pct set 101 ...` must follow.
#
# There is no Proxmox host here, so `pct` is a stand-in found first on
# PATH: it checks its argv against pct(1)'s syntax for `pct set` (VMID
# first, then -cores <integer>, -cpulimit <number>, -memory <integer>
# MiB, nothing else), logs it, and, as pct does, writes the values into
# the current section of /etc/pve/lxc/VMID.conf. Three runs:
#   write: the write is confirmed from VMID.conf (persist_total ok);
#   lie:   pct exits 0 but VMID.conf is unchanged: counted as failed;
#   fail:  pct exits 1 with an error line: failed, the line is logged.
#   bash tests/e2e/autoscale_pct.sh BUILD/edgestat SRC
set -uo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
command -v curl >/dev/null || skip "curl not installed"
tmp=$(mktemp -d)
daemon=
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir -p "$tmp/bin"
cat > "$tmp/bin/pct" <<'PCT'
#!/bin/sh
# Stand-in for Proxmox's pct (no Proxmox host here): `pct set` only.
log=$PCT_DIR/pct.log
echo "$*" >> "$log"
[ "$1" = set ] || { echo "pct stand-in: only 'set' expected, got '$1'" >&2; exit 2; }
vmid=$2
case "$vmid" in [1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]*) ;; *) echo "400 bad vmid '$vmid'" >&2; exit 2 ;; esac
shift 2
sets=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "400 option $1 without a value" >&2; exit 2; }
  case "$1:$2" in
    -cores:*[!0-9]* | -memory:*[!0-9]*) echo "400 $1: '$2' is not an integer" >&2; exit 2 ;;
    -cpulimit:*[!0-9.]*) echo "400 -cpulimit: '$2' is not a number" >&2; exit 2 ;;
    -cores:* | -memory:* | -cpulimit:*) sets="$sets ${1#-}=$2" ;;
    *) echo "400 unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
case "$(cat "$PCT_DIR/pct.mode")" in
  fail) echo "trying to acquire lock...can't lock file '/run/lock/lxc/pve-config-$vmid.lock' - got timeout" >&2; exit 255 ;;
  lie) exit 0 ;;
esac
conf=$PCT_ROOT/etc/pve/lxc/$vmid.conf
[ -f "$conf" ] || { echo "Configuration file 'nodes/pve/lxc/$vmid.conf' does not exist" >&2; exit 2; }
# Replace or add each key in the current section (before the first [snapshot]).
awk -v sets="$sets" '
  BEGIN { n = split(sets, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); want[p[1]] = p[2] } }
  /^\[/ && !done { for (k in want) if (!(k in seen)) print k ": " want[k]; done = 1 }
  !done { split($0, f, ":"); if (f[1] in want) { print f[1] ": " want[f[1]]; seen[f[1]] = 1; next } }
  { print }
  END { if (!done) for (k in want) if (!(k in seen)) print k ": " want[k] }
' "$conf" > "$conf.new" && mv "$conf.new" "$conf"
PCT
chmod +x "$tmp/bin/pct"

metric() {  # metric URL NAME{LABELS} -> value or empty
  curl -sf "$1/metrics" | awk -v m="$2" 'index($0, m " ") == 1 { print $2 }'
}

run() {  # run MODE: a fresh tree and agent with the stand-in in MODE; waits for a persist result
  local mode=$1 port url i ok failed
  rm -rf "$tmp/tree" "$tmp/data"
  cp -r "$SRC/tests/fixtures/proxmox" "$tmp/tree"
  mkdir -p "$tmp/data"
  : > "$tmp/pct.log"
  echo "$mode" > "$tmp/pct.mode"
  cat > "$tmp/edgestat.conf" <<CONF
[autoscale]
mode = on
reserve_cpu = 0.1
reserve_memory = 1MiB
min_samples = 2
up_samples = 2
down_samples = 2
down_cooldown = 1s
up_cooldown = 1s

[autoscale.tier.dns]
tags = dns
cpu_min = 0.5
CONF
  port=$(free_port)
  url="http://127.0.0.1:$port"
  PATH="$tmp/bin:$PATH" PCT_DIR="$tmp" PCT_ROOT="$tmp/tree/root" \
    "$BIN" run --config.file="$tmp/edgestat.conf" --log.level=info --web.listen-address="127.0.0.1:$port" \
    --agent.runtime-dir="$tmp/data" --agent.data-dir="$tmp/data" --collect.interval=1s --collect.scrape-max-age=0s \
    --collector.disable-defaults --collector.lxc --path.procfs="$tmp/tree/proc" --path.sysfs="$tmp/tree/sys" \
    --path.rootfs="$tmp/tree/root" --path.cgroupfs="$tmp/tree/cgroup" 2> "$tmp/daemon.log" &
  daemon=$!
  wait_http "$url/metrics" || fail "$mode: daemon did not answer: $(tail -3 "$tmp/daemon.log")"
  for i in $(seq 1 60); do
    ok=$(metric "$url" 'lxc_autoscaler_persist_total{result="ok"}')
    failed=$(metric "$url" 'lxc_autoscaler_persist_total{result="failed"}')
    [ "${ok:-0}" != 0 ] || [ "${failed:-0}" != 0 ] && break
    sleep 0.5
  done
  PERSIST_OK=${ok:-0} PERSIST_FAILED=${failed:-0}
  kill "$daemon"
  wait "$daemon" 2>/dev/null
  daemon=
  echo "$mode: persist ok=$PERSIST_OK failed=$PERSIST_FAILED; pct argv: $(head -1 "$tmp/pct.log")"
}

conf_value() { awk -v k="$1" '/^\[/ { exit } index($0, k ": ") == 1 { print substr($0, length(k) + 3) }' "$tmp/tree/root/etc/pve/lxc/101.conf"; }

# 1. pct writes: confirmed from VMID.conf.
run write
[ -s "$tmp/pct.log" ] || fail "write: pct was never run: $(grep -i autoscaler "$tmp/daemon.log" | tail -5)"
argv=$(head -1 "$tmp/pct.log")
[[ "$argv" =~ ^set\ 101\ -cores\ [0-9]+\ -cpulimit\ [0-9.]+\ -memory\ [0-9]+$ ]] || fail "write: unexpected pct argv: $argv"
quota=$(awk '{ printf "%g", $1 / $2 }' "$tmp/tree/cgroup/lxc/101/cpu.max")
[ "$(conf_value cpulimit)" = "$quota" ] || fail "write: VMID.conf cpulimit $(conf_value cpulimit), cgroup quota $quota"
[ "$PERSIST_OK" -ge 1 ] && [ "$PERSIST_FAILED" = 0 ] || fail "write: persist ok=$PERSIST_OK failed=$PERSIST_FAILED"
grep -q '"msg":"autoscaler persisted".*"vmid":"101".*"via":"pct"' "$tmp/daemon.log" || fail "write: no 'autoscaler persisted' line"
grep -q '^\[before-upgrade\]$' "$tmp/tree/root/etc/pve/lxc/101.conf" || fail "write: the snapshot section was lost"
pass_line="pct set 101 confirmed from VMID.conf (cpulimit $quota)"

# 2. pct exits 0 but nothing changed: an unconfirmed write is a failure.
run lie
[ "$PERSIST_OK" = 0 ] && [ "$PERSIST_FAILED" -ge 1 ] || fail "lie: persist ok=$PERSIST_OK failed=$PERSIST_FAILED"
grep -q 'pct set exited 0 but VMID.conf does not show the new size' "$tmp/daemon.log" || fail "lie: no read-back error line"
[ "$(conf_value cpulimit)" = 1.5 ] || fail "lie: VMID.conf changed: $(conf_value cpulimit)"

# 3. pct fails: counted, its error line logged.
run fail
[ "$PERSIST_OK" = 0 ] && [ "$PERSIST_FAILED" -ge 1 ] || fail "fail: persist ok=$PERSIST_OK failed=$PERSIST_FAILED"
grep -q '"msg":"autoscaler: pct set failed.*"exit_status":255.*got timeout' "$tmp/daemon.log" ||
  fail "fail: no error line with pct's exit status and message: $(grep pct "$tmp/daemon.log" | tail -2)"

echo "PASS: $pass_line; an unconfirmed pct write and a failed pct are counted as failed"
