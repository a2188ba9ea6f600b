// scale/ policy: decaying histogram, sample filter, recommendations and
// decisions over synthetic traces (step, ramp, spike, oscillation, OOM,
// counter reset, first sample, stopped container, host reserve exhausted).
// Each safety rule of decide.hpp has a case that fails without the rule.
#include <doctest/doctest.h>

#include <cmath>

#include "scale/container_scaler.hpp"
#include "scale_sim.hpp"

using namespace edgestat::scale;
using sim::kMiB;

namespace {

constexpr double kInterval = 10;  // seconds between collections
constexpr int64_t kMs = 1000;

TierPolicy test_policy() {
  TierPolicy p;
  p.mode = Mode::On;
  p.cpu_min = 0.5;
  p.cpu_max = 4;
  p.off_peak_cpu_min = 0.5;
  p.mem_min = 64 * kMiB;
  p.off_peak_mem_min = 64 * kMiB;
  p.mem_max = 2048 * kMiB;
  p.up_cooldown_ms = 30 * kMs;
  p.down_cooldown_ms = 120 * kMs;
  p.half_life_s = 3600;
  p.min_samples = 3;
  return p;
}

// Drives one simulated container through demand(t) with the policy, applying
// every decision at once (as a working actuator would). Returns actions.
struct Run {
  sim::Container c;
  ContainerScaler s;
  TierPolicy p;
  double room = 1e18;
  int ups[2] = {}, downs[2] = {};
  Decision last[2];
  Skip last_skip[2] = {};
  double t = 0;

  explicit Run(const TierPolicy& pol, double cpu, double mem) : p(pol) {
    c.cpu_limit = cpu;
    c.mem_limit = mem;
    s.init(p);
  }
  void tick(double cpu_demand, double mem_demand, bool off_peak = false) {
    Reading r = c.step(t, cpu_demand, mem_demand);
    s.observe(r, p, off_peak);
    for (int i = 0; i < kResources; ++i) {
      Resource res = static_cast<Resource>(i);
      double cur = res == Resource::Cpu ? c.cpu_limit : c.mem_limit;
      Decision d = s.decide(res, cur, room, p, off_peak, static_cast<int64_t>(t * 1000));
      last[i] = d;
      last_skip[i] = d.skip;
      if (d.dir == Direction::None) continue;
      (d.dir == Direction::Up ? ups : downs)[i]++;
      if (res == Resource::Cpu) room -= d.to - d.from;  // what the autoscaler's accounting does
      (res == Resource::Cpu ? c.cpu_limit : c.mem_limit) = d.to;
      s.applied(res, d.dir, static_cast<int64_t>(t * 1000));
    }
    t += kInterval;
  }
};

}  // namespace

TEST_CASE("histogram: percentiles within a bucket, decay fades old peaks, add_share moves the target") {
  DecayingHistogram h;
  h.init(0.01, 100);
  for (int i = 1; i <= 100; ++i) h.add(i * 0.01, 1, 0);
  double p90 = h.percentile(0.9);
  CHECK(p90 >= 0.9);
  CHECK(p90 <= 0.9 * 1.06 + 0.01);
  // A peak of 4 cores long ago, then steady 0.5 for 10 half-lives.
  DecayingHistogram d;
  d.init(0.01, 100);
  for (int i = 0; i < 50; ++i) d.add(4, 1, 0);
  for (int i = 0; i < 50; ++i) d.add(0.5, 1, 1000 + i);
  CHECK(d.percentile(0.9) < 0.6);
  // Without decay (a huge half-life) the old peak still dominates p90.
  DecayingHistogram n;
  n.init(0.01, 1e12);
  for (int i = 0; i < 50; ++i) n.add(4, 1, 0);
  for (int i = 0; i < 50; ++i) n.add(0.5, 1, 1000 + i);
  CHECK(n.percentile(0.9) > 3.9);
  // add_share: one sample among many still reaches p90.
  DecayingHistogram m;
  m.init(kMiB, 3600);
  for (int i = 0; i < 1000; ++i) m.add(100 * kMiB, 1, i);
  m.add_share(300 * kMiB, 0.15, 1000);
  CHECK(m.percentile(0.9) >= 300 * kMiB);
  // Rebasing keeps ratios over many half-lives.
  DecayingHistogram r;
  r.init(0.01, 1);
  for (int i = 0; i < 1000; ++i) r.add(i % 2 ? 1.0 : 2.0, 1, i);
  CHECK(std::isfinite(r.total_weight()));
  CHECK(r.percentile(0.5) > 0.9);
}

TEST_CASE("filter: first sample, restart, counter reset and a stopped container are not samples") {
  SampleFilter f;
  Reading r;
  r.running = true;
  r.incarnation = 7;
  r.t_s = 0;
  r.cpu_usage_s = 100;
  CHECK_FALSE(f.feed(r).valid);  // first sample: no rate (lxc_autoscale reads 0 % here)
  r.t_s = 10;
  r.cpu_usage_s = 105;
  Observed o = f.feed(r);
  CHECK(o.valid);
  CHECK(o.cpu_rate == doctest::Approx(0.5));
  r.t_s = 20;
  r.cpu_usage_s = 1;  // counter stepped back: reset
  CHECK_FALSE(f.feed(r).valid);
  r.t_s = 30;
  r.cpu_usage_s = 6;
  CHECK(f.feed(r).valid);
  r.t_s = 40;
  r.incarnation = 8;  // restarted: a new init, counters start over
  r.cpu_usage_s = 9;
  CHECK_FALSE(f.feed(r).valid);
  r.t_s = 50;
  r.running = false;
  CHECK_FALSE(f.feed(r).valid);
  r.t_s = 60;
  r.running = true;
  r.cpu_usage_s = 12;
  CHECK_FALSE(f.feed(r).valid);  // first after the stop
}

TEST_CASE("first sample: an idle-looking first reading never scales down") {
  TierPolicy p = test_policy();
  p.down_samples = 1;
  p.min_samples = 0;
  p.down_cooldown_ms = 0;
  Run run(p, 2, 512 * kMiB);
  run.tick(0, 10 * kMiB);  // the first reading: lxc_autoscale would see 0 % here
  CHECK(run.downs[0] == 0);
  CHECK(run.last_skip[0] == Skip::NoSample);
}

TEST_CASE("step: CPU demand above the quota grows it after exactly up_samples samples") {
  TierPolicy p = test_policy();
  Run run(p, 1, 512 * kMiB);
  for (int i = 0; i < 5; ++i) run.tick(0.5, 100 * kMiB);
  CHECK(run.ups[0] == 0);
  // Demand 1.8 cores: usage pegs at the quota (100 %).
  run.tick(1.8, 100 * kMiB);
  run.tick(1.8, 100 * kMiB);
  CHECK(run.ups[0] == 0);  // two samples above: not yet (hysteresis)
  run.tick(1.8, 100 * kMiB);
  CHECK(run.ups[0] == 1);
  CHECK(run.c.cpu_limit > 1);
  // Keeps growing (after each cooldown) until the demand fits.
  for (int i = 0; i < 30; ++i) run.tick(1.8, 100 * kMiB);
  CHECK(run.c.cpu_limit >= 1.8 / p.cpu_upper - p.cpu_step);
  CHECK(run.c.cpu_limit <= p.cpu_max);
}

TEST_CASE("spike: one sample above the threshold causes no action") {
  Run run(test_policy(), 1, 512 * kMiB);
  for (int i = 0; i < 10; ++i) run.tick(0.5, 100 * kMiB);
  run.tick(2, 100 * kMiB);
  for (int i = 0; i < 10; ++i) run.tick(0.5, 100 * kMiB);
  CHECK(run.ups[0] == 0);
  CHECK(run.downs[0] == 0);
}

TEST_CASE("oscillation around the upper threshold: no flapping") {
  Run run(test_policy(), 1, 512 * kMiB);
  for (int i = 0; i < 200; ++i) run.tick(i % 2 ? 0.95 : 0.6, 100 * kMiB);
  CHECK(run.ups[0] == 0);
  CHECK(run.downs[0] == 0);
}

TEST_CASE("oscillation between busy and idle: bounded actions, down slower than up") {
  TierPolicy p = test_policy();
  Run run(p, 1, 512 * kMiB);
  // 5 busy samples, 5 idle, repeated: down needs 10 below in a row.
  for (int i = 0; i < 400; ++i) run.tick((i / 5) % 2 ? 0.05 : 1.5, 100 * kMiB);
  CHECK(run.downs[0] <= 1);
  CHECK(run.ups[0] + run.downs[0] <= 5);
}

TEST_CASE("ramp: memory growing toward the limit is raised before the OOM") {
  TierPolicy p = test_policy();
  Run run(p, 1, 256 * kMiB);
  for (int i = 0; i < 10; ++i) run.tick(0.3, 100 * kMiB);
  // +4 MiB per 10 s: crosses 80 % (205 MiB) at ~35 samples, the limit at ~39.
  for (int i = 0; i < 100; ++i) run.tick(0.3, (100 + 4 * i) * kMiB);
  CHECK(run.c.oom_kills == 0);
  CHECK(run.ups[1] >= 1);
  CHECK(run.c.mem_limit >= 500 * kMiB);
}

TEST_CASE("OOM: a kill grows memory at once by max(x1.2, +100 MiB), without waiting for samples") {
  TierPolicy p = test_policy();
  Run run(p, 1, 256 * kMiB);
  for (int i = 0; i < 5; ++i) run.tick(0.3, 100 * kMiB);
  run.tick(0.3, 300 * kMiB);  // above the limit at once: OOM kill
  REQUIRE(run.c.oom_kills == 1);
  CHECK(run.ups[1] == 1);
  CHECK(run.last[1].from == 256 * kMiB);
  CHECK(run.c.mem_limit >= 356 * kMiB);  // +100 MiB beats x1.2 here
  // The bump stays in the histogram: the recommendation does not fall back.
  CHECK(run.s.recommendation(Resource::Memory).target >= 356 * kMiB);
  // And the next idle stretch does not shrink below it soon after.
  for (int i = 0; i < 15; ++i) run.tick(0.3, 100 * kMiB);
  CHECK(run.c.mem_limit >= 356 * kMiB);
}

TEST_CASE("counter reset mid-trace: no rate spike, no action") {
  TierPolicy p = test_policy();
  p.up_samples = 1;
  Run run(p, 1, 512 * kMiB);
  for (int i = 0; i < 5; ++i) run.tick(0.3, 100 * kMiB);
  run.c.cpu_counter = 0;  // cgroup recreated under the same init (a counter reset)
  run.tick(0.3, 100 * kMiB);
  CHECK(run.last_skip[0] == Skip::NoSample);
  run.c.incarnation++;  // and a restart
  run.c.cpu_counter = 0;
  run.tick(0.3, 100 * kMiB);
  CHECK(run.last_skip[0] == Skip::NoSample);
  CHECK(run.ups[0] == 0);
}

TEST_CASE("idle lowers after the cooldown, in steps bounded by max_decrement, never below the minimum") {
  TierPolicy p = test_policy();
  p.cpu_max_decrement = 1;  // set: the defaults shrink in one move (next case)
  p.mem_max_decrement = 128 * kMiB;
  Run run(p, 4, 1024 * kMiB);
  int first_down = -1;
  for (int i = 0; i < 200; ++i) {
    run.tick(0.05, 40 * kMiB);
    if (first_down < 0 && run.downs[0]) first_down = i;
  }
  CHECK(first_down >= static_cast<int>(p.down_samples) - 1);
  CHECK(run.c.cpu_limit == doctest::Approx(p.cpu_min));
  CHECK(run.c.mem_limit >= p.mem_min);
  CHECK(run.c.mem_limit >= 40 * kMiB + p.mem_headroom);
  // Each memory shrink was at most mem_max_decrement.
  CHECK(run.downs[1] >= static_cast<int>((1024 - 128) / 128));
}

TEST_CASE("defaults: idle shrinks to the recommendation in one move per resource, not a staircase") {
  TierPolicy p = test_policy();
  REQUIRE(p.cpu_max_decrement >= p.cpu_max);
  Run run(p, 4, 1024 * kMiB);
  for (int i = 0; i < 200; ++i) run.tick(0.05, 40 * kMiB);
  CHECK(run.downs[0] == 1);
  CHECK(run.downs[1] == 1);
  CHECK(run.c.cpu_limit == doctest::Approx(p.cpu_min));
  CHECK(run.c.mem_limit >= 40 * kMiB + p.mem_headroom);
  CHECK(run.c.mem_limit <= 96 * kMiB);
}

TEST_CASE("ramp: growth jumps ahead and is not taken back while usage climbs (no grow-shrink-grow)") {
  TierPolicy p = test_policy();
  Run run(p, 0.5, 512 * kMiB);
  // CPU climbs from 0.3 to 3 cores over 2000 samples (5.5 h), memory steady.
  for (int i = 0; i < 2000; ++i) run.tick(0.3 + 2.7 * i / 2000.0, 100 * kMiB);
  CHECK(run.downs[0] == 0);
  // Each growth lands a margin above what a shrink keeps (usage x 1.15 /
  // 0.8 x 1.15, ~x1.3 ahead of the 80 % trigger): 0.5 to ~4 cores in a
  // handful of moves, not one step at a time.
  CHECK(run.ups[0] >= 3);
  CHECK(run.ups[0] <= 10);
  CHECK(run.c.cpu_limit >= 3.5);
  // A memory leak: growth lands on what a shrink would keep, so no shrink
  // follows a growth while the leak goes on.
  Run leak(p, 0.5, 128 * kMiB);
  for (int i = 0; i < 2000; ++i) leak.tick(0.1, (60 + 0.5 * i) * kMiB);
  CHECK(leak.c.oom_kills == 0);
  CHECK(leak.ups[1] >= 3);
  CHECK(leak.downs[1] == 0);
}

TEST_CASE("down waits down_cooldown after a growth") {
  TierPolicy p = test_policy();
  p.down_samples = 2;
  p.down_cooldown_ms = 300 * kMs;
  Run run(p, 1, 512 * kMiB);
  for (int i = 0; i < 6; ++i) run.tick(1.5, 100 * kMiB);
  REQUIRE(run.ups[0] >= 1);
  double grown = run.c.cpu_limit;
  for (int i = 0; i < 20; ++i) run.tick(0.01, 100 * kMiB);  // 200 s idle < 300 s
  CHECK(run.c.cpu_limit == grown);
  CHECK(run.last_skip[0] == Skip::Cooldown);
  // Once the busy samples are under 10 % of the histogram, p90 allows it.
  for (int i = 0; i < 60; ++i) run.tick(0.01, 100 * kMiB);
  CHECK(run.c.cpu_limit < grown);
}

TEST_CASE("up cooldown: a second growth waits up_cooldown") {
  TierPolicy p = test_policy();
  p.up_samples = 1;
  p.min_samples = 1;
  p.up_cooldown_ms = 60 * kMs;
  p.cpu_max_increment = 0.25;
  Run run(p, 1, 512 * kMiB);
  run.tick(3, 100 * kMiB);
  run.tick(3, 100 * kMiB);
  REQUIRE(run.ups[0] == 1);
  for (int i = 0; i < 4; ++i) run.tick(3, 100 * kMiB);  // 50 s
  CHECK(run.ups[0] == 1);
  CHECK(run.last_skip[0] == Skip::Cooldown);
  run.tick(3, 100 * kMiB);
  run.tick(3, 100 * kMiB);
  CHECK(run.ups[0] == 2);
}

TEST_CASE("memory shrink stops when pressure rises") {
  TierPolicy p = test_policy();
  p.down_samples = 3;
  p.down_cooldown_ms = 0;
  ContainerScaler s;
  s.init(p);
  Reading r;
  r.running = true;
  r.incarnation = 1;
  r.cpu_usage_s = 0;
  r.cpu_quota = 1;
  r.mem_limit = 1024 * kMiB;
  r.mem_working_set = 50 * kMiB;
  r.max_events = 0;
  r.psi_mem_some_s = 0;
  Decision d;
  for (int i = 0; i < 5; ++i) {
    r.t_s = i * 10;
    r.cpu_usage_s = *r.cpu_usage_s + 1;
    s.observe(r, p, false);
    d = s.decide(Resource::Memory, 1024 * kMiB, 1e18, p, false, i * 10000);
  }
  REQUIRE(d.dir == Direction::Down);
  s.applied(Resource::Memory, Direction::Down, 40000);
  // PSI: 5 % of the time stalled on memory since the last sample.
  for (int i = 5; i < 12; ++i) {
    r.t_s = i * 10;
    r.cpu_usage_s = *r.cpu_usage_s + 1;
    *r.psi_mem_some_s += 0.5;
    s.observe(r, p, false);
    d = s.decide(Resource::Memory, 896 * kMiB, 1e18, p, false, i * 10000);
    CHECK(d.dir == Direction::None);
  }
  CHECK(d.skip == Skip::MemoryPressure);
  // high/max events rising stop it too.
  *r.max_events += 1;
  r.t_s = 130;
  s.observe(r, p, false);
  CHECK(s.decide(Resource::Memory, 896 * kMiB, 1e18, p, false, 130000).dir == Direction::None);
}

TEST_CASE("host reserve exhausted: growth refused, or granted only as far as the room") {
  TierPolicy p = test_policy();
  Run run(p, 1, 512 * kMiB);
  run.room = 0;
  for (int i = 0; i < 10; ++i) run.tick(2, 100 * kMiB);
  CHECK(run.ups[0] == 0);
  CHECK(run.last_skip[0] == Skip::HostReserve);
  run.room = 0.3;  // one step (and a bit) left
  for (int i = 0; i < 10; ++i) run.tick(2, 100 * kMiB);
  CHECK(run.ups[0] == 1);
  CHECK(run.c.cpu_limit == doctest::Approx(1.25));
  // An OOM is refused too when memory has no room.
  Run oom(p, 1, 256 * kMiB);
  oom.room = 10 * kMiB;
  for (int i = 0; i < 3; ++i) oom.tick(0.1, 100 * kMiB);
  oom.tick(0.1, 300 * kMiB);
  CHECK(oom.ups[1] == 0);
  CHECK(oom.last_skip[1] == Skip::HostReserve);
}

TEST_CASE("bounds: never above max, never below usage + headroom") {
  TierPolicy p = test_policy();
  p.cpu_max = 1.5;
  Run run(p, 1, 512 * kMiB);
  for (int i = 0; i < 50; ++i) run.tick(3, 100 * kMiB);
  CHECK(run.c.cpu_limit == doctest::Approx(1.5));
  CHECK(run.last_skip[0] == Skip::AtBound);
  // Recommendations are clamped the same way.
  DecayingHistogram h;
  h.init(kMemFirstBucket, 3600);
  for (int i = 0; i < 10; ++i) h.add(10 * kMiB, 1, i);
  Recommendation rec = recommend(h, Resource::Memory, p, 300 * kMiB, false);
  CHECK(rec.target >= 300 * kMiB + p.mem_headroom);
  CHECK(rec.lower >= 300 * kMiB + p.mem_headroom);
  CHECK(std::fmod(rec.target, p.mem_step) == 0);
  // The maximum is a hard bound: it wins over usage + headroom and history.
  DecayingHistogram big;
  big.init(kMemFirstBucket, 3600);
  for (int i = 0; i < 10; ++i) big.add(10 * p.mem_max, 1, i);
  Recommendation capped = recommend(big, Resource::Memory, p, 5 * p.mem_max, false);
  CHECK(capped.upper == p.mem_max);
  CHECK(capped.target == p.mem_max);
  // A limit set above the tier's maximum by hand is brought down.
  Run over(p, 3, 512 * kMiB);
  over.tick(0.5, 100 * kMiB);
  over.tick(0.5, 100 * kMiB);
  CHECK(over.c.cpu_limit == doctest::Approx(1.5));
}

TEST_CASE("off-peak minimum: a lower floor only inside the window") {
  TierPolicy p = test_policy();
  p.cpu_min = 1;
  p.off_peak_cpu_min = 0.25;
  p.down_cooldown_ms = 0;
  Run day(p, 1, 512 * kMiB);
  for (int i = 0; i < 40; ++i) day.tick(0.01, 100 * kMiB, false);
  CHECK(day.c.cpu_limit == doctest::Approx(1));
  Run night(p, 1, 512 * kMiB);
  for (int i = 0; i < 40; ++i) night.tick(0.01, 100 * kMiB, true);
  CHECK(night.c.cpu_limit == doctest::Approx(0.25));
}

TEST_CASE("behaviour multiplier scales the step of one action") {
  TierPolicy p = test_policy();
  p.up_samples = 1;
  p.min_samples = 1;
  p.cpu_max_increment = 0.5;
  // Pinned at 2 cores: the doubling (4) is capped by the increment.
  p.behaviour = 0.5;  // conservative
  Run c(p, 2, 512 * kMiB);
  c.tick(4, 100 * kMiB);
  c.tick(4, 100 * kMiB);
  CHECK(c.c.cpu_limit == doctest::Approx(2.25));
  p.behaviour = 2;  // aggressive
  Run a(p, 2, 512 * kMiB);
  a.tick(4, 100 * kMiB);
  a.tick(4, 100 * kMiB);
  CHECK(a.c.cpu_limit == doctest::Approx(3));
}

TEST_CASE("warming up: no growth before min_samples, and page cache is not need") {
  TierPolicy p = test_policy();
  p.min_samples = 20;
  p.up_samples = 1;
  Run run(p, 1, 512 * kMiB);
  for (int i = 0; i < 10; ++i) run.tick(2, 100 * kMiB);
  CHECK(run.ups[0] == 0);
  CHECK(run.last_skip[0] == Skip::WarmingUp);
  // Working set, not usage with page cache, drives memory.
  TierPolicy q = test_policy();
  ContainerScaler s;
  s.init(q);
  sim::Container c;
  c.mem_limit = 512 * kMiB;
  for (int i = 0; i < 20; ++i) {
    Reading r = c.step(i * 10, 0.1, 100 * kMiB, 400 * kMiB);
    s.observe(r, q, false);
    CHECK(s.decide(Resource::Memory, 512 * kMiB, 1e18, q, false, i * 10000).dir != Direction::Up);
  }
}

TEST_CASE("cpu_half_life: CPU forgets an old peak on its own clock, memory keeps it on half_life") {
  TierPolicy p = test_policy();
  p.cpu_half_life_s = 60;
  p.half_life_s = 1e6;
  ContainerScaler s;
  s.init(p);
  sim::Container c;
  c.cpu_limit = 4;
  c.mem_limit = 2048 * kMiB;
  for (int i = 0; i < 100; ++i) s.observe(c.step(i * 10, 3, 1000 * kMiB), p, false);
  for (int i = 100; i < 200; ++i) s.observe(c.step(i * 10, 0.2, 100 * kMiB), p, false);
  // 1000 s of idle: 16 CPU half-lives, a thousandth of memory's.
  CHECK(s.recommendation(Resource::Cpu).target < 1);  // not the 3-core peak (3.45 with the margin)
  CHECK(s.recommendation(Resource::Memory).target > 900 * kMiB);
}
