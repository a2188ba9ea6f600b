#include "ingest/history.hpp"

#include <cmath>

#include "core/checked.hpp"
#include "core/json_writer.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"
#include "ingest/aggregator.hpp"

namespace edgestat::ingest {
namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i)
    if (!name_char(n[i], i == 0)) return false;
  return true;
}

// The rendered value of label `name` in labels (`k="v",k2="v2"`, values
// with their escapes), or false when the label is absent.
bool label_value(std::string_view labels, std::string_view name, std::string_view* value) {
  size_t i = 0;
  while (i < labels.size()) {
    size_t eq = labels.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= labels.size()) return false;
    size_t v = eq + 2;  // past ="
    size_t e = v;
    while (e < labels.size() && labels[e] != '"') e += labels[e] == '\\' ? 2 : 1;
    if (e >= labels.size()) return false;
    if (labels.substr(i, eq - i) == name) {
      *value = labels.substr(v, e - v);
      return true;
    }
    i = e + 2;  // past ",
  }
  return false;
}

bool matches(std::string_view labels, const HistorySpec& spec) {
  for (size_t m = 0; m < spec.nmatchers; ++m) {
    const HistoryMatcher& hm = spec.matchers[m];
    std::string_view v;
    // An absent label has the empty value (PromQL's rule).
    bool equal = label_value(labels, hm.name, &v) ? v == hm.value : hm.value.empty();
    if (equal == hm.negate) return false;
  }
  return true;
}

// Which samples of family f the spec reads: Plain for its own name, Sum or
// Count for name_sum/name_count of a histogram or summary; false if none.
bool spec_kind(const Family& f, std::string_view want, SampleKind* kind) {
  if (f.name == want) {
    *kind = SampleKind::Plain;
    return true;
  }
  if (f.type != MetricType::Histogram && f.type != MetricType::Summary) return false;
  if (want.size() <= f.name.size() || want.substr(0, f.name.size()) != f.name) return false;
  std::string_view suffix = want.substr(f.name.size());
  if (suffix == "_sum") *kind = SampleKind::Sum;
  else if (suffix == "_count") *kind = SampleKind::Count;
  else return false;
  return true;
}

// Family names carry at most one of the suffixes: the family a spec reads
// is its name, or the name without _sum/_count.
const Family* find_family(const Snapshot& snap, std::string_view want, SampleKind* kind) {
  for (size_t fi = 0; fi < snap.family_count(); ++fi) {
    const Family& f = snap.family(fi);
    if (spec_kind(f, want, kind)) return &f;
  }
  return nullptr;
}

}  // namespace

bool parse_history_spec(std::string_view s, HistorySpec* spec, const char** why) {
  spec->nmatchers = 0;
  spec->group = {};
  if (!spec->text.assign(trim(s))) {
    *why = "series longer than 255 bytes";
    return false;
  }
  std::string_view t = spec->text.view();
  // "family{...} by label"
  size_t by = t.rfind(" by ");
  if (by != std::string_view::npos) {
    spec->group = trim(t.substr(by + 4));
    t = trim(t.substr(0, by));
    if (!valid_name(spec->group)) {
      *why = "'by' needs one label name";
      return false;
    }
  }
  size_t brace = t.find('{');
  spec->family = t.substr(0, brace);
  if (!valid_name(spec->family)) {
    *why = spec->family.empty() ? "a series needs a metric family name" : "invalid metric family name";
    return false;
  }
  if (brace == std::string_view::npos) return true;
  if (t.back() != '}') {
    *why = "label matchers must end with '}'";
    return false;
  }
  std::string_view inner = t.substr(brace + 1, t.size() - brace - 2);
  while (!inner.empty()) {
    std::string_view m = trim(next_field(inner, ';'));
    if (m.empty()) continue;
    size_t eq = m.find('=');
    bool negate = eq != std::string_view::npos && eq > 0 && m[eq - 1] == '!';
    std::string_view name = trim(m.substr(0, eq == std::string_view::npos ? 0 : eq - (negate ? 1 : 0)));
    if (eq == std::string_view::npos || !valid_name(name) || m.size() < eq + 3 || m[eq + 1] != '"' ||
        m.back() != '"') {
      *why = "label matchers are written name=\"value\" or name!=\"value\" and separated by ';'";
      return false;
    }
    if (spec->nmatchers == kMaxHistoryMatchers) {
      *why = "more than 8 label matchers";
      return false;
    }
    spec->matchers[spec->nmatchers++] = {name, m.substr(eq + 2, m.size() - eq - 3), negate};
  }
  return true;
}

size_t default_history_specs(bool lxc, HistorySpec* out, size_t cap) {
  // Keep in step with the H table of src/web/app.js (the page's charts).
  static constexpr std::string_view kHost[] = {
      "node_cpu_seconds_total",
      "node_cpu_seconds_total{mode=\"idle\"}",
      "node_cpu_seconds_total{mode=\"iowait\"}",
      "node_load1",
      "node_memory_MemAvailable_bytes",
      "node_network_receive_bytes_total{device!=\"lo\"}",
      "node_network_transmit_bytes_total{device!=\"lo\"}",
      "node_disk_read_bytes_total",
      "node_disk_written_bytes_total",
      "edgestat_operation_duration_seconds_sum",
      "edgestat_operation_duration_seconds_count",
  };
  static constexpr std::string_view kLxc[] = {"lxc_cpu_usage_seconds_total by name",
                                              "lxc_memory_usage_bytes by name"};
  size_t n = 0;
  const char* why = "";
  for (std::string_view s : kHost)
    if (n < cap && parse_history_spec(s, &out[n], &why)) ++n;
  if (lxc)
    for (std::string_view s : kLxc)
      if (n < cap && parse_history_spec(s, &out[n], &why)) ++n;
  return n;
}

History::~History() {
  release_array(times_, depth_);
  release_array(values_, static_cast<size_t>(depth_) * (ncols_ ? ncols_ : 1));
}

bool History::init(const HistorySpec* specs, size_t n, uint32_t depth) {
  if (times_ || n > kMaxHistorySeries || depth == 0) return false;
  n_ = n;
  ncols_ = 0;
  for (size_t i = 0; i < n; ++i) {
    // Re-parse into our own storage so the views point at our copy.
    const char* why = "";
    if (!parse_history_spec(specs[i].text.view(), &specs_[i], &why)) return false;
    size_t width = specs_[i].group.empty() ? 1 : kMaxHistoryGroup;
    for (size_t k = 0; k < width; ++k) col_spec_[ncols_++] = static_cast<uint8_t>(i);
  }
  depth_ = depth;
  size_t values = 0;
  if (!alloc_size(depth, ncols_ ? ncols_ : 1, &values)) return false;  // calloc checks the x sizeof(double)
  times_ = reserve_array<int64_t>(depth);
  values_ = reserve_array<double>(values);
  return times_ && values_;
}

double History::value_of(const Snapshot& snap, const HistorySpec& spec) {
  SampleKind kind;
  const Family* f = find_family(snap, spec.family, &kind);
  if (!f) return NAN;
  double sum = 0;
  bool any = false;
  for (const Sample& s : snap.samples(*f)) {
    if (s.kind != kind || !matches(snap.labels(s), spec)) continue;
    sum += s.value;
    any = true;
  }
  return any ? sum : NAN;
}

bool History::column_all_null(size_t c) const {
  for (uint32_t i = 0; i < count_; ++i)
    if (!std::isnan(value(i, c))) return false;
  return true;
}

// The column of split spec `spec` for label value v: its own, a free one,
// or one whose values are all null (a container gone for the whole ring).
int History::group_column(size_t spec, std::string_view v) {
  int free_col = -1, stale = -1;
  for (size_t c = 0; c < ncols_; ++c) {
    if (col_spec_[c] != spec) continue;
    if (col_label_[c].view() == v && !col_label_[c].empty()) return static_cast<int>(c);
    if (col_label_[c].empty()) {
      if (free_col < 0) free_col = static_cast<int>(c);
    } else if (stale < 0 && column_all_null(c)) {
      stale = static_cast<int>(c);
    }
  }
  int c = free_col >= 0 ? free_col : stale;
  if (c < 0 || v.empty() || !col_label_[c].assign(v)) return -1;
  return c;
}

bool History::record(const Snapshot& snap, int64_t unix_us) {
  if (!times_ || n_ == 0) return false;
  if (count_ && unix_us - time_us(count_ - 1) < min_spacing_us_) return false;
  append_point(unix_us);
  double* r = row((head_ + depth_ - 1) % depth_);
  for (size_t c = 0; c < ncols_;) {
    const HistorySpec& sp = specs_[col_spec_[c]];
    if (sp.group.empty()) {
      r[c++] = value_of(snap, sp);
      continue;
    }
    size_t spec_i = col_spec_[c];
    SampleKind kind;
    const Family* f = find_family(snap, sp.family, &kind);
    if (f) {
      for (const Sample& s : snap.samples(*f)) {
        std::string_view labels = snap.labels(s), v;
        if (s.kind != kind || !matches(labels, sp) || !label_value(labels, sp.group, &v)) continue;
        int gc = group_column(spec_i, v);
        if (gc < 0) {
          ++overflow_;
          continue;
        }
        r[gc] = std::isnan(r[gc]) ? s.value : r[gc] + s.value;
      }
    }
    while (c < ncols_ && col_spec_[c] == spec_i) ++c;
  }
  return true;
}

void History::clear() {
  head_ = count_ = 0;
  for (size_t c = 0; c < ncols_; ++c) col_label_[c].clear();
}

void History::append_point(int64_t unix_us) {
  times_[head_] = unix_us;
  double* r = row(head_);
  for (size_t c = 0; c < ncols_; ++c) r[c] = NAN;
  head_ = (head_ + 1) % depth_;
  if (count_ < depth_) ++count_;
}

void History::set_value(size_t c, double v) {
  if (count_ && c < ncols_) row((head_ + depth_ - 1) % depth_)[c] = v;
}

int History::find_column(std::string_view name) {
  for (size_t c = 0; c < ncols_; ++c) {
    const HistorySpec& sp = specs_[col_spec_[c]];
    if (sp.group.empty()) {
      if (sp.text.view() == name) return static_cast<int>(c);
      continue;
    }
    // family{label="value"}
    std::string_view fam = sp.family;
    if (name.size() < fam.size() + sp.group.size() + 5 || name.substr(0, fam.size()) != fam ||
        name[fam.size()] != '{' || name.substr(fam.size() + 1, sp.group.size()) != sp.group ||
        name.substr(fam.size() + 1 + sp.group.size(), 2) != "=\"" || name.substr(name.size() - 2) != "\"}")
      continue;
    size_t from = fam.size() + sp.group.size() + 3;
    return group_column(col_spec_[c], name.substr(from, name.size() - 2 - from));
  }
  return -1;
}

double History::value(uint32_t i, size_t c) const {
  uint32_t at = (head_ + depth_ - count_ + i) % depth_;
  return values_[static_cast<size_t>(at) * ncols_ + c];
}

int64_t History::time_us(uint32_t i) const { return times_[(head_ + depth_ - count_ + i) % depth_]; }

void History::column_name(size_t c, OutBuffer& out) const {
  const HistorySpec& sp = specs_[col_spec_[c]];
  if (sp.group.empty()) return out.put(sp.text.view());
  if (col_label_[c].empty()) return;
  out.put(sp.family);
  out.put('{');
  out.put(sp.group);
  out.put("=\"");
  out.put(col_label_[c].view());
  out.put("\"}");
}

bool History::render_json(OutBuffer& out, std::string_view only, uint32_t limit, double interval_s) const {
  bool found = only.empty();
  JsonWriter w(out);
  w.begin_object();
  w.field_u64("depth", depth_);
  if (interval_s > 0) w.field_double("interval_seconds", interval_s);
  w.field_u64("reserved_bytes", reserved_bytes());
  w.key("series");
  w.begin_array();
  uint32_t first = limit && limit < count_ ? count_ - limit : 0;
  for (size_t c = 0; c < ncols_; ++c) {
    char nb[512];
    OutBuffer name(nb, sizeof nb);
    column_name(c, name);
    if (name.size() == 0 || (!only.empty() && name.view() != only)) continue;
    found = true;
    w.begin_object();
    w.field("series", name.view());
    w.key("points");
    w.begin_array();
    for (uint32_t i = first; i < count_; ++i) {
      w.begin_array();
      json_unix_seconds(w, time_us(i));
      double v = value(i, c);
      if (std::isfinite(v)) w.value_double(v);
      else w.null();
      w.end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return found;
}

bool History::render_record(OutBuffer& out, std::string_view timestamp) const {
  if (count_ == 0) return false;
  JsonWriter w(out);
  w.begin_object();
  w.field("kind", "snapshot");
  w.field("timestamp", timestamp);
  w.key("series");
  w.begin_object();
  for (size_t c = 0; c < ncols_; ++c) {
    char nb[512];
    OutBuffer name(nb, sizeof nb);
    column_name(c, name);
    if (name.size() == 0) continue;
    w.key(name.view());
    double v = value(count_ - 1, c);
    if (std::isfinite(v)) w.value_double(v);
    else w.null();
  }
  w.end_object();
  w.end_object();
  return !out.overflowed();
}

}  // namespace edgestat::ingest
