#!/bin/bash
# Tiers select Proxmox containers by tag, and a Proxmox lock stops the
# autoscaler: the agent runs (recommend mode) over a copy of the Proxmox
# fixture tree (/etc/pve/lxc/10[123].conf in pct's format, cgroups, proc).
# There is no Proxmox host here: the tree is the fixture's, with a
# "lock: backup" line added to container 102's config (as vzdump sets it).
#   bash tests/e2e/autoscale_pve_tags.sh BUILD/edgestat SRC
set -uo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
command -v curl >/dev/null || skip "curl not installed"
tmp=$(mktemp -d)
daemon=
trap '[ -n "$daemon" ] && kill "$daemon" 2>/dev/null; rm -rf "$tmp"' EXIT
cp -r "$SRC/tests/fixtures/proxmox" "$tmp/tree"
tree=$tmp/tree
grep -q '^tags: dns$' "$tree/root/etc/pve/lxc/101.conf" || fail "fixture 101.conf lost its tags line"
# Into the current configuration, before 102.conf's [pve:pending] section
# (lines in that section are not in force and must not count).
sed -i 's/^\[pve:pending\]$/lock: backup\ntags: cloud;web\n\n[pve:pending]\ntags: dns/' "$tree/root/etc/pve/lxc/102.conf"
grep -q '^lock: backup$' "$tree/root/etc/pve/lxc/102.conf" || fail "could not add the lock line"
cat > "$tmp/edgestat.conf" <<CONF
[autoscale]
mode = recommend
reserve_cpu = 0.1
reserve_memory = 1MiB

[autoscale.tier.dns]
tags = dns

[autoscale.tier.web]
tags = WEB
CONF
port=$(free_port)
"$BIN" run --config.file="$tmp/edgestat.conf" --log.level=info --web.listen-address="127.0.0.1:$port" \
  --agent.runtime-dir="$tmp" --agent.data-dir="$tmp" --collect.interval=1s --collect.scrape-max-age=0s \
  --collector.disable-defaults --collector.lxc --path.procfs="$tree/proc" --path.sysfs="$tree/sys" \
  --path.rootfs="$tree/root" --path.cgroupfs="$tree/cgroup" 2> "$tmp/daemon.log" &
daemon=$!
wait_http "http://127.0.0.1:$port/metrics" || fail "daemon did not answer: $(tail -3 "$tmp/daemon.log")"
sleep 2.5  # a few collections
curl -sf "http://127.0.0.1:$port/api/v1/autoscaler" > "$tmp/api.json" || fail "/api/v1/autoscaler failed"
curl -sf "http://127.0.0.1:$port/metrics" > "$tmp/metrics" || fail "/metrics failed"
python3 - "$tmp/api.json" "$tmp/metrics" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
by = {c["name"]: c for c in doc["containers"]}
rc = 0
def check(what, ok):
    global rc
    print(("ok: " if ok else "FAIL: ") + what)
    rc |= 0 if ok else 1
check("pihole (tags: dns) is in tier dns (0): %s" % by.get("pihole", {}).get("tier"), by.get("pihole", {}).get("tier") == 0)
check("nextcloud (tags: cloud;web) is in tier web (1), tags compared without case: %s" % by.get("nextcloud", {}).get("tier"),
      by.get("nextcloud", {}).get("tier") == 1)
check("backup (no tags) is not managed", "backup" not in by)
nc = by.get("nextcloud", {})
check("nextcloud (lock: backup) skipped with reason locked: %s" % nc.get("cpu", {}).get("last_decision"),
      nc.get("cpu", {}).get("last_decision", {}).get("skip") == "locked")
ph = by.get("pihole", {})
check("pihole (no lock) is not skipped as locked", ph.get("cpu", {}).get("last_decision", {}).get("skip") != "locked")
m = open(sys.argv[2]).read()
check("lxc_autoscaler_decision_skipped_total{reason=locked} counts nextcloud",
      any(l.startswith('lxc_autoscaler_decision_skipped_total{name="nextcloud",reason="locked"} ') and float(l.split()[-1]) >= 2
          for l in m.splitlines()))
check("no locked skip for pihole", 'lxc_autoscaler_decision_skipped_total{name="pihole",reason="locked"}' not in m)
sys.exit(rc)
PY
rc=$?
[ $rc = 0 ] || { echo "--- api"; cat "$tmp/api.json"; echo; tail -5 "$tmp/daemon.log"; }
kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; daemon=

# A scaling group whose base is a Proxmox container (101) is refused at
# start, naming the config line: lxc-copy would make clones Proxmox does
# not know of.
cat > "$tmp/group.conf" <<CONF
[autoscale.group.dns]
min_instances = 1
max_instances = 2
base = 101
CONF
timeout 20 "$BIN" run --config.file="$tmp/group.conf" --web.listen-address="127.0.0.1:$port" \
  --agent.runtime-dir="$tmp" --agent.data-dir="$tmp" --collector.disable-defaults --collector.lxc \
  --path.procfs="$tree/proc" --path.sysfs="$tree/sys" --path.rootfs="$tree/root" --path.cgroupfs="$tree/cgroup" \
  2> "$tmp/group.log"
code=$?
if [ $code != 0 ] && [ $code != 124 ] && grep -q "the base is a Proxmox container.*\"at\":\"$tmp/group.conf:4\"" "$tmp/group.log"; then
  echo "ok: a group with a Proxmox base is refused at start (exit $code, $tmp/group.conf:4 named)"
else
  echo "FAIL: a group with a Proxmox base: exit $code"; tail -5 "$tmp/group.log"; rc=1
fi
exit $rc
