#pragma once
// History: the last `depth` values of a few series, taken from finished
// Snapshots at the collection interval, in a fixed ring (8 bytes per value
// plus 8 per point time), reserved at start. A series is a family name with
// optional label matchers, and optionally split by one label:
//
//   node_load1
//   node_cpu_seconds_total{mode="idle"}
//   node_network_receive_bytes_total{device!="lo"}
//   edgestat_operation_duration_seconds_sum     (a histogram's _sum/_count)
//   lxc_cpu_usage_seconds_total by name         (one column per container)
//
// (';' separates matchers because the config list splits on ','). A
// column's value is the sum of the family's samples whose labels satisfy
// every matcher (plain samples only, or the _sum/_count samples when the
// name says so); no matching sample records null. A series split `by` a
// label keeps up to kMaxHistoryGroup columns, one per label value in the
// order they appear, named family{label="value"} in the API; a value that
// finds no free column (and no column whose values are all null, which is
// reused) is counted in overflow().
//
// Spacing: a point is kept only when at least min_spacing has passed since
// the last one, so a collection a scrape triggers just after the timer's
// adds nothing and points stay about an interval apart.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/out_buffer.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat::ingest {

// Series specs one history holds: the page's defaults plus [history]
// series (whose config list holds 8).
inline constexpr size_t kMaxHistorySeries = 24;
// Label matchers per series.
inline constexpr size_t kMaxHistoryMatchers = 8;
// Columns of a series split by a label (containers charted at once).
inline constexpr size_t kMaxHistoryGroup = 8;
// Columns at most: every spec split.
inline constexpr size_t kMaxHistoryColumns = kMaxHistorySeries * kMaxHistoryGroup;

struct HistoryMatcher {
  std::string_view name, value;  // value as rendered (escapes kept)
  bool negate = false;           // name!="value"
};

struct HistorySpec {
  FixedString<255> text;  // as configured, the series' name in the API
  std::string_view family;
  HistoryMatcher matchers[kMaxHistoryMatchers];
  size_t nmatchers = 0;
  std::string_view group;  // the `by` label; empty: one column
};

// Parses one spec (views point into spec->text); false with *why set.
bool parse_history_spec(std::string_view s, HistorySpec* spec, const char** why);

// The series the status page charts, on by default ([history]
// default_series); the lxc ones only when the lxc collector runs.
size_t default_history_specs(bool lxc, HistorySpec* out, size_t cap);

class History {
 public:
  History() = default;
  History(const History&) = delete;
  History& operator=(const History&) = delete;
  ~History();

  // specs[0..n) are parsed by the caller; depth points are kept.
  bool init(const HistorySpec* specs, size_t n, uint32_t depth);
  // Points closer than this to the previous one are not kept.
  void set_min_spacing_us(int64_t us) { min_spacing_us_ = us; }
  size_t series_count() const { return n_; }
  const HistorySpec& spec(size_t i) const { return specs_[i]; }
  size_t column_count() const { return ncols_; }
  uint32_t depth() const { return depth_; }
  // Bytes reserved for the ring.
  size_t reserved_bytes() const { return static_cast<size_t>(depth_) * (8 + 8 * ncols_); }
  uint64_t overflow() const { return overflow_; }

  // Appends one snapshot's values unless the last point is closer than the
  // minimum spacing; true when a point was added.
  bool record(const Snapshot& snap, int64_t unix_us);
  // The sum of the matching samples of an ungrouped spec in snap, or NaN.
  static double value_of(const Snapshot& snap, const HistorySpec& spec);

  uint32_t size() const { return count_; }
  // Value of column c in the i-th oldest kept point, and its time.
  double value(uint32_t i, size_t c) const;
  int64_t time_us(uint32_t i) const;
  // Column c's name in the API: the spec text, or family{label="value"}
  // (empty for a split column not assigned yet).
  void column_name(size_t c, OutBuffer& out) const;

  // Restores: clears the ring, then appends points (oldest first); a
  // column is found by its name (assigning a split column its value).
  void clear();
  // The column named name, assigning a free split column; -1 if none.
  int find_column(std::string_view name);
  void append_point(int64_t unix_us);  // values NaN; set with set_value
  void set_value(size_t c, double v);  // in the newest point

  // GET /api/v1/history: {"depth":..,"interval_seconds":..,
  //  "reserved_bytes":..,"series":[{"series":"node_load1",
  //  "points":[[<unix seconds>,<value or null>],..]}..]}; only the series
  // named `only` when not empty (false if no such series), the newest
  // `limit` points. Unassigned split columns are left out.
  bool render_json(OutBuffer& out, std::string_view only, uint32_t limit, double interval_s = 0) const;
  // The stored snapshot record: {"kind":"snapshot","timestamp":"..",
  //  "series":{"node_load1":0.5,..}} for the newest point.
  bool render_record(OutBuffer& out, std::string_view timestamp) const;

 private:
  int group_column(size_t spec, std::string_view value);
  bool column_all_null(size_t c) const;
  double* row(uint32_t slot) { return values_ + static_cast<size_t>(slot) * ncols_; }

  HistorySpec specs_[kMaxHistorySeries];
  size_t n_ = 0;
  // Column layout: spec index, and the label value of split columns.
  uint8_t col_spec_[kMaxHistoryColumns] = {};
  FixedString<63> col_label_[kMaxHistoryColumns];
  size_t ncols_ = 0;
  uint32_t depth_ = 0;
  uint32_t head_ = 0;   // next write position
  uint32_t count_ = 0;  // kept points
  int64_t min_spacing_us_ = 0;
  uint64_t overflow_ = 0;
  int64_t* times_ = nullptr;
  double* values_ = nullptr;  // depth x ncols
};

}  // namespace edgestat::ingest
