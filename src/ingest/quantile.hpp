#pragma once
// Windowed latency quantiles with fixed memory and a stated error bound.
//
// Method: a log-bucketed histogram (the DDSketch mapping). Bucket i >= 1
// holds values in [m * g^(i-1), m * g^i) with g = (1 + a) / (1 - a), and is
// reported as m * g^(i-1) * (1 + a): every value in the bucket is within a
// relative error a of that. A quantile is the bucket holding the rank
// ceil(q * n) (nearest-rank definition), so the reported P50/P95/P99 is
// within a = 2% of the exact nearest-rank quantile of the values seen, for
// values in [kMinMs, kMaxMs]. Below kMinMs (1 us) values share bucket 0 and
// are reported as 0 (absolute error < 1 us); above kMaxMs (~2.8 h) they are
// clamped to the last bucket.
//
// Window: kSlots sub-windows of window / kSlots each in a ring; a query
// merges the sub-windows still inside the window, so it covers between
// (kSlots - 1) / kSlots of the window and the whole window (4 to 5 minutes
// with the 5 minute default). A sub-window is cleared lazily when its slot
// is reused, so nothing has to tick.
//
// The estimate is then clamped to the window's smallest and largest value,
// which can only move it closer to the exact quantile.
//
// Memory: kSlots * kBuckets * 4 bytes of counts plus epoch, count, sum,
// min and max per slot = 11 740 bytes per series, whatever the traffic.
#include <cstddef>
#include <cstdint>

namespace edgestat::ingest {

struct LogScale {
  static constexpr double kAlpha = 0.02;
  static constexpr double kMinMs = 1e-3;
  static constexpr double kMaxMs = 1e7;
  // 1 + ceil(ln(kMaxMs / kMinMs) / ln(g)) with g = 1.02 / 0.98: bucket 0
  // for values below kMinMs, 576 log buckets up to kMaxMs.
  static constexpr uint32_t kBuckets = 577;

  // The bucket of ms: floor(ln(ms / kMinMs) / ln(g)) + 1, clamped. This is
  // index_by_log's result exactly, found without the logarithm: a table of
  // the smallest value of each bucket (computed with index_by_log at start)
  // and a guess from the exponent bits that is at most two buckets off.
  static uint32_t index(double ms);
  // The definition, with std::log (tests compare index against it).
  static uint32_t index_by_log(double ms);
  // The value reported for bucket i.
  static double value(uint32_t i);
  // Lower bound of bucket i (0 for bucket 0).
  static double lower(uint32_t i);
};

struct QuantileWindow {
  static constexpr uint32_t kSlots = 5;

  int64_t epoch[kSlots];  // sub-window number each slot holds; -1: empty
  uint64_t count[kSlots];
  double sum[kSlots];
  // Smallest and largest value per slot: a reported quantile is clamped to
  // the window's range, which keeps the bound and makes constant data exact.
  double min[kSlots], max[kSlots];
  uint32_t buckets[kSlots][LogScale::kBuckets];

  void reset();
  // Adds one value (milliseconds) to sub-window now_epoch.
  void add(double ms, int64_t now_epoch);

  struct Summary {
    uint64_t count = 0;  // values in the window
    double sum = 0;      // their sum (ms)
  };
  // Quantiles qs[0..n) (ascending, each in [0, 1]) over the window ending
  // at sub-window now_epoch, into out[0..n); 0 for an empty window.
  Summary query(int64_t now_epoch, const double* qs, size_t n, double* out) const;
};

// The sub-window number of now_ms for a window of window_ms.
inline int64_t window_epoch(int64_t now_ms, int64_t window_ms) {
  int64_t slot_ms = window_ms / QuantileWindow::kSlots;
  if (slot_ms < 1) slot_ms = 1;
  return now_ms / slot_ms;
}

}  // namespace edgestat::ingest
