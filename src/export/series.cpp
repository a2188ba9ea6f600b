#include "export/series.hpp"

#include <algorithm>
#include <cstring>

#include "core/reserve.hpp"
#include "core/sort.hpp"

namespace edgestat::exporter {

bool parse_rendered_labels(std::string_view s, LabelPair* out, size_t cap, size_t* n, char* scratch,
                           size_t scratch_cap) {
  size_t count = 0, used = 0, i = 0;
  while (i < s.size()) {
    if (count == cap) return false;
    size_t eq = s.find("=\"", i);
    if (eq == std::string_view::npos || eq == i) return false;
    std::string_view name = s.substr(i, eq - i);
    size_t j = eq + 2;
    bool escaped = false;
    size_t start = j;
    while (j < s.size() && s[j] != '"') {
      if (s[j] == '\\') {
        escaped = true;
        ++j;
      }
      ++j;
    }
    if (j >= s.size()) return false;
    std::string_view raw = s.substr(start, j - start);
    std::string_view value = raw;
    if (escaped) {
      char* dst = scratch + used;
      size_t k = 0;
      for (size_t r = 0; r < raw.size(); ++r) {
        char c = raw[r];
        if (c == '\\' && r + 1 < raw.size()) {
          c = raw[++r];
          if (c == 'n') c = '\n';
        }
        if (used + k == scratch_cap) return false;
        dst[k++] = c;
      }
      value = {dst, k};
      used += k;
    }
    out[count++] = {name, value};
    i = j + 1;
    if (i < s.size()) {
      if (s[i] != ',' || i + 1 == s.size()) return false;
      ++i;
    }
  }
  *n = count;
  return true;
}

void sort_labels(LabelPair* l, size_t n) {
  edgestat::sort(l, l + n, [](const LabelPair& a, const LabelPair& b) { return a.name < b.name; });
}

SeriesIndex::~SeriesIndex() { release_array(refs_, cap_); }

bool SeriesIndex::init(uint32_t max_series) {
  cap_ = max_series;
  refs_ = reserve_array<SeriesRef>(cap_);
  return refs_ != nullptr;
}

uint32_t SeriesIndex::build(const Snapshot& snap, const SeriesFilter& f) {
  snap_ = &snap;
  n_ = 0;
  samples_ = 0;
  for (size_t fi = 0; fi < snap.family_count(); ++fi) {
    const Family& fam = snap.family(fi);
    if (f.drop_metrics && f.drop_metrics->match(fam.name)) continue;
    auto ss = snap.samples(fam);
    const bool grouped = fam.type == MetricType::Histogram || fam.type == MetricType::Summary;
    for (uint32_t i = 0; i < ss.size();) {
      uint32_t j = i + 1;
      if (grouped) {
        std::string_view l = snap.labels(ss[i]);
        while (j < ss.size() && snap.labels(ss[j]) == l) ++j;
      }
      const Sample& s = ss[i];
      bool wanted = s.collector == kSelfCollectorId || ((f.collector_mask >> s.collector) & 1);
      if (wanted && n_ < cap_) {
        refs_[n_++] = {static_cast<uint32_t>(fi), i, j - i};
        samples_ += j - i;
      }
      i = j;
    }
  }
  return n_;
}

}  // namespace edgestat::exporter
