// Tests for the horizontal scaling groups' decision rule
// (scale/group_policy.hpp) over synthetic traces: a step, a spike, an
// oscillation around the threshold, min/max enforcement, the first sample,
// grace after an action, and the no-flap check on scale-in. A trace feeds
// one observation a second and applies every decision the way the
// actuator would (one instance more or fewer, the same total load spread
// over them), so the count of actions is what a real group would see.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "scale/group_policy.hpp"

using namespace edgestat::scale;

namespace {

GroupPolicyConfig cfg() {
  GroupPolicyConfig c;
  c.min_instances = 1;
  c.max_instances = 4;
  c.cpu_upper = 0.8;
  c.cpu_lower = 0.2;
  c.memory_upper = 0.8;
  c.memory_lower = 0.2;
  c.scale_out_grace_ms = 10000;
  c.scale_in_grace_ms = 30000;
  return c;
}

struct Trace {
  uint32_t instances = 1;
  int outs = 0, ins = 0;
  std::vector<std::string> reasons;
};

// load(t) is the group's total CPU work in instance-units at second t; the
// mean is that over the instances. Memory stays at 0.1.
Trace replay(const GroupPolicyConfig& c, int seconds, const std::function<double(int)>& load, uint32_t start = 1) {
  GroupPolicyState s;
  Trace tr;
  tr.instances = start;
  for (int t = 0; t < seconds; ++t) {
    GroupObservation o;
    o.now_ms = int64_t{t} * 1000;
    o.instances = tr.instances;
    o.valid = true;
    o.cpu = load(t) / tr.instances;
    o.memory = 0.1;
    o.can_scale_in = tr.instances > 1;
    GroupVerdict v = decide_group(c, s, o);
    if (v.decision == GroupDecision::ScaleOut) {
      ++tr.instances, ++tr.outs;
      note_group_action(s, o.now_ms);
    } else if (v.decision == GroupDecision::ScaleIn) {
      --tr.instances, ++tr.ins;
      note_group_action(s, o.now_ms);
    }
    if (v.decision != GroupDecision::None) tr.reasons.push_back(v.reason);
  }
  return tr;
}

}  // namespace

TEST_CASE("group policy: a step up scales out after the grace, once per grace, up to max") {
  // 3 instance-units of work from t=5: 1 -> 2 (mean 1.5) -> 3 (1.0) -> 4 (0.75).
  Trace tr = replay(cfg(), 120, [](int t) { return t < 5 ? 0.5 : 3.0; });
  CHECK(tr.instances == 4);
  CHECK(tr.outs == 3);
  CHECK(tr.ins == 0);
  CHECK(tr.reasons[0] == "cpu_high");
}

TEST_CASE("group policy: the first scale out waits the whole grace period") {
  GroupPolicyConfig c = cfg();
  GroupPolicyState s;
  GroupObservation o;
  o.instances = 1;
  o.valid = true;
  o.cpu = 0.95;
  o.memory = 0.1;
  for (int64_t t = 0; t < 10000; t += 1000) {
    o.now_ms = t;
    GroupVerdict v = decide_group(c, s, o);
    CHECK(v.decision == GroupDecision::None);
    CHECK(std::string(v.reason) == "scale_out_grace");
  }
  o.now_ms = 10000;
  CHECK(decide_group(c, s, o).decision == GroupDecision::ScaleOut);
}

TEST_CASE("group policy: a spike shorter than the grace does nothing") {
  Trace tr = replay(cfg(), 120, [](int t) { return t >= 20 && t < 28 ? 5.0 : 0.5; });
  CHECK(tr.outs == 0);
  CHECK(tr.ins == 0);
}

TEST_CASE("group policy: oscillation around the upper threshold causes no flapping") {
  // Above for 6 s, below for 6 s: the high condition never lasts the grace.
  Trace tr = replay(cfg(), 600, [](int t) { return (t / 6) % 2 ? 0.9 : 0.7; });
  CHECK(tr.outs == 0);
  CHECK(tr.ins == 0);
  // Sustained load on two instances sitting between the thresholds: after
  // the one scale out nothing moves (no out/in ping-pong).
  tr = replay(cfg(), 600, [](int) { return 0.9; }, 1);
  CHECK(tr.outs == 1);
  CHECK(tr.ins == 0);
  CHECK(tr.instances == 2);
}

TEST_CASE("group policy: scale in after the longer grace, never below min, never into high") {
  GroupPolicyConfig c = cfg();
  c.min_instances = 2;
  // Idle group of 4: shrinks to min_instances, one per scale_in_grace.
  Trace tr = replay(c, 200, [](int) { return 0.1; }, 4);
  CHECK(tr.instances == 2);
  CHECK(tr.ins == 2);
  CHECK(tr.reasons[0] == "low_usage");
  // Load whose mean is low on 4 but would be high on 3 stays at 4:
  // 0.19 * 4 = 0.76 total... spread over 3 is 0.25 (fine, scales in); use a
  // tighter lower bound where the guard matters.
  c.min_instances = 1;
  c.cpu_lower = 0.7;
  c.cpu_upper = 0.8;
  tr = replay(c, 200, [](int) { return 4 * 0.65; }, 4);  // mean 0.65 < lower; on 3: 0.867 > upper
  CHECK(tr.ins == 0);
  GroupPolicyState s;
  GroupObservation o;
  o.instances = 4;
  o.valid = true;
  o.cpu = 0.65;
  o.memory = 0.1;
  GroupVerdict v{};
  for (int64_t t = 0; t <= 40000; t += 1000) {
    o.now_ms = t;
    v = decide_group(c, s, o);
  }
  CHECK(std::string(v.reason) == "scale_in_would_be_high");
}

TEST_CASE("group policy: min_instances is enforced at once, max_instances too") {
  GroupPolicyConfig c = cfg();
  c.min_instances = 2;
  GroupPolicyState s;
  GroupObservation o;
  o.now_ms = 0;
  o.instances = 1;  // e.g. the base alone after a restart
  o.valid = false;  // even without a usage sample
  GroupVerdict v = decide_group(c, s, o);
  CHECK(v.decision == GroupDecision::ScaleOut);
  CHECK(std::string(v.reason) == "below_min_instances");
  o.instances = 5;  // max is 4
  v = decide_group(c, s, o);
  CHECK(v.decision == GroupDecision::ScaleIn);
  CHECK(std::string(v.reason) == "above_max_instances");
  o.can_scale_in = false;  // nothing of its own to remove: it does not touch others'
  CHECK(decide_group(c, s, o).decision == GroupDecision::None);
  o.instances = 4;
  o.valid = true;
  o.cpu = 0.99;
  v = decide_group(c, s, o);
  CHECK(std::string(v.reason) == "at_max_instances");
}

TEST_CASE("group policy: no valid sample, an action in flight, memory pressure") {
  GroupPolicyConfig c = cfg();
  GroupPolicyState s;
  GroupObservation o;
  o.instances = 2;
  o.valid = false;  // first sample after start: reads as 0 % in lxc_autoscale
  o.cpu = 0;
  for (int64_t t = 0; t < 100000; t += 1000) {
    o.now_ms = t;
    GroupVerdict v = decide_group(c, s, o);
    CHECK(v.decision == GroupDecision::None);
  }
  o.valid = true;
  o.in_flight = true;
  o.cpu = 0.99;
  for (int64_t t = 100000; t < 200000; t += 1000) {
    o.now_ms = t;
    CHECK(std::string(decide_group(c, s, o).reason) == "action_in_flight");
  }
  o.in_flight = false;
  o.cpu = 0.1;
  o.memory = 0.9;  // memory alone is enough to grow
  GroupVerdict v{};
  for (int64_t t = 200000; t <= 210000; t += 1000) {
    o.now_ms = t;
    v = decide_group(c, s, o);
  }
  CHECK(v.decision == GroupDecision::ScaleOut);
  CHECK(std::string(v.reason) == "memory_high");
}

TEST_CASE("group policy: after an action the grace starts again") {
  GroupPolicyConfig c = cfg();
  GroupPolicyState s;
  GroupObservation o;
  o.instances = 2;
  o.valid = true;
  o.cpu = 0.95;
  o.memory = 0.1;
  o.now_ms = 0;
  decide_group(c, s, o);
  note_group_action(s, 5000);  // e.g. a min_instances scale out finished
  for (int64_t t = 5000; t < 15000; t += 1000) {
    o.now_ms = t;
    CHECK(decide_group(c, s, o).decision == GroupDecision::None);
  }
  o.now_ms = 15000;
  CHECK(decide_group(c, s, o).decision == GroupDecision::ScaleOut);
}

TEST_CASE("group policy: a failed action is not retried in a tight loop (backoff doubles, success clears it)") {
  GroupPolicyConfig c = cfg();
  c.min_instances = 1;
  GroupPolicyState s;
  GroupObservation o;
  o.instances = 0;  // below min: would ask every collection
  int actions = 0;
  int64_t fail_at[8] = {};
  for (int64_t t = 0; t < 400000; t += 1000) {
    o.now_ms = t;
    if (decide_group(c, s, o).decision == GroupDecision::ScaleOut) {
      fail_at[actions < 8 ? actions : 7] = t;
      ++actions;
      note_group_action(s, t, false);  // e.g. lxc-copy fails: the base is broken
    }
  }
  // 0, 30 s, 90 s, 210 s (waits of 30, 60, 120 s), then 450 s is past the end.
  CHECK(actions == 4);
  CHECK(fail_at[1] == 30000);
  CHECK(fail_at[2] == 90000);
  CHECK(fail_at[3] == 210000);
  o.now_ms = 211000;
  CHECK(std::string(decide_group(c, s, o).reason) == "backoff_after_failure");
  note_group_action(s, 211000, true);
  CHECK(s.failures == 0);
  CHECK(decide_group(c, s, o).decision == GroupDecision::ScaleOut);
}
