#pragma once
// What one export sends, read from a finished Snapshot: the series (a
// plain sample, or a whole histogram or summary: its buckets or quantiles,
// _sum and _count, which travel together and are never split across
// batches), after the target's filter, and their label sets parsed back
// from the snapshot's rendered `name="value",...` form.
//
// SeriesIndex is filled once per export into a table reserved at start
// (one entry per snapshot sample at most); encoders then walk ranges of it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/regex.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat::exporter {

// Labels one exported series may carry, external labels included; a series
// with more is dropped and counted (no real collector comes near).
inline constexpr size_t kMaxSeriesLabels = 48;
// Unescaped label values of one series; a series needing more is dropped
// and counted (the snapshot caps a label set at 64 KiB, we at 8 KiB).
inline constexpr size_t kLabelScratchBytes = 8192;

struct LabelPair {
  std::string_view name, value;
};

struct SeriesRef {
  uint32_t family;  // index in the snapshot's family order
  uint32_t first;   // first sample (absolute index in the family's span base)
  uint32_t count;   // samples: 1 for plain series
};

// Parses a rendered label set; values with escapes are unescaped into
// scratch. False if it is malformed or does not fit.
bool parse_rendered_labels(std::string_view rendered, LabelPair* out, size_t cap, size_t* n, char* scratch,
                           size_t scratch_cap);

// Sorts by name (remote write requires sorted labels).
void sort_labels(LabelPair* l, size_t n);

struct SeriesFilter {
  uint64_t collector_mask = kAllCollectors;  // collect/exclude of the target
  const Regex* drop_metrics = nullptr;       // family names matching are not sent
};

class SeriesIndex {
 public:
  SeriesIndex() = default;
  SeriesIndex(const SeriesIndex&) = delete;
  SeriesIndex& operator=(const SeriesIndex&) = delete;
  ~SeriesIndex();

  bool init(uint32_t max_series);
  // Rebuilds the index from snap; returns the number of series.
  uint32_t build(const Snapshot& snap, const SeriesFilter& f);

  const Snapshot* snapshot() const { return snap_; }
  uint32_t size() const { return n_; }
  const SeriesRef& operator[](uint32_t i) const { return refs_[i]; }
  const Family& family(const SeriesRef& r) const { return snap_->family(r.family); }
  const Sample& sample(const SeriesRef& r, uint32_t k) const { return snap_->samples(family(r))[r.first + k]; }
  uint64_t samples() const { return samples_; }

 private:
  const Snapshot* snap_ = nullptr;
  SeriesRef* refs_ = nullptr;
  uint32_t cap_ = 0, n_ = 0;
  uint64_t samples_ = 0;
};

}  // namespace edgestat::exporter
