#include "ingest/quantile.hpp"

#include <cmath>
#include <cstring>

namespace edgestat::ingest {
namespace {

const double kGamma = (1 + LogScale::kAlpha) / (1 - LogScale::kAlpha);
const double kLogGamma = std::log(kGamma);

}  // namespace

uint32_t LogScale::index(double ms) {
  if (!(ms >= kMinMs)) return 0;  // also NaN, which validation already refuses
  double i = std::floor(std::log(ms / kMinMs) / kLogGamma) + 1;
  if (i >= kBuckets - 1) return kBuckets - 1;
  return static_cast<uint32_t>(i);
}

double LogScale::lower(uint32_t i) { return i == 0 ? 0 : kMinMs * std::pow(kGamma, static_cast<double>(i - 1)); }

double LogScale::value(uint32_t i) { return i == 0 ? 0 : lower(i) * (1 + kAlpha); }

void QuantileWindow::reset() {
  for (uint32_t s = 0; s < kSlots; ++s) {
    epoch[s] = -1;
    count[s] = 0;
    sum[s] = 0;
    min[s] = max[s] = 0;
  }
  std::memset(buckets, 0, sizeof buckets);
}

void QuantileWindow::add(double ms, int64_t now_epoch) {
  uint32_t s = static_cast<uint32_t>(now_epoch % kSlots);
  if (epoch[s] != now_epoch) {
    epoch[s] = now_epoch;
    count[s] = 0;
    sum[s] = 0;
    min[s] = max[s] = ms;
    std::memset(buckets[s], 0, sizeof buckets[s]);
  }
  if (ms < min[s]) min[s] = ms;
  if (ms > max[s]) max[s] = ms;
  ++count[s];
  sum[s] += ms;
  ++buckets[s][LogScale::index(ms)];
}

QuantileWindow::Summary QuantileWindow::query(int64_t now_epoch, const double* qs, size_t n, double* out) const {
  Summary sm;
  bool live[kSlots];
  double lo = 0, hi = 0;
  for (uint32_t s = 0; s < kSlots; ++s) {
    live[s] = epoch[s] >= 0 && epoch[s] <= now_epoch && epoch[s] > now_epoch - static_cast<int64_t>(kSlots);
    if (live[s]) {
      if (sm.count == 0 || min[s] < lo) lo = min[s];
      if (sm.count == 0 || max[s] > hi) hi = max[s];
      sm.count += count[s];
      sm.sum += sum[s];
    }
  }
  for (size_t j = 0; j < n; ++j) out[j] = 0;
  if (sm.count == 0) return sm;
  // Nearest rank: the k-th smallest value with k = ceil(q * n), at least 1.
  uint64_t rank[8];
  size_t m = n < 8 ? n : 8;
  for (size_t j = 0; j < m; ++j) {
    double k = std::ceil(qs[j] * static_cast<double>(sm.count));
    rank[j] = k < 1 ? 1 : (k > static_cast<double>(sm.count) ? sm.count : static_cast<uint64_t>(k));
  }
  uint64_t cum = 0;
  size_t j = 0;
  for (uint32_t b = 0; b < LogScale::kBuckets && j < m; ++b) {
    for (uint32_t s = 0; s < kSlots; ++s)
      if (live[s]) cum += buckets[s][b];
    while (j < m && cum >= rank[j]) {
      double v = LogScale::value(b);
      out[j++] = v < lo ? lo : (v > hi ? hi : v);
    }
  }
  return sm;
}

}  // namespace edgestat::ingest
