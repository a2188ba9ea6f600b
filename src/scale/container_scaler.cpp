#include "scale/container_scaler.hpp"

#include <cmath>

namespace edgestat::scale {

std::optional<double> effective_limit(const Reading& r, Resource res) {
  if (res == Resource::Cpu) return r.cpu_quota;
  if (r.mem_high && (!r.mem_limit || *r.mem_high < *r.mem_limit)) return r.mem_high;
  return r.mem_limit;
}

void ContainerScaler::init(const TierPolicy& p) {
  hist_[int(Resource::Cpu)].init(kCpuFirstBucket, p.cpu_half_life_s);
  hist_[int(Resource::Memory)].init(kMemFirstBucket, p.half_life_s);
  filter_.reset();
  for (auto& s : st_) s = ResourceState{};
  for (auto& r : rec_) r = Recommendation{};
  obs_ = Observed{};
  mem_peak_ = peak_t_ = 0;
}

const Observed& ContainerScaler::observe(const Reading& r, const TierPolicy& p, bool off_peak) {
  obs_ = filter_.feed(r);
  if (!obs_.valid) return obs_;
  usage_[int(Resource::Cpu)] = obs_.cpu_rate;
  usage_[int(Resource::Memory)] = r.mem_working_set.value_or(r.mem_usage.value_or(0));
  hist_[int(Resource::Cpu)].add(obs_.cpu_rate, 1, r.t_s);
  DecayingHistogram& mem = hist_[int(Resource::Memory)];
  mem.add(usage_[int(Resource::Memory)], 1, r.t_s);
  // The peak fades with the histogram's half-life.
  mem_peak_ *= std::exp2(-(r.t_s - peak_t_) / p.half_life_s);
  peak_t_ = r.t_s;
  if (usage_[int(Resource::Memory)] > mem_peak_) mem_peak_ = usage_[int(Resource::Memory)];
  if (obs_.oom_delta > 0) {
    // VPA: the memory in use at the OOM (the limit) bumped by x1.2 or +100 MiB.
    double at = effective_limit(r, Resource::Memory).value_or(r.mem_usage.value_or(0));
    double bumped = at * (1 + p.oom_bump);
    if (bumped < at + p.oom_min_bump) bumped = at + p.oom_min_bump;
    mem.add_share(bumped, kOomShare, r.t_s);
    // VPA records the bumped value as the interval's memory peak: so does
    // the decaying peak, which a shrink keeps (the share above dilutes
    // within minutes in a young histogram; the peak fades per half-life).
    if (bumped > mem_peak_) mem_peak_ = bumped;
  }
  for (int i = 0; i < kResources; ++i)
    rec_[i] = recommend(hist_[i], static_cast<Resource>(i), p, usage_[i], off_peak);
  return obs_;
}

void ContainerScaler::restore(Resource r, Direction d, int64_t at_ms) {
  ResourceState& st = st_[int(r)];
  if (d == Direction::Up && at_ms > st.last_up_ms) st.last_up_ms = at_ms;
  if (d == Direction::Down && at_ms > st.last_down_ms) st.last_down_ms = at_ms;
}

Decision ContainerScaler::decide(Resource r, double current, double room, const TierPolicy& p, bool off_peak,
                                 int64_t now_ms) {
  DecideInput in;
  in.res = r;
  in.current = current;
  in.usage = usage_[int(r)];
  in.peak = r == Resource::Memory ? mem_peak_ : 0;
  in.rec = rec_[int(r)];
  in.obs = obs_;
  in.off_peak = off_peak;
  in.now_ms = now_ms;
  in.room = room;
  return scale::decide(st_[int(r)], p, in);
}

}  // namespace edgestat::scale
