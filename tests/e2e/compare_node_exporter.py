#!/usr/bin/env python3
"""Compares `edgestat once` with node_exporter's /metrics on the same host:
every node_* family edgestat emits must exist in node_exporter's output with
the same type and the same label names, and stable values must agree."""
import sys

sys.path.insert(0, sys.argv[3])
import promparse  # noqa: E402
from ne_expected import expected  # noqa: E402

ours_t, ours_s = promparse.parse(open(sys.argv[1]).read())
ne_t, ne_s = promparse.parse(open(sys.argv[2]).read())

# Families and labels node_exporter 1.5 (Debian bookworm) predates are
# allowed by tests/lib/ne_expected.py, each with the version that added it.

problems = []
ne_labelsets = {}
for name, labels, _ in ne_s:
    ne_labelsets.setdefault(promparse.family_of(name, ne_t), set()).add(frozenset(labels))
ours_labelsets = {}
for name, labels, _ in ours_s:
    ours_labelsets.setdefault(promparse.family_of(name, ours_t), set()).add(frozenset(labels))

checked = 0
for fam, typ in sorted(ours_t.items()):
    if not fam.startswith('node_'):
        continue
    if fam not in ours_labelsets:
        continue
    checked += 1
    if fam not in ne_t:
        why = expected(fam, 'only-ours')
        if why:
            print('EXPECTED: %s: not in node_exporter 1.5 output [%s]' % (fam, why))
        else:
            problems.append('%s: not in node_exporter output' % fam)
        continue
    if ne_t[fam] != typ:
        problems.append('%s: type %s, node_exporter says %s' % (fam, typ, ne_t[fam]))
    ours_names = {frozenset(k for k in ls) for ls in ours_labelsets[fam]}
    ne_names = {frozenset(k for k in ls) for ls in ne_labelsets.get(fam, set())}
    for names in ours_names - ne_names:
        why = expected(fam, 'labels')
        if why:
            print('EXPECTED: %s: label names %s [%s]' % (fam, sorted(names), why))
            continue
        problems.append('%s: label names %s not used by node_exporter (%s)' % (
            fam, sorted(names), [sorted(n) for n in ne_names]))


def value(samples, name, **labels):
    for n, ls, v in samples:
        if n == name and all(ls.get(k) == w for k, w in labels.items()):
            return v
    return None


def same(name, tolerance=0.0, **labels):
    a, b = value(ours_s, name, **labels), value(ne_s, name, **labels)
    if a is None or b is None:
        problems.append('%s%s: missing (edgestat %s, node_exporter %s)' % (name, labels, a, b))
    elif abs(a - b) > tolerance:
        problems.append('%s%s: edgestat %s != node_exporter %s' % (name, labels, a, b))


same('node_memory_MemTotal_bytes')
same('node_boot_time_seconds', tolerance=1)
same('node_filesystem_size_bytes', mountpoint='/')
same('node_network_mtu_bytes', device='lo')
cpus = lambda s: {ls['cpu'] for n, ls, _ in s if n == 'node_cpu_seconds_total'}
if cpus(ours_s) != cpus(ne_s) or not cpus(ours_s):
    problems.append('CPU sets differ: %s vs %s' % (sorted(cpus(ours_s)), sorted(cpus(ne_s))))
uname = [ls for n, ls, _ in ours_s if n == 'node_uname_info']
ne_uname = [ls for n, ls, _ in ne_s if n == 'node_uname_info']
if uname != ne_uname:
    problems.append('node_uname_info differs: %s vs %s' % (uname, ne_uname))

for p in problems:
    print('FAIL:', p)
print('compared %d node_* families with node_exporter: %d problems' % (checked, len(problems)))
sys.exit(1 if problems else 0)
