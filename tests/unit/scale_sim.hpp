#pragma once
// A simulated container for the autoscaler's tests and benchmark: demand
// in, readings out, the way the lxc collector would report them. CPU use
// is capped by the quota (the excess is throttled time); memory demand
// above the limit is an OOM kill (the counter rises, demand is shed).
#include <algorithm>

#include "scale/reading.hpp"

namespace edgestat::scale::sim {

constexpr double kMiB = 1048576.0;

struct Container {
  double cpu_limit = 1, mem_limit = 256 * kMiB;
  double cpu_counter = 0, oom_kills = 0, throttled_s = 0;
  double mem_events = 0;
  uint64_t incarnation = 1;
  double last_t = 0;
  bool started = false;

  // One collection at time t with this demand over the last interval.
  Reading step(double t, double cpu_demand, double mem_demand, double page_cache = 0) {
    double dt = started ? t - last_t : 0;
    started = true;
    last_t = t;
    double used = std::min(cpu_demand, cpu_limit);
    cpu_counter += used * dt;
    throttled_s += (cpu_demand - used) * dt;
    double ws = mem_demand;
    if (ws > mem_limit) {
      oom_kills += 1;
      mem_events += 1;
      ws = mem_limit * 0.5;  // the killed process's memory is freed
    }
    Reading r;
    r.running = true;
    r.incarnation = incarnation;
    r.t_s = t;
    r.cpu_usage_s = cpu_counter;
    r.cpu_quota = cpu_limit;
    r.mem_working_set = ws;
    r.mem_usage = ws + page_cache;
    r.mem_limit = mem_limit;
    r.oom_kills = oom_kills;
    r.max_events = mem_events;
    r.high_events = 0;
    r.psi_mem_some_s = 0;
    return r;
  }
};

}  // namespace edgestat::scale::sim
