#pragma once
// The policy for one container: sample filter, one decaying histogram per
// resource, the recommendation and the decision state. Feed it every
// reading of the container; ask it for a decision per resource. Pure: the
// autoscaler (autoscaler.hpp), the unit tests and the benchmark drive it
// the same way.
#include "scale/decide.hpp"
#include "scale/histogram.hpp"
#include "scale/reading.hpp"
#include "scale/recommend.hpp"

namespace edgestat::scale {

// An OOM bump gets this share of the memory histogram's weight, more than
// 1 - target_percentile, so the target covers it at once; it then fades.
inline constexpr double kOomShare = 0.15;

// The limit a reading says is in force: memory.high when it is lower than
// memory.max (v2 throttles there first); nullopt when unlimited.
std::optional<double> effective_limit(const Reading& r, Resource res);

class ContainerScaler {
 public:
  void init(const TierPolicy& p);
  // Filters the reading, adds valid samples to the histograms, refreshes
  // the recommendations.
  const Observed& observe(const Reading& r, const TierPolicy& p, bool off_peak);
  Decision decide(Resource r, double current, double room, const TierPolicy& p, bool off_peak, int64_t now_ms);
  void applied(Resource r, Direction d, int64_t now_ms) { note_applied(st_[int(r)], d, now_ms); }
  // An action taken at at_ms before a restart of edgestat (read from the
  // audit file): its direction's cooldown runs from then.
  void restore(Resource r, Direction d, int64_t at_ms);

  const Recommendation& recommendation(Resource r) const { return rec_[int(r)]; }
  const Observed& observed() const { return obs_; }
  double usage(Resource r) const { return usage_[int(r)]; }
  const DecayingHistogram& histogram(Resource r) const { return hist_[int(r)]; }
  const ResourceState& state(Resource r) const { return st_[int(r)]; }
  double memory_peak() const { return mem_peak_; }

 private:
  SampleFilter filter_;
  DecayingHistogram hist_[kResources];
  ResourceState st_[kResources];
  Recommendation rec_[kResources];
  Observed obs_;
  double usage_[kResources] = {};
  double mem_peak_ = 0, peak_t_ = 0;  // decaying working-set peak, its time
};

}  // namespace edgestat::scale
