#include "ingest/aggregator.hpp"

#include <utility>
#include <cmath>
#include <cstring>

#include "core/hash.hpp"
#include "core/json_writer.hpp"
#include "core/number.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"

namespace edgestat::ingest {
namespace {

constexpr FamilyDesc kOpsTotal{"edgestat_operations_total",
                               "Operation records received, by operation type, name and result (success or error).",
                               MetricType::Counter};
constexpr FamilyDesc kOpsDuration{"edgestat_operation_duration_seconds",
                                  "Duration of operations as reported by the applications, since start.",
                                  MetricType::Histogram};
constexpr FamilyDesc kOpsWindow{
    "edgestat_operation_duration_window_seconds",
    "Operation duration quantiles over the sliding window ([ingest] window), within 2% relative error.",
    MetricType::Summary};
constexpr FamilyDesc kOverflow{"edgestat_series_overflow_total",
                               "Records or lines not aggregated because their table was at its series cap "
                               "(operation records are still persisted).",
                               MetricType::Counter};
constexpr FamilyDesc kStatsdCounter{"edgestat_statsd_counter_total",
                                    "StatsD counters (c), scaled by 1/sample rate, since start.", MetricType::Counter};
constexpr FamilyDesc kStatsdGauge{"edgestat_statsd_gauge", "StatsD gauges (g): the last value, deltas applied.",
                                  MetricType::Gauge};
constexpr FamilyDesc kStatsdSet{"edgestat_statsd_set_unique",
                                "StatsD sets (s): distinct members seen since start (HyperLogLog, +-6.5%).",
                                MetricType::Gauge};

uint32_t fnv1a(std::string_view a, std::string_view b) { return fnv1a32_next(fnv1a32(a), b); }

// HyperLogLog reads the top bits: the finalizer spreads FNV's over the word.
uint64_t hash64(std::string_view s) { return mix64(fnv1a64(s)); }

uint32_t table_size(uint32_t max_series) {
  uint32_t n = 8;
  while (n < 2 * max_series) n <<= 1;
  return n;
}

}  // namespace

void json_unix_seconds(JsonWriter& w, int64_t us) {
  if (us < 0) us = 0;
  char buf[kIntChars + 8];
  size_t n = format_i64(us / 1000000, buf);
  int ms = static_cast<int>(us / 1000 % 1000);
  buf[n++] = '.';
  buf[n++] = static_cast<char>('0' + ms / 100);
  buf[n++] = static_cast<char>('0' + ms / 10 % 10);
  buf[n++] = static_cast<char>('0' + ms % 10);
  w.raw(std::string_view(buf, n));
}

bool parse_duration_buckets(std::string_view text, double* out, uint32_t* n, const char** why) {
  *n = 0;
  std::string_view rest = text;
  double prev = 0;
  while (!rest.empty()) {
    std::string_view item = trim(next_field(rest, ','));
    if (item.empty()) continue;
    auto v = parse_double(item);
    if (!v || !std::isfinite(*v) || *v <= 0) {
      *why = "bucket bounds must be finite numbers > 0 (seconds)";
      return false;
    }
    if (*n && *v <= prev) {
      *why = "bucket bounds must be strictly increasing";
      return false;
    }
    if (*n == kMaxDurationBuckets) {
      *why = "more than 24 bucket bounds";
      return false;
    }
    out[(*n)++] = *v;
    prev = *v;
  }
  if (*n == 0) {
    *why = "at least one bucket bound is needed";
    return false;
  }
  return true;
}

// ---- operations ----

OperationAggregator::~OperationAggregator() {
  release_array(series_, cfg_.max_series);
  release_array(windows_, cfg_.max_series);
  release_array(index_, index_mask_ ? index_mask_ + 1 : 0);
}

bool OperationAggregator::init(const AggregatorConfig& cfg) {
  if (series_ || cfg.max_series == 0 || cfg.window_ms < static_cast<int64_t>(QuantileWindow::kSlots) ||
      cfg.nbuckets == 0 || cfg.nbuckets > kMaxDurationBuckets)
    return false;
  cfg_ = cfg;
  series_ = reserve_array<OperationSeries>(cfg.max_series);
  windows_ = reserve_array<QuantileWindow>(cfg.max_series);
  uint32_t ts = table_size(cfg.max_series);
  index_ = reserve_array<uint32_t>(ts);
  if (!series_ || !windows_ || !index_) return false;
  index_mask_ = ts - 1;
  return true;
}

int OperationAggregator::find(std::string_view type, std::string_view name, uint32_t hash) const {
  for (uint32_t p = hash & index_mask_;; p = (p + 1) & index_mask_) {
    uint32_t v = index_[p];
    if (v == 0) return -1 - static_cast<int>(p);  // free slot p
    const OperationSeries& s = series_[v - 1];
    if (s.hash == hash && s.type.view() == type && s.name.view() == name) return static_cast<int>(v - 1);
  }
}

bool OperationAggregator::observe(std::string_view type, std::string_view name, double ms, bool success,
                                  int64_t now_us) {
  if (!series_) return false;
  uint32_t h = fnv1a(type, name);
  int at = find(type, name, h);
  if (at < 0) {
    if (count_ == cfg_.max_series) {
      ++overflow_;
      return false;
    }
    OperationSeries& s = series_[count_];
    if (!s.type.assign(type) || !s.name.assign(name)) {
      ++overflow_;
      return false;
    }
    s.hash = h;
    // Reset when a series is born, not at init: the window table is the
    // largest one (11 KiB a series) and stays untouched memory until used.
    windows_[count_].reset();
    index_[static_cast<uint32_t>(-1 - at)] = static_cast<uint32_t>(count_ + 1);
    at = static_cast<int>(count_++);
  }
  OperationSeries& s = series_[at];
  if (success) ++s.success;
  else ++s.errors;
  double sec = ms / 1000;
  s.sum_s += sec;
  for (uint32_t b = 0; b < cfg_.nbuckets; ++b) {
    if (sec <= cfg_.buckets_s[b]) {
      ++s.bucket[b];
      break;
    }
  }
  if (now_us > s.last_seen_us) s.last_seen_us = now_us;
  windows_[at].add(ms, window_epoch(now_us / 1000, cfg_.window_ms));
  return true;
}

QuantileWindow::Summary OperationAggregator::quantiles(size_t i, int64_t now_us, double* out) const {
  return windows_[i].query(window_epoch(now_us / 1000, cfg_.window_ms), kReportedQuantiles,
                           kReportedQuantileCount, out);
}

void OperationAggregator::add_metrics(Snapshot& snap, int64_t now_us) const {
  for (size_t i = 0; i < count_; ++i) {
    const OperationSeries& s = series_[i];
    Label l3[3] = {{"name", s.name.view()}, {"result", "error"}, {"type", s.type.view()}};
    snap.add(kOpsTotal, static_cast<double>(s.errors), l3, 3);
    l3[1].value = "success";
    snap.add(kOpsTotal, static_cast<double>(s.success), l3, 3);
    Label l2[2] = {{"name", s.name.view()}, {"type", s.type.view()}};
    uint64_t cum = 0;
    for (uint32_t b = 0; b < cfg_.nbuckets; ++b) {
      cum += s.bucket[b];
      snap.add(kOpsDuration, SampleKind::Bucket, cfg_.buckets_s[b], static_cast<double>(cum), l2, 2);
    }
    uint64_t total = s.success + s.errors;
    snap.add(kOpsDuration, SampleKind::Bucket, HUGE_VAL, static_cast<double>(total), l2, 2);
    snap.add(kOpsDuration, SampleKind::Sum, 0, s.sum_s, l2, 2);
    snap.add(kOpsDuration, SampleKind::Count, 0, static_cast<double>(total), l2, 2);
    double q[kReportedQuantileCount];
    QuantileWindow::Summary w = quantiles(i, now_us, q);
    for (size_t j = 0; j < kReportedQuantileCount; ++j)
      snap.add(kOpsWindow, SampleKind::Quantile, kReportedQuantiles[j], w.count ? q[j] / 1000 : NAN, l2, 2);
    snap.add(kOpsWindow, SampleKind::Sum, 0, w.sum / 1000, l2, 2);
    snap.add(kOpsWindow, SampleKind::Count, 0, static_cast<double>(w.count), l2, 2);
  }
  Label t{"table", "operations"};
  snap.add(kOverflow, static_cast<double>(overflow_), &t, 1);
}

void OperationAggregator::render_json(OutBuffer& out, int64_t now_us) const {
  JsonWriter w(out);
  w.begin_object();
  w.field_double("window_seconds", static_cast<double>(cfg_.window_ms) / 1000);
  w.field_u64("series_limit", cfg_.max_series);
  w.field_u64("series_overflow", overflow_);
  w.key("operations");
  w.begin_array();
  for (size_t i = 0; i < count_; ++i) {
    const OperationSeries& s = series_[i];
    double q[kReportedQuantileCount];
    QuantileWindow::Summary sm = quantiles(i, now_us, q);
    uint64_t total = s.success + s.errors;
    w.begin_object();
    w.field("operation_type", s.type.view());
    w.field("operation_name", s.name.view());
    w.field_u64("count", total);
    w.field_u64("success", s.success);
    w.field_u64("errors", s.errors);
    w.field_double("error_rate", total ? static_cast<double>(s.errors) / static_cast<double>(total) : 0);
    w.field_u64("window_count", sm.count);
    if (sm.count) {
      w.field_double("p50_ms", q[0]);
      w.field_double("p95_ms", q[1]);
      w.field_double("p99_ms", q[2]);
      w.field_double("mean_ms", sm.sum / static_cast<double>(sm.count));
    } else {
      w.key("p50_ms"), w.null();
      w.key("p95_ms"), w.null();
      w.key("p99_ms"), w.null();
      w.key("mean_ms"), w.null();
    }
    w.key("last_seen");
    json_unix_seconds(w, s.last_seen_us);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// ---- StatsD ----

bool statsd_series_key(const StatsdLine& line, FixedString<kStatsdKeyBytes>* key) {
  key->assign(line.name);
  if (line.ntags == 0) return !key->overflowed();
  // Insertion sort of tag indices by key then value (at most 8).
  uint32_t order[kMaxStatsdTags];
  for (uint32_t i = 0; i < line.ntags; ++i) {
    uint32_t j = i;
    while (j > 0) {
      const StatsdTag& a = line.tags[order[j - 1]];
      const StatsdTag& b = line.tags[i];
      if (a.key < b.key || (a.key == b.key && a.value <= b.value)) break;
      order[j] = order[j - 1];
      --j;
    }
    order[j] = i;
  }
  key->push_back('|');
  for (uint32_t i = 0; i < line.ntags; ++i) {
    if (i) key->push_back(',');
    const StatsdTag& t = line.tags[order[i]];
    key->append(t.key);
    key->push_back(':');
    key->append(t.value);
  }
  return !key->overflowed();
}

StatsdAggregator::~StatsdAggregator() {
  release_array(series_, max_);
  release_array(index_, index_mask_ ? index_mask_ + 1 : 0);
}

bool StatsdAggregator::init(uint32_t max_series) {
  if (series_ || max_series == 0) return false;
  max_ = max_series;
  series_ = reserve_array<StatsdSeries>(max_series);
  uint32_t ts = table_size(max_series);
  index_ = reserve_array<uint32_t>(ts);
  if (!series_ || !index_) return false;
  index_mask_ = ts - 1;
  return true;
}

bool StatsdAggregator::apply(const StatsdLine& line) {
  if (!series_) return false;
  StatsdKind kind;
  switch (line.type) {
    case StatsdType::Counter: kind = StatsdKind::Counter; break;
    case StatsdType::Gauge: kind = StatsdKind::Gauge; break;
    case StatsdType::Set: kind = StatsdKind::Set; break;
    default: return false;
  }
  FixedString<kStatsdKeyBytes> key;
  if (!statsd_series_key(line, &key)) {
    ++overflow_;
    return false;
  }
  char kc = static_cast<char>('0' + static_cast<int>(kind));
  uint32_t h = fnv1a(std::string_view(&kc, 1), key.view());
  uint32_t p = h & index_mask_;
  StatsdSeries* s = nullptr;
  for (;; p = (p + 1) & index_mask_) {
    uint32_t v = index_[p];
    if (v == 0) break;
    StatsdSeries& c = series_[v - 1];
    if (c.hash == h && c.kind == kind && c.key.view() == key.view()) {
      s = &c;
      break;
    }
  }
  if (!s) {
    if (count_ == max_) {
      ++overflow_;
      return false;
    }
    s = &series_[count_];
    s->key = key;
    s->kind = kind;
    s->hash = h;
    index_[p] = static_cast<uint32_t>(++count_);
  }
  switch (kind) {
    case StatsdKind::Counter: s->value += line.value / line.sample_rate; break;
    case StatsdKind::Gauge: s->value = line.delta ? s->value + line.value : line.value; break;
    case StatsdKind::Set: {
      uint64_t x = hash64(line.value_text);
      uint32_t reg = static_cast<uint32_t>(x >> 56);
      uint64_t w = x << 8;
      uint8_t rho = w == 0 ? 57 : static_cast<uint8_t>(__builtin_clzll(w) + 1);
      if (rho > 57) rho = 57;
      if (rho > s->hll[reg]) s->hll[reg] = rho;
      break;
    }
  }
  return true;
}

double StatsdAggregator::set_estimate(const uint8_t* hll) {
  constexpr double m = 256;
  double z = 0;
  uint32_t zeros = 0;
  for (int i = 0; i < 256; ++i) {
    z += std::ldexp(1.0, -hll[i]);
    if (hll[i] == 0) ++zeros;
  }
  double alpha = 0.7213 / (1 + 1.079 / m);
  double e = alpha * m * m / z;
  if (e <= 2.5 * m && zeros) e = m * std::log(m / zeros);  // linear counting for small sets
  return std::round(e);
}

void StatsdAggregator::add_metrics(Snapshot& snap) const {
  for (size_t i = 0; i < count_; ++i) {
    const StatsdSeries& s = series_[i];
    std::string_view key = s.key.view();
    size_t bar = key.find('|');
    Label labels[1 + kMaxStatsdTags];
    char names[kMaxStatsdTags][kMaxStatsdName + 8];
    size_t n = 0;
    labels[n++] = {"metric", key.substr(0, bar)};
    if (bar != std::string_view::npos) {
      std::string_view tags = key.substr(bar + 1);
      while (!tags.empty() && n < 1 + kMaxStatsdTags) {
        std::string_view tag = next_field(tags, ',');
        size_t colon = tag.find(':');
        std::string_view tk = tag.substr(0, colon);
        std::string_view tv = colon == std::string_view::npos ? std::string_view() : tag.substr(colon + 1);
        // Label names are [a-zA-Z_][a-zA-Z0-9_]*; "__" is reserved and
        // "metric" is ours, so those get a "tag_" prefix.
        char* nm = names[n - 1];
        size_t len = 0;
        bool prefix = (tk[0] >= '0' && tk[0] <= '9') || tk == "metric" || starts_with(tk, "__");
        if (prefix) {
          std::memcpy(nm, "tag_", 4);
          len = 4;
        }
        for (char c : tk.substr(0, kMaxStatsdName)) {
          bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
          nm[len++] = ok ? c : '_';
        }
        std::string_view ln(nm, len);
        bool dup = false;
        for (size_t k = 0; k < n; ++k) dup = dup || labels[k].name == ln;
        if (!dup) labels[n++] = {ln, tv};
      }
    }
    // Label sets must be sorted by name for a stable exposition.
    // (Insertion sort: at most 9 labels, and GCC's -Warray-bounds misreads
    // std::sort's heap fallback on a small array.)
    for (size_t i = 1; i < n; ++i)
      for (size_t j = i; j > 0 && labels[j].name < labels[j - 1].name; --j) std::swap(labels[j], labels[j - 1]);
    switch (s.kind) {
      case StatsdKind::Counter: snap.add(kStatsdCounter, s.value, labels, n); break;
      case StatsdKind::Gauge: snap.add(kStatsdGauge, s.value, labels, n); break;
      case StatsdKind::Set: snap.add(kStatsdSet, set_estimate(s.hll), labels, n); break;
    }
  }
  Label t{"table", "statsd"};
  snap.add(kOverflow, static_cast<double>(overflow_), &t, 1);
}

}  // namespace edgestat::ingest
