#pragma once
// [autoscale] and [autoscale.tier.NAME]: the LXC autoscaler's settings
// (scale/, app/autoscale_wiring.hpp). [autoscale] holds the global keys and
// the default policy; each tier selects containers (names or globs) and
// overrides any policy key, inheriting the rest from [autoscale] wherever
// in the file that section is. Every key is validated, errors name
// file:line (autoscale_schema.cpp). INI file only; a change needs a restart.
#include <cstddef>
#include <cstdint>

#include "config/config_types.hpp"

namespace edgestat {

// off: nothing computed; recommend: a dry run (computed and published,
// nothing changed); on: applied. A tier can be stricter than the global
// mode, never looser.
enum class AutoscaleMode : uint8_t { Off, Recommend, On };

// One tier's policy. CPU in cores, memory in bytes, times in ms. Defaults
// (autoscale_schema.cpp) follow VPA's recommender and lxc_autoscale.
struct TierPolicy {
  AutoscaleMode mode = AutoscaleMode::Recommend;
  double cpu_min = 0.25, cpu_max = 4, cpu_step = 0.25;
  double mem_min = 64.0 * 1048576, mem_max = 4096.0 * 1048576, mem_step = 32.0 * 1048576;
  // Off-peak (energy) minimums, between [autoscale] off_peak_start and
  // off_peak_end; equal to the minimums unless set lower.
  double off_peak_cpu_min = 0.25, off_peak_mem_min = 64.0 * 1048576;
  // Utilisation of the current limit that counts a sample above / below.
  double cpu_upper = 0.8, cpu_lower = 0.2, mem_upper = 0.8, mem_lower = 0.2;
  uint32_t up_samples = 3;     // consecutive samples above upper to grow
  uint32_t down_samples = 10;  // consecutive samples below lower to shrink
  int64_t up_cooldown_ms = 60000, down_cooldown_ms = 300000;
  // Largest change of one action, before the behaviour multiplier. A
  // shrink goes to what the recommendation keeps in one move (a staircase
  // of small shrinks is more actions and more rewrites of the LXC config
  // on flash, not more safety: the keep already holds the decaying peak,
  // and memory shrinks memory.high first and stops on pressure).
  double cpu_max_increment = 2, cpu_max_decrement = 4;
  double mem_max_increment = 1024.0 * 1048576, mem_max_decrement = 1024.0 * 1048576;
  // Never shrink below working set + mem_headroom, or CPU rate + cpu_headroom.
  double mem_headroom = 32.0 * 1048576, cpu_headroom = 0.1;
  // normal 1, conservative 0.5, aggressive 2: scales one action's change.
  double behaviour = 1;
  // Recommender (VPA's defaults).
  double half_life_s = 86400, target_percentile = 0.9, lower_percentile = 0.5, upper_percentile = 0.95;
  // CPU's own half-life, VPA's 24 h by default: CPU is compressible, so a
  // box that prefers cores back over a throttled minute can shorten it
  // while memory (forgetting a peak costs an OOM kill) keeps 24 h. Not
  // shorter by default: on the bench a 6 h or 2 h CPU half-life sheds a
  // periodic batch's cores and regrows them each time (README figures).
  double cpu_half_life_s = 86400;
  double margin = 0.15, oom_bump = 0.2, oom_min_bump = 100.0 * 1048576;
  uint32_t min_samples = 5;
  // Memory PSI "some" share of wall time above which shrinking stops.
  double psi_stop = 0.01;
};

// Tiers: a few classes of containers (lxc_autoscale's TIER_* sections).
inline constexpr size_t kMaxAutoscaleTiers = 8;
// Policy keys per section (bit per key in the "set" masks).
inline constexpr size_t kMaxPolicyKeys = 64;

struct AutoscaleTierConfig {
  FixedString<64> name;
  ConfigString file;  // where the section's first key is, for errors
  uint32_t line = 0;
  ConfigList containers;   // names or globs (fnmatch)
  uint32_t containers_line = 0;
  ConfigList tags;         // Proxmox tags: a container with any of them is in the tier
  uint32_t tags_line = 0;
  TierPolicy policy;
  uint64_t set_mask = 0;   // policy keys set in this section
  uint32_t key_lines[kMaxPolicyKeys] = {};
};

struct AutoscaleConfig {
  AutoscaleMode mode = AutoscaleMode::Off;
  double reserve_cpu = 1;                        // cores kept for the host
  double reserve_memory = 512.0 * 1048576;       // bytes kept for the host
  int32_t off_peak_start = -1, off_peak_end = -1;  // UTC hours; -1: no off-peak
  ConfigList ignore;                             // names or globs never touched
  bool persist = true;                           // also rewrite the LXC config
  ConfigString file;                             // where [autoscale] was, for errors
  uint32_t line = 0;
  uint32_t key_lines[kMaxPolicyKeys] = {};       // global keys' lines
  TierPolicy policy;                             // [autoscale]'s policy keys: every tier's defaults
  uint64_t set_mask = 0;
  FixedVector<AutoscaleTierConfig, kMaxAutoscaleTiers> tiers;
};

}  // namespace edgestat
