#include "scale/recommend.hpp"

#include <cmath>

namespace edgestat::scale {

double tier_min(const TierPolicy& p, Resource r, bool off_peak) {
  if (r == Resource::Cpu) return off_peak ? p.off_peak_cpu_min : p.cpu_min;
  return off_peak ? p.off_peak_mem_min : p.mem_min;
}
double tier_max(const TierPolicy& p, Resource r) { return r == Resource::Cpu ? p.cpu_max : p.mem_max; }
double tier_step(const TierPolicy& p, Resource r) { return r == Resource::Cpu ? p.cpu_step : p.mem_step; }

// A tiny slack so 0.75 / 0.25 computed as 2.9999999 is not rounded to 4 steps.
constexpr double kStepSlack = 1e-9;

double round_up_to_step(double v, double step) {
  if (!(step > 0)) return v;
  return std::ceil(v / step - kStepSlack) * step;
}
double round_down_to_step(double v, double step) {
  if (!(step > 0)) return v;
  return std::floor(v / step + kStepSlack) * step;
}

double clamp_to_tier(double v, Resource r, const TierPolicy& p, double usage, bool off_peak) {
  double headroom = r == Resource::Cpu ? p.cpu_headroom : p.mem_headroom;
  double floor = usage + headroom;
  double lo = tier_min(p, r, off_peak);
  if (v < floor) v = floor;
  if (v < lo) v = lo;
  v = round_up_to_step(v, tier_step(p, r));
  double hi = tier_max(p, r);
  return v > hi ? hi : v;
}

Recommendation recommend(const DecayingHistogram& h, Resource r, const TierPolicy& p, double usage, bool off_peak) {
  Recommendation out;
  out.ready = h.samples() >= p.min_samples && !h.empty();
  double m = 1 + p.margin;
  out.lower = clamp_to_tier(h.percentile(p.lower_percentile) * m, r, p, usage, off_peak);
  out.target = clamp_to_tier(h.percentile(p.target_percentile) * m, r, p, usage, off_peak);
  out.raw_upper = h.percentile(p.upper_percentile);
  out.upper = clamp_to_tier(out.raw_upper * m, r, p, usage, off_peak);
  return out;
}

}  // namespace edgestat::scale
