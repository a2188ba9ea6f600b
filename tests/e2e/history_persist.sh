# The history ring at the collection interval and across restarts:
#   - scrapes every 0.1 s (each one collects: scrape_max_age 0) add no
#     points between the interval's: points stay >= 0.9 interval apart;
#   - the default series are on (the status page's charts have data);
#   - [history] persist: SIGTERM writes data_dir/history.bin, a restart
#     restores its points ("history restored") and records on after them;
#   - a corrupt or truncated file is refused with a log line naming why,
#     the agent starts with an empty history and replaces the file later.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
FLAGS=(--collect.interval=1s --collect.scrape-max-age=0s --history.persist --history.persist-interval=1s
       --store.enabled=false)

start_agent "${FLAGS[@]}"
grep -q '"msg":"history reserved"' "$LOG" || fail "no 'history reserved' log line"
end=$((SECONDS + 5))
while [ $SECONDS -lt $end ]; do curl -s -o /dev/null "$(URL /metrics)"; sleep 0.1; done
curl -s "$(URL /api/v1/history)" > "$TMP/h1.json"
python3 - "$TMP/h1.json" <<'PY' || fail "history spacing or default series: $(head -c 600 "$TMP/h1.json")"
import json, sys
h = json.load(open(sys.argv[1]))
names = [s["series"] for s in h["series"]]
for want in ("node_load1", 'node_cpu_seconds_total{mode="idle"}', "node_memory_MemAvailable_bytes",
             'node_network_receive_bytes_total{device!="lo"}', "edgestat_operation_duration_seconds_count"):
    assert want in names, (want, names)
assert h["interval_seconds"] == 1 and h["reserved_bytes"] > 0, h
pts = h["series"][0]["points"]
assert 4 <= len(pts) <= 7, pts  # ~5 s at 1 s, though ~50 scrapes collected
gaps = [b[0] - a[0] for a, b in zip(pts, pts[1:])]
assert min(gaps) >= 0.89, gaps
PY
pass "points at the interval only (50 scrape collections added none), default series on"

kill -TERM "$PID"
wait_exit "$PID" 10 >/dev/null || true
[ -s "$TMP/data/history.bin" ] || fail "no history.bin after SIGTERM"
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["series"][0]["points"][0][0])' "$TMP/h1.json")

start_agent "${FLAGS[@]}"
grep -q '"msg":"history restored"' "$LOG" || fail "history not restored: $(cat "$LOG")"
sleep 1.5
curl -s "$(URL /api/v1/history?series=node_load1)" | python3 -c '
import json, sys
pts = json.load(sys.stdin)["series"][0]["points"]
assert pts[0][0] == float(sys.argv[1]), (pts[0], sys.argv[1])
assert len(pts) >= 6, pts
gaps = [b[0] - a[0] for a, b in zip(pts, pts[1:])]
assert min(gaps) >= 0.89, gaps' "$first" || fail "restored points missing"
pass "SIGTERM saves history.bin; a restart restores it and records on"
kill -TERM "$PID"
wait_exit "$PID" 10 >/dev/null || true

# Corruption: a flipped byte, then a truncated file, then junk.
size=$(stat -c %s "$TMP/data/history.bin")
printf '\x01' | dd of="$TMP/data/history.bin" bs=1 seek=$((size - 30)) conv=notrunc status=none
start_agent "${FLAGS[@]}"
grep -q '"msg":"history file refused, starting with an empty history".*checksum mismatch' "$LOG" ||
  fail "corrupt file not refused by its checksum: $(cat "$LOG")"
[ "$(code "$(URL /health)")" = 200 ] || fail "agent unhealthy after a refused history file"
sleep 2.5  # persist_interval 1s: the file is replaced by a good one
kill -TERM "$PID"
wait_exit "$PID" 10 >/dev/null || true
head -c 40 "$TMP/data/history.bin" > "$TMP/cut" && mv "$TMP/cut" "$TMP/data/history.bin"
start_agent "${FLAGS[@]}"
grep -q '"msg":"history file refused.*truncated file' "$LOG" || fail "truncated file not refused: $(cat "$LOG")"
kill -TERM "$PID"
wait_exit "$PID" 10 >/dev/null || true
head -c 5000 /dev/urandom > "$TMP/data/history.bin"
start_agent "${FLAGS[@]}"
grep -q '"msg":"history file refused.*bad magic' "$LOG" || fail "junk file not refused: $(cat "$LOG")"
curl -s "$(URL /api/v1/history)" | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "history API after junk"
pass "corrupt, truncated and foreign files refused with the reason; the agent runs"
