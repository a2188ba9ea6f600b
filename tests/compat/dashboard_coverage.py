#!/usr/bin/env python3
"""Which of the Node Exporter Full dashboard's metrics (and the labels its
queries use on them) edgestat serves on this machine, next to node_exporter
on the same machine.

  dashboard_coverage.py METRICS_LIST EDGESTAT.prom NODE_EXPORTER.prom LIBDIR

Prints one line per metric either serves with a mark for each, the labels
node_exporter has on a metric and edgestat lacks, duplicate series in
edgestat's output, and a summary line. Fails when edgestat covers fewer
dashboard metrics than node_exporter, misses a label node_exporter has on a
metric the dashboard uses, or serves a duplicate series."""
import sys

sys.path.insert(0, sys.argv[4])
import promparse  # noqa: E402

wanted = {}
for line in open(sys.argv[1]):
    if line.startswith('#') or not line.strip():
        continue
    name, *labels = line.split()
    wanted[name] = set(labels)


def served(path):
    types, samples = promparse.parse(open(path).read())
    out, seen, dups = {}, set(), []
    for name, labels, _ in samples:
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            dups.append(key)
        seen.add(key)
        out.setdefault(promparse.family_of(name, types), set()).update(labels)
        out.setdefault(name, set()).update(labels)  # the dashboard may name _bucket/_sum series
    return out, dups


ours, ours_dups = served(sys.argv[2])
ne, ne_dups = served(sys.argv[3])
problems = []
n_ours = n_ne = 0
for name in sorted(wanted):
    a, b = name in ours, name in ne
    n_ours += a
    n_ne += b
    if a or b:
        print('%-55s edgestat %-3s node_exporter %s' % (name, 'yes' if a else 'no', 'yes' if b else 'no'))
    if b and not a:
        problems.append('%s: node_exporter serves it on this machine, edgestat does not' % name)
    if a and b:
        missing = (wanted[name] & ne[name]) - ours[name]
        if missing:
            problems.append('%s: labels %s the dashboard uses are on node_exporter\'s series, not on edgestat\'s' % (
                name, sorted(missing)))
for key in ours_dups:
    problems.append('duplicate series in edgestat\'s output: %s%s' % (key[0], dict(key[1])))
for p in problems:
    print('FAIL:', p)
print('dashboard coverage: %d of %d metric names served by edgestat, %d by node_exporter on this machine; '
      '%d duplicate series in edgestat, %d in node_exporter' % (n_ours, len(wanted), n_ne, len(ours_dups),
                                                                len(ne_dups)))
sys.exit(1 if problems or n_ours < n_ne else 0)
