"""Minimal Prometheus text-format reader for tests: families with their
TYPE, and samples as (name, labels dict, value)."""
import math
import re

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')


def parse(text):
    types, samples = {}, []
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith('# TYPE '):
            _, _, name, typ = line.split(' ', 3)
            types[name] = typ
            continue
        if line.startswith('#'):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError('bad sample line: %r' % line)
        labels = {}
        if m.group(3):
            for lm in _LABEL.finditer(m.group(3)):
                labels[lm.group(1)] = bytes(lm.group(2), 'utf-8').decode('unicode_escape')
        v = m.group(4)
        value = {'+Inf': math.inf, '-Inf': -math.inf, 'NaN': math.nan}.get(v)
        samples.append((m.group(1), labels, float(v) if value is None else value))
    return types, samples


def family_of(name, types):
    if name in types:
        return name
    for suffix in ('_bucket', '_sum', '_count'):
        if name.endswith(suffix) and name[:-len(suffix)] in types:
            return name[:-len(suffix)]
    return name
