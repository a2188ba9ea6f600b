#include "scale/group_policy.hpp"

namespace edgestat::scale {
namespace {

// Keeps the start of a condition that holds, or forgets it.
void track(int64_t& since, bool holds, int64_t now, int64_t last_action) {
  if (!holds) {
    since = -1;
    return;
  }
  if (since < 0) since = now;
  if (last_action > since) since = last_action;
}

}  // namespace

std::string_view group_decision_name(GroupDecision d) {
  switch (d) {
    case GroupDecision::None: return "none";
    case GroupDecision::ScaleOut: return "out";
    case GroupDecision::ScaleIn: return "in";
  }
  return "none";
}

GroupVerdict decide_group(const GroupPolicyConfig& c, GroupPolicyState& s, const GroupObservation& o) {
  if (o.in_flight) return {GroupDecision::None, "action_in_flight"};
  if (s.retry_after_ms >= 0 && o.now_ms < s.retry_after_ms) return {GroupDecision::None, "backoff_after_failure"};
  if (o.instances < c.min_instances) return {GroupDecision::ScaleOut, "below_min_instances"};
  if (o.instances > c.max_instances) {
    if (o.can_scale_in) return {GroupDecision::ScaleIn, "above_max_instances"};
    return {GroupDecision::None, "above_max_instances_no_own_clone"};
  }
  if (!o.valid) {
    s.high_since_ms = s.low_since_ms = -1;
    return {GroupDecision::None, "no_valid_sample"};
  }
  bool cpu_high = o.cpu > c.cpu_upper, mem_high = o.memory > c.memory_upper;
  bool low = o.cpu < c.cpu_lower && o.memory < c.memory_lower;
  track(s.high_since_ms, cpu_high || mem_high, o.now_ms, s.last_action_ms);
  track(s.low_since_ms, low, o.now_ms, s.last_action_ms);
  if (cpu_high || mem_high) {
    if (o.instances >= c.max_instances) return {GroupDecision::None, "at_max_instances"};
    if (o.now_ms - s.high_since_ms < c.scale_out_grace_ms) return {GroupDecision::None, "scale_out_grace"};
    return {GroupDecision::ScaleOut, cpu_high ? "cpu_high" : "memory_high"};
  }
  if (low) {
    if (o.instances <= c.min_instances) return {GroupDecision::None, "at_min_instances"};
    if (!o.can_scale_in) return {GroupDecision::None, "no_own_clone"};
    if (o.now_ms - s.low_since_ms < c.scale_in_grace_ms) return {GroupDecision::None, "scale_in_grace"};
    // The same work spread over one instance fewer.
    double k = static_cast<double>(o.instances) / static_cast<double>(o.instances - 1);
    if (o.cpu * k > c.cpu_upper || o.memory * k > c.memory_upper)
      return {GroupDecision::None, "scale_in_would_be_high"};
    return {GroupDecision::ScaleIn, "low_usage"};
  }
  return {GroupDecision::None, "within_thresholds"};
}

void note_group_action(GroupPolicyState& s, int64_t now_ms, bool ok) {
  s.last_action_ms = now_ms;
  s.high_since_ms = s.low_since_ms = -1;
  if (ok) {
    s.failures = 0;
    s.retry_after_ms = -1;
    return;
  }
  int64_t wait = kGroupRetryFirstMs;
  for (uint32_t i = 0; i < s.failures && wait < kGroupRetryMaxMs; ++i) wait *= 2;
  if (wait > kGroupRetryMaxMs) wait = kGroupRetryMaxMs;
  ++s.failures;
  s.retry_after_ms = now_ms + wait;
}

}  // namespace edgestat::scale
