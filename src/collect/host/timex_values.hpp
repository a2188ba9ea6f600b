#pragma once
// Pure conversion of adjtimex(2)'s struct timex into node_exporter's timex
// values, so the arithmetic is testable without the kernel's clock state.
#include <cstddef>
#include <cstdint>

namespace edgestat {

struct TimexRaw {
  int state;  // adjtimex's return: TIME_OK ... TIME_ERROR (5)
  int64_t status, offset, freq, maxerror, esterror, constant, tick, ppsfreq, jitter, shift, stabil, jitcnt, calcnt,
      errcnt, stbcnt, tai;
};

// In kDescs order (timex.cpp): sync_status, offset, frequency ratio,
// maxerror, esterror, status, constant, tick, pps frequency, pps jitter,
// pps shift, pps stability, jitter/calibration/error/stability counts, tai.
inline constexpr size_t kTimexValues = 17;
void timex_values(const TimexRaw& r, double out[kTimexValues]);

}  // namespace edgestat
