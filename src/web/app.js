// edgestat's status page: reads the agent's JSON APIs (the same ones any
// client reads; the page shows nothing they do not) and draws tables and
// SVG charts. Served from the binary with a strict Content-Security-Policy:
// no inline script or style, no markup built from data (text goes in through
// textContent, so names from the box cannot inject markup).
'use strict';

const $ = (id) => document.getElementById(id);
const SVGNS = 'http://www.w3.org/2000/svg';
let interval = 15;     // seconds between refreshes; the history's interval
let prev = null;       // previous snapshot, for rates
let last = null;       // latest snapshot

// ---- formatting ----
function num(v, d) {
  if (v == null || !isFinite(v)) return '—';
  const a = Math.abs(v);
  return v.toFixed(d != null ? d : a >= 100 ? 0 : a >= 10 ? 1 : 2);
}
function bytes(v) {
  if (v == null || !isFinite(v)) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return num(v, i ? null : 0) + ' ' + u[i];
}
const rateB = (v) => v == null ? '—' : bytes(v) + '/s';
const pct = (v) => v == null || !isFinite(v) ? '—' : num(v, 1) + '%';
const ms = (v) => v == null || !isFinite(v) ? '—' : num(v) + ' ms';
function ago(s) {
  if (!isFinite(s) || s < 0) return '—';
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? d + 'd ' + h + 'h' : h ? h + 'h ' + m + 'm' : m + 'm ' + Math.floor(s % 60) + 's';
}

// ---- DOM helpers (text only) ----
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function badge(status) { return el('span', status, 'badge ' + status); }
function bar(fraction) {
  const b = el('div', null, 'bar'), i = el('i');
  i.style.width = Math.max(0, Math.min(100, fraction * 100)) + '%';
  b.appendChild(i);
  return b;
}
// Replaces a table's body with rows; each cell is text or a node (or a list of them).
function fill(id, rows, empty) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    const tr = el('tr');
    r.forEach((c, i) => {
      const td = el(i === 0 && $(id).classList.contains('kv') ? 'th' : 'td');
      for (const x of [].concat(c)) td.append(x instanceof Node ? x : String(x));
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
  if (!rows.length && empty) {
    const tr = el('tr'), td = el('td', empty, 'mute');
    td.colSpan = 8;
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

// ---- snapshot access ----
function index(snap) {
  const f = {};
  for (const fam of snap.families) f[fam.name] = fam.samples;
  return { t: snap.timestamp_ms / 1000, f };
}
const samples = (s, name) => (s && s.f[name]) || [];
function one(s, name, match) {
  for (const x of samples(s, name)) if (!match || Object.keys(match).every((k) => x.labels[k] === match[k])) return x.value;
  return null;
}
// Sums a family's samples by the value of one label: {value: sum}.
function by(s, name, label, skip) {
  const out = {};
  for (const x of samples(s, name)) {
    if (x.kind) continue;  // buckets, quantiles, sums and counts
    if (skip && skip(x.labels)) continue;
    const k = x.labels[label];
    out[k] = (out[k] || 0) + x.value;
  }
  return out;
}
// Per-second rates of by() between the previous and the latest snapshot.
function rates(name, label, skip) {
  if (!prev || !last || last.t <= prev.t) return null;
  const a = by(prev, name, label, skip), b = by(last, name, label, skip), out = {};
  for (const k in b) if (k in a && b[k] >= a[k]) out[k] = (b[k] - a[k]) / (last.t - prev.t);
  return out;
}

// ---- sections ----
function renderHealth(h) {
  const s = $('status');
  s.textContent = h.status;
  s.className = 'badge ' + h.status;
  $('summary').textContent = h.summary;
  fill('checks', h.checks.map((c) => [c.name, badge(c.status), c.detail]));
  document.title = 'edgestat: ' + h.status;
}

function renderHost() {
  const s = last;
  const info = samples(s, 'edgestat_build_info')[0];
  const uname = samples(s, 'node_uname_info')[0];
  if (uname) $('host').textContent = uname.labels.nodename;
  const start = one(s, 'process_start_time_seconds'), boot = one(s, 'node_boot_time_seconds');
  const parts = [];
  if (info) parts.push('edgestat ' + info.labels.version + ' (' + info.labels.target + ')');
  if (start != null) parts.push('agent up ' + ago(s.t - start));
  if (boot != null) parts.push('host up ' + ago(s.t - boot));
  if (uname) parts.push(uname.labels.sysname + ' ' + uname.labels.release + ' ' + uname.labels.machine);
  $('about').textContent = parts.join(' · ');

  const cpu = rates('node_cpu_seconds_total', 'mode');
  const ncpu = new Set(samples(s, 'node_cpu_seconds_total').map((x) => x.labels.cpu)).size;
  const rows = [['CPUs', String(ncpu)]];
  if (cpu) {
    const total = Object.values(cpu).reduce((a, b) => a + b, 0);
    for (const m of Object.keys(cpu).sort()) if (total > 0) rows.push([m, [pct(100 * cpu[m] / total), bar(cpu[m] / total)]]);
  } else rows.push(['by mode', 'measuring…']);
  fill('cpu', rows);

  const mt = one(s, 'node_memory_MemTotal_bytes'), ma = one(s, 'node_memory_MemAvailable_bytes');
  const st = one(s, 'node_memory_SwapTotal_bytes'), sf = one(s, 'node_memory_SwapFree_bytes');
  const mem = [];
  if (mt) mem.push(['Memory used', [bytes(mt - ma) + ' of ' + bytes(mt), bar((mt - ma) / mt)]]);
  if (st) mem.push(['Swap used', [bytes(st - sf) + ' of ' + bytes(st), bar((st - sf) / st)]]);
  else if (st === 0) mem.push(['Swap', 'none']);
  const l = ['node_load1', 'node_load5', 'node_load15'].map((n) => num(one(s, n)));
  mem.push(['Load 1/5/15 min', l.join(' / ')]);
  fill('mem', mem);

  const fs = [];
  for (const x of samples(s, 'node_filesystem_size_bytes')) {
    const m = x.labels.mountpoint, avail = one(s, 'node_filesystem_avail_bytes', { mountpoint: m });
    if (!x.value) continue;
    fs.push([m, [pct(100 * (1 - avail / x.value)), bar(1 - avail / x.value)], bytes(avail) + ' of ' + bytes(x.value)]);
  }
  fill('fs', fs, 'no filesystems reported');

  const skip = (lb) => lb.device === 'lo';
  const rx = rates('node_network_receive_bytes_total', 'device', skip);
  const tx = rates('node_network_transmit_bytes_total', 'device', skip);
  const devs = Object.keys(by(s, 'node_network_receive_bytes_total', 'device', skip)).sort();
  fill('net', devs.map((d) => [d, rateB(rx && rx[d]), rateB(tx && tx[d])]), 'no interfaces reported');

  const temps = [];
  for (const x of samples(s, 'node_hwmon_temp_celsius'))
    temps.push([x.labels.chip + ' ' + x.labels.sensor, num(x.value, 1) + ' °C']);
  for (const x of samples(s, 'node_thermal_zone_temp'))
    temps.push([x.labels.type + ' (zone ' + x.labels.zone + ')', num(x.value, 1) + ' °C']);
  fill('temp', temps.slice(0, 16), 'no sensors');
}

// The autoscaler's view of a container (its lxc_autoscaler_* families):
// the mode its tier gives it, the target recommendation for CPU and memory,
// and how long ago it last acted. '—' for a container no tier manages.
function autoscalerCell(n) {
  const s = last;
  const mode = samples(s, 'lxc_autoscaler_managed').find((x) => x.labels.name === n);
  if (!mode) return '—';
  const rec = (r) => one(s, 'lxc_autoscaler_recommendation', { name: n, resource: r, target: 'target' });
  const cpu = rec('cpu'), mem = rec('memory');
  const parts = [mode.labels.mode];
  if (cpu != null || mem != null) parts.push('target ' + num(cpu) + ' cores, ' + bytes(mem));
  const at = one(s, 'lxc_autoscaler_last_action_timestamp_seconds', { name: n });
  parts.push(at ? 'acted ' + ago(s.t - at) + ' ago' : 'no action yet');
  return parts.join(' · ');
}

function renderContainers() {
  const s = last, names = Object.keys(by(s, 'lxc_container_running', 'name')).sort();
  $('containers-section').hidden = !names.length;
  const cpu = rates('lxc_cpu_usage_seconds_total', 'name');
  fill('containers', names.map((n) => {
    const run = one(s, 'lxc_container_running', { name: n });
    const quota = one(s, 'lxc_spec_cpu_quota_cores', { name: n });
    const used = one(s, 'lxc_memory_usage_bytes', { name: n });
    const lim = one(s, 'lxc_spec_memory_limit_bytes', { name: n });
    const c = cpu && cpu[n];
    const cpuCell = c == null ? ['—'] : [num(c) + (quota ? ' of ' + num(quota) : '') + ' cores'];
    if (c != null && quota) cpuCell.push(bar(c / quota));
    const memCell = [bytes(used) + (lim ? ' of ' + bytes(lim) : '')];
    if (lim) memCell.push(bar(used / lim));
    return [n, badge(run ? 'running' : 'stopped'), cpuCell, memCell, num(one(s, 'lxc_pids_current', { name: n }), 0),
      autoscalerCell(n)];
  }));
}

// Horizontal scaling groups (lxc_autoscaler_group_* families): running
// instances, the size the group is moving to within its bounds, its clones
// by state, and how often it scaled out and in successfully.
function renderGroups() {
  const s = last, names = Object.keys(by(s, 'lxc_autoscaler_group_instances', 'group')).sort();
  $('groups-section').hidden = !names.length;
  const size = (g, b) => num(one(s, 'lxc_autoscaler_group_size', { group: g, bound: b }), 0);
  const acts = (g, d) => num(one(s, 'lxc_autoscaler_actions_total',
    { name: g, resource: 'instances', direction: d, result: 'ok' }) || 0, 0);
  fill('groups', names.map((g) => {
    const m = samples(s, 'lxc_autoscaler_group_members').filter((x) => x.labels.group === g && x.value > 0);
    return [g, num(one(s, 'lxc_autoscaler_group_instances', { group: g }), 0),
      size(g, 'desired') + ' (' + size(g, 'min') + '–' + size(g, 'max') + ')',
      m.map((x) => num(x.value, 0) + ' ' + x.labels.state).join(', ') || 'none', acts(g, 'out'), acts(g, 'in')];
  }));
}

function renderOperations(o) {
  const w = o.window_seconds || 1;
  fill('operations', o.operations.map((x) => [x.operation_type, x.operation_name,
    num(x.window_count / w) + '/s', pct(100 * x.error_rate), ms(x.p50_ms), ms(x.p95_ms), ms(x.p99_ms)]),
  'no operations yet: POST /api/v1/operations or send StatsD timers');
}

function renderExporters() {
  const s = last, targets = {};
  for (const x of samples(s, 'edgestat_export_breaker_state')) {
    const t = targets[x.labels.target] || (targets[x.labels.target] = { kind: x.labels.kind });
    if (x.value === 1) t.state = x.labels.state;
  }
  const names = Object.keys(targets).sort();
  $('exporters-section').hidden = !names.length;
  const sum = (fam, t) => by(s, fam, 'target')[t];
  fill('exporters', names.map((t) => [t, targets[t].kind, badge(targets[t].state || 'unknown'),
    num(sum('edgestat_export_samples_sent_total', t), 0), num(sum('edgestat_export_samples_failed_total', t), 0),
    num(sum('edgestat_export_samples_dropped_total', t), 0)]));
}

// ---- charts from /api/v1/history ----
// The default [history] series (ingest/history_defaults.cpp) by role.
const H = {
  cpu: 'node_cpu_seconds_total', idle: 'node_cpu_seconds_total{mode="idle"}',
  iowait: 'node_cpu_seconds_total{mode="iowait"}', load: 'node_load1', avail: 'node_memory_MemAvailable_bytes',
  rx: 'node_network_receive_bytes_total{device!="lo"}', tx: 'node_network_transmit_bytes_total{device!="lo"}',
  rd: 'node_disk_read_bytes_total', wr: 'node_disk_written_bytes_total',
  ccpu: 'lxc_cpu_usage_seconds_total', cmem: 'lxc_memory_usage_bytes',
  osum: 'edgestat_operation_duration_seconds_sum', ocount: 'edgestat_operation_duration_seconds_count',
};
let hist = {};   // series name -> [[t, v]...]

// Per-second increase of a counter series: [[t, rate]], null across resets and gaps.
function deriv(p) {
  const out = [];
  for (let i = 1; i < (p || []).length; i++) {
    const [t0, a] = p[i - 1], [t1, b] = p[i];
    out.push([t1, a == null || b == null || b < a || t1 <= t0 ? null : (b - a) / (t1 - t0)]);
  }
  return out;
}
// f over several series point by point (they share their times).
function zip(names, f, d) {
  const ps = names.map((n) => d ? deriv(hist[n]) : hist[n] || []);
  const n = Math.min(...ps.map((p) => p.length)), out = [];
  for (let i = 0; i < n; i++) {
    const vs = ps.map((p) => p[i][1]);
    out.push([ps[0][i][0], vs.some((v) => v == null) ? null : f(...vs)]);
  }
  return out;
}
// Grouped series ("family{label="value"}") of a family, as {value: points}.
function groups(family) {
  const out = {};
  for (const k in hist) {
    const m = k.startsWith(family + '{') && /="(.*)"}$/.exec(k);
    if (m) out[m[1]] = hist[k];
  }
  return out;
}

const CHARTS = [
  // CPU counters that did not move in an interval (a frozen fixture) read as idle.
  { id: 'cpu', title: 'CPU busy', fmt: pct, max: 100, lines: () => [
    ['busy', zip([H.idle, H.cpu], (i, t) => t > 0 ? 100 * (1 - i / t) : 0, true)],
    ['iowait', zip([H.iowait, H.cpu], (w, t) => t > 0 ? 100 * w / t : 0, true)]] },
  { id: 'mem', title: 'Memory used', fmt: bytes, lines: () => {
    const total = one(last, 'node_memory_MemTotal_bytes');
    return [['used', total ? zip([H.avail], (a) => total - a) : []]];
  } },
  { id: 'load', title: 'Load (1 min)', fmt: num, lines: () => [['load1', hist[H.load] || []]] },
  { id: 'net', title: 'Network', fmt: rateB, lines: () => [['receive', deriv(hist[H.rx])], ['transmit', deriv(hist[H.tx])]] },
  { id: 'disk', title: 'Disk I/O', fmt: rateB, lines: () => [['read', deriv(hist[H.rd])], ['written', deriv(hist[H.wr])]] },
  { id: 'ccpu', title: 'Container CPU (cores)', fmt: num, group: H.ccpu,
    lines: () => Object.entries(groups(H.ccpu)).map(([n, p]) => [n, deriv(p)]) },
  { id: 'cmem', title: 'Container memory', fmt: bytes, group: H.cmem,
    lines: () => Object.entries(groups(H.cmem)).map(([n, p]) => [n, p]) },
  { id: 'lat', title: 'Operation latency (mean)', fmt: ms, lines: () =>
    [['mean', zip([H.osum, H.ocount], (s, c) => c > 0 ? 1000 * s / c : null, true)]] },
];

function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}

// Draws one chart: a polyline per line and run of points without a gap.
function draw(c) {
  let fig = $('chart-' + c.id);
  const lines = c.lines().filter(([, p]) => p.some((x) => x[1] != null));
  if (c.group && !lines.length) { if (fig) fig.hidden = true; return; }
  if (!fig) {
    fig = el('figure');
    fig.id = 'chart-' + c.id;
    const cap = el('figcaption');
    cap.append(el('b', c.title), el('span', '', 'now'));
    const box = svg('svg', { class: 'chart', viewBox: '0 0 300 100', preserveAspectRatio: 'none', role: 'img' });
    box.setAttribute('aria-label', c.title);
    const axis = el('div', null, 'axis');
    axis.append(el('span', '', 'ymax'), el('span', '', 'span'));
    fig.append(cap, box, axis, el('div', null, 'legend'));
    $('charts').appendChild(fig);
  }
  fig.hidden = false;
  const box = fig.querySelector('svg'), legend = fig.querySelector('.legend');
  box.replaceChildren();
  legend.replaceChildren();
  let t0 = Infinity, t1 = -Infinity, ymax = c.max || 0;
  for (const [, p] of lines) for (const [t, v] of p) {
    if (v == null) continue;
    t0 = Math.min(t0, t); t1 = Math.max(t1, t);
    if (!c.max) ymax = Math.max(ymax, v);
  }
  if (!c.max) ymax = ymax > 0 ? ymax * 1.1 : 1;
  const span = t1 > t0 ? t1 - t0 : interval;
  const gap = 2.5 * interval;
  lines.forEach(([name, p], i) => {
    let run = [], lt = null;
    const flush = () => {
      if (run.length === 1) run.push((parseFloat(run[0]) + 1.5).toFixed(1) + run[0].slice(run[0].indexOf(',')));
      if (run.length) box.appendChild(svg('polyline', { points: run.join(' '), class: 's' + (i % 8) }));
      run = [];
    };
    for (const [t, v] of p) {
      if (v == null || (lt != null && t - lt > gap)) flush();
      if (v != null) {
        const x = t1 > t0 ? (t - t0) / (t1 - t0) * 300 : 300;
        run.push(x.toFixed(1) + ',' + (100 - Math.min(v, ymax) / ymax * 98).toFixed(1));
        lt = t;
      }
    }
    flush();
    const item = el('span');
    item.append(el('i', null, 's' + (i % 8)), name);
    legend.appendChild(item);
  });
  const latest = lines.length ? lines[0][1].filter((x) => x[1] != null).pop() : null;
  fig.querySelector('.now').textContent = latest ? c.fmt(latest[1]) : 'no data yet';
  fig.querySelector('.ymax').textContent = lines.length ? 'max ' + c.fmt(ymax) : '';
  fig.querySelector('.span').textContent = lines.length ? 'last ' + ago(span) : '';
}

function renderHistory(h) {
  hist = {};
  for (const s of h.series) hist[s.series] = s.points;
  if (h.interval_seconds) interval = h.interval_seconds;
  $('span').textContent = ago(h.depth * interval);
  for (const c of CHARTS) draw(c);
}

// ---- the refresh loop ----
async function get(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!r.ok && r.status !== 503) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}

async function refresh() {
  try {
    const [snap, health, ops, history] = await Promise.all(
      [get('/api/v1/snapshot'), get('/health'), get('/api/v1/operations'), get('/api/v1/history')]);
    prev = last;
    last = index(snap);
    renderHealth(health);
    renderHost();
    renderContainers();
    renderGroups();
    renderOperations(ops);
    renderExporters();
    renderHistory(history);
    $('error').hidden = true;
    // The first complete render, for load-time measurements (tests/e2e/status_page.sh).
    if (!performance.getEntriesByName('edgestat-data').length) performance.mark('edgestat-data');
  } catch (e) {
    $('error').textContent = 'cannot reach the agent: ' + e.message;
    $('error').hidden = false;
  }
}

// A second snapshot soon after the first gives rates at once; then one
// refresh per collection interval (never more often: each may collect).
refresh().then(() => setTimeout(() => {
  refresh();
  setInterval(refresh, Math.max(interval, 2) * 1000);
}, 2000));
