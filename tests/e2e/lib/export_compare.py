#!/usr/bin/python3
"""Compares what a receiver stored with what edgestat serves.

  export_compare.py ONCE.prom KIND URL INSTANCE
    KIND: promql (Prometheus or VictoriaMetrics query API at URL) or
          sink (push_sink.py's /series at URL)
Every node_* sample of ONCE.prom (`edgestat once` over the same fixture
tree; values that change between collections left out) must be stored with
the same value and the same labels plus the external ones, and nothing
else named node_* for that instance. Prints the first differences; exits 1
on any.
"""
import json
import math
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, sys.argv[5] if len(sys.argv) > 5 else ".")
import promparse  # noqa: E402

VOLATILE = ("node_time_seconds", "node_scrape_collector_duration_seconds", "node_filesystem_",
            "node_textfile_mtime_seconds", "node_time_zone_offset_seconds")
once_file, kind, url, instance = sys.argv[1:5]
kind = kind
_, samples = promparse.parse(open(once_file).read())
want = {}
for name, labels, value in samples:
    if not name.startswith("node_") or name.startswith(VOLATILE):
        continue
    if kind == "promql":  # Prometheus: an empty label value is no label
        labels = {k: v for k, v in labels.items() if v != ""}
    want[(name, tuple(sorted(labels.items())))] = value

got = {}
if kind == "promql":
    q = '{__name__=~"node_.+",instance="%s"}' % instance
    with urllib.request.urlopen(url + "/api/v1/query?nocache=1&query=" + urllib.parse.quote(q)) as r:
        res = json.load(r)["data"]["result"]
    for s in res:
        m = dict(s["metric"])
        name = m.pop("__name__")
        for ext in ("instance", "job", "site"):
            m.pop(ext, None)
        got[(name, tuple(sorted(m.items())))] = float(s["value"][1])
else:
    names = sorted({k[0] for k in want})
    for name in names:
        with urllib.request.urlopen(url + "/series?name=" + urllib.parse.quote(name)) as r:
            for s in json.load(r):
                m = dict(s["labels"])
                if m.get("host.name", m.get("instance")) != instance:
                    continue
                for ext in ("__name__", "instance", "job", "site", "host.name", "service.name"):
                    m.pop(ext, None)
                got[(name, tuple(sorted(m.items())))] = s["points"][-1][1]

bad = 0
for k, v in sorted(want.items()):
    if k[0].startswith(VOLATILE):
        continue
    g = got.get(k)
    if g is None:
        print("missing:", k)
        bad += 1
    elif not (g == v or (math.isnan(g) and math.isnan(v)) or abs(g - v) <= 1e-9 * max(1.0, abs(v))):
        print("value differs:", k, "want", v, "got", g)
        bad += 1
    if bad > 10:
        break
extra = [k for k in got if k not in want and not k[0].startswith(VOLATILE)]
for k in extra[:5]:
    print("unexpected:", k)
print("%s: %d node_* samples compared, %d stored, %d bad, %d unexpected" % (kind, len(want), len(got), bad, len(extra)))
sys.exit(1 if bad or extra else 0)
