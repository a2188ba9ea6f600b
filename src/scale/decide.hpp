#pragma once
// One decision for one container and resource, from its current limit,
// this sample and the recommendation. The safety rules, each tested in
// tests/unit/test_scale_decide.cpp:
//   - only valid samples count (reading.hpp filters them);
//   - up needs up_samples consecutive samples above the upper threshold,
//     down needs down_samples (more) below the lower one, or more than a
//     margin above what a shrink keeps (over-provisioned): hysteresis;
//   - growth and shrink go to the size needed in one move: a growth to
//     what a shrink keeps plus one margin (never undone while usage
//     holds), a shrink to what it keeps; CPU pinned at its quota doubles,
//     memory at its limit grows by the full increment;
//   - cooldowns per direction; a shrink also waits down_cooldown after any
//     growth or pressure;
//   - a change is at most max_increment/max_decrement x behaviour;
//   - never below usage + headroom, the (off-peak) minimum, never above
//     the maximum;
//   - memory shrink stops when PSI, high/max or OOM events rise;
//   - an OOM kill grows memory at once by max(x(1+oom_bump), +oom_min_bump);
//   - admission: growth never exceeds the host's room (its size minus the
//     reserve minus what every container holds).
// Pure: the caller owns the state and the clock.
#include <cstdint>

#include "scale/policy_types.hpp"
#include "scale/reading.hpp"
#include "scale/recommend.hpp"

namespace edgestat::scale {

inline constexpr int64_t kNever = INT64_MIN / 2;

struct ResourceState {
  uint32_t above = 0, below = 0;
  int64_t last_up_ms = kNever, last_down_ms = kNever, pressure_ms = kNever;
};

struct Decision {
  Direction dir = Direction::None;
  Skip skip = Skip::None;
  double from = 0, to = 0;
  const char* why = "within thresholds";
};

struct DecideInput {
  Resource res = Resource::Cpu;
  double current = 0;  // the limit in force (cores or bytes)
  double usage = 0;    // this sample: CPU rate or working set
  // Memory: the decaying peak of the working set (VPA keeps per-interval
  // peaks for memory): a shrink never goes below it plus the margin, so a
  // periodic batch is not OOM-killed after a quiet hour. 0 for CPU.
  double peak = 0;
  Recommendation rec;
  Observed obs;
  bool off_peak = false;
  int64_t now_ms = 0;
  // What the host can still give: its size minus the reserve minus what
  // every container (this one included) holds now. May be negative.
  double room = 0;
};

Decision decide(ResourceState& st, const TierPolicy& p, const DecideInput& in);

// After an action was applied (read back): starts its cooldown.
void note_applied(ResourceState& st, Direction d, int64_t now_ms);

}  // namespace edgestat::scale
