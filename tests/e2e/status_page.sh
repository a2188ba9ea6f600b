# The status page in a real browser: headless Chromium (Debian's chromium)
# driven over the DevTools protocol (tests/e2e/lib/cdp.py) loads / from a
# running agent on the VM fixture with ingest activity (records POSTed
# throughout), and a second agent on the lxc-v2 fixture for containers.
# Asserts on the DOM: the health status text and every check, an
# operations row, a container row, and points in every chart's SVG; no
# console error, exception or CSP violation. Screenshots at phone and
# desktop widths go to $EDGESTAT_ARTIFACTS (default: ./artifacts). Also:
# the page obeys [auth] like every path. Prints the page's load times.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || EDGESTAT_SYSTEM_TEST=1 skip "chromium not installed (toolchains/deps.sh installs it)"
ART=${EDGESTAT_ARTIFACTS:-$PWD/artifacts}
mkdir -p "$ART"

# --- [auth]: the page and its files need credentials like every path.
TOKEN=page-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_agent --auth.tokens="$TOKEN"
for p in / /app.js /style.css; do
  [ "$(code --compressed "$(URL $p)")" = 401 ] || fail "$p without credentials not 401"
  [ "$(code --compressed -H "Authorization: Bearer $TOKEN" "$(URL $p)")" = 200 ] || fail "$p with a token not 200"
done
kill "$PID"
pass "/ and its files obey [auth]"

# --- the agents the browser reads
start_agent --collect.interval=1s
MAIN=$PORT
( while :; do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
      --data '[{"operation_type":"db","operation_name":"select","duration_ms":12.5},{"operation_type":"http","operation_name":"GET /<b>","duration_ms":80,"success":false}]' \
      "http://127.0.0.1:$MAIN/api/v1/operations"
    sleep 0.3
  done ) &
PIDS+=($!)
LXC="$SRC/tests/fixtures/lxc-v2"
# The autoscaler in recommend mode over the fixture's containers: its
# column shows the mode and whether it acted (it never acts here).
cat > "$TMP/autoscale.conf" <<'CONF'
[autoscale]
mode = recommend
[autoscale.tier.all]
containers = *
CONF
FIX=$LXC start_agent --collect.interval=1s --path.cgroupfs="$LXC/cgroup" --config.file="$TMP/autoscale.conf"
LXCPORT=$PORT
sleep 4  # a few history points at the 1 s interval

python3 - "$CHROMIUM" "$TMP/profile" "$MAIN" "$LXCPORT" "$ART" "$SRC/tests/e2e/lib" <<'PY' || fail "browser checks"
import json, sys, time
sys.path.insert(0, sys.argv[6])
from cdp import Browser
exe, profile, main, lxc, art = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]

# Counts CSP violations in the page (the listener is installed by the
# protocol before any of the page's own code runs, so CSP does not apply).
WATCH = "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
STATE = """(() => {
  const charts = [...document.querySelectorAll('#charts figure')].filter(f => !f.hidden).map(f => ({
    id: f.id, lines: [...f.querySelectorAll('polyline')].filter(p => p.getAttribute('points').trim().split(' ').length >= 2).length}));
  const rows = id => [...document.querySelectorAll('#' + id + ' tbody tr')].map(r => r.textContent);
  const nav = performance.getEntriesByType('navigation')[0];
  const data = performance.getEntriesByName('edgestat-data')[0];
  return {status: document.getElementById('status').textContent, checks: rows('checks'), ops: rows('operations'),
          containers: rows('containers'), charts, csp: window.__csp || [], error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
          load_ms: nav ? nav.loadEventEnd : null, data_ms: data ? data.startTime : null, bytes: performance.getEntriesByType('resource').reduce((a, r) => a + r.transferSize, nav ? nav.transferSize : 0)};
})()"""

def load(b, s, port, width, height, mobile):
    b.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile}, s)
    b.call("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH}, s)
    b.call("Page.navigate", {"url": "http://127.0.0.1:%s/" % port}, s)

def wait_for(b, s, ok, seconds=25):
    end, st = time.time() + seconds, None
    while time.time() < end:
        b.pump(0.5)
        st = b.evaluate(STATE, s)
        if ok(st):
            return st
    raise SystemExit("page never got there: " + json.dumps(st, indent=1))

def charted(st, want):
    return len(st["charts"]) >= want and all(c["lines"] > 0 for c in st["charts"])

b = Browser(exe, profile)
try:
    s = b.page()
    load(b, s, main, 1280, 900, False)
    st = wait_for(b, s, lambda st: st["status"] in ("healthy", "degraded") and charted(st, 6) and any("select" in r for r in st["ops"]))
    assert len(st["checks"]) >= 5, st["checks"]
    assert any(r.startswith("collectors") for r in st["checks"]), st["checks"]
    assert any("GET /<b>" in r for r in st["ops"]), st["ops"]  # escaped text, not markup
    ids = [c["id"] for c in st["charts"]]
    for want in ("chart-cpu", "chart-mem", "chart-load", "chart-net", "chart-disk", "chart-lat"):
        assert want in ids, ids
    print("main page: status %s, %d checks, %d operation rows, charts %s" % (st["status"], len(st["checks"]), len(st["ops"]), st["charts"]))
    print("load: loadEventEnd %.0f ms, first data render %.0f ms, %d bytes transferred" % (st["load_ms"], st["data_ms"], st["bytes"]))
    b.screenshot(s, art + "/status-page-desktop.png")
    load(b, s, main, 390, 844, True)
    st = wait_for(b, s, lambda st: charted(st, 6))
    b.screenshot(s, art + "/status-page-phone.png")
    assert not st["csp"], st["csp"]

    t = b.page()
    load(b, t, lxc, 1280, 900, False)
    # Host charts of this tree may be empty (it has no meminfo); the
    # container charts must have points.
    st = wait_for(b, t, lambda st: any(r.startswith("web") and "recommend" in r and "no action yet" in r
                                       for r in st["containers"]) and
                  sum(1 for c in st["charts"] if c["id"] in ("chart-ccpu", "chart-cmem") and c["lines"] > 0) == 2)
    print("lxc page: containers %s" % st["containers"])
    b.screenshot(t, art + "/status-page-lxc.png")
    assert not st["csp"], st["csp"]
    errs = b.errors()
    assert not errs, errs
finally:
    b.close()
print("screenshots in " + art)
PY
pass "Chromium: health, checks, operations (escaped), containers, every chart has points; no console errors or CSP violations"
