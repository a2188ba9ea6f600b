#pragma once
// When a horizontal scaling group grows or shrinks: pure, fed observations
// (the group's counted instances and its mean usage) and the clock, so
// tests replay traces. The actuator (group_actuator.hpp) does the work.
//
// Rules, in order:
//   - an action in flight: wait (one action per group at a time);
//   - fewer instances than min_instances: scale out now (lxc_autoscale
//     ignored min_instances, its issue #71);
//   - more than max_instances: scale in now;
//   - no valid usage sample (first sample, restarts): nothing;
//   - mean CPU or memory above its upper threshold continuously for
//     scale_out_grace, and below max_instances: scale out;
//   - mean CPU and memory below their lower thresholds continuously for
//     scale_in_grace, above min_instances, and the mean spread over one
//     instance fewer stays below the upper thresholds (no flapping:
//     removing one must not make the group "high" at once): scale in.
// A condition's clock starts when it begins or at the last action,
// whichever is later: a new instance changes the mean, so the group gets a
// full grace period to show its effect before the next decision.
#include <cstdint>
#include <string_view>

namespace edgestat::scale {

struct GroupPolicyConfig {
  uint32_t min_instances = 1;
  uint32_t max_instances = 5;
  // Fractions of the instances' limits (0.8 = 80 %), lxc_autoscale's
  // horiz_* thresholds.
  double cpu_upper = 0.8, cpu_lower = 0.2;
  double memory_upper = 0.8, memory_lower = 0.2;
  int64_t scale_out_grace_ms = 300000;
  int64_t scale_in_grace_ms = 600000;
};

struct GroupObservation {
  int64_t now_ms = 0;
  uint32_t instances = 0;   // counted: running (and healthy when checked)
  bool in_flight = false;   // a scale action is running
  bool can_scale_in = true; // the group has a clone of its own to remove
  bool valid = false;       // cpu and memory come from valid samples
  double cpu = 0;           // mean fraction over the instances
  double memory = 0;
};

enum class GroupDecision : uint8_t { None, ScaleOut, ScaleIn };
std::string_view group_decision_name(GroupDecision d);

struct GroupVerdict {
  GroupDecision decision = GroupDecision::None;
  const char* reason = "";  // a metric label value: below_min_instances, cpu_high, ...
};

// After a failed action the group waits before the next one, doubling from
// 30 s up to 10 min, so a broken base or a full disk is not retried in a
// tight loop (min_instances would otherwise ask again every collection).
inline constexpr int64_t kGroupRetryFirstMs = 30000;
inline constexpr int64_t kGroupRetryMaxMs = 600000;

struct GroupPolicyState {
  int64_t high_since_ms = -1;  // -1: the condition does not hold
  int64_t low_since_ms = -1;
  int64_t last_action_ms = -1;
  int64_t retry_after_ms = -1;  // no action before this (after failures)
  uint32_t failures = 0;        // consecutive failed actions
};

GroupVerdict decide_group(const GroupPolicyConfig& c, GroupPolicyState& s, const GroupObservation& o);
// The actuator finished an action at now_ms; ok false starts or doubles
// the retry backoff, ok true clears it.
void note_group_action(GroupPolicyState& s, int64_t now_ms, bool ok = true);

}  // namespace edgestat::scale
