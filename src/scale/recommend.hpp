#pragma once
// Recommendations from a container's decaying histograms (VPA's model):
// lower/target/upper are percentiles of the usage histogram times
// (1 + margin), rounded up to the tier's step, never below the current
// usage plus headroom, and clamped to the tier's bounds (the maximum is a
// hard bound and wins). Pure.
#include "scale/histogram.hpp"
#include "scale/policy_types.hpp"

namespace edgestat::scale {

struct Recommendation {
  bool ready = false;  // enough samples (min_samples) to act on
  double lower = 0, target = 0, upper = 0;
  double raw_upper = 0;  // the upper percentile of usage itself: no margin, no bounds
};

// First bucket widths: VPA's 0.01 cores for CPU; 1 MiB for memory (VPA's
// 10 MB is a third of a small container's whole limit on an edge box).
inline constexpr double kCpuFirstBucket = 0.01;
inline constexpr double kMemFirstBucket = 1048576;

// The tier's bounds for r; off_peak selects the off-peak minimum.
double tier_min(const TierPolicy& p, Resource r, bool off_peak);
double tier_max(const TierPolicy& p, Resource r);
double tier_step(const TierPolicy& p, Resource r);
double round_up_to_step(double v, double step);
double round_down_to_step(double v, double step);

// usage: this sample's CPU rate (cores) or working set (bytes).
Recommendation recommend(const DecayingHistogram& h, Resource r, const TierPolicy& p, double usage, bool off_peak);

// A value inside the tier's bounds and above usage + headroom, rounded up.
double clamp_to_tier(double v, Resource r, const TierPolicy& p, double usage, bool off_peak);

}  // namespace edgestat::scale
