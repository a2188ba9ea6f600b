// scale/autoscaler: the table across containers: admission control counts
// what every container holds (a dry run holds nothing), a stopped or busy
// container is skipped with its reason, a restart is not a sample, and the
// metrics and JSON report what was decided.
#include <doctest/doctest.h>

#include <string>

#include "scale/autoscaler.hpp"
#include "scale/autoscaler_report.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

constexpr double kMiB = 1048576;

Reading busy(double t, double usage_s, double quota, uint64_t inc = 1) {
  Reading r;
  r.running = true;
  r.incarnation = inc;
  r.t_s = t;
  r.cpu_usage_s = usage_s;
  r.cpu_quota = quota;
  r.mem_working_set = 100 * kMiB;
  r.mem_usage = 100 * kMiB;
  r.mem_limit = 512 * kMiB;
  r.oom_kills = 0;
  return r;
}

TierPolicy tier(Mode m) {
  TierPolicy p;
  p.mode = m;
  p.cpu_min = 0.5;
  p.cpu_max = 4;
  p.min_samples = 1;
  p.up_samples = 2;
  p.up_cooldown_ms = 0;
  return p;
}

// Two containers both pegged at 1 core; the host has 4 cores, reserve 1.
struct Two {
  Autoscaler a;
  TierPolicy t[2];
  double used[2] = {};
  double quota[2] = {1, 1};  // what the cgroup holds: the next reading reports it
  explicit Two(Mode first) {
    t[0] = tier(first);
    t[1] = tier(Mode::On);
    HostSize h{4, 64.0 * 1024 * kMiB, 1, 1024 * kMiB};
    REQUIRE(a.init(4, t, 2, Mode::On, h));
  }
  void cycle(int c) {
    a.begin_cycle();
    for (int i = 0; i < 2; ++i) {
      used[i] += 10;  // 1 core over 10 s
      a.observe(i == 0 ? "first" : "second", i, busy(c * 10.0, used[i], quota[i]), false);
    }
    a.decide_all(false, c * 10000);
    for (uint32_t i = 0; i < a.capacity(); ++i) {
      ScaleEntry& e = a.entries()[i];
      for (int r = 0; r < kResources; ++r)
        if (e.pending[r])
          a.applied(e, static_cast<Resource>(r), a.tier_policy(e.tier)->mode == Mode::On ? Result::Ok : Result::DryRun,
                    c * 10000, 1000.0 + c);
      if (e.used) quota[e.name.view() == "first" ? 0 : 1] = e.current[0];
    }
    a.end_cycle();
  }
};

}  // namespace

TEST_CASE("admission across containers: the first growth takes the room, the second is refused") {
  Two two(Mode::On);
  for (int c = 0; c < 4; ++c) two.cycle(c);
  ScaleEntry* f = two.a.find("first");
  ScaleEntry* s = two.a.find("second");
  REQUIRE(f);
  REQUIRE(s);
  // Room: 4 - 1 reserve - 1 - 1 = 1 core; the first takes it.
  CHECK(f->current[0] == doctest::Approx(2));
  CHECK(s->current[0] == doctest::Approx(1));
  CHECK(s->skipped[static_cast<int>(Skip::HostReserve)] >= 1);
  CHECK(two.a.room(Resource::Cpu) <= 0.0 + 1e-9);
}

TEST_CASE("a dry run holds nothing: recommend mode leaves the room to the others") {
  Two two(Mode::Recommend);
  // Both decide to grow in cycle 2: the second gets the room in that same cycle.
  for (int c = 0; c < 3; ++c) two.cycle(c);
  ScaleEntry* f = two.a.find("first");
  ScaleEntry* s = two.a.find("second");
  CHECK(f->current[0] == doctest::Approx(1));  // unchanged
  CHECK(f->actions[0][0][static_cast<int>(Result::DryRun)] >= 1);
  CHECK(f->actions[0][0][static_cast<int>(Result::Ok)] == 0);
  CHECK(s->current[0] == doctest::Approx(2));  // got the room
}

TEST_CASE("stopped and busy containers are skipped with a reason; removed ones are forgotten") {
  Two two(Mode::On);
  two.cycle(0);
  ScaleEntry* f = two.a.find("first");
  f->busy = true;
  two.cycle(1);
  CHECK(f->skipped[static_cast<int>(Skip::Busy)] == 2);  // both resources
  f->busy = false;
  two.a.begin_cycle();
  Reading stopped;
  two.a.observe("first", 0, stopped, false);
  two.a.decide_all(false, 30000);
  CHECK(f->skipped[static_cast<int>(Skip::Stopped)] == 2);
  two.a.end_cycle();
  CHECK(two.a.find("second") == nullptr);  // not observed in that cycle: forgotten
  REQUIRE(two.a.find("first"));
}

TEST_CASE("report: metrics families and the JSON carry limits, recommendation, decision") {
  Two two(Mode::On);
  for (int c = 0; c < 4; ++c) two.cycle(c);
  Snapshot snap;
  SnapshotLimits lim;
  lim.max_families = 64;
  lim.max_samples = 512;
  lim.arena_bytes = 1 << 16;
  REQUIRE(snap.init(lim));
  add_autoscaler_metrics(snap, two.a);
  snap.finish();
  double v = 0;
  CHECK(snap.value("lxc_autoscaler_actions_total",
                   R"(name="first",resource="cpu",direction="up",result="ok")", &v));
  CHECK(v == 1);
  CHECK(snap.value("lxc_autoscaler_mode", R"(mode="on")", &v));
  CHECK(v == 1);
  CHECK(snap.value("lxc_autoscaler_limit", R"(name="first",resource="cpu")", &v));
  CHECK(v == 2);
  CHECK(snap.value("lxc_autoscaler_decision_skipped_total", R"(name="second",reason="host_reserve")", &v));
  char buf[8192];
  OutBuffer out(buf, sizeof buf);
  render_autoscaler_json(two.a, out, 40000, 2000);
  REQUIRE(!out.overflowed());
  std::string j(out.view());
  CHECK(j.find("\"name\":\"first\"") != std::string::npos);
  CHECK(j.find("\"current\":2") != std::string::npos);
  CHECK(j.find("\"skip\":\"host_reserve\"") != std::string::npos);
  CHECK(j.find("next_down_allowed_in_seconds") != std::string::npos);
}

// The wiring sets Reading::locked from the Proxmox config's "lock:" line
// (backup, migrate, snapshot...): such a container is never acted on.
TEST_CASE("a locked container is skipped with reason locked, and acted on once unlocked") {
  Autoscaler a;
  TierPolicy t = tier(Mode::On);
  HostSize h{4, 64.0 * 1024 * kMiB, 1, 1024 * kMiB};
  REQUIRE(a.init(2, &t, 1, Mode::On, h));
  double used = 0;
  bool acted = false;
  for (int c = 0; c < 6; ++c) {
    a.begin_cycle();
    used += 10;
    Reading r = busy(c * 10.0, used, 1);
    r.locked = c < 4;
    ScaleEntry* e = a.observe("pve101", 0, r, false);
    a.decide_all(false, c * 10000);
    if (c < 4) {
      CHECK_FALSE(e->pending[0]);
      CHECK(e->last[0].skip == Skip::Locked);
    } else if (e->pending[0]) {
      acted = true;
    }
    a.end_cycle();
  }
  CHECK(a.find("pve101")->skipped[static_cast<size_t>(Skip::Locked)] >= 4);
  CHECK(acted);
}
