#!/usr/bin/env python3
"""Compares `edgestat once` with Debian's node_exporter (1.5) over the same
fixture tree, for every collector both have: families, types, label names,
label values and values. Every difference is listed. A difference that
comes from node_exporter 1.5 being older than 1.12 (edgestat's target), or
from what a fixture tree cannot show node_exporter 1.5, is listed as
EXPECTED with the version or the reason; any other fails the test.

usage: compare_node_exporter_fixtures.py OURS.prom NE.prom LIBDIR TREE"""
import math
import sys

sys.path.insert(0, sys.argv[3])
import promparse  # noqa: E402

ours_t, ours_s = promparse.parse(open(sys.argv[1]).read())
ne_t, ne_s = promparse.parse(open(sys.argv[2]).read())
tree = sys.argv[4]

from ne_expected import expected  # noqa: E402

# Families of the collectors both have (node_exporter's own and Go runtime
# families are out: go_*, process_*, promhttp_*, node_exporter_build_info).
def ours_family(f):
    return f.startswith('node_') and f != 'node_exporter_build_info'


def by_family(samples, types):
    out = {}
    for name, labels, value in samples:
        fam = promparse.family_of(name, types)
        if not ours_family(fam):
            continue
        key = (name, tuple(sorted(labels.items())))
        out.setdefault(fam, {})[key] = value
    return out


ours = by_family(ours_s, ours_t)
ne = by_family(ne_s, ne_t)
diffs = []  # (family, kind, text)
for fam in sorted(set(ours) | set(ne)):
    if fam not in ne:
        diffs.append((fam, 'only-ours', 'only in edgestat (%d series)' % len(ours[fam])))
        continue
    if fam not in ours:
        diffs.append((fam, 'only-ne', 'only in node_exporter (%d series)' % len(ne[fam])))
        continue
    if ours_t.get(fam) != ne_t.get(fam):
        diffs.append((fam, 'type', 'type %s, node_exporter %s' % (ours_t.get(fam), ne_t.get(fam))))
    names_o = {tuple(k for k, _ in key[1]) for key in ours[fam]}
    names_n = {tuple(k for k, _ in key[1]) for key in ne[fam]}
    if names_o != names_n:
        diffs.append((fam, 'labels', 'label names %s, node_exporter %s' % (sorted(names_o), sorted(names_n))))
        continue  # the series cannot match one for one
    only_o = sorted(set(ours[fam]) - set(ne[fam]))
    only_n = sorted(set(ne[fam]) - set(ours[fam]))
    if only_o or only_n:
        diffs.append((fam, 'series', 'series only in edgestat %s; only in node_exporter %s' % (only_o[:3], only_n[:3])))
    for key in sorted(set(ours[fam]) & set(ne[fam])):
        a, b = ours[fam][key], ne[fam][key]
        same = (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
        if not same:
            diffs.append((fam, 'value', '%s%s: edgestat %r, node_exporter %r' % (key[0], dict(key[1]), a, b)))

unexpected = 0
for fam, kind, text in diffs:
    why = expected(fam, kind)
    if why:
        print('EXPECTED %s: %s: %s [%s]' % (tree, fam, text, why))
    else:
        unexpected += 1
        print('FAIL %s: %s: %s' % (tree, fam, text))
print('%s: compared %d families (%d edgestat, %d node_exporter): %d differences, %d expected, %d unexpected' % (
    tree, len(set(ours) | set(ne)), len(ours), len(ne), len(diffs), len(diffs) - unexpected, unexpected))
sys.exit(1 if unexpected else 0)
