#pragma once
// What the autoscaler learns about one container from one collection of
// the lxc collector (never a second reader), and the per-container filter
// that turns raw counters into valid samples: CPU rate from the usage
// counter's delta, where the first sample after start, a restart (new
// init) and a counter that stepped back are not samples.
#include <cstdint>
#include <optional>

namespace edgestat::scale {

struct Reading {
  bool running = false;
  bool locked = false;           // Proxmox "lock:" set (backup, migrate...)
  uint64_t incarnation = 0;      // init start time: changes on restart
  double t_s = 0;                // monotonic time of the reading
  std::optional<double> cpu_usage_s;     // raw cumulative usage counter
  std::optional<double> cpu_quota;       // cores; nullopt: unlimited
  std::optional<double> mem_usage, mem_working_set;  // bytes (page cache excluded from the latter)
  std::optional<double> mem_limit, mem_high;         // bytes; nullopt: unlimited / absent
  std::optional<double> oom_kills, oom_events, max_events, high_events;  // memory.events counters
  std::optional<double> psi_mem_some_s;  // cumulative memory PSI "some" seconds
};

// Derived from two consecutive readings of the same incarnation.
struct Observed {
  bool valid = false;             // false: first sample, restart or counter reset
  double cpu_rate = 0;            // cores
  double oom_delta = 0;           // new OOM kills (or oom events) since last
  double pressure_events = 0;     // new memory high/max events since last
  double psi_mem_share = 0;       // PSI some seconds per second since last
};

class SampleFilter {
 public:
  // Feeds one reading; returns what can be trusted of it.
  Observed feed(const Reading& r);
  void reset() { have_ = false; }

 private:
  bool have_ = false;
  uint64_t incarnation_ = 0;
  double t_s_ = 0, cpu_ = 0, oom_ = 0, events_ = 0, psi_ = 0;
  bool has_psi_ = false;
};

}  // namespace edgestat::scale
