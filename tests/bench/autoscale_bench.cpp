// Replays synthetic 24-hour load traces through edgestat's vertical policy
// (scale/container_scaler.hpp, collecting every 15 s) and through
// lxc_autoscale's documented rule (poll 300 s; CPU% and memory% of the
// limit against 80/20; whole cores +1..2 when above, -1 when below, min 1
// max 4, a step beyond max refused; memory +256 MiB above (no maximum),
// -128 MiB below, min 512 MiB; the first sample reads 0 %), side by side:
// throttled CPU-seconds, OOM kills, actions, over-provisioned core-hours
// and GiB-hours. Then the cost of one autoscaler cycle (observe + decide)
// with 50 containers.
//   tests/bench/autoscale_bench.sh [BUILD_DIR]
#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "scale/autoscaler.hpp"
#include "scale/container_scaler.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

constexpr double kMiB = 1048576, kGiB = 1073741824;
constexpr double kDt = 5;         // simulation step, seconds
constexpr double kDay = 86400;
constexpr double kOurs = 15;      // edgestat's collection interval
constexpr double kTheirs = 300;   // lxc_autoscale's poll_interval

struct Demand {
  double cpu, mem;  // cores, bytes
};
using Trace = Demand (*)(double t, uint64_t& rng);

double noise(uint64_t& s) {  // xorshift, uniform in [-1, 1)
  s ^= s << 13, s ^= s >> 7, s ^= s << 17;
  return static_cast<double>(s >> 11) / static_cast<double>(1ull << 52) - 1;
}

Demand step(double t, uint64_t&) {
  bool busy = t >= 6 * 3600 && t < 12 * 3600;
  return {busy ? 1.6 : 0.2, busy ? 700 * kMiB : 200 * kMiB};
}
Demand ramp(double t, uint64_t& r) { return {0.3 + 0.05 * noise(r), (100 + 1400 * t / kDay) * kMiB}; }
Demand spike(double t, uint64_t& r) {
  bool s = std::fmod(t, 7200) < 60;
  return {s ? 2.5 : 0.3 + 0.05 * noise(r), 250 * kMiB};
}
Demand diurnal(double t, uint64_t& r) {
  double x = std::sin(2 * M_PI * t / kDay);
  return {1.0 + 0.8 * x + 0.1 * noise(r), (600 + 300 * x + 20 * noise(r)) * kMiB};
}
Demand oscillate(double t, uint64_t&) {
  bool hi = std::fmod(t, 600) < 300;
  return {hi ? 1.5 : 0.5, 300 * kMiB};
}
Demand batch(double t, uint64_t& r) {
  double p = std::fmod(t, 4 * 3600);
  double mem = 300 * kMiB;
  if (p < 1200) mem += std::fmin(p / 60 * 200 * kMiB, 900 * kMiB);  // +200 MiB/min to 1.2 GiB
  return {0.4 + 0.1 * noise(r) + (p < 1200 ? 0.8 : 0), mem};
}

bool g_trace = false;  // BENCH_TRACE=name: print edgestat's actions on that trace

struct Totals {
  double throttled_s = 0, core_h = 0, gib_h = 0;
  int ooms = 0, actions = 0;
};

// Accounting shared by both: demand against the limits in force.
void account(Totals& t, const Demand& d, double cores, double mem, bool& in_oom, double& oom_t) {
  t.throttled_s += std::fmax(0, d.cpu - cores) * kDt;
  t.core_h += std::fmax(0, cores - d.cpu) * kDt / 3600;
  t.gib_h += std::fmax(0, mem - d.mem) * kDt / 3600 / kGiB;
  // A kill when demand crosses the limit, and another each minute it
  // still does not fit (the service restarts and is killed again).
  if (d.mem > mem) {
    if (!in_oom || std::fmod(oom_t += kDt, 60) == 0) {
      ++t.ooms;
      if (getenv("BENCH_DEBUG")) std::fprintf(stderr, "oom: demand %.0f MiB limit %.0f MiB\n", d.mem / kMiB, mem / kMiB);
    }
  } else {
    oom_t = 0;
  }
  in_oom = d.mem > mem;
}

Totals run_ours(Trace tr, const TierPolicy& p) {
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  ContainerScaler s;
  s.init(p);
  double cores = 1, mem = 512 * kMiB, usage = 0;
  bool in_oom = false;
  double oom_t = 0;
  Totals tot;
  for (double t = 0; t < kDay; t += kDt) {
    Demand d = tr(t, rng);
    account(tot, d, cores, mem, in_oom, oom_t);
    usage += std::fmin(d.cpu, cores) * kDt;
    if (std::fmod(t, kOurs) != 0) continue;
    Reading r;
    r.running = true;
    r.incarnation = 1;
    r.t_s = t;
    r.cpu_usage_s = usage;
    r.cpu_quota = cores;
    r.mem_working_set = std::fmin(d.mem, mem);
    r.mem_usage = r.mem_working_set;
    r.mem_limit = mem;
    r.oom_kills = static_cast<double>(tot.ooms);  // memory.events oom_kill
    s.observe(r, p, false);
    for (int i = 0; i < kResources; ++i) {
      Resource res = static_cast<Resource>(i);
      double& cur = res == Resource::Cpu ? cores : mem;
      Decision dec = s.decide(res, cur, 1e18, p, false, static_cast<int64_t>(t * 1000));
      if (dec.dir == Direction::None) continue;
      if (g_trace)
        std::fprintf(stderr, "%7.0f s %-6s %-4s %10.2f -> %10.2f  usage %.2f  (%s)\n", t,
                     res == Resource::Cpu ? "cpu" : "memory", dec.dir == Direction::Up ? "up" : "down",
                     res == Resource::Cpu ? dec.from : dec.from / kMiB, res == Resource::Cpu ? dec.to : dec.to / kMiB,
                     res == Resource::Cpu ? d.cpu : d.mem / kMiB, dec.why);
      cur = dec.to;
      s.applied(res, dec.dir, static_cast<int64_t>(t * 1000));
      ++tot.actions;
    }
  }
  return tot;
}

Totals run_theirs(Trace tr) {
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  double cores = 1, mem = 512 * kMiB, usage = 0, last_usage = 0, last_t = -1;
  bool in_oom = false;
  double oom_t = 0;
  Totals tot;
  for (double t = 0; t < kDay; t += kDt) {
    Demand d = tr(t, rng);
    account(tot, d, cores, mem, in_oom, oom_t);
    usage += std::fmin(d.cpu, cores) * kDt;
    if (std::fmod(t, kTheirs) != 0) continue;
    // CPU% = delta usage / (delta t x cores), clamped 0-100; the first sample is 0.
    double cpu_pct = last_t < 0 ? 0 : std::fmin(100, (usage - last_usage) / ((t - last_t) * cores) * 100);
    last_usage = usage, last_t = t;
    double mem_pct = std::fmin(d.mem, mem) / mem * 100;  // memory_exclude_cache: working set
    if (cpu_pct > 80) {
      double inc = std::floor((cpu_pct - 80) / 2);
      inc = std::fmax(1, std::fmin(2, inc));
      if (cores + inc <= 4) cores += inc, ++tot.actions;  // beyond max_cores: refused, not clamped
    } else if (cpu_pct < 20 && cores > 1) {
      cores -= 1, ++tot.actions;
    }
    if (mem_pct > 80) {
      mem += 256 * kMiB, ++tot.actions;
    } else if (mem_pct < 20 && mem - 128 * kMiB >= 512 * kMiB) {
      mem -= 128 * kMiB, ++tot.actions;
    }
  }
  return tot;
}

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void cycle_cost(int n, int cycles) {
  TierPolicy p;
  p.mode = Mode::On;
  Autoscaler a;
  HostSize h{64, 256 * kGiB, 1, kGiB};
  if (!a.init(static_cast<uint32_t>(n), &p, 1, Mode::On, h)) return;
  char names[64][16];
  for (int i = 0; i < n; ++i) std::snprintf(names[i], sizeof names[i], "ct%d", i);
  double usage[64] = {};
  uint64_t rng = 42;
  double t0 = now_s();
  for (int c = 0; c < cycles; ++c) {
    a.begin_cycle();
    for (int i = 0; i < n; ++i) {
      Reading r;
      r.running = true;
      r.incarnation = 1;
      r.t_s = c * 15.0;
      usage[i] += (0.5 + 0.4 * noise(rng)) * 15;
      r.cpu_usage_s = usage[i];
      r.cpu_quota = 1;
      r.mem_working_set = (200 + 50 * noise(rng)) * kMiB;
      r.mem_usage = *r.mem_working_set;
      r.mem_limit = 512 * kMiB;
      r.oom_kills = 0;
      a.observe(names[i], 0, r, false);
    }
    a.decide_all(false, c * 15000);
    for (int i = 0; i < n; ++i) {
      ScaleEntry& e = a.entries()[i];
      for (int r = 0; r < kResources; ++r)
        if (e.pending[r]) a.applied(e, static_cast<Resource>(r), Result::DryRun, c * 15000, 0);
    }
    a.end_cycle();
  }
  double per = (now_s() - t0) / cycles;
  std::printf("autoscaler cycle (observe + decide), %d containers: %.1f us per cycle (%d cycles), table %zu KiB\n", n,
              per * 1e6, cycles, sizeof(ScaleEntry) * static_cast<size_t>(n) / 1024);
}

}  // namespace

int main() {
  struct Named {
    const char* name;
    Trace fn;
  } traces[] = {{"step", step},         {"ramp (leak)", ramp},    {"spike", spike},
                {"diurnal", diurnal},   {"oscillation", oscillate}, {"batch memory", batch}};
  TierPolicy ours;  // the defaults: VPA's recommender, 80/20, 3 up / 10 down samples
  ours.mode = Mode::On;
  if (const char* v = getenv("BENCH_CPU_HALF_LIFE")) ours.cpu_half_life_s = atof(v);  // seconds, to compare
  TierPolicy edge = ours;  // an edge setting: forget memory peaks within hours
  edge.half_life_s = 7200;
  TierPolicy fast_cpu = ours;  // forget CPU peaks within hours (memory keeps 24 h)
  fast_cpu.cpu_half_life_s = 7200;
  constexpr int kPolicies = 4;
  const char* who[kPolicies] = {"edgestat (defaults)", "edgestat half_life=2h", "edgestat cpu_half_life=2h",
                                "lxc_autoscale rule"};
  std::printf("24 h synthetic traces, start 1 core / 512 MiB. edgestat every %.0f s, lxc_autoscale every %.0f s.\n",
              kOurs, kTheirs);
  std::printf("%-13s %-26s %12s %5s %8s %10s %9s\n", "trace", "policy", "throttled_s", "OOMs", "actions",
              "over_core_h", "over_GiB_h");
  Totals sum[kPolicies];
  for (const Named& n : traces) {
    const char* want = getenv("BENCH_TRACE");
    g_trace = want && std::strstr(n.name, want);
    Totals r[kPolicies] = {run_ours(n.fn, ours), Totals{}, Totals{}, Totals{}};
    g_trace = false;
    r[1] = run_ours(n.fn, edge), r[2] = run_ours(n.fn, fast_cpu), r[3] = run_theirs(n.fn);
    for (int i = 0; i < kPolicies; ++i) {
      std::printf("%-13s %-26s %12.0f %5d %8d %10.1f %9.1f\n", n.name, who[i], r[i].throttled_s, r[i].ooms,
                  r[i].actions, r[i].core_h, r[i].gib_h);
      sum[i].throttled_s += r[i].throttled_s, sum[i].ooms += r[i].ooms, sum[i].actions += r[i].actions;
      sum[i].core_h += r[i].core_h, sum[i].gib_h += r[i].gib_h;
    }
  }
  for (int i = 0; i < kPolicies; ++i)
    std::printf("%-13s %-26s %12.0f %5d %8d %10.1f %9.1f\n", "TOTAL", who[i], sum[i].throttled_s, sum[i].ooms,
                sum[i].actions, sum[i].core_h, sum[i].gib_h);
  cycle_cost(50, 20000);
  return 0;
}
