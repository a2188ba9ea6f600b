#pragma once
// Aggregation of what applications report, in fixed tables reserved once:
//
// - OperationAggregator, per (operation_type, operation_name): success and
//   error counts, a cumulative latency histogram with the configured
//   buckets, and windowed P50/P95/P99 (quantile.hpp). The series count is
//   capped; a record for a new series beyond the cap is still persisted by
//   the caller but not aggregated, and series_overflow counts it.
// - StatsdAggregator, per (kind, metric name, sorted tags): counter totals
//   (scaled by 1/sample rate), gauges (set or delta) and set cardinality (a
//   256-register HyperLogLog: +-6.5% standard error, 256 bytes).
//
// Both are loop-thread only and allocate nothing after init().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/json_writer.hpp"
#include "core/out_buffer.hpp"
#include "ingest/quantile.hpp"
#include "ingest/record.hpp"
#include "ingest/statsd.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat::ingest {

// Histogram buckets a config may list (a Prometheus histogram with more is
// rarely useful and each costs a sample per series).
inline constexpr size_t kMaxDurationBuckets = 24;

// Writes unix microseconds as a JSON number of seconds with millisecond
// decimals ("1714566896.123"): readable, and exact where the shortest
// double would switch to exponent form.
void json_unix_seconds(JsonWriter& w, int64_t unix_us);

// Parses "0.005,0.01,0.1,1" (seconds, strictly increasing, finite, > 0)
// into out; false with *why set otherwise.
bool parse_duration_buckets(std::string_view text, double* out, uint32_t* n, const char** why);

struct AggregatorConfig {
  uint32_t max_series = 64;
  int64_t window_ms = 300000;
  double buckets_s[kMaxDurationBuckets] = {};
  uint32_t nbuckets = 0;
};

struct OperationSeries {
  FixedString<kMaxNameBytes> type;
  FixedString<kMaxNameBytes> name;
  uint64_t success = 0;
  uint64_t errors = 0;
  double sum_s = 0;
  uint64_t bucket[kMaxDurationBuckets] = {};  // per bucket, not cumulative
  int64_t last_seen_us = 0;
  uint32_t hash = 0;
};

// The quantiles every series reports.
inline constexpr double kReportedQuantiles[] = {0.5, 0.95, 0.99};
inline constexpr size_t kReportedQuantileCount = 3;

class OperationAggregator {
 public:
  OperationAggregator() = default;
  OperationAggregator(const OperationAggregator&) = delete;
  OperationAggregator& operator=(const OperationAggregator&) = delete;
  ~OperationAggregator();

  // Reserves max_series series and their windows; false if memory is short
  // or the config is invalid.
  bool init(const AggregatorConfig& cfg);
  static size_t bytes_per_series() { return sizeof(OperationSeries) + sizeof(QuantileWindow) + 2 * sizeof(uint32_t); }

  // False when (type, name) is new and the table is full (counted).
  bool observe(std::string_view type, std::string_view name, double duration_ms, bool success, int64_t now_us);

  size_t size() const { return count_; }
  uint32_t capacity() const { return cfg_.max_series; }
  const OperationSeries& series(size_t i) const { return series_[i]; }
  // Windowed quantiles (milliseconds) of series i into out[kReportedQuantileCount].
  QuantileWindow::Summary quantiles(size_t i, int64_t now_us, double* out) const;
  uint64_t series_overflow() const { return overflow_; }
  const AggregatorConfig& config() const { return cfg_; }

  // edgestat_operations_total, edgestat_operation_duration_seconds
  // (histogram), edgestat_operation_duration_window_seconds (summary over
  // the window) and edgestat_series_overflow_total{table="operations"}.
  void add_metrics(Snapshot& snap, int64_t now_us) const;
  // GET /api/v1/operations: {"window_seconds":..,"series_limit":..,
  //  "series_overflow":..,"operations":[{"operation_type","operation_name",
  //  "count","success","errors","error_rate","p50_ms","p95_ms","p99_ms",
  //  "window_count","mean_ms","last_seen"}..]}
  void render_json(OutBuffer& out, int64_t now_us) const;

 private:
  int find(std::string_view type, std::string_view name, uint32_t hash) const;

  AggregatorConfig cfg_;
  OperationSeries* series_ = nullptr;
  QuantileWindow* windows_ = nullptr;
  uint32_t* index_ = nullptr;  // open addressing: series index + 1, 0 empty
  uint32_t index_mask_ = 0;
  size_t count_ = 0;
  uint64_t overflow_ = 0;
};

// A StatsD series key: the metric name and its tags in sorted order,
// "name|k:v,k2:v2" (the grammar forbids '|' in both).
inline constexpr size_t kStatsdKeyBytes = kMaxStatsdName + 1 + 256;

enum class StatsdKind : uint8_t { Counter, Gauge, Set };

struct StatsdSeries {
  FixedString<kStatsdKeyBytes> key;
  StatsdKind kind = StatsdKind::Counter;
  uint32_t hash = 0;
  double value = 0;                // counter total or gauge value
  uint8_t hll[256] = {};           // set members
};

class StatsdAggregator {
 public:
  StatsdAggregator() = default;
  StatsdAggregator(const StatsdAggregator&) = delete;
  StatsdAggregator& operator=(const StatsdAggregator&) = delete;
  ~StatsdAggregator();

  bool init(uint32_t max_series);
  // Applies a counter, gauge or set line (other types are the caller's).
  // False when the series is new and the table is full (counted), or the
  // tags do not fit a key.
  bool apply(const StatsdLine& line);

  size_t size() const { return count_; }
  const StatsdSeries& series(size_t i) const { return series_[i]; }
  uint64_t series_overflow() const { return overflow_; }
  static double set_estimate(const uint8_t* hll);

  // edgestat_statsd_counter_total, edgestat_statsd_gauge,
  // edgestat_statsd_set_unique with labels metric=<name> and one label per
  // tag (name sanitized to [a-zA-Z0-9_]), and
  // edgestat_series_overflow_total{table="statsd"}.
  void add_metrics(Snapshot& snap) const;

 private:
  StatsdSeries* series_ = nullptr;
  uint32_t* index_ = nullptr;
  uint32_t index_mask_ = 0;
  uint32_t max_ = 0;
  size_t count_ = 0;
  uint64_t overflow_ = 0;
};

// Builds the series key of a line (tags sorted); false if it does not fit.
bool statsd_series_key(const StatsdLine& line, FixedString<kStatsdKeyBytes>* key);

}  // namespace edgestat::ingest
