# One collection per interval whatever triggers it: with a 2 s interval and
# a scraper every 2 s at another phase, the agent must not collect for the
# timer and again for the scraper. Before the fix it collected twice per
# interval (issue 14); now a scrape-triggered collection postpones the
# timer, which stays silent while the scraper keeps coming.
# Also: a scrape within scrape_max_age of the last collection is served
# from it, and with nobody scraping the timer alone keeps the pace.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

start_agent --collect.interval=2s --collect.scrape-max-age=500ms
# collections [TRIGGER]: edgestat_collections_total{trigger=TRIGGER}, or the
# sum over timer and scrape, from one scrape (which may itself collect: the
# count it shows includes that collection).
collections() {
  curl -s "$(URL /metrics)" | awk -v t="${1:-}" '
    $1 ~ /^edgestat_collections_total\{trigger="(timer|scrape)"\}$/ && (t == "" || index($1, "\"" t "\"")) { n += $2 }
    END { print n + 0 }'
}

# Nobody scraping: the timer alone, once an interval (plus the one at start).
sleep 5.2
timer=$(collections timer)
[ "$timer" = 3 ] || fail "idle: $timer timer collections in 5.2 s at a 2 s interval, want 3 (start, 2 s, 4 s)"
pass "idle: the timer collects once an interval"

# A scraper every 2 s, 1 s out of phase with the timer, for 8 intervals.
sleep 0.8
t0=$(collections timer)
before=$(collections)
for _ in $(seq 8); do sleep 2; curl -s -o /dev/null "$(URL /metrics)"; done
after=$(collections)
t1=$(collections timer)
n=$((after - before))
# 8 scrapes about 2 s apart (a little more: curl's own time): one collection
# each, and the timer silent; the double schedule made about 16.
[ "$n" = 8 ] || fail "$n collections for 8 scrapes at the interval, want 8"
[ "$t1" = "$t0" ] || fail "the timer collected $((t1 - t0)) times while a scraper came every interval"
pass "a regular scraper out of phase: one collection per scrape, none from the timer"

# The scraper stops: the timer takes over within 1.5 intervals.
sleep 3.5
[ "$(collections timer)" -gt "$t1" ] || fail "no timer collection 3.5 s after the last scrape"
pass "when scrapes stop the timer resumes"

# Five scrapers at once share one collection.
sleep 1
s0=$(collections scrape)
sleep 1
pids=()
for _ in 1 2 3 4 5; do curl -s -o /dev/null "$(URL /metrics)" & pids+=($!); done
wait "${pids[@]}"
s1=$(collections scrape)
[ $((s1 - s0)) = 1 ] || fail "$((s1 - s0)) collections for 5 concurrent scrapes, want 1"
pass "concurrent scrapes share a collection"

# The same at a 1 s interval with a scraper on a precise 1 s period (not
# sleep-then-curl, which drifts later each round), half an interval out of
# phase with the timer: about one collection per interval in total, counted
# by the agent's own edgestat_collections_total; the double schedule made
# about two. scrape_max_age is a quarter interval, the shipped ratio's side
# (15 s / 1 s) of the interval: a scrape inside it would be served from the
# last collection and not collect at all.
start_agent --collect.interval=1s --collect.scrape-max-age=250ms
sleep 1.5  # start collection at 0, timer at 1 s: the scraper starts at 1.5 s
before=$(collections)
python3 - "$(URL /metrics)" <<'PY' || fail "the 1 s scraper failed"
import sys, time, urllib.request
t0 = time.monotonic()
for k in range(12):
    time.sleep(max(0.0, t0 + k - time.monotonic()))
    urllib.request.urlopen(sys.argv[1], timeout=5).read()
PY
after=$(collections)
# 12 scrapes over 11 s, plus the count scrape right after the last one
# (served from it). One per interval: 11-13; two per interval: about 23.
n=$((after - before))
[ "$n" -ge 11 ] && [ "$n" -le 13 ] || fail "$n collections during 11 s of a 1 s scraper at a 1 s interval, want about 12"
pass "1 s interval and a 1 s scraper out of phase: $n collections in 11 s (one per interval)"
