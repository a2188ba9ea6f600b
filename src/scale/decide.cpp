#include "scale/decide.hpp"

namespace edgestat::scale {
namespace {

// Utilisation from which a sample counts as pinned at the limit.
constexpr double kSaturated = 0.95;

Decision skip(Skip s, const char* why, double current) {
  Decision d;
  d.skip = s;
  d.why = why;
  d.from = d.to = current;
  return d;
}

Decision move(Direction dir, double from, double to, const char* why) {
  Decision d;
  d.dir = dir;
  d.from = from;
  d.to = to;
  d.why = why;
  return d;
}

// Growth limited by the host's room, in whole steps; a grant below one
// step is a refusal.
Decision admit(const TierPolicy& p, const DecideInput& in, double to, const char* why) {
  double step = tier_step(p, in.res);
  double grow = to - in.current;
  if (grow > in.room) {
    double fit = round_down_to_step(in.room > 0 ? in.room : 0, step);
    if (fit < step) return skip(Skip::HostReserve, "host reserve: no room left on the host", in.current);
    to = in.current + fit;
    why = "grown as far as the host reserve allows";
  }
  return move(Direction::Up, in.current, to, why);
}

bool memory_pressure(const TierPolicy& p, const DecideInput& in) {
  return in.res == Resource::Memory &&
         (in.obs.oom_delta > 0 || in.obs.pressure_events > 0 || in.obs.psi_mem_share > p.psi_stop);
}

// Over-provisioned by the recommendation (VPA's "outside the bounds"):
// more than one margin (and a step) above what a shrink would keep. A
// growth lands exactly there (decide), so a size just grown is not taken
// back while usage holds or climbs: no grow-shrink-grow on a ramp. The
// dead band between keep and keep x (1 + margin) is the hysteresis in size
// that up_samples/down_samples are in time.
bool over_provisioned(const TierPolicy& p, const DecideInput& in, double keep) {
  double step = tier_step(p, in.res);
  return in.current > keep * (1 + p.margin) + step;
}

}  // namespace

void note_applied(ResourceState& st, Direction d, int64_t now_ms) {
  if (d == Direction::Up) st.last_up_ms = now_ms;
  if (d == Direction::Down) st.last_down_ms = now_ms;
  st.above = st.below = 0;
}

Decision decide(ResourceState& st, const TierPolicy& p, const DecideInput& in) {
  const Resource r = in.res;
  const double step = tier_step(p, r), hi = tier_max(p, r), lo = tier_min(p, r, in.off_peak);
  if (!in.obs.valid) return skip(Skip::NoSample, "not a sample (first, restart or counter reset)", in.current);

  double upper = r == Resource::Cpu ? p.cpu_upper : p.mem_upper;
  double lower = r == Resource::Cpu ? p.cpu_lower : p.mem_lower;
  double util = in.current > 0 ? in.usage / in.current : 1;
  // What a shrink must keep: the recommendation; enough that the upper
  // percentile of usage and this sample (with the margin) stay under the
  // upper threshold, so a shrink never sets up the next growth (no
  // flapping); and the decaying memory peak.
  double keep = in.rec.target;
  if (in.rec.raw_upper / upper > keep) keep = in.rec.raw_upper / upper;
  if (in.usage * (1 + p.margin) / upper > keep) keep = in.usage * (1 + p.margin) / upper;
  if (in.peak * (1 + p.margin) > keep) keep = in.peak * (1 + p.margin);
  if (util > upper) {
    ++st.above;
    st.below = 0;
  } else if (util < lower || (in.rec.ready && over_provisioned(p, in, keep))) {
    ++st.below;
    st.above = 0;
  } else {
    st.above = st.below = 0;
  }
  bool pressure = memory_pressure(p, in);
  if (pressure) {
    st.pressure_ms = in.now_ms;
    st.below = 0;
  }

  // An OOM kill: the limit was too small, whatever the history says.
  if (r == Resource::Memory && in.obs.oom_delta > 0) {
    double to = in.current * (1 + p.oom_bump);
    if (to < in.current + p.oom_min_bump) to = in.current + p.oom_min_bump;
    if (to < in.rec.target) to = in.rec.target;
    // The demand that was killed is unknown (usage was censored at the
    // limit): grow by the full increment, a later shrink corrects it.
    if (to < in.current + p.mem_max_increment * p.behaviour) to = in.current + p.mem_max_increment * p.behaviour;
    to = round_up_to_step(to, step);
    if (to > hi) to = hi;
    if (to <= in.current) return skip(Skip::AtBound, "OOM kill at the tier maximum", in.current);
    return admit(p, in, to, "OOM kill");
  }

  // Hard bounds first: a limit outside the tier is corrected without hysteresis.
  if (in.current > hi + step / 2) return move(Direction::Down, in.current, hi, "above the tier maximum");
  if (in.current < lo - step / 2) return admit(p, in, round_up_to_step(lo, step), "below the tier minimum");

  // Memory at the limit is an OOM kill in waiting: it grows without
  // waiting for more samples (CPU at the limit is only throttled).
  bool urgent = r == Resource::Memory && util >= kSaturated;
  if (st.above >= p.up_samples || urgent) {
    if (in.now_ms - st.last_up_ms < p.up_cooldown_ms)
      return skip(Skip::Cooldown, "up cooldown", in.current);
    if (in.current >= hi) return skip(Skip::AtBound, "at the tier maximum", in.current);
    if (!in.rec.ready && !urgent) return skip(Skip::WarmingUp, "too few samples", in.current);
    double inc = (r == Resource::Cpu ? p.cpu_max_increment : p.mem_max_increment) * p.behaviour;
    double to = in.rec.target > in.current + step ? in.rec.target : in.current + step;
    // One move to what is needed, not a staircase of small steps: what a
    // shrink would keep at this usage (the recommendation, the upper
    // percentile and this sample with the margin under the upper
    // threshold, the decaying memory peak) plus one margin of room for
    // the climb that caused the growth, so a steady climb (a leak, a
    // growing load) takes a growth per ~x1.3 and no shrink in between
    // (over_provisioned). Not HPA's mid-band (2x usage at 80/20): on an
    // edge box each byte and core so held is held all day.
    double land = keep * (1 + p.margin);
    if (to < land) to = land;
    if (util >= kSaturated) {
      // Usage pinned at the limit is censored (throttled CPU, reclaimed
      // memory): the real demand is unknown. Memory at the limit is an
      // OOM kill in waiting: the full increment. CPU at the limit is only
      // throttled: double it (TCP's slow start), so the demand is found in
      // log2 moves without handing out the whole increment on a guess.
      double sat = r == Resource::Memory ? in.current + inc : in.current * 2;
      if (to < sat) to = sat;
    }
    if (to > in.current + inc) to = in.current + inc;
    to = round_up_to_step(to, step);
    if (to > hi) to = hi;
    return admit(p, in, to, "usage above the upper threshold");
  }

  if (st.below >= p.down_samples) {
    int64_t since = st.last_down_ms;
    if (st.last_up_ms > since) since = st.last_up_ms;
    if (st.pressure_ms > since) since = st.pressure_ms;
    if (in.now_ms - since < p.down_cooldown_ms) return skip(Skip::Cooldown, "down cooldown", in.current);
    if (!in.rec.ready) return skip(Skip::WarmingUp, "too few samples", in.current);
    double to = keep;
    double dec = (r == Resource::Cpu ? p.cpu_max_decrement : p.mem_max_decrement) * p.behaviour;
    if (to < in.current - dec) to = in.current - dec;
    to = clamp_to_tier(to, r, p, in.usage, in.off_peak);
    if (to >= in.current - step / 2) return skip(Skip::AtBound, "at the floor (minimum, usage + headroom or recommendation)", in.current);
    return move(Direction::Down, in.current, to, "usage below the lower threshold");
  }
  if (pressure && st.below == 0 && util < lower) return skip(Skip::MemoryPressure, "memory pressure rose: shrink stopped", in.current);
  return skip(Skip::None, "within thresholds", in.current);
}

}  // namespace edgestat::scale
