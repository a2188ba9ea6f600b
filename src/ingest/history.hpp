#pragma once
// History: the last `depth` values of a few configured series, taken from
// each finished Snapshot, in a fixed ring (8 bytes per value plus 8 per
// snapshot time). A series is a family name with optional label matchers:
//
//   node_load1
//   node_cpu_seconds_total{mode="idle"}
//   node_filesystem_avail_bytes{mountpoint="/";fstype="ext4"}
//
// (';' separates matchers because the config list splits on ','). Its value
// is the sum of the family's samples whose labels contain every matcher
// (plain samples only: histogram buckets and summary quantiles are
// skipped); a series with no matching sample records null.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/out_buffer.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat::ingest {

// Series one history can hold (the config list's own capacity).
inline constexpr size_t kMaxHistorySeries = 8;
// Label matchers per series.
inline constexpr size_t kMaxHistoryMatchers = 8;

struct HistorySpec {
  FixedString<255> text;  // as configured, the series' name in the API
  std::string_view family;
  std::string_view matchers[kMaxHistoryMatchers];  // `name="value"` as rendered
  size_t nmatchers = 0;
};

// Parses one spec (views point into spec->text); false with *why set.
bool parse_history_spec(std::string_view s, HistorySpec* spec, const char** why);

class History {
 public:
  History() = default;
  History(const History&) = delete;
  History& operator=(const History&) = delete;
  ~History();

  // specs[0..n) are parsed by the caller; depth snapshots are kept.
  bool init(const HistorySpec* specs, size_t n, uint32_t depth);
  size_t series_count() const { return n_; }
  const HistorySpec& spec(size_t i) const { return specs_[i]; }

  // Appends one snapshot's values (NaN where a series is absent).
  void record(const Snapshot& snap, int64_t unix_us);
  // The sum of the matching samples of spec in snap, or NaN.
  static double value_of(const Snapshot& snap, const HistorySpec& spec);

  uint32_t size() const { return count_; }
  // Value of series s in the i-th oldest kept snapshot, and its time.
  double value(uint32_t i, size_t s) const;
  int64_t time_us(uint32_t i) const;

  // GET /api/v1/history: {"depth":..,"series":[{"series":"node_load1",
  //  "points":[[<unix seconds>,<value or null>],..]}..]}; only the series
  // named `only` when not empty (false if no such series), the newest
  // `limit` points.
  bool render_json(OutBuffer& out, std::string_view only, uint32_t limit) const;
  // The stored snapshot record: {"kind":"snapshot","timestamp":"..",
  //  "series":{"node_load1":0.5,..}} for the newest snapshot.
  bool render_record(OutBuffer& out, std::string_view timestamp) const;

 private:
  HistorySpec specs_[kMaxHistorySeries];
  size_t n_ = 0;
  uint32_t depth_ = 0;
  uint32_t head_ = 0;   // next write position
  uint32_t count_ = 0;  // kept snapshots
  int64_t* times_ = nullptr;
  double* values_ = nullptr;  // depth x n
};

}  // namespace edgestat::ingest
