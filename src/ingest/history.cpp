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

// matcher `k="v"` appears in labels as a whole item.
bool has_item(std::string_view labels, std::string_view m) {
  size_t from = 0;
  while (true) {
    size_t at = labels.find(m, from);
    if (at == std::string_view::npos) return false;
    bool start_ok = at == 0 || labels[at - 1] == ',';
    size_t end = at + m.size();
    bool end_ok = end == labels.size() || labels[end] == ',';
    if (start_ok && end_ok) return true;
    from = at + 1;
  }
}

}  // namespace

bool parse_history_spec(std::string_view s, HistorySpec* spec, const char** why) {
  spec->nmatchers = 0;
  if (!spec->text.assign(trim(s))) {
    *why = "series longer than 255 bytes";
    return false;
  }
  std::string_view t = spec->text.view();
  size_t brace = t.find('{');
  spec->family = t.substr(0, brace);
  if (spec->family.empty()) {
    *why = "a series needs a metric family name";
    return false;
  }
  for (size_t i = 0; i < spec->family.size(); ++i)
    if (!name_char(spec->family[i], i == 0)) {
      *why = "invalid metric family name";
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
    if (eq == 0 || eq == std::string_view::npos || m.size() < eq + 3 || m[eq + 1] != '"' || m.back() != '"') {
      *why = "label matchers are written name=\"value\" and separated by ';'";
      return false;
    }
    if (spec->nmatchers == kMaxHistoryMatchers) {
      *why = "more than 8 label matchers";
      return false;
    }
    spec->matchers[spec->nmatchers++] = m;
  }
  return true;
}

History::~History() {
  release_array(times_, depth_);
  release_array(values_, static_cast<size_t>(depth_) * (n_ ? n_ : 1));
}

bool History::init(const HistorySpec* specs, size_t n, uint32_t depth) {
  if (times_ || n > kMaxHistorySeries || depth == 0) return false;
  n_ = n;
  for (size_t i = 0; i < n; ++i) {
    // Re-parse into our own storage so the views point at our copy.
    const char* why = "";
    if (!parse_history_spec(specs[i].text.view(), &specs_[i], &why)) return false;
  }
  depth_ = depth;
  size_t values = 0;
  if (!alloc_size(depth, n ? n : 1, &values)) return false;  // calloc checks the x sizeof(double)
  times_ = reserve_array<int64_t>(depth);
  values_ = reserve_array<double>(values);
  return times_ && values_;
}

double History::value_of(const Snapshot& snap, const HistorySpec& spec) {
  for (size_t fi = 0; fi < snap.family_count(); ++fi) {
    const Family& f = snap.family(fi);
    if (f.name != spec.family) continue;
    double sum = 0;
    bool any = false;
    for (const Sample& s : snap.samples(f)) {
      if (s.kind != SampleKind::Plain) continue;
      std::string_view labels = snap.labels(s);
      bool ok = true;
      for (size_t m = 0; m < spec.nmatchers && ok; ++m) ok = has_item(labels, spec.matchers[m]);
      if (!ok) continue;
      sum += s.value;
      any = true;
    }
    return any ? sum : NAN;
  }
  return NAN;
}

void History::record(const Snapshot& snap, int64_t unix_us) {
  if (!times_ || n_ == 0) return;
  times_[head_] = unix_us;
  for (size_t s = 0; s < n_; ++s) values_[static_cast<size_t>(head_) * n_ + s] = value_of(snap, specs_[s]);
  head_ = (head_ + 1) % depth_;
  if (count_ < depth_) ++count_;
}

double History::value(uint32_t i, size_t s) const {
  uint32_t at = (head_ + depth_ - count_ + i) % depth_;
  return values_[static_cast<size_t>(at) * n_ + s];
}

int64_t History::time_us(uint32_t i) const { return times_[(head_ + depth_ - count_ + i) % depth_]; }

bool History::render_json(OutBuffer& out, std::string_view only, uint32_t limit) const {
  bool found = only.empty();
  JsonWriter w(out);
  w.begin_object();
  w.field_u64("depth", depth_);
  w.key("series");
  w.begin_array();
  uint32_t first = limit && limit < count_ ? count_ - limit : 0;
  for (size_t s = 0; s < n_; ++s) {
    if (!only.empty() && specs_[s].text.view() != only) continue;
    found = true;
    w.begin_object();
    w.field("series", specs_[s].text.view());
    w.key("points");
    w.begin_array();
    for (uint32_t i = first; i < count_; ++i) {
      w.begin_array();
      json_unix_seconds(w, time_us(i));
      double v = value(i, s);
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
  for (size_t s = 0; s < n_; ++s) {
    w.key(specs_[s].text.view());
    double v = value(count_ - 1, s);
    if (std::isfinite(v)) w.value_double(v);
    else w.null();
  }
  w.end_object();
  w.end_object();
  return !out.overflowed();
}

}  // namespace edgestat::ingest
