#pragma once
// The autoscaler's vocabulary: resources, directions, modes, the reasons a
// decision is skipped, and one tier's policy parameters. Plain data, shared
// by the pure policy (recommend.hpp, decide.hpp), the config and the tests.
#include <cstdint>
#include <string_view>

namespace edgestat::scale {

enum class Resource : uint8_t { Cpu, Memory };
inline constexpr int kResources = 2;
std::string_view resource_name(Resource r);

enum class Direction : uint8_t { None, Up, Down };
std::string_view direction_name(Direction d);

// off: nothing computed; recommend: computed and published, never applied
// (a dry run); on: applied.
enum class Mode : uint8_t { Off, Recommend, On };
std::string_view mode_name(Mode m);

// Why a cycle did not act on a container, as lxc_autoscaler_decision_
// skipped_total{reason}. None: no refusal (nothing to do, or an action).
enum class Skip : uint8_t {
  None,
  NoSample,        // first sample, restart or counter reset: not a sample
  WarmingUp,       // fewer than min_samples in the histogram
  Cooldown,        // the direction's cooldown has not elapsed
  HostReserve,     // admission control: the host has no room left
  AtBound,         // already at the tier's bound (max up, floor down)
  MemoryPressure,  // shrink stopped: PSI, high/max or OOM events rose
  Stopped,         // the container is not running
  Locked,          // Proxmox lock (backup, migration...)
  Restarted,       // the container restarted while its action was pending
  Busy,            // an action on this container is still in flight
  ActuatorFailed,  // the write failed or did not read back (counted, not retried at once)
  Unlimited,       // memory/CPU unlimited and no tier max to start from
};
inline constexpr int kSkipReasons = 13;
std::string_view skip_name(Skip s);

// One tier's parameters. CPU in cores, memory in bytes, times in ms.
// Defaults follow VPA's recommender (histogram half-life 24 h, target
// percentile 0.9, margin 15 %, OOM bump 20 % or 100 MiB) and
// lxc_autoscale's thresholds (80 %/20 %), scaled for an edge box.
struct TierPolicy {
  Mode mode = Mode::Recommend;
  double cpu_min = 0.25, cpu_max = 4, cpu_step = 0.25;
  double mem_min = 64.0 * 1048576, mem_max = 4096.0 * 1048576, mem_step = 32.0 * 1048576;
  // Off-peak (energy) minimums: the floor between off_peak_start and
  // off_peak_end hours (UTC); equal to the minimums unless set lower.
  double off_peak_cpu_min = 0.25, off_peak_mem_min = 64.0 * 1048576;
  // Utilisation of the current limit that counts a sample above / below.
  double cpu_upper = 0.8, cpu_lower = 0.2, mem_upper = 0.8, mem_lower = 0.2;
  uint32_t up_samples = 3;     // consecutive samples above upper to grow
  uint32_t down_samples = 10;  // consecutive samples below lower to shrink
  int64_t up_cooldown_ms = 60000, down_cooldown_ms = 300000;
  // Largest change of one action (before the behaviour multiplier).
  double cpu_max_increment = 2, cpu_max_decrement = 1;
  double mem_max_increment = 1024.0 * 1048576, mem_max_decrement = 128.0 * 1048576;
  // Never shrink below working set + mem_headroom, or CPU rate + cpu_headroom.
  double mem_headroom = 32.0 * 1048576, cpu_headroom = 0.1;
  // normal 1, conservative 0.5, aggressive 2: scales the per-action change.
  double behaviour = 1;
  // Recommender.
  double half_life_s = 86400, target_percentile = 0.9, lower_percentile = 0.5, upper_percentile = 0.95;
  double margin = 0.15, oom_bump = 0.2, oom_min_bump = 100.0 * 1048576;
  uint32_t min_samples = 5;
  // Memory PSI "some" share of wall time above which shrinking stops.
  double psi_stop = 0.01;
};

}  // namespace edgestat::scale
