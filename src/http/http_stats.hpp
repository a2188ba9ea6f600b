#pragma once
// Request accounting for edgestat_http_requests_total{handler,code} and
// edgestat_http_request_duration_seconds{handler}: fixed tables indexed by
// route label (router.hpp) and by position in the closed list of statuses
// the server sends.
#include <cstddef>
#include <cstdint>

#include "http/router.hpp"

namespace edgestat::http {

// Every status the server can send or count; anything else is a bug and is
// counted as 500. 408 counts connections closed at the header deadline
// (nothing is sent, as nginx does).
inline constexpr int kCountedStatuses[] = {200, 202, 400, 401, 404, 405, 408, 411, 413, 414, 422, 429, 431, 500, 501, 503, 505};
inline constexpr size_t kStatusCount = sizeof kCountedStatuses / sizeof kCountedStatuses[0];

// Latency buckets (seconds, upper bounds; +Inf implied): a cached scrape is
// ~50 us, a render a few ms, a synchronous refresh tens of ms on a router.
inline constexpr double kDurationBuckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   1};
inline constexpr size_t kBucketCount = sizeof kDurationBuckets / sizeof kDurationBuckets[0];

inline size_t status_index(int status) {
  for (size_t i = 0; i < kStatusCount; ++i)
    if (kCountedStatuses[i] == status) return i;
  return status_index(500);
}

struct HttpStats {
  uint64_t requests[kMaxRouteLabels][kStatusCount] = {};
  // Non-cumulative per bucket; the +Inf bucket is count.
  uint64_t buckets[kMaxRouteLabels][kBucketCount] = {};
  uint64_t count[kMaxRouteLabels] = {};
  double sum[kMaxRouteLabels] = {};

  void count_status(uint8_t label, int status) { ++requests[label][status_index(status)]; }
  void observe(uint8_t label, double seconds) {
    size_t i = label;
    for (size_t b = 0; b < kBucketCount; ++b) {
      if (seconds <= kDurationBuckets[b]) {
        ++buckets[i][b];
        break;
      }
    }
    ++count[i];
    sum[i] += seconds;
  }
};

}  // namespace edgestat::http
