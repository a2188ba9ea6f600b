#!/usr/bin/env python3
"""Extracts every metric name and label a Grafana dashboard's queries use.

  dashboard_metrics.py DASHBOARD.json > node_exporter_full.metrics

Reads every query text of the dashboard (targets' expr, templating
variables' query/definition), finds the node_* and process_* metric names
in it, and for each metric the label names the query uses: inside
selectors ({label="..."}), in by/without/on/ignoring/group_left/
group_right clauses, in label_values(metric, label) and in the target's
legendFormat ({{label}}). Writes one line per metric: the name, then its
label names, sorted; '#' lines are comments."""
import json
import re
import sys

METRIC = re.compile(r'\b((?:node|process)_[A-Za-z0-9_:]+)\b')
SELECTOR = re.compile(r'\{([^{}]*)\}')
SEL_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)')
CLAUSE = re.compile(r'\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)')
LEGEND = re.compile(r'\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}')
LABEL_VALUES = re.compile(r'label_values\(\s*([^,()]*?(?:\{[^{}]*\})?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)')


def queries(node, legend=''):
    """Yields (query text, legendFormat) for every query in the dashboard."""
    if isinstance(node, dict):
        legend = node.get('legendFormat', legend) if isinstance(node.get('legendFormat'), str) else legend
        for k, v in node.items():
            if k in ('expr', 'definition') and isinstance(v, str):
                yield v, legend
            elif k == 'query' and isinstance(v, str):
                yield v, ''
            elif k == 'query' and isinstance(v, dict) and isinstance(v.get('query'), str):
                yield v['query'], ''
            else:
                yield from queries(v, legend)
    elif isinstance(node, list):
        for x in node:
            yield from queries(x, legend)


def extract(dashboard):
    used = {}
    for q, legend in queries(dashboard):
        names = set(METRIC.findall(q))
        if not names:
            continue
        labels = set()
        for sel in SELECTOR.findall(q):
            labels.update(SEL_LABEL.findall(sel))
        for clause in CLAUSE.findall(q):
            labels.update(x.strip() for x in clause.split(',') if x.strip())
        for _, label in LABEL_VALUES.findall(q):
            labels.add(label)
        labels.update(LEGEND.findall(legend))
        # Target labels Prometheus adds, not the exporter's.
        labels -= {'__name__', 'instance', 'job'}
        for n in names:
            used.setdefault(n, set()).update(labels)
    return used


def main():
    d = json.load(open(sys.argv[1]))
    used = extract(d)
    print('# Metric names and the label names (instance and job aside) the queries of')
    print('# the %r Grafana dashboard (version %s) use, one metric a line;' % (d.get('title'), d.get('version')))
    print('# written by tests/compat/dashboard_metrics.py. Source: %s' % (sys.argv[2] if len(sys.argv) > 2 else sys.argv[1]))
    for n in sorted(used):
        print(' '.join([n] + sorted(used[n])))


if __name__ == '__main__':
    main()
