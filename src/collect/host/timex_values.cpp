#include "collect/host/timex_values.hpp"

namespace edgestat {
namespace {

constexpr int kTimeError = 5;         // TIME_ERROR: the clock is not synchronised
constexpr int64_t kStaNano = 0x2000;  // STA_NANO: offset and jitter in ns, not us
constexpr double kPpm16Frac = 1000000.0 * 65536.0;  // freq is ppm with a 16-bit fraction

}  // namespace

void timex_values(const TimexRaw& r, double out[kTimexValues]) {
  double divisor = (r.status & kStaNano) ? 1e9 : 1e6;
  auto d = [](int64_t v) { return static_cast<double>(v); };
  out[0] = r.state == kTimeError ? 0 : 1;
  out[1] = d(r.offset) / divisor;
  out[2] = 1 + d(r.freq) / kPpm16Frac;
  out[3] = d(r.maxerror) / 1e6;
  out[4] = d(r.esterror) / 1e6;
  out[5] = d(r.status);
  out[6] = d(r.constant);
  out[7] = d(r.tick) / 1e6;
  out[8] = d(r.ppsfreq) / kPpm16Frac;
  out[9] = d(r.jitter) / divisor;
  out[10] = d(r.shift);
  out[11] = d(r.stabil) / kPpm16Frac;
  out[12] = d(r.jitcnt);
  out[13] = d(r.calcnt);
  out[14] = d(r.errcnt);
  out[15] = d(r.stbcnt);
  out[16] = d(r.tai);
}

}  // namespace edgestat
